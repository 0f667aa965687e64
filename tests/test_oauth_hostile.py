"""Hostile OAuth2 servers and local processes (issue 11, points 4-6 and 14), against the real local
HTTPS authorization server (tests/fakes/oauth_server.py, its `Hostile` answers) and the app's real
loopback listener. Nothing is patched but the module constants that set polling speeds."""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fakes.oauth_server import DROP, AuthorizationServer, Hostile, play_browser
from fakes.smtp_servers import TestCerts

from crm_mail_gui.core import oauth
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.core.printable import is_safe, printable

pytestmark = pytest.mark.e2e

CLIENT_ID = "test-client"
USER = "alice@example.com"
REACHED_EN = "was reached"
REACHED_JA = "接続できました"

# Terminal and log injection: what a server puts into text we show (issue 11.4).
TERMINAL_ESCAPES = {
    "csi_clear_screen": "\x1b[2J\x1b[H",
    "osc0_window_title": "\x1b]0;pwned\x07",
    "osc52_clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "bare_cr_overwrite": "ok\rFAKE: Test Mail Sent.",
    "lf_fake_line": "x\nFAKE: Test Mail Sent.",
    "bidi_override": "abc\u202edcba",
    "bidi_isolate": "\u2066evil\u2069",
    "c1_csi": "\x9b2J",
    "nul_and_del": "a\x00b\x7f",
    "line_separator": "a\u2028b",
    "zero_width_space": "a\u200bb",
    "tag_character": "a\U000e0041",
}
ESCAPES = pytest.mark.parametrize("hostile", TERMINAL_ESCAPES.values(), ids=TERMINAL_ESCAPES.keys())


def assert_safe(text: str) -> None:
    """Nothing in `text` can act on a terminal, a log viewer or a label."""
    bad = [char for char in text if not is_safe(char)]
    assert not bad, f"unescaped {bad!r} in {text!r}"


@pytest.fixture
def client(auth_server: AuthorizationServer, certs: TestCerts) -> oauth.Client:
    provider = oauth.load_providers()["microsoft"]
    return oauth.Client(
        provider, CLIENT_ID, authority=auth_server.base_url, ca_file=certs.ca_file, timeout=2.0
    )


