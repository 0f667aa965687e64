"""Detect from address in the window with the real core.discovery.detect(), end to end.

A real DNS server (tests/fakes/dns_server.py), a real HTTPS server for autoconfig and the ISPDB
stand-in (tests/fakes/https_server.py) and aiosmtpd servers on 127.0.0.1, reached through the
documented seams (CRM_MAIL_GUI_DNS_SERVER, CRM_MAIL_GUI_AUTOCONFIG_PORT, CRM_MAIL_GUI_ISPDB_URL,
CRM_MAIL_GUI_PROBE_PORTS, CRM_MAIL_GUI_AUTOCONFIG_HTTP_PORT); the test CA is the form's extra CA
file. Nothing is patched.
"""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from discovery_fixtures import *  # noqa: F403 (fixtures: dns, smtp_ports, named_certs)
from discovery_fixtures import LOCAL
from fakes.dns_server import DnsServer
from fakes.https_server import WebServer
from fakes.smtp_servers import TestCerts
from gui_support import child, restore_language
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.e2e,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]
AUTOCONFIG_PATH = "/mail/config-v1.1.xml"
FOREIGN_CONFIG = b"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.jp">
    <domain>example.jp</domain>
    <outgoingServer type="smtp">
      <hostname>smtp.evil.example.net</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""
XSERVER_ZONES: dict[str, Any] = {
    "xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
    "sv1234.xserver.jp": {"A": LOCAL},
    "ispdb.example.org": {"A": LOCAL},
}


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from restore_language(monkeypatch)


@pytest.fixture
def network(
    dns: Callable[..., DnsServer],
    smtp_ports: Any,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., tuple[DnsServer, WebServer]]]:
    """Factory: network(zones, **dns_knobs) starts the DNS and web servers behind the seams
    (the SMTP servers of every probe are up already: discovery_fixtures.smtp_ports)."""
    webs: list[WebServer] = []

    def start(zones: dict[str, Any], **knobs: Any) -> tuple[DnsServer, WebServer]:
        server = dns(zones, **knobs)
        web = WebServer(certs).start()
        webs.append(web)
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(web.port))
        monkeypatch.setenv("CRM_MAIL_GUI_ISPDB_URL", f"https://ispdb.example.org:{web.port}/v1.1")
        return server, web

    yield start
    for web in webs:
        web.stop()


def open_form(
    make_window: Callable[..., MainWindow], certs: TestCerts, address: str, **kwargs: Any
) -> MainWindow:
    window = make_window(**kwargs)
    child(window, "userEdit", QLineEdit).setText(address)
    child(window, "advancedButton").setChecked(True)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)  # trusted for the lookups too
    window.detecting.deadline = 5.0
    return window


def texts(window: MainWindow) -> list[str]:
    results = child(window, "detectResults", QListWidget)
    return [results.item(i).text() for i in range(results.count())]


def click(qtbot: QtBot, window: MainWindow, name: str) -> None:
    button = child(window, name, QPushButton)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_end(qtbot: QtBot, window: MainWindow, timeout: int = 8000) -> None:
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=timeout)


def status(window: MainWindow) -> str:
    return child(window, "detectStatus", QLabel).text()


def test_an_xserver_domain_found_by_mx_fills_the_form(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
    config_dir: Path,
) -> None:
    _dns, web = network(XSERVER_ZONES, delay=0.1)  # every answer takes 0.1 s: the list fills live
    window = open_form(make_window, certs, "taro@xs.example.jp")
    seen: list[tuple[int, bool]] = []  # (rows, still running) each time the list grew
    click(qtbot, window, "detectButton")  # builds the list; the first answer is 0.1 s away
    results = child(window, "detectResults", QListWidget)
    assert results.count() == 0
    results.model().rowsInserted.connect(
        lambda *_: seen.append((results.count(), window.detecting.job is not None))
    )
    wait_end(qtbot, window)
    rows = texts(window)
    assert "MX: sv1234.xserver.jp → Xserver" in rows
    assert any(row.startswith("ISPDB: ") for row in rows), rows
    assert any(row.startswith("sv1234.xserver.jp:465: TLS ✓") for row in rows), rows
    assert [count for count, _ in seen] == list(range(1, len(seen) + 1))  # one by one
    assert any(running for _, running in seen[:-1])  # rows arrived while it was still running
    assert "ssl://sv1234.xserver.jp:465" in status(window)
    # only the domain went to the ISPDB
    ispdb = [path for host, path in web.requests if host == "ispdb.example.org"]
    assert ispdb and all("taro" not in path for path in ispdb)
    assert any(path.endswith("/xs.example.jp") for path in ispdb), ispdb
    # the best is chosen; using it fills the form
    click(qtbot, window, "useCandidateButton")
    assert child(window, "presetCombo", QComboBox).currentData() == "xserver"
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://sv1234.xserver.jp:465"
    assert child(window, "userEdit", QLineEdit).text() == "taro@xs.example.jp"
    assert child(window, "authCheck", QCheckBox).isChecked()
    assert child(window, "detectOrigin", QLabel).isVisible()
    assert not (config_dir / "settings.json").exists()  # Save still tests before storing


def test_with_the_ispdb_switched_off_nothing_goes_there(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
) -> None:
    _dns, web = network(XSERVER_ZONES)
    window = open_form(make_window, certs, "taro@xs.example.jp", lang="en")
    click(qtbot, window, "detectButton")
    child(window, "detectIspdbCheck", QCheckBox).setChecked(False)  # for the next run
    click(qtbot, window, "detectButton")  # Stop
    qtbot.waitUntil(lambda: window.jobs.running == 0, timeout=3000)
    web.requests.clear()
    click(qtbot, window, "detectButton")
    wait_end(qtbot, window)
    assert "ispdb.example.org" not in web.hosts_asked()
    ispdb_rows = [row for row in texts(window) if row.startswith("ISPDB")]
    assert ispdb_rows and all("switched off" in row for row in ispdb_rows), ispdb_rows
    assert any(row.startswith("sv1234.xserver.jp:465: TLS ✓") for row in texts(window))


