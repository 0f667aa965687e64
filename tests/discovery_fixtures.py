"""Fixtures of the detection tests: a local DNS server, SMTP servers for the probes, certificates.

Used with `from discovery_fixtures import *` (pytest finds the fixtures by name).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fakes.dns_server import DnsServer
from fakes.smtp_servers import DEFAULT_USERS, AioSMTPServer, TestCerts

__all__ = ["LOCAL", "TEST_NAMES", "NamedCerts", "dns", "named_certs", "smtp_ports"]

LOCAL = ["127.0.0.1"]
TEST_NAMES = (
    "sv1234.xserver.jp",
    "smtp.guess.example.jp",
    "mail.guess.example.jp",
    "submit.srv.example.jp",
    "smtp.silent.example.jp",
    "initial.sakura.ne.jp",
    "smtp.example.jp",
    "smtp.evil.example.net",
    "mail.conoha.example.jp",
    "smtp.mail.yahoo.co.jp",
)


class NamedCerts:
    """A server certificate for the detection tests' host names, from the suite's test CA."""

    def __init__(self, certs: TestCerts) -> None:
        self.ca_file = certs.ca_file
        self._leaf = certs.ca.issue_cert(*TEST_NAMES)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._leaf.configure_cert(context)
        return context


@pytest.fixture(scope="module")
def named_certs(certs: TestCerts) -> NamedCerts:
    return NamedCerts(certs)  # the suite's CA: the web server's certificates are trusted too


@pytest.fixture
def smtp_ports(named_certs: NamedCerts, monkeypatch: pytest.MonkeyPatch) -> Iterator[NamedCerts]:
    """An implicit-TLS server for every probe of 465 and a STARTTLS one for 587."""
    with (
        AioSMTPServer(named_certs, mode="ssl", users=DEFAULT_USERS) as implicit,  # type: ignore[arg-type]
        AioSMTPServer(named_certs, mode="starttls", users=DEFAULT_USERS) as starttls,  # type: ignore[arg-type]
    ):
        monkeypatch.setenv("CRM_MAIL_GUI_PROBE_PORTS", f"465:{implicit.port},587:{starttls.port}")
        named_certs.servers = (implicit, starttls)  # type: ignore[attr-defined]
        yield named_certs


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., DnsServer]]:
    """Factory: dns(zones, **knobs) starts a DnsServer and points CRM_MAIL_GUI_DNS_SERVER at it."""
    started: list[DnsServer] = []

    def start(zones: dict[str, Any], **knobs: Any) -> DnsServer:
        server = DnsServer(zones, **knobs).start()
        started.append(server)
        monkeypatch.setenv("CRM_MAIL_GUI_DNS_SERVER", server.address)
        return server

    yield start
    for server in started:
        server.stop()