@pytest.fixture
def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real clamping logic on a shorter scale: 50 ms floor, 0.3 s ceiling, 0.1 s slow_down."""
    monkeypatch.setattr(oauth, "MIN_POLL_INTERVAL", 0.05)
    monkeypatch.setattr(oauth, "MAX_POLL_INTERVAL", 0.3)
    monkeypatch.setattr(oauth, "SLOW_DOWN_STEP", 0.1)


def invalid_answer(call: Callable[[], object]) -> oauth.OAuthError:
    """`call` raises OAuthError invalid_answer, whose message says the server was reached."""
    with pytest.raises(oauth.OAuthError) as caught:
        call()
    error = caught.value
    assert error.kind == "invalid_answer", (error.kind, error.detail)
    assert REACHED_EN in error.message("en") and REACHED_JA in error.message("ja")
    assert "Cannot reach" not in error.message("en")
    assert_safe(error.message("en"))
    return error


def refresh_answer(client: oauth.Client) -> Callable[[], oauth.Tokens]:
    return lambda: oauth.refresh(client, "a-refresh-token")


# --------------------------------------------------------------------------- 14. token answers

MALFORMED_TOKEN_ANSWERS: dict[str, Any] = {
    "list": [{"access_token": "at", "token_type": "Bearer"}],
    "string": "access_token=at",
    "number": 42,
    "null": None,
    "true": True,
    "empty_object": {},
    "access_token_empty": {"access_token": ""},
    "access_token_number": {"access_token": 12345},
    "access_token_list": {"access_token": ["at"]},
    "access_token_object": {"access_token": {"a": 1}},
    "access_token_space": {"access_token": "at x"},
    "access_token_crlf": {"access_token": "at\r\nRCPT TO:<x@evil.example>"},
    "access_token_escape": {"access_token": "at\x1b[2J"},
    "access_token_non_ascii": {"access_token": "токен"},
    "expires_in_text": {"access_token": "at", "expires_in": "abc"},
    "expires_in_list": {"access_token": "at", "expires_in": [3600]},
    "expires_in_object": {"access_token": "at", "expires_in": {"s": 1}},
    "expires_in_bool": {"access_token": "at", "expires_in": True},
    "expires_in_float_text": {"access_token": "at", "expires_in": "1e3"},
    "expires_in_full_width": {"access_token": "at", "expires_in": "３６００"},
    "expires_in_superscript": {"access_token": "at", "expires_in": "³⁶⁰⁰"},
    "expires_in_infinity": {"access_token": "at", "expires_in": float("inf")},
    "expires_in_nan": {"access_token": "at", "expires_in": float("nan")},
    "refresh_token_number": {"access_token": "at", "refresh_token": 12345},
    "refresh_token_list": {"access_token": "at", "refresh_token": ["rt"]},
    "refresh_token_object": {"access_token": "at", "refresh_token": {"a": "b"}},
    "refresh_token_space": {"access_token": "at", "refresh_token": "r t"},
    "refresh_token_osc52": {"access_token": "at", "refresh_token": "\x1b]52;c;SGk=\x07"},
    "token_type_mac": {"access_token": "at", "token_type": "mac"},
    "token_type_number": {"access_token": "at", "token_type": 1},
    "token_type_list": {"access_token": "at", "token_type": ["Bearer"]},
}


@pytest.mark.parametrize(
    "answer", MALFORMED_TOKEN_ANSWERS.values(), ids=MALFORMED_TOKEN_ANSWERS.keys()
)
def test_malformed_token_answer_is_an_invalid_answer(
    auth_server: AuthorizationServer, client: oauth.Client, answer: Any
) -> None:
    auth_server.hostile = Hostile(value=answer, status=200)
    invalid_answer(refresh_answer(client))
    assert auth_server.hostile_answers == 1


BROKEN_BODIES: dict[str, bytes] = {
    "html_page": b"<!doctype html><html><body><h1>Sign in</h1></body></html>",
    "empty": b"",
    "not_utf8": b'{"access_token": "\xff\xfe"}',
    "truncated_json": b'{"access_token": "at", "expires_in": ',
    "deep_array": b"[" * 100_000 + b"]" * 100_000,
    "deep_inside_object": b'{"access_token": "at", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "deep_object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "int_5000_digits": b'{"access_token": "at", "expires_in": ' + b"9" * 5000 + b"}",
    "float_overflow": b'{"access_token": "at", "expires_in": 1e999}',
    "nan_literal": b'{"access_token": "at", "expires_in": NaN}',
    "deep_error_value": b'{"error": ' + b"[" * 60_000 + b"]" * 60_000 + b"}",
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
def test_body_that_is_not_a_token_answer_is_an_invalid_answer(
    auth_server: AuthorizationServer, client: oauth.Client, body: bytes
) -> None:
    auth_server.hostile = Hostile(body=body, status=200, content_type="text/html")
    invalid_answer(refresh_answer(client))


BROKEN_HTTP: dict[str, bytes] = {
    "closed_without_answer": b"",
    "garbage_status_line": b"garbage\r\n\r\n",
    "status_out_of_range": b"HTTP/1.1 9999 Odd\r\nContent-Length: 2\r\n\r\n{}",
    "too_many_headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 150 + b"\r\n{}",
    "header_line_too_long": b"HTTP/1.1 200 OK\r\nX-A: " + b"b" * 70_000 + b"\r\n\r\n{}",
    "body_shorter_than_length": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{",
    "json_cut_short_of_its_length": (
        b'HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n{"access_token": "at"}'
    ),
    "bad_chunked_body": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
}


@pytest.mark.parametrize("response", BROKEN_HTTP.values(), ids=BROKEN_HTTP.keys())
def test_answer_that_is_not_http_is_an_invalid_answer(
    auth_server: AuthorizationServer, client: oauth.Client, response: bytes
) -> None:
    auth_server.hostile = Hostile(response=response)
    invalid_answer(refresh_answer(client))


def test_a_redirect_from_the_token_endpoint_is_not_followed(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    elsewhere = f"{auth_server.base_url}/elsewhere"
    response = f"HTTP/1.1 307 Moved\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\n\r\n"
    auth_server.hostile = Hostile(response=response.encode())
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    assert caught.value.kind == "server_error" and "HTTP 307" in caught.value.message("en")
    assert ("POST", "/elsewhere") not in auth_server.requests
    assert ("GET", "/elsewhere") not in auth_server.requests


def id_token_raw(payload: bytes) -> str:
    """An unsigned JWT with this payload."""
    return f"e30.{base64.urlsafe_b64encode(payload).decode().rstrip('=')}.x"


def id_token(claims: object) -> str:
    return id_token_raw(json.dumps(claims).encode())


ACCEPTED_TOKEN_ANSWERS: dict[str, tuple[dict[str, Any], float, str]] = {
    # name: (answer fields beside access_token, expected lifetime, expected account)
    "expires_in_digits_text": ({"expires_in": "3599"}, 3599, ""),
    "expires_in_absent": ({}, 3600, ""),
    "expires_in_huge": ({"expires_in": 10**30}, 86400, ""),
    "expires_in_negative": ({"expires_in": -5}, 0, ""),
    "expires_in_float": ({"expires_in": 3599.5}, 3599.5, ""),
    "token_type_lower_case": ({"token_type": "bearer"}, 3600, ""),
    "refresh_token_null": ({"refresh_token": None}, 3600, ""),
    "id_token_number": ({"id_token": 12345}, 3600, ""),
    "id_token_not_base64_json": ({"id_token": "a.b.c"}, 3600, ""),
    "id_token_payload_list": ({"id_token": id_token(["a"])}, 3600, ""),
    "id_token_payload_deep": ({"id_token": id_token_raw(b"[" * 50_000)}, 3600, ""),
    "id_token_email_not_a_string": ({"id_token": id_token({"email": ["a"]})}, 3600, ""),
    "id_token_email_escape": (
        {"id_token": id_token({"email": "a\x1b]52;c;SGk=\x07@b.example"})},
        3600,
        "a\\x1b]52;c;SGk=\\x07@b.example",
    ),
}


@pytest.mark.parametrize(
    ("fields", "lifetime", "account"),
    ACCEPTED_TOKEN_ANSWERS.values(),
    ids=ACCEPTED_TOKEN_ANSWERS.keys(),
)
def test_odd_but_harmless_token_answer_is_accepted_within_bounds(
    auth_server: AuthorizationServer,
    client: oauth.Client,
    fields: dict[str, Any],
    lifetime: float,
    account: str,
) -> None:
    auth_server.hostile = Hostile(value={"access_token": "at-1", **fields}, status=200)
    before = time.time()
    tokens = oauth.refresh(client, "kept-refresh-token")
    assert tokens.access_token == "at-1"
    assert tokens.refresh_token == "kept-refresh-token"
    assert before + lifetime - 1 <= tokens.expires_at <= time.time() + lifetime + 1
    assert tokens.account == account


@pytest.mark.parametrize(
    "fields",
    [{"expires_in": "abc"}, {"refresh_token": 12345}, {"access_token": DROP}],
    ids=["expires_in_abc", "refresh_token_12345", "no_access_token"],
)
def test_sign_in_with_a_broken_token_answer_says_so_and_stores_nothing(
    auth_server: AuthorizationServer,
    client: oauth.Client,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
    fields: dict[str, Any],
) -> None:
    """The code was redeemed (tokens issued), but the answer is broken: a clear error, no crash."""
    auth_server.hostile = Hostile(fields=fields)
    error = invalid_answer(
        lambda: oauth.sign_in(client, lambda url: play_browser(url, certs.ca_file))
    )
    assert next(iter(fields)) in error.message("en")
    assert auth_server.token_requests[-1]["status"] == 200  # issued, then spoilt by the fake
    assert memory_keyring.entries == {}


# --------------------------------------------------------------------------- 6. time and size


def test_dribbled_body_ends_at_the_total_timeout(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    """One byte every 50 ms never trips a per-recv timeout; the total bound of 0.5 s does."""
    client = dataclasses.replace(client, timeout=0.5)
    auth_server.hostile = Hostile(delay=0.05)  # the normal (error) answer, ~600 bytes: 30 s
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    elapsed = time.monotonic() - started
    assert caught.value.kind == "slow_answer"
    assert "0.5 s" in caught.value.message("en") and REACHED_EN in caught.value.message("en")
    assert 0.45 <= elapsed < 1.5, elapsed


def test_dribbled_headers_end_at_the_total_timeout(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    client = dataclasses.replace(client, timeout=0.5)
    response = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"z" * 400 + b"\r\n\r\n{}"
    auth_server.hostile = Hostile(response=response, delay=0.05)
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    assert caught.value.kind == "slow_answer"
    assert time.monotonic() - started < 1.5


def test_dribbled_device_poll_ends_at_the_total_timeout(
    auth_server: AuthorizationServer, client: oauth.Client, fast_polling: None
) -> None:
    client = dataclasses.replace(client, timeout=0.5)
    device = oauth.start_device_flow(client)
    auth_server.hostile = Hostile(delay=0.05)
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.poll_device_flow(client, device)
    assert caught.value.kind == "slow_answer"
    assert time.monotonic() - started < 2.5


HUGE = 2 << 20  # 2 MiB


@pytest.mark.parametrize(
    "hostile",
    [
        Hostile(body=b" " * HUGE + b"{}", status=200),
        Hostile(body=b'{"access_token": "' + b"a" * HUGE + b'"}', status=200),
        Hostile(body=b'{"error": "' + b"e" * HUGE + b'"}', status=400),
        Hostile(body=b"", status=200, endless=True),
    ],
    ids=["spaces_with_length", "huge_token", "huge_error_answer", "endless_without_length"],
)
def test_huge_answer_is_refused_at_1_mib(
    auth_server: AuthorizationServer, client: oauth.Client, hostile: Hostile
) -> None:
    auth_server.hostile = hostile
    started = time.monotonic()
    error = invalid_answer(refresh_answer(client))
    assert "larger than" in error.message("en")
    assert time.monotonic() - started < 2


# --------------------------------------------------------------------------- 4. escaping


@ESCAPES
def test_error_description_from_the_token_endpoint_is_escaped(
    auth_server: AuthorizationServer, client: oauth.Client, hostile: str
) -> None:
    answer = {"error": "invalid_request", "error_description": f"Bad {hostile} request"}
    auth_server.hostile = Hostile(value=answer, status=400)
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    for text in (caught.value.message("en"), caught.value.message("ja"), str(caught.value)):
        assert_safe(text)
        assert printable(hostile) in text  # visible, escaped: the admin sees what came


@ESCAPES
def test_error_code_from_the_token_endpoint_is_escaped(
    auth_server: AuthorizationServer, client: oauth.Client, hostile: str
) -> None:
    auth_server.hostile = Hostile(value={"error": hostile}, status=400)
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    assert caught.value.kind == "server_error"
    assert_safe(caught.value.message("en"))


def test_microsoft_multi_line_error_description_reads_as_one_line(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    """AADSTS texts separate "Trace ID:" etc. with CRLF: shown as spaces, not as \\r\\n."""
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "an-unknown-refresh-token")
    message = caught.value.detail  # logged and shown by "server_error"-like kinds
    assert caught.value.kind == "sign_in_again"
    assert "AADSTS70008" in message and " Trace ID: " in message and "\\r" not in message
    assert_safe(message)


def test_long_error_description_is_cut(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    answer = {"error": "invalid_request", "error_description": "x" * 100_000}
    auth_server.hostile = Hostile(value=answer, status=400)
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    assert len(caught.value.message("en")) < 700


@pytest.mark.parametrize("error", [["x"], {"a": {"b": 1}}, 12345, True, ""])
def test_error_that_is_not_a_string_is_still_an_error(
    auth_server: AuthorizationServer, client: oauth.Client, error: object
) -> None:
    auth_server.hostile = Hostile(value={"error": error, "error_description": 5}, status=400)
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(client, "a-refresh-token")
    assert caught.value.kind == "server_error"


@ESCAPES
def test_error_description_in_the_redirect_is_escaped(
    auth_server: AuthorizationServer, client: oauth.Client, hostile: str
) -> None:
    """The browser comes back with this sign-in's state and an error text (server-controlled)."""

    def refusing_browser(auth_url: str) -> None:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
        answer = {"error": f"denied{hostile}", "error_description": f"No {hostile}."}
        get(params["redirect_uri"], {"state": params["state"], **answer})

    with pytest.raises(oauth.OAuthError) as caught:
        oauth.sign_in(client, refusing_browser, timeout=5)
    assert caught.value.kind == "denied"
    assert_safe(caught.value.message("en"))
    assert printable(hostile) in caught.value.message("en")


