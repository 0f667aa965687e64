"""The OAuth2 part of the window, driven with pytest-qt against the local authorization server and
an XOAUTH2 SMTP server on 127.0.0.1. The browser is the only seam: `open_url` plays it on a
background thread (tests/oauth_server.play_browser), as the user's real browser would."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes.oauth_server import AuthorizationServer, XOAuthSMTPServer, play_browser
from fakes.smtp_servers import FaultServer, TestCerts
from gui_support import (
    child,
    restore_language,
    wait_error,
    wait_success,
    window_factory,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core import oauth
from crm_mail_gui.core.credentials import SERVICE, MemoryKeyring
from crm_mail_gui.core.errors import Failure, Kind, Step
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

USER = "alice@example.com"
CLIENT_ID = "test-client"
REFRESH_KEY = oauth.refresh_key("microsoft", CLIENT_ID, USER)
FaultFactory = Callable[..., FaultServer]
SIGNED_IN = {"en": "Signed in: ", "ja": "サインイン済み: "}
NOT_SIGNED_IN = {"en": "Not signed in yet.", "ja": "まだサインインしていません。"}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    """Access tokens live in a process-wide memory cache: every test starts (and ends) empty."""
    oauth.clear_memory_cache()
    yield
    oauth.clear_memory_cache()


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from restore_language(monkeypatch)


class BrowserPlayer:
    """`open_url` seam: plays the browser on a background thread, like the real one, async."""

    def __init__(self, ca_file: str) -> None:
        self.ca_file = ca_file
        self.opened: list[str] = []
        self.redirects: list[str] = []
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        thread = threading.Thread(target=self._play, args=(url,), name="test-browser")
        self.threads.append(thread)
        thread.start()

    def _play(self, url: str) -> None:
        try:
            self.redirects.append(play_browser(url, self.ca_file))
        except BaseException as error:
            self.errors.append(error)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(10)


class IdleBrowser:
    """`open_url` seam for a browser that never comes back (the user walked away)."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)


@pytest.fixture
def browser(certs: TestCerts) -> Iterator[BrowserPlayer]:
    player = BrowserPlayer(certs.ca_file)
    yield player
    player.join()
    assert player.errors == []


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def make_window(
    qtbot: QtBot, config_dir: Path, memory_keyring: MemoryKeyring, browser: BrowserPlayer
) -> Callable[..., MainWindow]:
    return window_factory(
        qtbot,
        config_dir,
        memory_keyring,
        "en",
        confirm_discard=lambda parent: True,
        open_url=browser,
    )


# --------------------------------------------------------------------------- helpers


def fill_oauth(
    window: MainWindow, smtp_port: int, auth_server: AuthorizationServer, certs: TestCerts
) -> None:
    """Microsoft 365 with OAuth2, pointed at the local servers (authority in the advanced panel)."""
    window.form.apply_preset("microsoft365")
    assert child(window, "authMethodCombo", QComboBox).currentData() == "oauth2"
    child(window, "serverEdit", QLineEdit).setText(f"ssl://127.0.0.1:{smtp_port}")
    child(window, "userEdit", QLineEdit).setText(USER)
    child(window, "fromEdit", QLineEdit).setText(USER)
    child(window, "oauthClientIdEdit", QLineEdit).setText(CLIENT_ID)
    child(window, "advancedButton").setChecked(True)
    child(window, "timeoutSpin", QSpinBox).setValue(5)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    child(window, "oauthAuthorityEdit", QLineEdit).setText(auth_server.base_url)


def form_state(window: MainWindow) -> dict[str, object]:
    """Every editable value of the form, and what the OAuth2 panel shows."""
    state: dict[str, object] = {
        edit.objectName(): edit.text()
        for edit in window.form.findChildren(QLineEdit)
        if edit.objectName()
    }
    state["authMethodCombo"] = child(window, "authMethodCombo", QComboBox).currentData()
    state["presetCombo"] = child(window, "presetCombo", QComboBox).currentData()
    state["timeoutSpin"] = child(window, "timeoutSpin", QSpinBox).value()
    state["oauthPanel"] = child(window, "oauthPanel").isVisible()
    state["oauthAccountLabel"] = child(window, "oauthAccountLabel", QLabel).text()
    state["saveButton"] = child(window, "saveButton", QPushButton).isEnabled()
    return state


def click(qtbot: QtBot, window: QWidget, name: str) -> None:
    button = child(window, name, QPushButton)
    assert button.isVisible() and button.isEnabled(), f"{name} cannot be clicked"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def account_text(window: MainWindow) -> str:
    return child(window, "oauthAccountLabel", QLabel).text()


def sign_in(qtbot: QtBot, window: MainWindow, lang: str = "en") -> None:
    click(qtbot, window, "signInButton")
    qtbot.waitUntil(lambda: SIGNED_IN[lang] in account_text(window), timeout=10_000)
    assert window.signing_in.sign_in_job is None  # its task has ended (its result arrived)


