"""Shared pytest fixtures: test certificates and local SMTP servers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

# Headless Qt everywhere (a fresh CI machine has no display); set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import keyring.core
import pytest
from fakes.smtp_servers import DEFAULT_USERS, AioSMTPServer, FaultServer, TestCerts
from qt_binding import binding_problem

# The window tests' fixtures and helpers (config_dir, make_window, restored_language, ...), and
# the command line's (cli)
pytest_plugins = ["gui_window", "cli_support"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with the reason, if the Qt binding would crash the suite part-way through."""
    problem = binding_problem()
    if problem:
        pytest.exit(problem, returncode=3)


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


@pytest.fixture(autouse=True)
def _isolation(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Every test gets a fresh in-memory keyring and its own config folder: never the real ones.

    The process-wide language (the CLI and the window set it) is put back after each test.
    """
    from crm_mail_gui.core import i18n
    from crm_mail_gui.core.credentials import MemoryKeyring

    monkeypatch.setitem(i18n._current, "lang", i18n._current["lang"])
    monkeypatch.setenv("CRM_MAIL_GUI_CONFIG_DIR", str(tmp_path_factory.mktemp("config-env")))
    monkeypatch.setenv("CRM_MAIL_GUI_LOG_DIR", str(tmp_path_factory.mktemp("logs")))
    saved = keyring.core._keyring_backend
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.core._keyring_backend = saved


@pytest.fixture
def memory_keyring(_isolation: Any) -> Any:
    """The test's in-memory keyring backend (already in force)."""
    return _isolation


# --------------------------------------------------------------------------- OAuth2 (XOAUTH2)

from fakes.oauth_server import AuthorizationServer, XOAuthSMTPServer  # noqa: E402


@pytest.fixture
def auth_server(certs: TestCerts) -> Iterator[AuthorizationServer]:
    """A started HTTPS OAuth2 server (Microsoft and Google paths); client "test-client"."""
    with AuthorizationServer(certs) as server:
        yield server


@pytest.fixture
def xoauth_server(certs: TestCerts, auth_server: AuthorizationServer) -> Iterator[XOAuthSMTPServer]:
    """An implicit-TLS SMTP server offering only AUTH XOAUTH2, checked against auth_server."""
    with XOAuthSMTPServer(certs, auth_server, mode="ssl") as server:
        yield server