@ESCAPES
def test_device_code_texts_are_escaped(
    auth_server: AuthorizationServer, client: oauth.Client, hostile: str
) -> None:
    fields = {"user_code": f"AB{hostile}CD", "message": f"Enter {hostile} there"}
    auth_server.hostile = Hostile(endpoint="devicecode", fields=fields)
    device = oauth.start_device_flow(client)
    assert_safe(device.user_code)
    assert_safe(device.message)
    assert device.user_code == printable(f"AB{hostile}CD")
    assert device.verification_uri == f"{auth_server.base_url}/devicelogin"


@pytest.mark.parametrize(
    "user_code",
    ["<b>ABCD</b>", "<img src=x>", "AB&amp;CD", "", "   ", 12345, ["ABCD"], DROP],
    ids=["bold", "img", "entity", "empty", "blank", "number", "list", "missing"],
)
def test_user_code_that_is_not_a_code_is_refused(
    auth_server: AuthorizationServer, client: oauth.Client, user_code: object
) -> None:
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"user_code": user_code})
    error = invalid_answer(lambda: oauth.start_device_flow(client))
    assert "user_code" in error.message("en")


BAD_VERIFICATION_URIS = {
    "plain_http": "http://127.0.0.1/devicelogin",
    "javascript": "javascript:alert(1)",
    "file": "file:///etc/passwd",
    "userinfo_hides_host": "https://login.microsoftonline.com@evil.example/devicelogin",
    "escape_inside": "https://login.example/\x1b[2J",
    "bidi_inside": "https://login.example/\u202egol",
    "newline_inside": "https://login.example/\nFAKE",
    "no_host": "https:///devicelogin",
    "only_scheme": "https://",
    "bad_ipv6": "https://[::1/devicelogin",
    "bad_port": "https://login.example:99999/",
    "scheme_relative": "//login.example/devicelogin",
    "markup": "https://login.example/<script>",
    "space": "https://login.example/ a",
    "non_ascii_host": "https://lоgin.example/",  # Cyrillic "о"
    "empty": "",
    "number": 12345,
    "missing": DROP,
}


