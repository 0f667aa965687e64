"""The Qt window driven as a tester would, with pytest-qt, against real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import base64
import gc
import importlib.util
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import (
    child,
    restore_language,
    wait_error,
    wait_success,
    window_factory,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from smtp_servers import DEFAULT_USERS, AioSMTPServer, FaultServer, TestCerts

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import SERVICE, MemoryKeyring
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import Failure, Kind, Step
from crm_mail_gui.core.message import SUBJECT
from crm_mail_gui.core.presets import load_presets
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
RCPT = "bob@example.org"
ROOT = Path(__file__).resolve().parents[1]
TS_FILE = ROOT / "resources" / "translations" / "crm_mail_gui_ja.ts"
QM_FILE = ROOT / "resources" / "translations" / "crm_mail_gui_ja.qm"
SUCCESS_JA = "テストメールが送信されました。受信トレイを確認してください。"
FaultFactory = Callable[..., FaultServer]


# --------------------------------------------------------------------------- fixtures


class Answers:
    """A confirmation seam: records each call and answers from a list (then `default`)."""

    def __init__(self, *answers: bool, default: bool = True) -> None:
        self.answers = list(answers)
        self.default = default
        self.calls = 0

    def __call__(self, parent: QWidget) -> bool:
        assert isinstance(parent, MainWindow)
        self.calls += 1
        return self.answers.pop(0) if self.answers else self.default


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from restore_language(monkeypatch)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def make_window(
    qtbot: QtBot, config_dir: Path, memory_keyring: MemoryKeyring
) -> Callable[..., MainWindow]:
    """Build, register and show a window on the test's own config folder and keyring."""
    return window_factory(qtbot, config_dir, memory_keyring, "ja", confirm_discard=Answers())


# --------------------------------------------------------------------------- helpers


def fill(
    window: MainWindow,
    server: str,
    certs: TestCerts | None = None,
    *,
    user: str = USER,
    password: str = PASSWORD,
    from_addr: str = USER,
    to: str = RCPT,
    timeout: int | None = None,
    auth: bool = True,
) -> None:
    """Type the values into the form (extra CA and timeout in the advanced panel)."""
    child(window, "authCheck", QCheckBox).setChecked(auth)
    child(window, "serverEdit", QLineEdit).setText(server)
    child(window, "userEdit", QLineEdit).setText(user)
    child(window, "passwordEdit", QLineEdit).setText(password)
    child(window, "fromEdit", QLineEdit).setText(from_addr)
    child(window, "testRecipientEdit", QLineEdit).setText(to)
    if certs is not None or timeout is not None:
        child(window, "advancedButton").setChecked(True)  # built when first opened, as users do
    if certs is not None:
        child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    if timeout is not None:
        child(window, "timeoutSpin", QSpinBox).setValue(timeout)


def field_values(window: MainWindow) -> dict[str, str]:
    names = ("serverEdit", "userEdit", "passwordEdit", "fromEdit", "testRecipientEdit")
    return {name: child(window, name, QLineEdit).text() for name in names}


def click_save(qtbot: QtBot, window: MainWindow) -> None:
    save = child(window, "saveButton", QPushButton)
    assert save.isVisible() and save.isEnabled(), save.toolTip()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def wait_running(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(child(window, "cancelTestButton", QPushButton).isVisible, timeout=2000)
    assert window.sending.job is not None


def assert_editable(window: MainWindow) -> None:
    assert window.sending.job is None
    assert not child(window, "serverEdit", QLineEdit).isReadOnly()
    assert not child(window, "passwordEdit", QLineEdit).isReadOnly()
    assert child(window, "saveButton", QPushButton).isVisible()
    assert not child(window, "cancelTestButton", QPushButton).isVisible()


def assert_nothing_stored(config_dir: Path, keyring: MemoryKeyring) -> None:
    assert not (config_dir / "settings.json").exists()
    assert not config_dir.exists() or list(config_dir.iterdir()) == []
    assert keyring.entries == {}


def secret_forms(user: str = USER, password: str = PASSWORD) -> list[str]:
    """The password and the base64 forms in which it could leak (alone or in AUTH PLAIN)."""
    alone = base64.b64encode(password.encode()).decode()
    plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    return [password, alone, alone.rstrip("="), plain, plain.rstrip("=")]


def stored_json(config_dir: Path) -> dict[str, Any]:
    text = (config_dir / "settings.json").read_text(encoding="utf-8")
    for form in secret_forms():
        assert form not in text
    data = json.loads(text)
    assert "password" not in data
    return data


def plain(text: str) -> str:
    """A widget text without mnemonics ("保存(&S)" -> "保存(S)", "&Save" -> "Save")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def full_width(text: str) -> str:
    """ASCII digits and punctuation as a Japanese IME types them in full-width mode."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def type_keys(widget: QWidget, text: str) -> None:
    """Real key events, one per character, also for characters outside Latin-1.

    `qtbot.keyClicks` maps each character through Latin-1 and aborts Qt (qasciikey.cpp assert)
    on full-width input, so each event carries its text with Qt.Key_unknown, as a Japanese
    keyboard in full-width mode delivers it.
    """
    for ch in text:
        key = Qt.Key.Key_unknown if not ch.isascii() else Qt.Key(ord(ch.upper()))
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, key, ch, Qt.KeyboardModifier.NoModifier)


