"""The window tests' shared part: constants, the confirmation seam, helpers and fixtures.

Loaded as a plugin by tests/conftest.py (`pytest_plugins`), so the fixtures are everywhere;
`restored_language` is not autouse: GUI test modules ask for it in their `pytestmark`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import DEFAULT_USERS, FaultServer, TestCerts
from gui_support import (
    child,
    restore_language,
    window_factory,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow

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


@pytest.fixture
def restored_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put the process-wide language and translators back after the test."""
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


def choose_preset(window: MainWindow, preset_id: str) -> None:
    """Pick a preset as the user does: select the item, which emits `activated`."""
    combo = child(window, "presetCombo", QComboBox)
    index = combo.findData(preset_id)
    assert index >= 0, preset_id
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def next_tab_stop(widget: QWidget) -> QWidget:
    """Where Tab goes from `widget`: the next widget in its focus chain that takes Tab focus."""
    following = widget.nextInFocusChain()
    while not following.focusPolicy() & Qt.FocusPolicy.TabFocus:
        following = following.nextInFocusChain()
    return following
