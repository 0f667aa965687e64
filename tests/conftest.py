"""Shared pytest fixtures: test certificates and local SMTP servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from smtp_servers import DEFAULT_USERS, AioSMTPServer, FaultServer, TestCerts


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> TestCerts:
    return TestCerts(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def ssl_server(certs: TestCerts) -> Iterator[AioSMTPServer]:
    with AioSMTPServer(certs, mode="ssl", users=DEFAULT_USERS) as server:
        yield server


@pytest.fixture
def starttls_server(certs: TestCerts) -> Iterator[AioSMTPServer]:
    with AioSMTPServer(certs, mode="starttls", users=DEFAULT_USERS) as server:
        yield server


@pytest.fixture
def plain_server(certs: TestCerts) -> Iterator[AioSMTPServer]:
    with AioSMTPServer(certs, mode="plain", users=DEFAULT_USERS) as server:
        yield server


@pytest.fixture
def fault_server(certs: TestCerts) -> Iterator[Callable[..., FaultServer]]:
    """Factory: ``fault_server("auth535", **knobs)`` returns a started FaultServer."""
    started: list[FaultServer] = []

    def start(fault: str = "ok", **knobs: Any) -> FaultServer:
        server = FaultServer(certs, fault, **knobs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
