"""Cancelling a running test (button, Esc) and closing the window."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import TestCerts
from gui_support import (
    child,
    shown,
)
from gui_window import (
    Answers,
    FaultFactory,
    assert_editable,
    assert_nothing_stored,
    click_save,
    field_values,
    fill,
    wait_running,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


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
    assert not shown(window, "advancedPanel")  # closed (built when first opened)
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
    assert window.focusWidget() is cancel  # where the focus goes while a test runs

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
