"""Hostile web servers for detection's autoconfig and ISPDB lookups (issue 14, safety): XML
bombs, huge and endless bodies, dribbling servers, redirects to plain HTTP or to foreign hosts,
absurd values; each ends as a FAILED SourceEvent with a printable reason, within the deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fakes.autoconfig_files import BILLION_LAUGHS, EXTERNAL_DTD, EXTERNAL_ENTITY, config, server
from fakes.https_server import WebServer, loopback
from fakes.smtp_servers import FaultServer, TestCerts

from crm_mail_gui.core import i18n
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.discovery.autoconfig import MAX_CONFIG_BYTES, fetch_autoconfig, fetch_ispdb
from crm_mail_gui.core.discovery.model import Source, SourceEvent, Status
from crm_mail_gui.core.printable import is_safe

pytestmark = pytest.mark.e2e

ADDRESS = "taro@example.jp"
PATH = "/mail/config-v1.1.xml"
GOOD = config(server())
SLACK = 0.7  # seconds a lookup may take past its deadline (thread switches under load)


@pytest.fixture
def web(certs: TestCerts, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    with WebServer(certs) as server_:
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(server_.port))
        monkeypatch.setenv(
            "CRM_MAIL_GUI_ISPDB_URL", f"https://ispdb.example.org:{server_.port}/v1.1"
        )
        yield server_


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def lookup(
    certs: TestCerts,
    *,
    seconds: float = 5.0,
    source: Source = Source.AUTOCONFIG,
    allow_http: bool = False,
    cancel: CancelToken | None = None,
    resolve: Callable[[str], list[str]] = loopback,
) -> tuple[SourceEvent, float]:
    """fetch_autoconfig for example.jp; the event and the seconds it took."""
    start = time.monotonic()
    event = fetch_autoconfig(
        "example.jp",
        ADDRESS,
        source=source,
        deadline_at=start + seconds,
        cancel=cancel or CancelToken(),
        allow_http=allow_http,
        ca_file=certs.ca_file,
        resolve=resolve,
    )
    return event, time.monotonic() - start


def failed(event: SourceEvent, *words: str) -> None:
    """The lookup failed with a printable detail naming `words`."""
    assert event.status is Status.FAILED, event
    assert event.candidates == ()
    assert all(is_safe(char) for char in event.detail), event.detail
    for word in words:
        assert word in event.detail, event.detail


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion_laughs", "external_entity"]
)
def test_an_xml_bomb_or_external_entity_is_refused(
    certs: TestCerts, web: WebServer, body: bytes
) -> None:
    web.add("autoconfig.example.jp", PATH, body)
    event, seconds = lookup(certs)
    failed(event, "XML refused")
    assert seconds < 2


def test_an_external_dtd_is_never_fetched(certs: TestCerts, web: WebServer) -> None:
    body = EXTERNAL_DTD.replace(b"evil.example.net", f"evil.example.net:{web.port}".encode())
    web.add("autoconfig.example.jp", PATH, body)
    web.add("evil.example.net", "/config.dtd", b'<!ENTITY x "y">', content_type="text/plain")
    failed(lookup(certs)[0], "XML refused")
    assert web.hosts_asked() == {"autoconfig.example.jp"}


CHUNK = b" " * (64 << 10)


def test_a_50_mb_body_is_refused_quickly(certs: TestCerts, web: WebServer) -> None:
    # 800 x 64 KiB = 50 MiB, sent as fast as the client reads
    web.add_chunks("autoconfig.example.jp", PATH, CHUNK, 800, declared=800 * len(CHUNK))
    event, seconds = lookup(certs)
    failed(event, f"exceeds {MAX_CONFIG_BYTES} bytes")
    assert seconds < 1.5
    assert web.bytes_sent < 16 << 20  # what the client took, plus what the sockets buffer


def test_an_endless_body_stops_at_the_cap_quickly(certs: TestCerts, web: WebServer) -> None:
    # no Content-Length, 64 KiB every 5 ms for as long as the client reads (up to 50 MiB)
    web.add_chunks("autoconfig.example.jp", PATH, CHUNK, 800, pause=0.005)
    event, seconds = lookup(certs)
    failed(event, f"exceeds {MAX_CONFIG_BYTES} bytes")
    assert seconds < 1.5


def test_a_malformed_body_is_a_failure(certs: TestCerts, web: WebServer) -> None:
    web.add("autoconfig.example.jp", PATH, b"<clientConfig><emailProvider>\x00\x1b[2J")
    failed(lookup(certs)[0], "not readable as XML")


def test_absurd_values_are_failures_with_printable_reasons(
    certs: TestCerts, web: WebServer
) -> None:
    body = config(
        server(port="0"),
        server("h" * 100_000),
        server("smtp.exa\x9b2Jmple.jp"),
        server(socket="TLS"),
    )
    web.add("autoconfig.example.jp", PATH, body)
    event, _ = lookup(certs)
    failed(event, "4 ignored as invalid", "port 0", "smtp.exa\\x9b2Jmple.jp")
    assert len(event.detail) < 600


def test_a_good_server_next_to_absurd_ones_is_found(certs: TestCerts, web: WebServer) -> None:
    web.add("autoconfig.example.jp", PATH, config(server(port="0"), server(port="465")))
    event, _ = lookup(certs)
    assert event.status is Status.FOUND
    assert [c.server for c in event.candidates] == ["ssl://smtp.example.jp:465"]
    assert "1 ignored as invalid: port 0" in event.detail


def test_an_answer_cut_short_is_a_failure(certs: TestCerts, web: WebServer) -> None:
    raw = b"HTTP/1.0 200 OK\r\nContent-Length: 5000\r\n\r\n" + GOOD[:200]
    web.add("autoconfig.example.jp", PATH, raw=raw)
    failed(lookup(certs)[0], "cut short")


def test_an_answer_that_is_not_http_is_a_failure(certs: TestCerts, web: WebServer) -> None:
    web.add("autoconfig.example.jp", PATH, raw=b"\x1b]0;pwned\x07 SSH-2.0-OpenSSH\r\n\r\n")
    failed(lookup(certs)[0], "is not HTTP")


# --------------------------------------------------------------------------- time


def test_a_server_dribbling_a_byte_per_second_ends_at_the_deadline(
    certs: TestCerts, web: WebServer
) -> None:
    response = b"HTTP/1.0 200 OK\r\nContent-Type: application/xml\r\n\r\n" + GOOD
    web.add("autoconfig.example.jp", PATH, raw=response, delay=1.0)
    event, seconds = lookup(certs, seconds=1.5)
    failed(event, "no complete answer before the deadline")
    assert 1.4 < seconds < 1.5 + SLACK


def test_a_body_dribbled_after_quick_headers_ends_at_the_deadline(
    certs: TestCerts, web: WebServer
) -> None:
    web.add("autoconfig.example.jp", PATH, GOOD + b" " * 100, delay=0.2)
    event, seconds = lookup(certs, seconds=1.0)
    failed(event, "deadline")
    assert seconds < 1.0 + SLACK


def test_a_tls_handshake_that_never_comes_ends_at_the_deadline(
    certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultServer(certs, "silent") as silent:  # accepts, never says a word
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(silent.port))
        event, seconds = lookup(certs, seconds=1.0)
    failed(event, "deadline")
    assert seconds < 1.0 + SLACK


def test_a_resolver_that_never_answers_ends_at_the_deadline(
    certs: TestCerts, web: WebServer
) -> None:
    stop = threading.Event()

    def hanging(_host: str) -> list[str]:
        stop.wait(10)
        return []

    try:
        event, seconds = lookup(certs, seconds=1.0, resolve=hanging)
    finally:
        stop.set()
    failed(event, "deadline")
    assert seconds < 1.0 + SLACK


@pytest.mark.parametrize(
    "answer, words",
    [
        (RuntimeError("resolver broke"), ("not found", "resolver broke")),
        (["not-an-address", "\x1b[2J"], ("not found", "no address")),
        ([], ("not found", "no address")),
    ],
    ids=["raises", "garbage", "empty"],
)
def test_a_broken_resolver_is_a_failure(
    certs: TestCerts, web: WebServer, answer: object, words: tuple[str, ...]
) -> None:
    def broken(_host: str) -> list[str]:
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    failed(lookup(certs, resolve=broken)[0], *words)
    assert web.requests == []


def test_a_deadline_already_passed_fetches_nothing(certs: TestCerts, web: WebServer) -> None:
    web.add("autoconfig.example.jp", PATH, GOOD)
    event, seconds = lookup(certs, seconds=-1.0)
    failed(event, "deadline")
    assert seconds < 0.2 and web.requests == []


def test_cancel_ends_a_dribbling_lookup_at_once(certs: TestCerts, web: WebServer) -> None:
    response = b"HTTP/1.0 200 OK\r\n\r\n" + GOOD
    web.add("autoconfig.example.jp", PATH, raw=response, delay=0.5)
    cancel = CancelToken()
    threading.Timer(0.4, cancel.cancel).start()
    event, seconds = lookup(certs, seconds=20.0, cancel=cancel)
    failed(event, "cancelled")
    assert seconds < 0.4 + SLACK


def test_a_lookup_already_cancelled_fetches_nothing(certs: TestCerts, web: WebServer) -> None:
    web.add("autoconfig.example.jp", PATH, GOOD)
    cancel = CancelToken()
    cancel.cancel()
    event, seconds = lookup(certs, cancel=cancel)
    failed(event, "cancelled")
    assert seconds < 0.3 and web.requests == []


# --------------------------------------------------------------------------- redirects


def redirect(web: WebServer, host: str, path: str, location: str) -> None:
    web.add(host, path, b"", status=302, content_type="text/plain", location=location)


def test_a_redirect_to_plain_http_is_refused(certs: TestCerts, web: WebServer) -> None:
    redirect(web, "autoconfig.example.jp", PATH, f"http://autoconfig.example.jp:{web.port}/x.xml")
    web.add("autoconfig.example.jp", "/x.xml", GOOD)
    failed(lookup(certs)[0], "non-https", "http://autoconfig.example.jp")
    assert len(web.requests) == 1


def test_refused_redirects_are_explained_in_japanese(certs: TestCerts, web: WebServer) -> None:
    redirect(web, "autoconfig.example.jp", PATH, f"https://evil.example.net:{web.port}/")
    i18n.set_language("ja")
    event, _ = lookup(certs)
    failed(event, "example.jp の外のホストへのリダイレクトを拒否しました", "evil.example.net")


def test_a_redirect_to_plain_http_is_refused_even_when_http_is_allowed(
    certs: TestCerts, web: WebServer
) -> None:
    redirect(web, "autoconfig.example.jp", PATH, "http://autoconfig.example.jp/x.xml")
    failed(lookup(certs, allow_http=True)[0], "non-https")


def test_a_redirect_to_a_foreign_host_is_refused(certs: TestCerts, web: WebServer) -> None:
    redirect(web, "autoconfig.example.jp", PATH, f"https://evil.example.net:{web.port}{PATH}")
    web.add("evil.example.net", PATH, config(server("smtp.evil.example.net")))
    failed(lookup(certs)[0], "outside example.jp", "evil.example.net")
    assert web.hosts_asked() == {"autoconfig.example.jp"}


def test_a_redirect_to_a_look_alike_suffix_is_refused(certs: TestCerts, web: WebServer) -> None:
    location = f"https://evil.example.net:{web.port}/?example.jp"
    redirect(web, "autoconfig.example.jp", PATH, location)
    failed(lookup(certs)[0], "outside example.jp")
    redirect(web, "autoconfig.example.jp", PATH, f"https://notexample.jp:{web.port}{PATH}")
    failed(lookup(certs)[0], "outside example.jp")
    redirect(web, "autoconfig.example.jp", PATH, f"https://127.0.0.1:{web.port}{PATH}")
    failed(lookup(certs)[0], "outside example.jp")


def test_a_redirect_within_the_domain_is_followed(certs: TestCerts, web: WebServer) -> None:
    redirect(web, "autoconfig.example.jp", PATH, f"https://www.example.jp:{web.port}/ac.xml")
    web.add("www.example.jp", "/ac.xml", GOOD)
    event, _ = lookup(certs)
    assert event.status is Status.FOUND, event.detail
    assert {c.origin for c in event.candidates} == {"www.example.jp"}


def test_more_than_three_redirects_are_refused(certs: TestCerts, web: WebServer) -> None:
    for index in range(5):
        redirect(web, "www.example.jp", f"/{index}", f"/{index + 1}")
    redirect(web, "autoconfig.example.jp", PATH, f"https://www.example.jp:{web.port}/0")
    failed(lookup(certs)[0], "too many redirects")
    assert len(web.requests) == 4  # the first request and three redirects followed


def test_a_redirect_with_control_characters_is_printable(certs: TestCerts, web: WebServer) -> None:
    raw = b"HTTP/1.0 302 Found\r\nLocation: https://x\x1b]0;pwned\x07.example.jp/\r\n\r\n"
    web.add("autoconfig.example.jp", PATH, raw=raw)
    failed(lookup(certs)[0], "\\x1b]0;pwned\\x07")


def test_the_ispdb_does_not_redirect_elsewhere(certs: TestCerts, web: WebServer) -> None:
    redirect(
        web, "ispdb.example.org", "/v1.1/example.jp", f"https://other.example.org:{web.port}/x"
    )
    web.add("other.example.org", "/x", GOOD)
    event = fetch_ispdb(
        "example.jp", ADDRESS, deadline_at=time.monotonic() + 5, cancel=CancelToken(),
        ca_file=certs.ca_file, resolve=loopback,
    )  # fmt: skip
    failed(event, "outside ispdb.example.org")
    assert web.hosts_asked() == {"ispdb.example.org"}


# --------------------------------------------------------------------------- TLS and plain HTTP


def test_a_certificate_for_another_name_is_refused(
    certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WebServer(certs, names=("www.example.net",)) as other:
        other.add("autoconfig.example.jp", PATH, GOOD)
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(other.port))
        event, _ = lookup(certs)
        assert other.requests == []
    failed(event, "could not be verified", "autoconfig.example.jp")


def test_plain_http_only_when_the_user_allowed_it(
    certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    with WebServer(certs, tls=False) as plain, FaultServer(certs, "silent") as closed:
        plain.add("autoconfig.example.jp", PATH, GOOD)
        closed.stop()  # nothing listens on its port any more: HTTPS is refused
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(closed.port))
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_HTTP_PORT", str(plain.port))
        refused, _ = lookup(certs)
        assert plain.requests == []
        allowed, _ = lookup(certs, allow_http=True)
    failed(refused, "cannot connect to autoconfig.example.jp")
    assert allowed.status is Status.FOUND, allowed.detail
    assert len(plain.requests) == 1


def test_a_bad_seam_value_is_reported(certs: TestCerts, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", "0")
    failed(lookup(certs)[0], "CRM_MAIL_GUI_AUTOCONFIG_PORT")
    monkeypatch.setenv("CRM_MAIL_GUI_ISPDB_URL", "http://ispdb.example.org/v1.1")
    event = fetch_ispdb(
        "example.jp", ADDRESS, deadline_at=time.monotonic() + 5, cancel=CancelToken(),
        ca_file=certs.ca_file, resolve=loopback,
    )  # fmt: skip
    failed(event, "CRM_MAIL_GUI_ISPDB_URL")


def test_an_invalid_domain_is_a_failure_not_an_exception(certs: TestCerts) -> None:
    start = time.monotonic()
    event = fetch_autoconfig(
        "exa\x1bmple.jp", ADDRESS, source=Source.WELL_KNOWN, deadline_at=start + 5,
        cancel=CancelToken(), allow_http=False, ca_file=certs.ca_file, resolve=loopback,
    )  # fmt: skip
    failed(event, "exa\\x1bmple.jp")