@pytest.mark.parametrize("uri", BAD_VERIFICATION_URIS.values(), ids=BAD_VERIFICATION_URIS.keys())
def test_verification_uri_must_be_an_https_url(
    auth_server: AuthorizationServer, client: oauth.Client, uri: object
) -> None:
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"verification_uri": uri})
    error = invalid_answer(lambda: oauth.start_device_flow(client))
    assert "verification_uri" in error.message("en")


def test_google_style_verification_url_is_accepted(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    url = f"{auth_server.base_url}/device?x=1&y=2"
    fields = {"verification_uri": DROP, "verification_url": url}
    auth_server.hostile = Hostile(endpoint="devicecode", fields=fields)
    assert oauth.start_device_flow(client).verification_uri == url


# --------------------------------------------------------------------------- 5. loopback


def get(url: str, params: dict[str, str] | None = None, raw_query: str | None = None) -> int:
    """GET a loopback URL (no proxy); the status code."""
    if params is not None:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    elif raw_query is not None:
        url = f"{url}?{raw_query}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def stray_requests(state: str) -> list[tuple[str, str | None]]:
    """(path, raw query) of what other local processes (or a confused browser) might send."""
    forged = urllib.parse.urlencode
    return [
        ("/", forged({"code": "forged-code", "state": "forged"})),
        ("/", forged({"error": "access_denied", "state": "forged"})),
        ("/", forged({"code": "no-state"})),
        ("/", forged({"error": "access_denied"})),
        ("/", forged({"code": "forged-code", "state": state[:-1]})),  # a prefix of the real one
        ("/", forged({"code": "forged-code", "state": state + "x"})),
        ("/", forged({"code": "forged-code", "state": "é" * 8})),  # non-ASCII
        ("/", f"code=forged-code&state={state}&state={state}"),  # repeated parameter
        ("/", forged({"state": state})),  # the right state, but neither code nor error
        ("/", None),
        ("/favicon.ico", None),
        ("/robots.txt", forged({"code": "x", "state": state})),
    ]


def test_stray_requests_are_ignored_and_the_real_redirect_signs_in(
    auth_server: AuthorizationServer, client: oauth.Client, certs: TestCerts
) -> None:
    answers: list[int] = []

    def browser(auth_url: str) -> None:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
        base = params["redirect_uri"].rstrip("/")
        for path, query in stray_requests(params["state"]):
            answers.append(get(base + path, raw_query=query))
        play_browser(auth_url, certs.ca_file)

    tokens = oauth.sign_in(client, browser, timeout=5)
    assert tokens.account == USER
    assert answers == [400] * 10 + [404, 404]
    grants = [r for r in auth_server.token_requests if r["grant_type"] == "authorization_code"]
    assert len(grants) == 1 and grants[0]["status"] == 200  # only the real code was redeemed


def test_idle_local_connections_do_not_block_the_redirect(
    auth_server: AuthorizationServer, client: oauth.Client, certs: TestCerts
) -> None:
    """A local process that connects and sends nothing (or half a line) holds nothing up."""
    idle: list[socket.socket] = []

    def browser(auth_url: str) -> None:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
        port = urllib.parse.urlsplit(params["redirect_uri"]).port
        for first in (b"", b"GET /?state=", b"GET / HTTP/1.1\r\nHost: x\r\n"):
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(first)
            idle.append(sock)
        time.sleep(0.2)  # let the listener accept them first
        play_browser(auth_url, certs.ca_file, timeout=3)

    started = time.monotonic()
    try:
        tokens = oauth.sign_in(client, browser, timeout=4)
    finally:
        for sock in idle:
            sock.close()
    assert tokens.account == USER
    assert time.monotonic() - started < 2


# --------------------------------------------------------------------------- 6. device polling


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (0, 5.0),
        (-1, 5.0),
        (0.001, 5.0),
        (1e9, 60.0),
        (10**40, 60.0),
        (7, 7.0),
        ("7", 7.0),
        (DROP, 5.0),
        (None, 5.0),
    ],
    ids=["zero", "negative", "tiny", "1e9", "huge_int", "seven", "seven_text", "absent", "null"],
)
def test_interval_is_clamped_to_rfc_8628(
    auth_server: AuthorizationServer, client: oauth.Client, interval: object, expected: float
) -> None:
    """With the real constants: at least 5 s, at most 60 s, 5 s when the server names none."""
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"interval": interval})
    assert oauth.start_device_flow(client).interval == expected