def test_an_autoconfig_naming_a_foreign_host_is_warned_before_use(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
) -> None:
    _dns, web = network(
        {
            "example.jp": {},
            "autoconfig.example.jp": {"A": LOCAL},
            "smtp.evil.example.net": {"A": LOCAL},
            "ispdb.example.org": {"A": LOCAL},
        }
    )
    web.add("autoconfig.example.jp", AUTOCONFIG_PATH, FOREIGN_CONFIG)
    window = open_form(make_window, certs, "taro@example.jp")
    click(qtbot, window, "detectButton")
    wait_end(qtbot, window)
    foreign = [row for row in texts(window) if row.startswith("smtp.evil.example.net:465")]
    assert foreign and "⚠" in foreign[0], texts(window)
    assert "この設定は autoconfig.example.jp から取得しました" in foreign[0]
    results = child(window, "detectResults", QListWidget)
    results.setCurrentRow(texts(window).index(foreign[0]))
    warning = child(window, "detectForeignWarning", QLabel)
    assert warning.isVisible() and "smtp.evil.example.net" in warning.text()
    assert child(window, "useCandidateButton", QPushButton).text() == "この外部サーバーを使う"
    click(qtbot, window, "useCandidateButton")
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.evil.example.net:465"
    assert child(window, "userEdit", QLineEdit).text() == "taro"


HTTP_ONLY_CONFIG = FOREIGN_CONFIG.replace(b"smtp.evil.example.net", b"submit.srv.example.jp")


def closed_port() -> int:
    """A local port nothing listens on (HTTPS to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_http_only_autoconfig_is_found_only_when_plain_http_is_ticked(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    dns: Callable[..., DnsServer],
    smtp_ports: Any,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dns(
        {
            "srv.example.jp": {},
            "autoconfig.srv.example.jp": {"A": LOCAL},
            "submit.srv.example.jp": {"A": LOCAL},
        }
    )
    with WebServer(certs, tls=False) as plain:
        plain.add("autoconfig.srv.example.jp", AUTOCONFIG_PATH, HTTP_ONLY_CONFIG)
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(closed_port()))
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_HTTP_PORT", str(plain.port))
        window = open_form(make_window, certs, "taro@srv.example.jp", lang="en")
        click(qtbot, window, "detectButton")  # HTTPS only
        child(window, "detectIspdbCheck", QCheckBox).setChecked(False)  # for the next runs
        wait_end(qtbot, window)
        assert plain.requests == []
        assert not any(row.startswith("submit.srv.example.jp") for row in texts(window))
        assert any(row.startswith("autoconfig.srv.example.jp: ") for row in texts(window))

        check = child(window, "detectAllowHttpCheck", QCheckBox)
        check.setChecked(True)
        click(qtbot, window, "detectButton")
        wait_end(qtbot, window)
        found = [row for row in texts(window) if row.startswith("submit.srv.example.jp:465")]
        assert found and "TLS ✓" in found[0], texts(window)
        assert (
            "autoconfig.srv.example.jp",
            AUTOCONFIG_PATH + "?emailaddress=taro%40srv.example.jp",
        ) in plain.requests
        assert "ssl://submit.srv.example.jp:465" in status(window)
        assert not check.isChecked()  # the next lookup is HTTPS only again

        plain.requests.clear()
        click(qtbot, window, "detectButton")
        wait_end(qtbot, window)
        assert plain.requests == []
        assert not any(row.startswith("submit.srv.example.jp") for row in texts(window))


def test_a_silent_dns_server_blocks_nothing_and_cancel_ends_it(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
) -> None:
    network({}, silent=True)
    window = open_form(make_window, certs, "taro@example.jp")
    window.detecting.deadline = 10.0
    ticks: list[float] = []
    timer = QTimer(window)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    click(qtbot, window, "detectButton")
    qtbot.wait(600)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 20 and max(gaps) < 0.3, (len(ticks), max(gaps, default=None))
    assert window.detecting.job is not None  # still waiting for the DNS
    started = time.monotonic()
    click(qtbot, window, "detectButton")  # 中止
    assert child(window, "detectButton", QPushButton).text() == "メールアドレスから検出"
    assert status(window) == "検出を中止しました。"
    qtbot.waitUntil(lambda: window.jobs.running == 0, timeout=3000)  # its thread ended too
    assert time.monotonic() - started < 2.0


def test_a_silent_dns_server_ends_at_the_deadline_saying_so(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
) -> None:
    network({}, silent=True)
    window = open_form(make_window, certs, "taro@example.jp")
    window.detecting.deadline = 1.0
    started = time.monotonic()
    click(qtbot, window, "detectButton")
    wait_end(qtbot, window, timeout=4000)
    assert time.monotonic() - started < 1.0 + 1.5
    assert "一部の問い合わせは時間切れになりました。" in status(window)
    rows = texts(window)
    assert any(row.startswith("MX: ") for row in rows), rows  # unanswered sources say why


def test_an_address_the_core_refuses_is_explained(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    network: Callable[..., Any],
    certs: TestCerts,
) -> None:
    network({})
    window = open_form(make_window, certs, "taro@exa mple.jp")
    window.form.userEdit.setText("taro@-bad-.example..jp")
    click(qtbot, window, "detectButton")
    wait_end(qtbot, window)
    assert status(window).startswith("メールアドレスから検出できません")
    assert texts(window) == []
