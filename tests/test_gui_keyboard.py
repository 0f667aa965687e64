"""The window by keyboard alone, with real key events: Tab order, Enter, Esc, Ctrl+W / Ctrl+Q."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import AioSMTPServer, TestCerts
from gui_support import child, wait_success
from gui_window import PASSWORD, USER, Answers, fill
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget:
    """The widget keys go to: the focus widget of the (one) window under test."""
    widget = QApplication.focusWidget() or QApplication.activeWindow()
    if widget is None:  # offscreen, the window is not always made active: its own focus widget
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        visible = [w for w in windows if w.isVisible()]
        assert len(visible) == 1
        widget = visible[0].focusWidget()
    assert widget is not None
    return widget


def tab_walk(qtbot: QtBot, steps: int, key: Qt.Key = Qt.Key.Key_Tab) -> list[str]:
    """Press Tab `steps` times as a user does; the objectName (or class) of each stop."""
    stops = []
    for _ in range(steps):
        qtbot.keyClick(focused(), key)
        widget = focused()
        stops.append(widget.objectName() or type(widget).__name__)
    return stops


def stored(config_dir: Path) -> None:
    settings = build_settings({"server": "ssl://smtp.example.com:465", "user": USER, "from": USER})
    Store(config_dir).save(settings, PASSWORD)


FIRST_RUN_ORDER = [
    "serverEdit",
    "userEdit",
    "detectButton",  # beside the user name (Detect from address)
    "passwordEdit",
    "showPasswordButton",
    "fromEdit",
    "authCheck",
    "testRecipientEdit",
    "advancedButton",
    "checkButton",
    "saveButton",
    "presetCombo",  # round again, past no invisible stop
]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_tab_starts_at_the_provider_and_follows_the_layout(
    qtbot: QtBot, make_window: Callable[..., MainWindow], certs: TestCerts, lang: str
) -> None:
    window = make_window(lang)
    assert focused() is child(window, "presetCombo")  # where the form starts
    fill(window, "ssl://smtp.example.com:465")  # Save and Check enabled: they are stops too
    window.form.presetCombo.setFocus()
    assert tab_walk(qtbot, len(FIRST_RUN_ORDER)) == FIRST_RUN_ORDER
    back = tab_walk(qtbot, 3, Qt.Key.Key_Backtab)
    assert back == ["saveButton", "checkButton", "advancedButton"]


def test_no_tab_stop_on_the_scroll_area(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("en")
    scroll = window.centralWidget()
    assert scroll.focusPolicy() == Qt.FocusPolicy.NoFocus
    stops = tab_walk(qtbot, 30)  # first run, Save disabled: several rounds
    assert "QScrollArea" not in stops and "qt_scrollarea_viewport" not in stops
    assert all(stop.endswith(("Edit", "Button", "Combo", "Check")) for stop in stops), stops


def test_tab_order_with_stored_settings_reaches_cancel(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    stored(config_dir)
    window = make_window("en")
    assert focused() is child(window, "editButton")
    qtbot.keyClick(focused(), Qt.Key.Key_Space)  # Edit
    assert focused() is child(window, "presetCombo")
    qtbot.waitUntil(window.form.saveButton.isEnabled, timeout=3000)  # the stored password known
    stops = tab_walk(qtbot, 12)
    assert stops[stops.index("advancedButton") + 1 :][:3] == [
        "backButton",
        "checkButton",
        "saveButton",
    ]


# ------------------------------------------------------------------------------------ Enter


@pytest.mark.parametrize(
    "field",
    [
        "presetCombo",
        "serverEdit",
        "userEdit",
        "passwordEdit",
        "fromEdit",
        "authCheck",
        "testRecipientEdit",
        "timeoutSpin",
        "caFileEdit",
        "oauthAuthorityEdit",
    ],
)
def test_enter_saves_from_every_field_once(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    field: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window("en")
    fill(window, "ssl://smtp.example.com:465", certs)  # opens the advanced panel with its CA file
    asked: list[bool] = []
    monkeypatch.setattr(window.sending, "start_test", asked.append)
    widget = child(window, field)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert asked == [False]  # Save (not Check), once
    qtbot.keyClick(widget, Qt.Key.Key_Enter)  # the keypad's Enter
    assert asked == [False, False]


def test_enter_on_a_button_is_not_save(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window("en")
    fill(window, "ssl://smtp.example.com:465", certs)
    asked: list[bool] = []
    monkeypatch.setattr(window.sending, "start_test", asked.append)
    for name in ("showPasswordButton", "advancedButton"):
        button = child(window, name)
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Return)
    assert asked == []


def test_enter_saves_with_an_invalid_form_does_nothing(
    qtbot: QtBot, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window("en")
    asked: list[bool] = []
    monkeypatch.setattr(window.sending, "start_test", asked.append)
    qtbot.keyClick(child(window, "serverEdit", QLineEdit), Qt.Key.Key_Return)
    assert asked == [] and window.stack.currentWidget() is window.form


def test_enter_in_the_ca_file_field_sends_the_test_mail(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
) -> None:
    """The case of the issue: Enter in the extra CA file field did nothing."""
    window = make_window("ja")
    fill(window, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    qtbot.keyClick(child(window, "caFileEdit", QLineEdit), Qt.Key.Key_Return)
    wait_success(qtbot, window).accept()
    assert len(ssl_server.messages) == 1


# -------------------------------------------------------------------------------------- Esc


def test_esc_leaves_an_unchanged_form_for_the_summary(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    stored(config_dir)
    discard = Answers()
    window = make_window("ja", confirm_discard=discard)
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.form
    qtbot.keyClick(child(window, "userEdit", QLineEdit), Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.summaryView
    assert discard.calls == 0


def test_esc_asks_about_unsaved_changes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    stored(config_dir)
    discard = Answers(False, True)
    window = make_window("ja", confirm_discard=discard)
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    user = child(window, "userEdit", QLineEdit)
    qtbot.keyClicks(user, "x")
    qtbot.keyClick(user, Qt.Key.Key_Escape)  # "keep editing"
    assert discard.calls == 1
    assert window.stack.currentWidget() is window.form and user.text() == USER + "x"
    qtbot.keyClick(user, Qt.Key.Key_Escape)  # "discard"
    assert discard.calls == 2
    assert window.stack.currentWidget() is window.summaryView
    assert Store(config_dir).load().settings.user == USER  # nothing stored


def test_esc_on_first_run_keeps_the_form(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    discard = Answers(True)
    window = make_window("ja", confirm_discard=discard)
    server = child(window, "serverEdit", QLineEdit)
    qtbot.keyClicks(server, "ssl://smtp.example.jp:465")
    qtbot.keyClick(server, Qt.Key.Key_Escape)
    assert window.isVisible() and window.stack.currentWidget() is window.form
    assert server.text() == "ssl://smtp.example.jp:465" and discard.calls == 0
    assert not (config_dir / "settings.json").exists()


# ------------------------------------------------------------------------- Ctrl+W, Ctrl+Q


@pytest.mark.parametrize("key", [Qt.Key.Key_W, Qt.Key.Key_Q], ids=["ctrl-w", "ctrl-q"])
def test_ctrl_w_and_ctrl_q_close_the_window(
    qtbot: QtBot, make_window: Callable[..., MainWindow], key: Qt.Key
) -> None:
    window = make_window("en")
    qtbot.keyClick(child(window, "serverEdit", QLineEdit), key, CTRL)
    assert not window.isVisible()


def test_ctrl_w_with_unsaved_changes_asks_first(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    discard = Answers(False, True)
    window = make_window("en", confirm_discard=discard)
    server = child(window, "serverEdit", QLineEdit)
    qtbot.keyClicks(server, "smtp.example.com")
    qtbot.keyClick(server, Qt.Key.Key_W, CTRL)
    assert window.isVisible() and discard.calls == 1
    qtbot.keyClick(server, Qt.Key.Key_W, CTRL)
    assert not window.isVisible() and discard.calls == 2


def test_ctrl_w_from_the_summary(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    stored(config_dir)
    window = make_window("ja")
    qtbot.keyClick(child(window, "editButton", QPushButton), Qt.Key.Key_W, CTRL)
    assert not window.isVisible()