@pytest.mark.parametrize(
    "field",
    [
        {"interval": "abc"},
        {"interval": True},
        {"interval": [5]},
        {"interval": float("inf")},
        {"interval": float("nan")},
        {"expires_in": "abc"},
        {"expires_in": {}},
    ],
    ids=[
        "interval_abc",
        "interval_bool",
        "interval_list",
        "interval_inf",
        "interval_nan",
        "expires_in_abc",
        "expires_in_object",
    ],
)
def test_device_answer_with_junk_numbers_is_an_invalid_answer(
    auth_server: AuthorizationServer, client: oauth.Client, field: dict[str, object]
) -> None:
    auth_server.hostile = Hostile(endpoint="devicecode", fields=field)
    error = invalid_answer(lambda: oauth.start_device_flow(client))
    assert next(iter(field)) in error.message("en")


@pytest.mark.parametrize("expires_in", [2, 0, -1, 4.9], ids=["2", "0", "negative", "4.9"])
def test_code_that_expires_before_the_first_poll_ends_at_once(
    auth_server: AuthorizationServer, client: oauth.Client, expires_in: float
) -> None:
    """Real constants: interval 5 s, the code lives less: no 5 s wait, no request."""
    fields = {"interval": 5, "expires_in": expires_in}
    auth_server.hostile = Hostile(endpoint="devicecode", fields=fields)
    device = oauth.start_device_flow(client)
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.poll_device_flow(client, device)
    assert caught.value.kind == "expired_code"
    assert time.monotonic() - started < 0.5
    assert auth_server.token_requests == []