def ime_commit(widget: QWidget, text: str) -> None:
    """What an input method sends: a preedit (composition) string, then the committed text."""
    QApplication.sendEvent(widget, QInputMethodEvent(text, []))
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


# --------------------------------------------------------------------------- 1. success


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_first_run_save_sends_test_mail_and_stores(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    starttls_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    mode: str,
) -> None:
    server = ssl_server if mode == "ssl" else starttls_server
    other = starttls_server if mode == "ssl" else ssl_server
    scheme = "ssl" if mode == "ssl" else "tls"
    name = f"{scheme}://127.0.0.1:{server.port}"
    window = make_window("ja")
    assert window.stack.currentWidget() is window.form
    assert window.findChild(QWidget, "summaryView") is None  # built once there is something to show
    assert not child(window, "errorBanner").isVisible()

    fill(window, name, certs)
    if mode == "ssl":
        click_save(qtbot, window)
    else:  # Enter in a field saves, as in the CRM's form
        qtbot.keyClick(child(window, "fromEdit", QLineEdit), Qt.Key.Key_Return)
    dialog = wait_success(qtbot, window)

    # The mail arrived, with the envelope and subject the form asked for.
    assert len(server.messages) == 1 and other.messages == []
    received = server.messages[0]
    assert received.mail_from == USER
    assert received.rcpt_tos == [RCPT]
    assert received.message["Subject"] == SUBJECT
    assert received.auth_login == USER

    # The dialog: window-modal, Japanese message, the fixed heading.
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert SUCCESS_JA in texts
    assert "Test Mail Sent" in texts
    assert any(RCPT in text and name in text for text in texts)

    # Stored: the file without the password, the password only in the keyring.
    data = stored_json(config_dir)
    assert data["server"] == name
    assert data["user"] == USER and data["from"] == USER and data["to"] == RCPT
    assert data["auth"] is True and data["allow_unencrypted_auth"] is False
    assert data["ca_file"] == certs.ca_file
    assert memory_keyring.entries == {(SERVICE, f"{USER}@127.0.0.1"): PASSWORD}

    # Back on the summary, which shows the server and that the password is stored.
    summary = child(window, "summaryView")
    assert window.stack.currentWidget() is summary
    assert child(summary, "summary_server", QLabel).text() == name
    assert "保存済み" in child(summary, "summary_password", QLabel).text()
    assert child(window, "editButton", QPushButton).isVisible()
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_summary_says_stored_in_english(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
) -> None:
    window = make_window("en")
    fill(window, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Test Mail Sent" in texts
    assert "The test mail was sent. Please check the inbox." in texts
    assert "stored" in child(window, "summary_password", QLabel).text()
    dialog.accept()


# --------------------------------------------------------------------------- 2. auth failure


@pytest.mark.parametrize(
    ("lang", "step_name"), [("ja", "認証"), ("en", "authentication")], ids=["ja", "en"]
)
def test_wrong_password_shows_banner_and_stores_nothing(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    lang: str,
    step_name: str,
) -> None:
    server = fault_server("auth535", tls="starttls")
    window = make_window(lang)
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=2)
    typed = field_values(window)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)

    expected = Failure(Kind.AUTH_FAILED, Step.AUTH).message(lang)
    assert child(banner, "bannerTitle", QLabel).text() == expected
    body = child(banner, "bannerBody", QLabel).text()
    assert "535" in body
    assert step_name in body
    assert "Username and Password not accepted" in body  # the server's own words
    assert child(window, "passwordEdit", QLineEdit).property("state") == "error"
    assert window.stack.currentWidget() is window.form  # still editing, nothing to summarise
    assert window.success_dialog is None

    assert_nothing_stored(config_dir, memory_keyring)
    assert field_values(window) == typed
    assert_editable(window)

    # Details: the transcript, AUTH masked, the password never.
    details = child(banner, "bannerDetailsButton", QPushButton)
    transcript = child(banner, "bannerTranscript")
    assert details.isVisible() and not transcript.isVisible()
    qtbot.mouseClick(details, Qt.MouseButton.LeftButton)
    assert transcript.isVisible()
    text = transcript.toPlainText()
    assert "AUTH" in text and "********" in text and "535" in text
    for form in secret_forms():
        assert form not in text
        assert form not in body


# --------------------------------------------------------------------------- 3. cancel


def test_cancel_button_makes_form_editable_at_once(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("silent")
    window = make_window("ja")
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=10)
    typed = field_values(window)
    click_save(qtbot, window)
    wait_running(qtbot, window)
    assert child(window, "serverEdit", QLineEdit).isReadOnly()
    assert not child(window, "saveButton", QPushButton).isVisible()
    qtbot.waitUntil(lambda: server.connections == 1, timeout=2000)

    cancel = child(window, "cancelTestButton", QPushButton)
    started = time.monotonic()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            not child(window, "serverEdit", QLineEdit).isReadOnly()
            and child(window, "saveButton", QPushButton).isVisible()
        ),
        timeout=200,
    )
    assert time.monotonic() - started < 0.2
    assert_editable(window)
    assert field_values(window) == typed
    info = child(window, "infoBanner")
    assert info.isVisible() and "中止" in child(info, "bannerTitle", QLabel).text()
    assert not child(window, "errorBanner").isVisible()
    assert_nothing_stored(config_dir, memory_keyring)

    # The cancelled worker ends soon (its socket was closed), and nothing arrives later.
    qtbot.waitUntil(lambda: window.jobs.running == 0, timeout=2000)
    qtbot.wait(50)
    assert not child(window, "errorBanner").isVisible()
    assert_nothing_stored(config_dir, memory_keyring)