def window_texts(window: MainWindow) -> list[str]:
    """Everything the window shows or holds as text: labels, fields, transcripts, tooltips."""
    texts = [label.text() for label in window.findChildren(QLabel)]
    texts += [edit.text() for edit in window.findChildren(QLineEdit)]
    texts += [edit.toPlainText() for edit in window.findChildren(QPlainTextEdit)]
    texts += [widget.toolTip() for widget in window.findChildren(QWidget)]
    return texts


def files_text(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [p.read_bytes().decode("latin-1") for p in sorted(folder.rglob("*")) if p.is_file()]


def assert_no_tokens(auth_server: AuthorizationServer, texts: list[str], where: str) -> None:
    tokens = auth_server.issued_access_tokens + auth_server.issued_refresh_tokens
    assert tokens, "no token was issued: the check would prove nothing"
    fragments = [piece for token in tokens for piece in (token, token[16:40])]
    for text in texts:
        for fragment in fragments:
            assert fragment not in text, f"a token leaked into {where}: {text[:200]!r}"


def redirect_uri(auth_url: str) -> str:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))["redirect_uri"]


# --------------------------------------------------------------------------- 9. sign in, save, sign out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sign_in_save_and_sign_out(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    browser: BrowserPlayer,
    lang: str,
) -> None:
    window = make_window(lang)
    fill_oauth(window, xoauth_server.port, auth_server, certs)
    panel = child(window, "oauthPanel")
    assert panel.isVisible()
    assert not child(window, "passwordEdit", QLineEdit).isVisible()
    assert account_text(window) == NOT_SIGNED_IN[lang]
    assert not child(window, "signOutButton", QPushButton).isVisible()
    assert not child(window, "saveButton", QPushButton).isEnabled()  # sign in first

    sign_in(qtbot, window, lang)

    assert USER in account_text(window)
    assert child(window, "signOutButton", QPushButton).isVisible()
    assert child(window, "signInButton", QPushButton).isVisible()
    assert not child(window, "cancelSignInButton", QPushButton).isVisible()
    assert len(browser.opened) == 1 and len(auth_server.authorize_requests) == 1
    assert auth_server.authorize_requests[0]["login_hint"] == USER
    assert memory_keyring.entries == {(SERVICE, REFRESH_KEY): auth_server.issued_refresh_tokens[0]}
    assert not config_dir.exists()  # signing in saves no settings

    click(qtbot, window, "saveButton")
    dialog = wait_success(qtbot, window)
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]
    assert len(xoauth_server.messages) == 1
    # The access token from the sign-in was used: no refresh, no second browser.
    assert [r["grant_type"] for r in auth_server.token_requests] == ["authorization_code"]

    data = json.loads((config_dir / "settings.json").read_text(encoding="utf-8"))
    assert data["oauth"] == {
        "provider": "microsoft",
        "client_id": CLIENT_ID,
        "tenant": "",
        "authority": auth_server.base_url,
    }
    assert data["auth"] is True and data["user"] == USER
    assert "password" not in data
    assert_no_tokens(auth_server, files_text(config_dir), "the config folder")

    # The summary says OAuth2, signed in.
    assert window.stack.currentWidget() is child(window, "summaryView")
    summary_text = child(window, "summary_password", QLabel).text()
    assert "OAuth2" in summary_text
    signed, not_signed = (
        ("signed in", "not signed in") if lang == "en" else ("サインイン済み", "未")
    )
    assert signed in summary_text and not_signed not in summary_text
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert_no_tokens(auth_server, window_texts(window), "the window")

    # Edit again: still signed in; sign out deletes the refresh token.
    click(qtbot, window, "editButton")
    assert child(window, "authMethodCombo", QComboBox).currentData() == "oauth2"
    assert child(window, "oauthPanel").isVisible()
    assert SIGNED_IN[lang] in account_text(window)
    assert child(window, "saveButton", QPushButton).isEnabled()
    click(qtbot, window, "signOutButton")
    qtbot.waitUntil(lambda: memory_keyring.entries == {}, timeout=5000)  # on a job's thread
    assert account_text(window) == NOT_SIGNED_IN[lang]
    assert not child(window, "signOutButton", QPushButton).isVisible()
    assert not child(window, "saveButton", QPushButton).isEnabled()
    assert child(window, "signInButton", QPushButton).isVisible()


def test_summary_says_not_signed_in_after_sign_out_elsewhere(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
) -> None:
    window = make_window("en")
    fill_oauth(window, xoauth_server.port, auth_server, certs)
    sign_in(qtbot, window)
    click(qtbot, window, "saveButton")
    wait_success(qtbot, window).accept()
    memory_keyring.entries.clear()  # e.g. `crm-mail-gui signout` in a terminal
    window.reload()
    qtbot.waitUntil(lambda: "not signed in" in child(window, "summary_password", QLabel).text())