def test_device_lifetime_is_capped(auth_server: AuthorizationServer, client: oauth.Client) -> None:
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"expires_in": 1e9})
    device = oauth.start_device_flow(client)
    assert device.expires_at <= time.monotonic() + oauth.MAX_DEVICE_LIFETIME


def poll_in_background(
    client: oauth.Client, device: oauth.DeviceCode, cancel: CancelToken
) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["tokens"] = oauth.poll_device_flow(client, device, cancel)
        except oauth.OAuthError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("interval", [0, -1, 0.0001], ids=["zero", "negative", "tiny"])
def test_polling_never_floods_the_server(
    auth_server: AuthorizationServer, client: oauth.Client, fast_polling: None, interval: float
) -> None:
    """An interval below the floor polls at the floor (50 ms here): ~12 requests in 0.6 s."""
    auth_server.enforce_interval = False
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"interval": interval})
    device = oauth.start_device_flow(client)
    cancel = CancelToken()
    thread, outcome = poll_in_background(client, device, cancel)
    time.sleep(0.6)
    cancel.cancel()
    thread.join(5)
    assert outcome["error"].kind == "cancelled"
    assert 3 <= len(auth_server.token_requests) <= 13, len(auth_server.token_requests)
    times = [request["time"] for request in auth_server.token_requests]
    assert all(b - a >= 0.045 for a, b in itertools.pairwise(times)), times