def test_advanced_panel_opened_during_a_test_is_read_only(
    qtbot: QtBot, make_window: Callable[..., MainWindow], fault_server: FaultFactory
) -> None:
    """The panel opened while a test runs is read-only, like the rest of the form."""
    server = fault_server("silent")
    window = make_window("en")
    fill(window, f"tls://127.0.0.1:{server.port}")
    assert not child(window, "advancedPanel").isVisible()  # built with the form, closed
    click_save(qtbot, window)
    wait_running(qtbot, window)
    child(window, "advancedButton").setChecked(True)
    assert child(window, "caFileEdit", QLineEdit).isReadOnly()
    assert not child(window, "timeoutSpin", QSpinBox).isEnabled()
    qtbot.mouseClick(child(window, "cancelTestButton", QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not child(window, "caFileEdit", QLineEdit).isReadOnly(), timeout=500)
    assert child(window, "timeoutSpin", QSpinBox).isEnabled()


def test_escape_cancels_a_running_test(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("silent")
    window = make_window("en")
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=10)
    click_save(qtbot, window)
    wait_running(qtbot, window)
    cancel = child(window, "cancelTestButton", QPushButton)
    assert window.form.focusWidget() is cancel  # where the focus goes while a test runs

    started = time.monotonic()
    qtbot.keyClick(cancel, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.sending.job is None, timeout=200)
    assert time.monotonic() - started < 0.2
    assert_editable(window)
    assert "cancelled" in child(child(window, "infoBanner"), "bannerTitle", QLabel).text()
    assert_nothing_stored(config_dir, memory_keyring)

    # A second test can run after the cancelled one; Esc in a (read-only) field cancels it too.
    click_save(qtbot, window)
    wait_running(qtbot, window)
    qtbot.keyClick(child(window, "serverEdit", QLineEdit), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.sending.job is None, timeout=200)
    assert_editable(window)
    assert_nothing_stored(config_dir, memory_keyring)


# --------------------------------------------------------------------------- 4. unencrypted


def test_unencrypted_auth_refused_makes_no_connection(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    plain_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    confirm = Answers(False)
    window = make_window("ja", confirm_unencrypted=confirm)
    fill(window, f"127.0.0.1:{plain_server.port}")
    # The field warns before anything is sent.
    message = child(window, "serverEditMessage", QLabel)
    assert message.isVisible() and "暗号化されない" in message.text()
    click_save(qtbot, window)

    assert confirm.calls == 1
    qtbot.wait(100)
    assert window.sending.job is None and window.jobs.running == 0
    assert plain_server.messages == [] and plain_server.auth_attempts == []
    assert child(window, "saveButton", QPushButton).isVisible()
    assert window.stack.currentWidget() is window.form
    assert_nothing_stored(config_dir, memory_keyring)


def test_unencrypted_auth_accepted_sends_and_remembers_the_choice(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    plain_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    confirm = Answers(True)
    window = make_window("ja", confirm_unencrypted=confirm)
    name = f"127.0.0.1:{plain_server.port}"
    fill(window, name)
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert confirm.calls == 1
    assert len(plain_server.messages) == 1
    assert plain_server.messages[0].rcpt_tos == [RCPT]
    data = stored_json(config_dir)
    assert data["server"] == name
    assert data["allow_unencrypted_auth"] is True
    assert memory_keyring.entries == {(SERVICE, f"{USER}@127.0.0.1"): PASSWORD}
    dialog.accept()


def test_unencrypted_without_auth_does_not_ask(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
) -> None:
    server = fault_server("ok", tls="none")
    window = make_window("ja")  # never_asked: no password goes out, no question
    fill(window, f"127.0.0.1:{server.port}", auth=False, password="")
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert len(server.messages) == 1 and server.auth_attempts == []
    assert stored_json(config_dir)["allow_unencrypted_auth"] is False
    dialog.accept()


# --------------------------------------------------------------------------- 5. presets


def choose_preset(window: MainWindow, preset_id: str) -> None:
    """Pick a preset as the user does: select the item, which emits `activated`."""
    combo = child(window, "presetCombo", QComboBox)
    index = combo.findData(preset_id)
    assert index >= 0, preset_id
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_preset_switching_keeps_user_input(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    user = child(window, "userEdit", QLineEdit)
    password = child(window, "passwordEdit", QLineEdit)
    from_edit = child(window, "fromEdit", QLineEdit)
    server = child(window, "serverEdit", QLineEdit)
    assert not child(window, "guidancePanel", QLabel).isVisible()  # Custom: no notes yet
    qtbot.keyClicks(user, "taro@example.co.jp")
    qtbot.keyClicks(password, "app-pass-1234")
    qtbot.keyClicks(from_edit, "noreply@example.co.jp")

    choose_preset(window, "gmail")
    assert server.text() == "ssl://smtp.gmail.com:465"
    guidance = child(window, "guidancePanel", QLabel)
    assert guidance.isVisible() and "アプリパスワード" in guidance.text()
    assert child(window, "authCheck", QCheckBox).isChecked()

    choose_preset(window, "microsoft365")
    assert server.text() == "tls://smtp.office365.com:587"
    assert "アプリパスワード" not in guidance.text()
    assert user.text() == "taro@example.co.jp"
    assert password.text() == "app-pass-1234"
    assert from_edit.text() == "noreply@example.co.jp"
    # Microsoft 365 defaults to OAuth2 (basic authentication is being switched off): Save waits
    # for a sign-in; going back to the password method uses the password typed earlier.
    method = child(window, "authMethodCombo", QComboBox)
    assert method.currentData() == "oauth2"
    assert child(window, "oauthPanel", QWidget).isVisible()
    assert not child(window, "saveButton", QPushButton).isEnabled()
    window.form.set_auth_method("password")
    assert child(window, "saveButton", QPushButton).isEnabled()


def next_tab_stop(widget: QWidget) -> QWidget:
    """Where Tab goes from `widget`: the next widget in its focus chain that takes Tab focus."""
    following = widget.nextInFocusChain()
    while not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following


def test_a_known_address_domain_offers_its_preset(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """An offer, not a change: Use it applies the preset, × dismisses it for good."""
    window = make_window("en")
    assert not child(window, "presetOffer").isVisible()  # nothing offered yet
    qtbot.keyClicks(child(window, "userEdit", QLineEdit), "taro@gmail.com")
    offer = child(window, "presetOffer")
    assert offer.isVisible() and "Gmail" in offer.findChild(QLabel).text()
    assert child(window, "presetCombo", QComboBox).currentData() == "custom"  # not forced
    assert next_tab_stop(child(window, "presetCombo")) is child(window, "presetOfferApply")

    qtbot.mouseClick(child(window, "presetOfferApply", QPushButton), Qt.MouseButton.LeftButton)
    assert child(window, "presetCombo", QComboBox).currentData() == "gmail"
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.gmail.com:465"
    assert not offer.isVisible()

    child(window, "userEdit", QLineEdit).setText("hanako@outlook.jp")
    assert offer.isVisible() and "Outlook" in offer.findChild(QLabel).text()
    close = next(b for b in offer.findChildren(QAbstractButton) if b.text() == "×")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not offer.isVisible()
    child(window, "userEdit", QLineEdit).setText("hanako@hotmail.com")  # same preset: dismissed
    assert not offer.isVisible()
    assert child(window, "presetCombo", QComboBox).currentData() == "gmail"


def test_preset_placeholder_is_selected_and_blocks_save(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    fill(window, "", user="info@example.jp", from_addr="info@example.jp", to="")
    server = child(window, "serverEdit", QLineEdit)
    save = child(window, "saveButton", QPushButton)

    choose_preset(window, "xserver")
    assert server.text() == "ssl://svNNNN.xserver.jp:465"
    assert server.selectedText() == "svNNNN"
    assert not save.isEnabled()
    message = child(window, "serverEditMessage", QLabel)
    assert message.isVisible() and "svNNNN" in message.text()

    qtbot.keyClicks(server, "sv1234")  # typing replaces the selected placeholder
    assert server.text() == "ssl://sv1234.xserver.jp:465"
    assert save.isEnabled()
    assert not message.isVisible()

    # Back to the placeholder, then "Custom": the field message and Save agree at once.
    choose_preset(window, "xserver")
    assert not save.isEnabled() and message.isVisible()
    choose_preset(window, "custom")
    assert save.isEnabled() != message.isVisible()
    assert save.isEnabled() == window.form.validate()


# --------------------------------------------------------------------------- 6. full width


@pytest.mark.parametrize("method", ["keys", "ime"])
def test_full_width_server_name_is_stored_in_ascii(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
    method: str,
) -> None:
    window = make_window("ja")
    fill(window, "", certs)
    server = child(window, "serverEdit", QLineEdit)
    typed = "ｓｓｌ：／／１２７．０．０．１：" + full_width(str(ssl_server.port))
    server.setFocus()
    if method == "keys":
        type_keys(server, typed)
    else:
        ime_commit(server, typed)
    assert server.text() == typed
    assert child(window, "serverEdit", QLineEdit).property("state") in ("", None)
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    name = f"ssl://127.0.0.1:{ssl_server.port}"
    assert stored_json(config_dir)["server"] == name
    assert child(window, "summary_server", QLabel).text() == name
    assert len(ssl_server.messages) == 1
    dialog.accept()


# --------------------------------------------------------------------------- 7. live checks


def test_live_validation_messages_and_fix_button(
    qtbot: QtBot, make_window: Callable[..., MainWindow], certs: TestCerts
) -> None:
    window = make_window("ja")
    fill(window, "ssl://smtp.example.com:465", certs)
    save = child(window, "saveButton", QPushButton)
    assert save.isEnabled()

    from_edit = child(window, "fromEdit", QLineEdit)
    from_edit.clear()
    qtbot.keyClicks(from_edit, "Evil <a@b>")
    from_message = child(window, "fromEditMessage", QLabel)
    assert from_message.isVisible()
    assert (
        from_message.text() == "メールアドレスだけを入力してください(表示名や < > は使えません)。"
    )
    assert from_edit.property("state") == "error"
    assert not save.isEnabled()
    assert "表示名" in save.toolTip()
    from_edit.setText(USER)
    assert not from_message.isVisible() and save.isEnabled()

    server = child(window, "serverEdit", QLineEdit)
    server.setText("ssl://smtp.example.com:70000")
    server_message = child(window, "serverEditMessage", QLabel)
    assert server_message.isVisible()
    assert server_message.text() == "ポート番号 70000 は範囲外です(1〜65535)。"
    assert server.property("state") == "error"
    assert not save.isEnabled()

    server.setText("tls://smtp.example.com:465")
    assert server.property("state") == "warning"
    assert "ssl://" in server_message.text()
    assert save.isEnabled()  # a warning, not an error
    fix = child(window, "serverEditFixButton", QPushButton)
    assert fix.isVisible() and "ssl://smtp.example.com:465" in fix.text()
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert server.text() == "ssl://smtp.example.com:465"
    assert not fix.isVisible() and not server_message.isVisible()
    assert server.property("state") == ""


def test_live_validation_in_english(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("en")
    server = child(window, "serverEdit", QLineEdit)
    qtbot.keyClicks(server, "ssl://smtp.example.com:70000")
    assert child(window, "serverEditMessage", QLabel).text() == (
        "Port 70000 is out of range (1 to 65535)."
    )
    assert not child(window, "saveButton", QPushButton).isEnabled()


# --------------------------------------------------------------------------- 8. languages

ALLOWED_WORDS = {
    "smtp",
    "auth",
    "tls",
    "ssl",
    "starttls",
    "oauth",
    "gmail",
    "google",
    "workspace",
    "microsoft",
    "office",
    "outlook",
    "hotmail",
    "icloud",
    "yahoo",
    "japan",
    "xserver",
    "sendgrid",
    "amazon",
    "ses",
    "tokyo",
    "zoho",
    "conoha",
    "wing",
    "test",
    "mail",
    "sent",
    "crm",
    "gui",
    # names shown in English in the providers' own Japanese consoles (OAuth2 registration help)
    "entra",
    "exchange",
    "online",
    "api",
    "uri",
    "azure",
    "cloud",
}


PLACEHOLDERS = {preset.placeholder for preset in load_presets() if preset.placeholder}


def english_words(text: str) -> list[str]:
    """English words of 3+ letters left after dropping addresses, server names and paths.

    Japanese text has no spaces, so a "token" is a run of printable ASCII: tokens with "://",
    "@", a path separator, a digit or a dotted name (".sakura.ne.jp") are data, not words.
    """
    text = re.sub(r"<code>.*?</code>", " ", text)  # literal values (scopes, URIs) stay English
    text = re.sub(r"<[^>]+>", " ", text)  # rich text markup
    for placeholder in PLACEHOLDERS:  # parts of server names, e.g. "svNNNN" (Xserver)
        text = text.replace(placeholder, " ")
    text = plain(text).replace("&nbsp;", " ").replace("&amp;", "&")
    kept = [
        token
        for token in re.findall(r"[\x21-\x7e]+", text)
        if not any(mark in token for mark in ("://", "@", "/", "\\"))
        and not any(ch.isdigit() for ch in token)
        and not re.search(r"[A-Za-z0-9-]\.[A-Za-z]", token)
    ]
    words = re.findall(r"[A-Za-z]{3,}", " ".join(kept))
    return [word for word in words if word.lower() not in ALLOWED_WORDS]


def test_english_words_filter() -> None:
    assert english_words("サーバ名の「.sakura.ne.jp」より前") == []
    assert english_words("保存済み(Gmail / Google Workspace)ssl://smtp.gmail.com:465") == []
    assert english_words("<i>User name:</i> メールアドレス全体(例: taro@gmail.com)") == [
        "User",
        "name",
    ]
    assert english_words("保存(&S)") == []
    assert english_words("&Save") == ["Save"]


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for cls in (QLabel, QAbstractButton, QGroupBox):
        for widget in root.findChildren(cls):
            if not widget.isVisible():
                continue
            if isinstance(widget, QGroupBox):
                texts.append(widget.title())
            else:
                texts.append(widget.text())
                texts.append(widget.toolTip())
    return [text for text in texts if text]


def test_credential_store_loads_off_the_gui_thread(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading keyring (0.1–0.2 s, longer with a slow D-Bus) must not freeze the new window."""
    threads: list[threading.Thread] = []
    real_load = credentials.load

    def load() -> None:
        threads.append(threading.current_thread())
        real_load()

    monkeypatch.setattr(credentials, "load", load)
    window = make_window("en")
    assert window.findChild(QLabel, "storeNote") is None  # not known before the first paint
    qtbot.waitUntil(lambda: window.findChild(QLabel, "storeNote") is not None, timeout=3000)
    note = child(window, "storeNote", QLabel)
    assert note.isVisible() and "in-memory store" in note.text()
    assert threads and all(thread is not threading.main_thread() for thread in threads)


def test_a_window_closed_at_once_starts_no_loader_thread(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """Idle work scheduled at the first paint must not outlive the window's shutdown."""
    window = make_window("en")
    window.close()  # before the credential store loader was due
    qtbot.wait(1500)  # past the longest wait for the first exposure and the loader's slot
    assert window._store_loader is None
    assert window.jobs.running == 0


def test_garbage_collection_paused_for_start_up_resumes_on_screen(
    qtbot: QtBot, config_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    """cli.main pauses gc for the start; run_app resumes it when the window is on screen."""
    from crm_mail_gui.ui import create_main_window
    from crm_mail_gui.ui.app import resume_garbage_collection

    gc.disable()
    try:
        window = create_main_window(config_dir, keyring_backend=memory_keyring, lang="en")
        qtbot.addWidget(window)
        window.onScreen.connect(resume_garbage_collection)
        assert not gc.isenabled()
        with qtbot.waitSignal(window.onScreen, timeout=2000):
            window.show()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 1000  # start-up's objects are left out of collections
    finally:
        gc.unfreeze()
        gc.enable()


def test_window_gets_the_app_icon_once_idle(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """The icon is loaded after the first paint (start-up), for every window of the app."""
    QApplication.setWindowIcon(QIcon())
    window = make_window("en")
    assert QApplication.windowIcon().isNull()  # not on the way to the first paint
    qtbot.waitUntil(lambda: not QApplication.windowIcon().isNull(), timeout=2000)
    assert not window.windowIcon().isNull()
    assert window.windowIcon().availableSizes()  # the PNG was found and read


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_wrapped_labels_get_the_height_their_width_needs(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str
) -> None:
    """No wrapped text is clipped or padded, at the smallest window size and at a wide one."""
    window = make_window(lang)
    window.form.apply_preset("microsoft365")  # the guidance panel and the OAuth2 panel too
    qtbot.waitUntil(lambda: child(window, "storeNote", QLabel).isVisible(), timeout=3000)
    for width in (window.minimumWidth(), 1100):
        window.resize(width, 800)
        qtbot.wait(50)  # the layouts settle on the next event-loop turns
        labels = [
            label
            for label in window.findChildren(QLabel)
            if label.wordWrap() and label.isVisible() and label.text()
        ]
        assert {"windowSubtitle", "storeNote"} <= {label.objectName() for label in labels}
        for label in labels:
            needed = label.heightForWidth(label.width())
            assert label.height() == needed, (width, label.objectName(), label.text()[:30])


def test_advanced_panel_is_built_when_opened_and_keeps_stored_values(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    """Closed, the panel does not exist yet; a stored timeout survives until it is opened."""
    settings = build_settings(
        {"server": "ssl://smtp.example.com:465", "user": USER, "from": USER, "timeout": 7}
    )
    Store(config_dir).save(settings, PASSWORD)
    window = make_window("en")
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert not child(window, "advancedPanel").isVisible()  # no CA file: stays closed
    assert window.form.settings().timeout == 7 and not window.form.is_dirty()

    qtbot.mouseClick(child(window, "advancedButton", QAbstractButton), Qt.MouseButton.LeftButton)
    panel = child(window, "advancedPanel")
    qtbot.waitUntil(panel.isVisible, timeout=1000)
    assert child(window, "timeoutSpin", QSpinBox).value() == 7
    # what "per step" means: one answer; the upload only fails without progress (issue 11, 9)
    assert "without any progress" in child(window, "timeoutSpin", QSpinBox).toolTip()
    assert not window.form.is_dirty()
    expected = [
        "advancedButton",
        "timeoutSpin",
        "caFileEdit",
        "caBrowseButton",
        "oauthAuthorityEdit",
        "backButton",
    ]
    chain, widget = [], child(window, "advancedButton")
    while len(chain) < len(expected):  # Tab from the button walks the panel, then the buttons
        if widget.objectName() in expected and widget.objectName() not in chain:
            chain.append(widget.objectName())
        elif widget.objectName() in ("saveButton", "checkButton", "presetCombo"):
            break  # walked past the panel
        widget = widget.nextInFocusChain()
    assert chain == expected
    child(window, "timeoutSpin", QSpinBox).setValue(9)
    assert window.form.settings().timeout == 9 and window.form.is_dirty()


def test_tab_order_follows_the_layout(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    """Tab walks the fields top to bottom, the OAuth2 panel (built later) in its place."""
    window = make_window("en")
    window.form.apply_preset("microsoft365")  # OAuth2: the panel replaces the password row
    expected = [
        "presetCombo",
        "serverEdit",
        "userEdit",
        "authMethodCombo",
        "oauthClientIdEdit",
        "oauthTenantEdit",
        "signInButton",
        "fromEdit",
        "authCheck",
        "testRecipientEdit",
        "advancedButton",
        "backButton",
        "saveButton",
    ]
    seen: list[str] = []
    widget = window.form.presetCombo
    for _ in range(200):
        if widget.objectName() in expected and widget.objectName() not in seen:
            seen.append(widget.objectName())
        widget = widget.nextInFocusChain()
    assert seen == expected


def test_japanese_labels(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("ja")
    assert "保存" in child(window, "saveButton", QPushButton).text()
    labels = [plain(label.text()) for label in window.form.findChildren(QLabel)]
    for text in ("サーバ名", "ユーザ名", "パスワード", "差出人"):
        assert any(label.startswith(text) for label in labels), text
    assert "認証を行う" in child(window, "authCheck", QCheckBox).text()
    assert "編集" in window.ensure_summary().editButton.text()  # built when first shown
    assert "テストを中止" in child(window, "cancelTestButton", QPushButton).text()


def test_english_labels(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("en")
    assert plain(child(window, "saveButton", QPushButton).text()) == "Save"
    labels = [plain(label.text()) for label in window.form.findChildren(QLabel)]
    assert "Server name:" in labels and "User name:" in labels and "Password:" in labels
    assert "Requires authentication" in plain(child(window, "authCheck", QCheckBox).text())
    assert plain(window.ensure_summary().editButton.text()) == "Edit"


def test_no_english_left_in_japanese_window(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    config_dir: Path,
) -> None:
    settings = build_settings(
        {
            "server": "ssl://smtp.example.com:465",
            "user": USER,
            "from": USER,
            "to": RCPT,
            "ca_file": certs.ca_file,
        }
    )
    Store(config_dir).save(settings, PASSWORD)
    window = make_window("ja")
    found: dict[str, list[str]] = {}

    def check(where: str, root: QWidget) -> None:
        for text in visible_texts(root):
            words = english_words(text)
            if words:
                found.setdefault(where, []).append(f"{text!r}: {words}")

    check("summary", window)
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    child(window, "advancedButton").setChecked(True)
    check("form", window)
    for preset_id in ("gmail", "microsoft365", "xserver", "sakura", "custom"):
        choose_preset(window, preset_id)
        check(f"form with preset {preset_id}", window)
    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


# --------------------------------------------------------------------------- 9. translations


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "translations_script", ROOT / "scripts" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_translation_is_finished() -> None:
    root = ET.parse(TS_FILE).getroot()
    assert root.get("language", "").startswith("ja")
    problems = []
    count = 0
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            count += 1
            source = message.findtext("source")
            translation = message.find("translation")
            if translation is None:
                problems.append(f"{name}: {source!r} has no <translation>")
                continue
            kind = translation.get("type")
            forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
            if kind in ("unfinished", "vanished", "obsolete"):
                problems.append(f"{name}: {source!r} is {kind}")
            if not all(form and form.strip() for form in forms):
                problems.append(f"{name}: {source!r} is empty")
    assert count > 50
    assert problems == []


def test_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    script = _load_script()
    outputs = script.compile_qm(tmp_path)
    assert outputs == [tmp_path / QM_FILE.name]
    assert outputs[0].read_bytes() == QM_FILE.read_bytes(), (
        "resources/translations/crm_mail_gui_ja.qm is stale: run scripts/translations.py compile"
    )


def test_ts_has_every_string_of_the_code(tmp_path: Path) -> None:
    """Extraction in a copy of the .ts adds nothing: `translations.py update` was run."""
    import shutil
    import subprocess

    copy = tmp_path / TS_FILE.name
    shutil.copy(TS_FILE, copy)
    script = _load_script()
    subprocess.run(
        [
            script.find_tool("pyside6-lupdate"),
            *map(str, script.SOURCES),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "ja",
            "-ts",
            str(copy),
        ],
        check=True,
        capture_output=True,
    )

    def sources(path: Path) -> set[tuple[str, str]]:
        root = ET.parse(path).getroot()
        return {
            (context.findtext("name") or "", message.findtext("source") or "")
            for context in root.iter("context")
            for message in context.iter("message")
        }

    assert sources(copy) == sources(TS_FILE)


# --------------------------------------------------------------------------- 10. closing


def test_close_during_running_test_returns_promptly(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("silent")
    discard = Answers()
    window = make_window("ja", confirm_discard=discard)
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=10)
    click_save(qtbot, window)
    wait_running(qtbot, window)
    qtbot.waitUntil(lambda: server.connections == 1, timeout=2000)
    job = window.sending.job
    assert job is not None and not job.done and window.jobs.running == 1

    started = time.monotonic()
    assert window.close()
    assert time.monotonic() - started < 2.0
    assert not window.isVisible()
    assert window.sending.job is None
    assert window.jobs.running == 0  # its thread has ended
    assert discard.calls == 0  # a running test is cancelled, not a question of unsaved edits
    assert_nothing_stored(config_dir, memory_keyring)


def test_close_with_unsaved_changes_asks(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    discard = Answers(False, True)
    window = make_window("ja", confirm_discard=discard)
    qtbot.keyClicks(child(window, "serverEdit", QLineEdit), "ssl://smtp.example.com:465")

    assert not window.close()
    assert discard.calls == 1
    assert window.isVisible()
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.example.com:465"

    assert window.close()
    assert discard.calls == 2
    assert not window.isVisible()


def test_close_without_changes_does_not_ask(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    discard = Answers(False)
    window = make_window("ja", confirm_discard=discard)
    assert window.close()
    assert discard.calls == 0


# --------------------------------------------------------------------------- 11. existing


def test_existing_settings_open_summary_and_reuse_stored_password(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    name = f"ssl://127.0.0.1:{ssl_server.port}"
    settings = build_settings(
        {
            "server": name,
            "user": USER,
            "from": USER,
            "to": RCPT,
            "ca_file": certs.ca_file,
            "timeout": 5,
        }
    )
    Store(config_dir).save(settings, PASSWORD)
    before = (config_dir / "settings.json").read_text(encoding="utf-8")
    window = make_window("ja")

    summary = child(window, "summaryView")
    assert window.stack.currentWidget() is summary and summary.isVisible()
    assert child(window, "summary_server", QLabel).text() == name
    # The credential store is asked once the window is on screen (it is slow to load).
    password_label = child(window, "summary_password", QLabel)
    qtbot.waitUntil(lambda: "保存済み" in password_label.text(), timeout=2000)

    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.form
    assert field_values(window) == {
        "serverEdit": name,
        "userEdit": USER,
        "passwordEdit": "",
        "fromEdit": USER,
        "testRecipientEdit": RCPT,
    }
    assert child(window, "timeoutSpin", QSpinBox).value() == 5
    assert child(window, "caFileEdit", QLineEdit).text() == certs.ca_file
    password = child(window, "passwordEdit", QLineEdit)
    assert "保存済み" in password.placeholderText()
    assert password.property("state") in ("", None)

    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert ssl_server.auth_attempts == [("PLAIN", USER)]
    assert len(ssl_server.messages) == 1 and ssl_server.messages[0].auth_login == USER
    assert memory_keyring.entries == {(SERVICE, f"{USER}@127.0.0.1"): PASSWORD}
    assert (config_dir / "settings.json").read_text(encoding="utf-8") == before
    assert window.stack.currentWidget() is summary
    dialog.accept()


def test_back_from_edit_asks_only_when_changed(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    config_dir: Path,
) -> None:
    settings = build_settings({"server": "ssl://smtp.example.com:465", "user": USER, "from": USER})
    Store(config_dir).save(settings, PASSWORD)
    discard = Answers(False, True)
    window = make_window("ja", confirm_discard=discard)

    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    back = child(window, "backButton", QPushButton)  # the form is built when first opened
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert discard.calls == 0 and window.stack.currentWidget() is child(window, "summaryView")

    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    child(window, "fromEdit", QLineEdit).setText("other@example.com")
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert discard.calls == 1 and window.stack.currentWidget() is window.form
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert discard.calls == 2 and window.stack.currentWidget() is child(window, "summaryView")
    assert child(window, "summary_from", QLabel).text() == USER


# --------------------------------------------------------------------------- 12. check only


def test_check_connection_sends_nothing_and_stores_nothing(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    window = make_window("ja")
    fill(window, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    check = child(window, "checkButton", QPushButton)
    assert check.isEnabled()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    info = child(window, "infoBanner")
    qtbot.waitUntil(lambda: info.isVisible() and window.sending.job is None, timeout=10_000)

    assert info.kind == "success"
    assert "接続テストに成功しました" in child(info, "bannerTitle", QLabel).text()
    assert not child(window, "errorBanner").isVisible()
    assert ssl_server.auth_attempts == [("PLAIN", USER)]
    assert ssl_server.messages == []
    assert window.success_dialog is None
    assert window.stack.currentWidget() is window.form
    assert_nothing_stored(config_dir, memory_keyring)
    assert_editable(window)
    transcript = child(info, "bannerTranscript").toPlainText()
    assert "RCPT TO:<bob@example.org>" in transcript and "DATA" not in transcript
    for form in secret_forms():
        assert form not in transcript


# --------------------------------------------------------------------------- 13. crash


def test_unexpected_error_in_worker_keeps_form_usable(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    calls: list[str | None] = []

    def deliver_fn(settings: Any, password: str | None, **kwargs: Any) -> Any:
        calls.append(password)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return deliver(settings, password, **kwargs)

    window = make_window("ja", deliver_fn=deliver_fn)
    fill(window, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    typed = field_values(window)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    assert child(banner, "bannerTitle", QLabel).text() == (
        "予期しないエラーでテストが止まりました。入力内容はそのまま残っています。"
    )
    assert "RuntimeError: boom" in child(banner, "bannerBody", QLabel).text()
    assert field_values(window) == typed
    assert_editable(window)
    assert_nothing_stored(config_dir, memory_keyring)

    # Usable again: the next Save goes through.
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert calls == [PASSWORD, PASSWORD]
    assert not banner.isVisible()
    assert len(ssl_server.messages) == 1
    assert stored_json(config_dir)["server"] == typed["serverEdit"]
    dialog.accept()


# --------------------------------------------------------------------------- 14. TLS mix-up


def test_ssl_against_starttls_port_offers_fix(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("ok", tls="starttls", users=DEFAULT_USERS)
    window = make_window("ja")
    fill(window, f"ssl://127.0.0.1:{server.port}", certs, timeout=2)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    assert child(banner, "bannerTitle", QLabel).text() == Failure(
        Kind.TLS_HANDSHAKE_FAILED, Step.TLS
    ).message("ja")
    assert_nothing_stored(config_dir, memory_keyring)
    fix = child(banner, "bannerFixButton", QPushButton)
    suggested = f"tls://127.0.0.1:{server.port}"
    assert fix.isVisible() and suggested in fix.text()

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert child(window, "serverEdit", QLineEdit).text() == suggested
    assert not banner.isVisible()

    # The fixed name works.
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert len(server.messages) == 1
    assert stored_json(config_dir)["server"] == suggested
    dialog.accept()