# --------------------------------------------------------------------------- 3. revoked


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_revoked_sign_in_shows_sign_in_again_and_stores_nothing(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    browser: BrowserPlayer,
    lang: str,
) -> None:
    window = make_window(lang)
    fill_oauth(window, xoauth_server.port, auth_server, certs)
    sign_in(qtbot, window, lang)
    auth_server.revoke_all()
    oauth.clear_memory_cache()  # the access token is gone too (e.g. the app was restarted)
    keyring_before = dict(memory_keyring.entries)
    state_before = form_state(window)

    click(qtbot, window, "saveButton")
    banner = wait_error(qtbot, window)

    title = child(banner, "bannerTitle", QLabel).text()
    body = child(banner, "bannerBody", QLabel).text()
    assert title == Failure(Kind.SIGN_IN_REQUIRED, Step.AUTH).message(lang)
    assert oauth.OAuthError("sign_in_again").message(lang) in body
    assert "Traceback" not in title + body
    fix = child(banner, "bannerFixButton", QPushButton)
    assert fix.isVisible()
    assert fix.text() == {"en": "Sign in again", "ja": "もう一度サインイン"}[lang]
    # Nothing stored, nothing sent, the form as it was.
    assert not (config_dir / "settings.json").exists()
    assert memory_keyring.entries == keyring_before
    assert xoauth_server.auth_attempts == [] and xoauth_server.messages == []
    assert window.success_dialog is None
    assert window.stack.currentWidget() is window.form
    # The panel now says the sign-in is gone (Save waits for a new one); every field is kept.
    expected = dict(state_before)
    expected["saveButton"] = False
    expected["oauthAccountLabel"] = form_state(window)["oauthAccountLabel"]
    assert form_state(window) == expected
    assert NOT_SIGNED_IN[lang] in account_text(window)
    assert_no_tokens(auth_server, window_texts(window), "the window")

    # The fix button signs in again in the browser; then Save works.
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(auth_server.issued_refresh_tokens) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: window.signing_in.sign_in_job is None, timeout=10_000)
    assert SIGNED_IN[lang] in account_text(window)
    assert not banner.isVisible()
    assert len(browser.opened) == 2
    assert memory_keyring.entries == {(SERVICE, REFRESH_KEY): auth_server.issued_refresh_tokens[1]}
    click(qtbot, window, "saveButton")
    wait_success(qtbot, window).accept()
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]


def test_rejected_access_token_offers_sign_in_again(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    config_dir: Path,
) -> None:
    """The server refuses the token (Google's 334 JSON challenge): the banner shows its status."""
    window = make_window("en")
    fill_oauth(window, xoauth_server.port, auth_server, certs)
    sign_in(qtbot, window)
    auth_server.revoke_all()  # the access token in memory still looks fresh to the app

    click(qtbot, window, "saveButton")
    banner = wait_error(qtbot, window)
    body = child(banner, "bannerBody", QLabel).text()
    assert child(banner, "bannerTitle", QLabel).text() == Failure(
        Kind.AUTH_FAILED, Step.AUTH
    ).message("en")
    assert "status=401" in body and "535" in body
    assert child(banner, "bannerFixButton", QPushButton).text() == "Sign in again"
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, False)]
    assert not (config_dir / "settings.json").exists()
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    assert "AUTH XOAUTH2 ********" in transcript
    assert_no_tokens(auth_server, window_texts(window), "the window")


# --------------------------------------------------------------------------- 5. cancel


def test_cancelled_sign_in_leaves_the_form_as_it_was(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    browser: BrowserPlayer,
) -> None:
    idle = IdleBrowser()
    window = make_window("en", open_url=idle)
    fill_oauth(window, xoauth_server.port, auth_server, certs)
    before = form_state(window)

    click(qtbot, window, "signInButton")
    cancel = child(window, "cancelSignInButton", QPushButton)
    qtbot.waitUntil(cancel.isVisible, timeout=2000)
    qtbot.waitUntil(lambda: len(idle.opened) == 1, timeout=2000)
    assert not child(window, "signInButton", QPushButton).isVisible()
    assert "Waiting" in account_text(window)
    job = window.signing_in.sign_in_job
    assert job is not None and not job.done and window.jobs.running == 1
    assert child(window, "serverEdit", QLineEdit).isEnabled()  # the window stays usable

    started = time.monotonic()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(child(window, "signInButton", QPushButton).isVisible, timeout=500)
    elapsed = time.monotonic() - started
    assert elapsed < 0.5, elapsed

    assert form_state(window) == before
    assert not cancel.isVisible()
    assert not child(window, "errorBanner").isVisible()  # cancelling is no error
    assert not config_dir.exists() and memory_keyring.entries == {}
    assert auth_server.token_requests == []
    # No thread left: the worker is gone, its QThread has ended, the loopback listener is closed.
    assert (
        window.signing_in.sign_in_job is None and job.done
    )  # its task has ended (its result arrived)
    assert not [t for t in threading.enumerate() if t.name == "oauth-redirect"]
    with pytest.raises(urllib.error.URLError):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            redirect_uri(idle.opened[0]), timeout=2
        )

    # A later sign-in works as usual.
    window.open_url = browser
    sign_in(qtbot, window)
    assert USER in account_text(window)


