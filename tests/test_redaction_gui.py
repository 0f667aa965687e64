"""The window: an echoed AUTH line never shows in the error banner or what its Copy button copies.

Driven with pytest-qt against the echoing fault server (tests/fakes/echo_server.py) on 127.0.0.1, for
PLAIN, LOGIN and XOAUTH2; the banner's labels show plain text only, never markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes.echo_server import EchoServer
from fakes.smtp_servers import TestCerts
from gui_support import child, restore_language, wait_error, window_factory
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_redaction import CLIENT_ID, RCPT, SECRETS, assert_no_secret

from crm_mail_gui.core import credentials, oauth
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from restore_language(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    oauth.clear_memory_cache()
    yield
    oauth.clear_memory_cache()


@pytest.fixture
def make_window(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> Callable[..., MainWindow]:
    return window_factory(
        qtbot, tmp_path / "config", memory_keyring, "en", confirm_discard=lambda parent: True
    )


def fill(
    qtbot: QtBot, window: MainWindow, server: EchoServer, user: str, secret: str, certs: TestCerts
) -> None:
    """Type the settings; for XOAUTH2, a stored sign-in whose access token is `secret`."""
    if server.extensions[-1] == "AUTH XOAUTH2":
        window.form.apply_preset("microsoft365")
        child(window, "oauthClientIdEdit", QLineEdit).setText(CLIENT_ID)
    else:
        child(window, "authCheck", QCheckBox).setChecked(True)
        child(window, "passwordEdit", QLineEdit).setText(secret)
    child(window, "serverEdit", QLineEdit).setText(f"ssl://127.0.0.1:{server.port}")
    child(window, "userEdit", QLineEdit).setText(user)
    child(window, "fromEdit", QLineEdit).setText(user)
    child(window, "testRecipientEdit", QLineEdit).setText(RCPT)
    child(window, "advancedButton").setChecked(True)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    child(window, "timeoutSpin", QSpinBox).setValue(3)
    if server.extensions[-1] == "AUTH XOAUTH2":
        settings = window.form.settings()
        client = oauth.client_for(settings)
        credentials.set_secret(oauth.refresh_key("microsoft", CLIENT_ID, user), "refresh-kept")
        tokens = oauth.Tokens(access_token=secret, expires_at=time.time() + 3600)
        oauth.store_tokens(client, user, tokens)
        window.signing_in._refresh_oauth_state()  # what a sign-in does when it ends (asks off the GUI thread)
        qtbot.waitUntil(lambda: window.form.oauth_signed_in, timeout=5000)


def banner_texts(qtbot: QtBot, banner: QWidget) -> tuple[list[str], str]:
    """The banner's visible texts (title, body, fix button, transcript) and the Copy result."""
    title = child(banner, "bannerTitle", QLabel)
    body = child(banner, "bannerBody", QLabel)
    for label in (title, body):
        assert label.textFormat() == Qt.TextFormat.PlainText
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    fix = child(banner, "bannerFixButton", QPushButton).text()
    QApplication.clipboard().clear()
    qtbot.mouseClick(child(banner, "bannerCopyButton", QPushButton), Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert transcript in copied  # Copy: the whole report, the transcript at its end (issue 13)
    return [title.text(), body.text(), fix, transcript], copied


@pytest.mark.parametrize(("user", "secret"), SECRETS[:3], ids=["utf8", "ascii", "short"])
@pytest.mark.parametrize("style", ["garbage", "error", "challenge"])
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "XOAUTH2"])
def test_banner_and_clipboard_never_show_the_secret(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    mechanism: str,
    style: str,
    user: str,
    secret: str,
) -> None:
    server = EchoServer(certs, style, mechanism).start()
    try:
        window = make_window()
        fill(qtbot, window, server, user, secret, certs)
        qtbot.mouseClick(child(window, "saveButton", QPushButton), Qt.MouseButton.LeftButton)
        banner = wait_error(qtbot, window)
        shown, copied = banner_texts(qtbot, banner)
    finally:
        server.stop()
    assert server.sent, "the server never saw AUTH: the test would prove nothing"
    assert "=== Connected to 127.0.0.1" in copied and f"AUTH {mechanism}" in copied
    assert_no_secret(user, secret, [*shown, copied], f"banner {mechanism}/{style}")
