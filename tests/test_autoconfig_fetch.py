"""Detection's web sources against a real local HTTPS server (issue 14): the domain's own
autoconfig, its .well-known file, the ISPDB stand-in, not found, the test seams."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakes.https_server import WebServer, loopback
from fakes.smtp_servers import TestCerts

from crm_mail_gui.core import i18n
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.discovery.autoconfig import fetch_autoconfig, fetch_ispdb
from crm_mail_gui.core.discovery.model import Security, Source, SourceEvent, Status

pytestmark = pytest.mark.e2e

ADDRESS = "taro@example.jp"
AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
WELL_KNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"
CONFIG = b"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.jp">
    <domain>example.jp</domain>
    <incomingServer type="imap">
      <hostname>imap.example.jp</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%EMAILDOMAIN%</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.jp</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-encrypted</authentication>
      <authentication>OAuth2</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""


@pytest.fixture
def web(certs: TestCerts, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebServer]:
    """The local web server, with the autoconfig port and ISPDB seams pointing at it."""
    with WebServer(certs) as server:
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(server.port))
        monkeypatch.setenv(
            "CRM_MAIL_GUI_ISPDB_URL", f"https://ispdb.example.org:{server.port}/v1.1"
        )
        yield server


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def autoconfig(
    certs: TestCerts,
    source: Source = Source.AUTOCONFIG,
    *,
    domain: str = "example.jp",
    address: str = ADDRESS,
    seconds: float = 5.0,
    allow_http: bool = False,
    cancel: CancelToken | None = None,
) -> SourceEvent:
    return fetch_autoconfig(
        domain,
        address,
        source=source,
        deadline_at=time.monotonic() + seconds,
        cancel=cancel or CancelToken(),
        allow_http=allow_http,
        ca_file=certs.ca_file,
        resolve=loopback,
    )


def ispdb(certs: TestCerts, domain: str, address: str, seconds: float = 5.0) -> SourceEvent:
    return fetch_ispdb(
        domain,
        address,
        deadline_at=time.monotonic() + seconds,
        cancel=CancelToken(),
        ca_file=certs.ca_file,
        resolve=loopback,
    )


def test_the_domains_own_autoconfig_gives_its_smtp_servers(
    certs: TestCerts, web: WebServer
) -> None:
    web.add("autoconfig.example.jp", AUTOCONFIG_PATH, CONFIG)
    event = autoconfig(certs)
    assert event.status is Status.FOUND, event.detail
    assert event.label == "autoconfig.example.jp"
    assert [(c.server, c.auth, c.username) for c in event.candidates] == [
        ("ssl://smtp.example.jp:465", ("password-cleartext",), "taro@example.jp"),
        ("tls://smtp.example.jp:587", ("password-encrypted", "OAuth2"), "taro"),
    ]
    assert {c.origin for c in event.candidates} == {"autoconfig.example.jp"}
    assert {c.source for c in event.candidates} == {Source.AUTOCONFIG}
    assert event.candidates[1].security is Security.STARTTLS
    assert "ssl://smtp.example.jp:465" in event.detail
    # the address goes to the domain's own server, as Thunderbird sends it
    assert web.requests == [
        ("autoconfig.example.jp", AUTOCONFIG_PATH + "?emailaddress=taro%40example.jp")
    ]


def test_the_well_known_file_is_read_from_the_domain_itself(
    certs: TestCerts, web: WebServer
) -> None:
    web.add("example.jp", WELL_KNOWN_PATH, CONFIG)
    event = autoconfig(certs, Source.WELL_KNOWN)
    assert event.status is Status.FOUND, event.detail
    assert event.label == "example.jp/.well-known"
    assert {c.origin for c in event.candidates} == {"example.jp"}
    assert web.requests == [("example.jp", WELL_KNOWN_PATH)]


def test_a_domain_found_only_through_the_ispdb(certs: TestCerts, web: WebServer) -> None:
    web.add(
        "ispdb.example.org", "/v1.1/example.net", CONFIG.replace(b"%EMAILDOMAIN%", b"example.net")
    )
    assert (
        autoconfig(certs, domain="example.net", address="hanako@example.net").status is Status.NONE
    )
    event = ispdb(certs, "example.net", "hanako@example.net")
    assert event.status is Status.FOUND, event.detail
    assert event.label == "ISPDB"
    assert event.candidates[0].server == "ssl://smtp.example.net:465"
    assert event.candidates[0].username == "hanako@example.net"
    assert event.candidates[0].origin == "ispdb.example.org"
    # only the domain is sent to the ISPDB: no address, no query
    assert [path for host, path in web.requests if host == "ispdb.example.org"] == [
        "/v1.1/example.net"
    ]
    assert all("hanako" not in path for _, path in web.requests if not path.startswith("/mail/"))


def test_404_is_none_not_a_failure(certs: TestCerts, web: WebServer) -> None:
    auto, known = autoconfig(certs), autoconfig(certs, Source.WELL_KNOWN)
    listed = ispdb(certs, "example.jp", ADDRESS)
    assert (auto.status, known.status, listed.status) == (Status.NONE, Status.NONE, Status.NONE)
    assert "HTTP 404" in auto.detail
    assert listed.detail == "not listed"
    i18n.set_language("ja")
    assert ispdb(certs, "example.jp", ADDRESS).detail == "登録されていません"


def test_a_server_error_is_a_failure_with_the_status(certs: TestCerts, web: WebServer) -> None:
    web.add(
        "autoconfig.example.jp", AUTOCONFIG_PATH, b"oops", status=500, content_type="text/plain"
    )
    event = autoconfig(certs)
    assert event.status is Status.FAILED
    assert event.detail == "autoconfig.example.jp answered HTTP 500"


def test_a_config_without_smtp_server_is_none(certs: TestCerts, web: WebServer) -> None:
    body = b'<clientConfig><emailProvider id="x"><domain>example.jp</domain></emailProvider></clientConfig>'
    web.add("autoconfig.example.jp", AUTOCONFIG_PATH, body)
    event = autoconfig(certs)
    assert (event.status, event.candidates) == (Status.NONE, ())
    assert "no outgoing (SMTP) server" in event.detail


def test_an_untrusted_certificate_fails_without_the_test_ca(
    certs: TestCerts, web: WebServer
) -> None:
    web.add("autoconfig.example.jp", AUTOCONFIG_PATH, CONFIG)
    event = fetch_autoconfig(
        "example.jp", ADDRESS, source=Source.AUTOCONFIG, deadline_at=time.monotonic() + 5,
        cancel=CancelToken(), allow_http=False, ca_file=None, resolve=loopback,
    )  # fmt: skip
    assert event.status is Status.FAILED
    assert "could not be verified" in event.detail
    assert web.requests == []  # nothing was asked over the unverified connection


def test_ssl_cert_file_is_trusted_as_the_extra_ca(
    certs: TestCerts, web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    web.add("autoconfig.example.jp", AUTOCONFIG_PATH, CONFIG)
    monkeypatch.setenv("SSL_CERT_FILE", certs.ca_file)
    event = fetch_autoconfig(
        "example.jp", ADDRESS, source=Source.AUTOCONFIG, deadline_at=time.monotonic() + 5,
        cancel=CancelToken(), allow_http=False, ca_file=None, resolve=loopback,
    )  # fmt: skip
    assert event.status is Status.FOUND, event.detail