# --------------------------------------------------------------------------- 8. device code


def test_device_code_sign_in(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
    browser: BrowserPlayer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(oauth, "MIN_POLL_INTERVAL", 0.1)  # RFC 8628's 5 s, shortened for the test
    window = make_window("en")
    fill_oauth(window, xoauth_server.port, auth_server, certs)

    click(qtbot, window, "deviceCodeButton")
    label = child(window, "deviceCodeLabel", QLabel)
    qtbot.waitUntil(lambda: label.isVisible() and bool(auth_server.issued_user_codes), timeout=5000)
    code = auth_server.issued_user_codes[0]
    assert code in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText  # server text is never markup
    assert f"{auth_server.base_url}/devicelogin" in label.text()
    assert child(window, "cancelSignInButton", QPushButton).isVisible()
    assert not child(window, "deviceCodeButton", QPushButton).isVisible()

    auth_server.approve_device(code)
    qtbot.waitUntil(lambda: SIGNED_IN["en"] in account_text(window), timeout=10_000)
    assert USER in account_text(window)
    assert not label.isVisible()
    assert browser.opened == [] and auth_server.authorize_requests == []
    assert list(memory_keyring.entries) == [(SERVICE, REFRESH_KEY)]
    click(qtbot, window, "saveButton")
    wait_success(qtbot, window).accept()
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]


# --------------------------------------------------------------------------- 10. password → OAuth2


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_microsoft_password_failure_offers_switch_to_oauth2(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    lang: str,
) -> None:
    server = fault_server("auth535_ms", tls="ssl")
    window = make_window(lang)
    window.form.apply_preset("microsoft365")
    window.form.set_auth_method("password")
    child(window, "serverEdit", QLineEdit).setText(f"ssl://127.0.0.1:{server.port}")
    # Set by the program, not typed: the preset stays (typing makes it follow the field).
    assert child(window, "presetCombo", QComboBox).currentData() == "microsoft365"
    child(window, "userEdit", QLineEdit).setText(USER)
    child(window, "passwordEdit", QLineEdit).setText("old-password")
    child(window, "fromEdit", QLineEdit).setText(USER)
    child(window, "advancedButton").setChecked(True)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    assert not child(window, "oauthPanel").isVisible()

    click(qtbot, window, "saveButton")
    banner = wait_error(qtbot, window)
    assert "5.7.139" in child(banner, "bannerBody", QLabel).text()
    fix = child(banner, "bannerFixButton", QPushButton)
    assert fix.isVisible()
    assert fix.text() == {"en": "Switch to OAuth2", "ja": "OAuth2 に切り替える"}[lang]
    assert not config_dir.exists() and memory_keyring.entries == {}

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert child(window, "authMethodCombo", QComboBox).currentData() == "oauth2"
    assert child(window, "oauthPanel").isVisible()
    assert not child(window, "passwordEdit", QLineEdit).isVisible()
    assert not banner.isVisible()
    assert child(window, "signInButton", QPushButton).isVisible()
    assert child(window, "serverEdit", QLineEdit).text() == f"ssl://127.0.0.1:{server.port}"
    assert child(window, "userEdit", QLineEdit).text() == USER
    assert window.focusWidget() is child(window, "oauthClientIdEdit", QLineEdit)


def test_password_failure_on_a_non_microsoft_server_offers_no_switch(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
) -> None:
    """Without a provider (Custom), the same reply gets its hint but no OAuth2 button."""
    server = fault_server("auth535_ms", tls="ssl")
    window = make_window("en")
    child(window, "serverEdit", QLineEdit).setText(f"ssl://127.0.0.1:{server.port}")
    child(window, "userEdit", QLineEdit).setText(USER)
    child(window, "passwordEdit", QLineEdit).setText("old-password")
    child(window, "fromEdit", QLineEdit).setText(USER)
    child(window, "advancedButton").setChecked(True)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    assert not child(window, "authMethodCombo", QComboBox).isVisible()
    click(qtbot, window, "saveButton")
    banner = wait_error(qtbot, window)
    assert "5.7.139" in child(banner, "bannerBody", QLabel).text()
    assert not child(banner, "bannerFixButton", QPushButton).isVisible()