def test_huge_interval_is_capped_and_the_sign_in_still_finishes(
    auth_server: AuthorizationServer, client: oauth.Client, fast_polling: None
) -> None:
    auth_server.hostile = Hostile(endpoint="devicecode", fields={"interval": 1e9})
    device = oauth.start_device_flow(client)
    assert device.interval == 0.3
    auth_server.approve_device(auth_server.issued_user_codes[0])
    cancel = CancelToken()
    thread, outcome = poll_in_background(client, device, cancel)
    thread.join(3)
    cancel.cancel()  # only if it hung
    thread.join(5)
    assert "tokens" in outcome, outcome
    assert outcome["tokens"].account == USER


def test_slow_down_adds_the_step_every_time(
    auth_server: AuthorizationServer, client: oauth.Client, fast_polling: None
) -> None:
    """Three slow_down answers: the gaps grow by the step (0.1 s here) each time, RFC 8628 3.5."""
    auth_server.device_interval = 0  # the floor (0.05 s)
    device = oauth.start_device_flow(client)
    auth_server.hostile = Hostile(value={"error": "slow_down"}, status=400, times=3)

    def approve_after_four_polls() -> None:
        deadline = time.monotonic() + 5
        requests = auth_server.token_requests
        while time.monotonic() < deadline and (len(requests) < 4 or not requests[3]["status"]):
            time.sleep(0.01)
        auth_server.approve_device(auth_server.issued_user_codes[0])

    approver = threading.Thread(target=approve_after_four_polls)
    approver.start()
    started = time.monotonic()
    tokens = oauth.poll_device_flow(client, device)
    approver.join()
    assert tokens.account == USER
    times = [started] + [request["time"] for request in auth_server.token_requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    expected = [0.05, 0.15, 0.25, 0.35, 0.35]
    assert len(gaps) == len(expected), gaps
    for gap, wanted in zip(gaps, expected, strict=True):
        assert wanted - 0.01 <= gap < wanted + 0.25, (gaps, expected)


def test_pending_until_the_code_expires_ends_with_expired_code(
    auth_server: AuthorizationServer, client: oauth.Client, fast_polling: None
) -> None:
    auth_server.enforce_interval = False
    fields = {"interval": 0, "expires_in": 0.5}
    auth_server.hostile = Hostile(endpoint="devicecode", fields=fields)
    device = oauth.start_device_flow(client)
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.poll_device_flow(client, device)
    assert caught.value.kind == "expired_code"
    assert time.monotonic() - started < 0.8
    assert 2 <= len(auth_server.token_requests) <= 10


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """The watchdog's timers and the listener's threads end with each request / sign-in."""
    yield
    deadline = time.monotonic() + 2
    names = ("oauth-redirect",)
    while time.monotonic() < deadline and any(t.name in names for t in threading.enumerate()):
        time.sleep(0.02)
    assert not [t for t in threading.enumerate() if t.name in names]
