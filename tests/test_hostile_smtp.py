"""Hostile SMTP servers on 127.0.0.1 against the real engine (issue 11: points 1, 10, 20, smaller).

STARTTLS response injection and bytes before implicit TLS, reply codes that are not three ASCII
digits, a server's last reply before it hangs up, dribbled greetings, and a hypothesis test that
feeds arbitrary bytes as server replies at every step.
"""

from __future__ import annotations

import base64
import io
import sys
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import (
    DEFAULT_USERS,
    ECHO,
    HOST,
    RAW_STEPS,
    FaultServer,
    RawReplyServer,
    TestCerts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_mail_gui.cli import main
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.core.delivery import Outcome, deliver, xoauth2_string
from crm_mail_gui.core.errors import DeliveryError, Failure, Kind
from crm_mail_gui.core.settings import MailSettings, build_settings

pytestmark = pytest.mark.e2e

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
WRONG_PASSWORD = "wrong-パスワード-9"
RCPT = "bob@example.org"
FaultFactory = Callable[..., FaultServer]

# What a STARTTLS injector (or a server that talks before TLS) sends as plain text: forged EHLO,
# AUTH and transaction replies, the whole forged session at once, and non-SMTP bytes.
FORGED_SESSION = (
    b"250-fault.example\r\n250 AUTH PLAIN LOGIN\r\n235 2.7.0 ok\r\n250 2.1.0 ok\r\n"
    b"250 2.1.5 ok\r\n354 go ahead\r\n250 2.0.0 queued\r\n221 bye\r\n"
)
INJECTIONS = [
    b"250 AUTH PLAIN\r\n",
    b"250-fault.example\r\n250 AUTH PLAIN LOGIN\r\n",
    b"235 2.7.0 ok\r\n",
    b"250 ok\r\n",
    b"354 go ahead\r\n",
    b"250 2.0.0 queued\r\n",
    FORGED_SESSION,
    b"421 4.7.0 injected\r\n",
    b"250 ok",
    b"\r\n",
    b"2",
    b"\x00\xff\x1b[2J",
]
# TLS-shaped records. Arriving after the ClientHello they reach OpenSSL, which ignores an empty
# one (then the real server answers the wrong password) or rejects the rest: never an SMTP reply.
TLS_RECORDS = [
    b"\x16\x03\x01\x00\x00",
    b"\x14\x03\x03\x00\x01\x01",
    b"\x15\x03\x03\x00\x02\x02\x28",
    b"\x17\x03\x03\x00\x05hello",
    b"\x16\x03\x03\x00\x04\x02\x00\x00\x00",
]
INJECTION_IDS = [f"inject{i}" for i in range(len(INJECTIONS))]
# None: in the same send as the 220 (one TCP segment); 0.0: a send of its own at once; 0.05: a
# little later, when the client may already have sent its ClientHello.
DELAYS = [None, 0.0, 0.05]


# --------------------------------------------------------------------------- helpers


def make_settings(certs: TestCerts, server: str, **values: Any) -> MailSettings:
    data: dict[str, object] = {
        "server": server,
        "user": USER,
        "from": USER,
        "to": RCPT,
        "ca_file": certs.ca_file,
        "timeout": 2,
    }
    data.update(values)
    return build_settings(data)


def secret_forms(password: str) -> list[str]:
    """The password and the base64 forms in which it could leak (alone, or in AUTH PLAIN)."""
    alone = base64.b64encode(password.encode()).decode()
    plain = base64.b64encode(f"\0{USER}\0{password}".encode()).decode()
    bearer = xoauth2_string(USER, password)
    return [password, alone, alone.rstrip("="), plain, plain.rstrip("="), bearer]


def assert_clean(error: DeliveryError, password: str) -> None:
    """No form of the password in anything the failure can show."""
    failure = error.failure
    texts = [
        "\n".join(error.transcript),
        failure.describe("en"),
        failure.describe("ja"),
        str(error),
        repr(failure),
    ]
    for text in texts:
        for form in secret_forms(password):
            assert form not in text


def failing(settings: MailSettings, password: str | None = PASSWORD) -> Failure:
    with pytest.raises(DeliveryError) as info:
        deliver(settings, password)
    if password:
        assert_clean(info.value, password)
    return info.value.failure


@pytest.fixture(scope="module")
def raw_server() -> Iterator[RawReplyServer]:
    """One raw reply server for the module; each test sets its ``plan``."""
    with RawReplyServer() as server:
        yield server


OAUTH = {"provider": "microsoft", "client_id": "test-client"}
ACCESS_TOKEN = "ya29.access-token-トークン"


def raw_settings(certs: TestCerts, server: RawReplyServer, **values: Any) -> MailSettings:
    """Plain text with AUTH allowed, so that every step up to DATA runs against the raw server."""
    values = {"allow_unencrypted_auth": True, "timeout": 1, **values}
    return make_settings(certs, f"{HOST}:{server.port}", **values)


# --------------------------------------------------------------------------- 1. STARTTLS injection


@pytest.mark.parametrize("delay", DELAYS, ids=["same-segment", "apart", "delayed"])
@pytest.mark.parametrize("inject", INJECTIONS, ids=INJECTION_IDS)
def test_starttls_injection_is_never_read_as_a_reply(
    fault_server: FaultFactory, certs: TestCerts, inject: bytes, delay: float | None
) -> None:
    server = fault_server("starttls_inject", inject=inject, inject_delay=delay, users=DEFAULT_USERS)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failure = failing(settings, WRONG_PASSWORD)
    assert failure.kind == Kind.PROTOCOL_VIOLATION
    assert failure.step == "starttls"
    assert failure.hint_key == "starttls_injection"
    assert failure.suggested_server is None  # nothing to switch to: the port is right
    assert server.auth_attempts == [] and server.messages == []  # not a byte after the 220
    assert failure.exit_code == 3


@pytest.mark.parametrize("delay", DELAYS, ids=["same-segment", "apart", "delayed"])
@pytest.mark.parametrize("record", TLS_RECORDS, ids=[f"record{i}" for i in range(len(TLS_RECORDS))])
@pytest.mark.parametrize("mode", ["starttls_inject", "ssl_preamble"])
def test_tls_shaped_injection_is_never_an_smtp_reply(
    fault_server: FaultFactory, certs: TestCerts, mode: str, record: bytes, delay: float | None
) -> None:
    server = fault_server(mode, inject=record, inject_delay=delay, users=DEFAULT_USERS)
    scheme = "tls" if mode == "starttls_inject" else "ssl"
    failure = failing(make_settings(certs, f"{scheme}://{HOST}:{server.port}"), WRONG_PASSWORD)
    if delay is None and scheme == "tls":  # in the 220's segment: always caught before TLS
        assert failure.kind == Kind.PROTOCOL_VIOLATION
    if failure.kind == Kind.AUTH_FAILED:  # TLS ignored an empty record: the real server said no
        assert failure.code == 535 and server.auth_attempts == [("PLAIN", USER)]
    else:
        assert failure.kind in (Kind.PROTOCOL_VIOLATION, Kind.TLS_HANDSHAKE_FAILED)
        assert failure.step == ("starttls" if scheme == "tls" else "tls")
        assert server.auth_attempts == []
    assert server.messages == []


def test_forged_session_after_starttls_cannot_pass_a_wrong_password(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("starttls_inject", inject=FORGED_SESSION, users=DEFAULT_USERS)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    with pytest.raises(DeliveryError):
        deliver(settings, WRONG_PASSWORD)
    assert server.messages == []


def test_cli_set_with_forged_session_stores_nothing(
    fault_server: FaultFactory,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = fault_server("starttls_inject", inject=FORGED_SESSION, users=DEFAULT_USERS)
    monkeypatch.setattr(sys, "stdin", io.StringIO(WRONG_PASSWORD + "\n"))
    config = tmp_path / "config"
    argv = ["--config-dir", str(config), "--lang", "en", "set", "--server"]
    argv += [f"tls://{HOST}:{server.port}", "--user", USER, "--from", USER, "--to", RCPT]
    argv += ["--ca-file", certs.ca_file, "--timeout", "2", "--password-stdin"]
    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert "Test Mail Sent" not in out + err
    assert "STARTTLS" in err
    assert WRONG_PASSWORD not in out + err
    assert not (config / "settings.json").exists()
    assert memory_keyring.entries == {}
    assert server.messages == [] and server.auth_attempts == []


def test_starttls_without_injection_still_works(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("starttls_inject", inject=b"", inject_delay=0.05, users=DEFAULT_USERS)
    outcome = deliver(make_settings(certs, f"tls://{HOST}:{server.port}"), PASSWORD)
    assert outcome.sent and outcome.tls_version
    assert len(server.messages) == 1


@pytest.mark.parametrize("delay", [None, 0.05], ids=["at-once", "delayed"])
@pytest.mark.parametrize("inject", INJECTIONS, ids=INJECTION_IDS)
def test_bytes_before_implicit_tls_never_count(
    fault_server: FaultFactory, certs: TestCerts, inject: bytes, delay: float | None
) -> None:
    server = fault_server("ssl_preamble", inject=inject, inject_delay=delay, users=DEFAULT_USERS)
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}")
    failure = failing(settings, WRONG_PASSWORD)
    assert failure.kind == Kind.TLS_HANDSHAKE_FAILED
    assert failure.step == "tls"
    assert failure.suggested_server != settings.server.canonical()
    assert server.auth_attempts == [] and server.messages == []


def test_plain_smtp_on_an_implicit_tls_setting_suggests_starttls(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("ok")  # plain SMTP first: its 220 arrives before the ClientHello
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}")
    failure = failing(settings)
    assert failure.kind == Kind.TLS_HANDSHAKE_FAILED
    assert failure.hint_key == "wrong_version"
    assert failure.suggested_server == f"tls://{HOST}:{server.port}"
    for lang in ("en", "ja"):  # the hint names the suggestion, never what is configured
        assert failure.suggested_server in failure.hint(lang)
        assert settings.server.canonical() not in failure.hint(lang)


@pytest.mark.parametrize(
    "extra",
    [
        b"235 2.7.0 forged\r\n",
        b"250 2.1.0 forged\r\n250 2.1.5 forged\r\n",
        b"\r\n",
    ],
    ids=["auth", "transaction", "blank"],
)
def test_replies_nobody_asked_for_are_a_protocol_violation(
    raw_server: RawReplyServer, certs: TestCerts, extra: bytes
) -> None:
    raw_server.plan = ("EHLO", b"250-raw.example\r\n250 AUTH PLAIN\r\n" + extra, False)
    failure = failing(raw_settings(certs, raw_server))
    assert failure.kind == Kind.PROTOCOL_VIOLATION
    assert failure.step == "auth"
    assert failure.hint_key == "unexpected_data"
    assert not any(line.startswith(b"AUTH") for line in raw_server.client_lines)


# --------------------------------------------------------------------------- 10. reply codes

STEP_CODES = {
    "GREETING": "220",
    "EHLO": "250",
    "AUTH": "235",
    "MAIL": "250",
    "RCPT": "250",
    "DATA": "354",
    "DATA_END": "250",
}


def digits(zero: int) -> Callable[[str], bytes]:
    """The code written with the decimal digits of another script (zero: its code point of 0)."""
    return lambda code: "".join(chr(zero + int(c)) for c in code).encode()


SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
# Each turns the step's proper code ("250") into a reply code that is not three ASCII digits 2-5.
BAD_CODES: dict[str, Callable[[str], bytes]] = {
    "fullwidth": digits(0xFF10),
    "arabic-indic": digits(0x660),
    "devanagari": digits(0x966),
    "math-bold": digits(0x1D7CE),
    "superscript": lambda code: "".join(SUPERSCRIPT[int(c)] for c in code).encode(),
    "circled": lambda code: "".join(CIRCLED[int(c)] for c in code).encode(),
    "letter-O": lambda code: code.replace("0", "O").replace("5", "S").encode(),
    "two-digits": lambda code: code[:2].encode(),
    "first-1": lambda code: b"1" + code[1:].encode(),
    "first-0": lambda code: b"0" + code[1:].encode(),
    "first-6": lambda code: b"6" + code[1:].encode(),
    "first-9": lambda code: b"9" + code[1:].encode(),
    "not-utf8": lambda code: b"\xff\xfe\xfd",
    "fourth-byte": lambda code: code.encode() + b"\xff",
    "leading-space": lambda code: b" " + code.encode(),
    "plus": lambda code: b"+" + code.encode(),
}


@pytest.mark.parametrize("step", list(STEP_CODES))
@pytest.mark.parametrize("bad", list(BAD_CODES))
def test_reply_code_is_three_ascii_digits(
    raw_server: RawReplyServer, certs: TestCerts, step: str, bad: str
) -> None:
    raw_server.plan = (step, BAD_CODES[bad](STEP_CODES[step]) + b" ok\r\n", False)
    failure = failing(raw_settings(certs, raw_server))
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.detail and failure.detail.startswith("not an SMTP reply")


@pytest.mark.parametrize(
    "raw",
    [b"250-raw.example\r\n251 AUTH PLAIN\r\n", b"250-raw.example\r\n550 AUTH PLAIN\r\n"],
    ids=["251", "550"],
)
def test_multi_line_reply_with_changing_code(
    raw_server: RawReplyServer, certs: TestCerts, raw: bytes
) -> None:
    raw_server.plan = ("EHLO", raw, False)
    failure = failing(raw_settings(certs, raw_server))
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.step == "ehlo"


@pytest.mark.parametrize("step", list(STEP_CODES))
def test_reply_text_that_is_not_utf8_is_no_crash(
    raw_server: RawReplyServer, certs: TestCerts, step: str
) -> None:
    text = b" \xff\xfe\x80 \xe3\x81 ok"
    raw = STEP_CODES[step].encode() + text + b"\r\n"
    if step == "EHLO":
        raw = b"250-raw\xff\xfe\r\n250 AUTH PLAIN \xc3\r\n"
    raw_server.plan = (step, raw, False)
    outcome = deliver(raw_settings(certs, raw_server), PASSWORD)
    assert isinstance(outcome, Outcome) and outcome.sent


@pytest.mark.parametrize(
    "challenge",
    [b"[" * 3000, b"{" * 2000, b"\xff\xfe", b'{"status":"400"', b"[1]", b"null"],
    ids=["deep-list", "deep-object", "not-utf8", "cut-json", "list", "null"],
)
def test_hostile_xoauth2_challenge_is_no_crash(
    raw_server: RawReplyServer, certs: TestCerts, challenge: bytes
) -> None:
    reply = b"334 " + base64.b64encode(challenge) + b"\r\n"
    raw_server.plan = ("AUTH", reply, False)
    settings = raw_settings(certs, raw_server, oauth=OAUTH)
    with pytest.raises(DeliveryError) as info:
        deliver(settings, ACCESS_TOKEN)
    assert info.value.failure.kind == Kind.AUTH_FAILED
    assert ACCESS_TOKEN not in info.value.failure.describe("en")


ECHOES = [
    ECHO + b"\r\n",
    b"334 " + ECHO + b"\r\n",
    b"535 " + ECHO + b"\r\n",
    b"535-" + ECHO + b"\r\n535 5.7.8 no\r\n",
    b"250 " + ECHO + b"\r\n",
    b"235-" + ECHO + b"\r\n",
]
LONG_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "x" * 1500 + ".signature"


@pytest.mark.parametrize("oauth", [False, True], ids=["password", "xoauth2"])
@pytest.mark.parametrize("raw", ECHOES, ids=[f"echo{i}" for i in range(len(ECHOES))])
def test_echoed_credentials_never_reach_the_failure(
    raw_server: RawReplyServer, certs: TestCerts, raw: bytes, oauth: bool
) -> None:
    raw_server.plan = ("AUTH", raw, False)
    secret = LONG_TOKEN if oauth else PASSWORD
    with pytest.raises(DeliveryError) as info:
        deliver(raw_settings(certs, raw_server, oauth=OAUTH if oauth else None), secret)
    assert_clean(info.value, secret)
    if oauth:  # not even a piece of a token that a cut shortened past the redaction
        assert_no_fragment(info.value.failure.describe("en"), LONG_TOKEN)
        assert_no_fragment("\n".join(info.value.transcript), LONG_TOKEN)


def assert_no_fragment(text: str, token: str, size: int = 24) -> None:
    """No `size`-character piece of `token`, or of its XOAUTH2 blob past the user, in `text`."""
    blob = xoauth2_string(USER, token)
    for source, start in ((token, 0), (blob, 64)):
        for i in range(start, len(source) - size):
            assert source[i : i + size] not in text


@pytest.mark.parametrize("key", ["token", "detail"])
def test_token_inside_a_json_challenge_is_redacted_before_the_cut(
    raw_server: RawReplyServer, certs: TestCerts, key: str
) -> None:
    status = f'{{"status":"401","{key}":"{LONG_TOKEN}"}}'.encode()
    raw_server.plan = ("AUTH", b"334 " + base64.b64encode(status) + b"\r\n", False)
    with pytest.raises(DeliveryError) as info:
        deliver(raw_settings(certs, raw_server, oauth=OAUTH), LONG_TOKEN)
    failure = info.value.failure
    assert failure.detail and "status=401" in failure.detail
    assert_no_fragment(failure.describe("en"), LONG_TOKEN)


# --------------------------------------------------------------------------- 20. reply before close


@pytest.mark.parametrize("step", RAW_STEPS)
@pytest.mark.parametrize(
    "raw",
    [
        b"421 4.7.0 Try again later\r\n",
        b"421 4.7.0 Try again later",  # no CRLF before the close
        b"421-4.7.0 Try again later\r\n",  # the close cuts a multi-line reply
    ],
    ids=["complete", "no-crlf", "cut"],
)
def test_421_then_close_is_the_reported_failure(
    raw_server: RawReplyServer, certs: TestCerts, step: str, raw: bytes
) -> None:
    raw_server.plan = (step, raw, True)
    failure = failing(raw_settings(certs, raw_server))
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.step == {"GREETING": "connect", "DATA_END": "data"}.get(step, step.lower())
    assert failure.code == 421
    assert failure.reply == "4.7.0 Try again later"
    assert "421 4.7.0 Try again later" in failure.describe("en")


@pytest.mark.parametrize("auth", [False, True], ids=["no-auth", "auth"])
def test_ehlo_421_then_close_fault_server(
    fault_server: FaultFactory, certs: TestCerts, auth: bool
) -> None:
    server = fault_server("ehlo421_close", tls="none")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=auth, allow_unencrypted_auth=auth)
    failure = failing(settings, PASSWORD if auth else None)
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.step == "ehlo"
    assert (failure.code, failure.reply) == (421, "4.7.0 Try again later")


@pytest.mark.parametrize(
    "raw",
    [b"554 5.7.1 Go away\r\n", b"550 5.7.1 Not you", b"500-5.5.1 What\r\n"],
    ids=["554", "550-no-crlf", "500-cut"],
)
def test_negative_ehlo_reply_then_close_is_reported(
    raw_server: RawReplyServer, certs: TestCerts, raw: bytes
) -> None:
    raw_server.plan = ("EHLO", raw, True)
    failure = failing(raw_settings(certs, raw_server, auth=False, allow_unencrypted_auth=False))
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.step == "ehlo"
    assert failure.code == int(raw[:3])


def test_a_tolerated_refusal_is_not_the_reason_for_a_later_drop(
    raw_server: RawReplyServer, certs: TestCerts
) -> None:
    raw_server.plan = {
        ("RCPT", 2): (b"550 5.1.1 No such user\r\n", False),
        ("DATA", 0): (b"", True),
    }
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = USER, f"{RCPT}, x@example.org", "two"
    message.set_content("hello\n")
    with pytest.raises(DeliveryError) as info:
        deliver(raw_settings(certs, raw_server), PASSWORD, message)
    failure = info.value.failure
    assert failure.kind == Kind.CONNECTION_DROPPED  # the 550 was for one recipient only
    assert failure.step == "data"
    assert failure.code is None


def test_421_to_starttls_is_reported(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server(
        "ok", replies={"STARTTLS": "421 4.3.2 Shutting down"}, hangup_after="STARTTLS"
    )
    failure = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == Kind.SERVER_REFUSED
    assert failure.step == "starttls"
    assert (failure.code, failure.reply) == (421, "4.3.2 Shutting down")


def test_unasked_421_after_a_reply_is_reported(
    raw_server: RawReplyServer, certs: TestCerts
) -> None:
    raw_server.plan = ("EHLO", b"250-raw\r\n250 AUTH PLAIN\r\n421 4.4.2 Idle timeout\r\n", True)
    failure = failing(raw_settings(certs, raw_server))
    assert failure.kind == Kind.SERVER_REFUSED
    assert (failure.code, failure.reply) == (421, "4.4.2 Idle timeout")


def test_reply_sent_while_the_client_uploads_is_the_failure(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("data_reply_midway", tls="none")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = USER, RCPT, "big"
    message.set_content("x" * 200 + "\n")
    message.add_attachment(bytes(3_000_000), maintype="application", subtype="octet-stream")
    with pytest.raises(DeliveryError) as info:
        deliver(settings, None, message)
    failure = info.value.failure
    assert failure.kind == Kind.MESSAGE_REFUSED
    assert failure.step == "data"
    assert (failure.code, failure.reply) == (552, "5.3.4 Message size exceeds fixed limit")


# --------------------------------------------------------------------------- smaller: dribble


def test_dribbled_greeting_does_not_suggest_implicit_tls(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("dribble_greeting", dribble=0.25)
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False, timeout=1)
    failure = failing(settings, None)
    assert failure.kind == Kind.TIMED_OUT
    assert failure.step == "connect"
    assert failure.hint_key == "timeout_generic"
    assert failure.suggested_server is None


# --------------------------------------------------------------------------- hypothesis

DIGITS = ["220", "235", "250", "334", "354", "421", "535", "２５０", "²⁵⁰", "25", "2500", "199"]
reply_line = st.builds(
    lambda code, sep, text, end: code.encode() + sep + text + end,
    st.sampled_from(DIGITS),
    st.sampled_from([b" ", b"-", b"", b"\t", b"x"]),
    st.one_of(st.binary(max_size=40), st.just(ECHO), st.text(max_size=20).map(str.encode)),
    st.sampled_from([b"\r\n", b"\n", b"\r", b""]),
)
raw_reply = st.one_of(
    st.binary(max_size=200),
    st.lists(reply_line, min_size=1, max_size=4).map(b"".join),
    st.just(ECHO + b"\r\n"),
    st.sampled_from(DIGITS).map(lambda code: f"{code} ".encode() + ECHO + b"\r\n"),
)
HYPOTHESIS_EXAMPLES = 100


@pytest.mark.slow
@settings(
    max_examples=HYPOTHESIS_EXAMPLES,
    deadline=3000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(step=st.sampled_from(RAW_STEPS), raw=raw_reply, hang_up=st.booleans(), oauth=st.booleans())
def test_arbitrary_reply_bytes_never_crash_nor_leak(
    raw_server: RawReplyServer, certs: TestCerts, step: str, raw: bytes, hang_up: bool, oauth: bool
) -> None:
    raw_server.plan = (step, raw, hang_up)
    settings = raw_settings(certs, raw_server, oauth=OAUTH if oauth else None)
    secret = ACCESS_TOKEN if oauth else PASSWORD
    try:
        outcome = deliver(settings, secret)
    except DeliveryError as error:
        assert_clean(error, secret)
        assert isinstance(error.failure.kind, Kind)
    else:
        assert isinstance(outcome, Outcome)
        for form in secret_forms(secret):
            assert form not in "\n".join(outcome.transcript)
