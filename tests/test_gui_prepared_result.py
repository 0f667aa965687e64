"""What a passed test shows is prepared while it runs; the click's parts come a frame apart."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fakes.smtp_servers import FaultServer, TestCerts
from gui_support import child, wait_error, wait_success
from gui_window import RCPT, FaultFactory, click_save, fill, wait_running
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crm_mail_gui.ui import MainWindow
from crm_mail_gui.ui.dialogs import SuccessDialog
from crm_mail_gui.ui.send_controller import PREPARE_AFTER_MS

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]

DELAY = 0.15  # s before each reply: the session outlasts PREPARE_AFTER_MS several times over


def dialogs(window: MainWindow) -> list[SuccessDialog]:
    """The success dialogs that still exist (deleteLater has run)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return window.findChildren(SuccessDialog)


def prepared(window: MainWindow) -> SuccessDialog | None:
    """The one hidden dialog that is not the last test's (closed, kept until the next opens)."""
    found = [d for d in dialogs(window) if not d.isVisible() and d is not window.success_dialog]
    return found[0] if len(found) == 1 else None


def open_form(make_window: Callable[..., MainWindow], qtbot: QtBot, lang: str) -> MainWindow:
    window = make_window(lang)
    qtbot.waitUntil(lambda: window.summaryView is not None, timeout=5000)  # the idle work
    qtbot.waitUntil(lambda: window.jobs.running == 0, timeout=5000)  # the credential store's
    return window


FormFor = Callable[..., tuple[MainWindow, FaultServer]]


@pytest.fixture
def form_for(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
) -> FormFor:
    """`form_for(fault, lang="en", **knobs)`: a window whose form is filled in for a new
    FaultServer (STARTTLS, its CA trusted), and that server."""

    def make(fault: str, *, lang: str = "en", **knobs: float) -> tuple[MainWindow, FaultServer]:
        server = fault_server(fault, **knobs)
        window = open_form(make_window, qtbot, lang)
        fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=10)
        return window, server

    return make


def test_the_dialog_and_summary_are_prepared_during_the_test_and_the_result_finishes_them(
    qtbot: QtBot, form_for: FormFor
) -> None:
    window, server = form_for("slow", lang="ja", delay=DELAY)
    name = f"tls://127.0.0.1:{server.port}"
    click_save(qtbot, window)
    wait_running(qtbot, window)
    qtbot.waitUntil(lambda: prepared(window) is not None, timeout=3000)
    early = prepared(window)
    summary = window.summaryView
    assert summary is not None and window.stack.currentWidget() is window.form
    qtbot.waitUntil(lambda: child(summary, "summary_server", QLabel).text() == name, timeout=1000)
    assert window.success_dialog is None and window.sending.job is not None  # still running
    assert "保存済み" in child(summary, "summary_password", QLabel).text()  # as a pass leaves it
    for key in ("password", "last_test"):  # as a wrong guess would leave them
        child(summary, f"summary_{key}", QLabel).setText("stale")

    dialog = wait_success(qtbot, window)
    assert dialog is early  # the prepared one, opened
    assert not child(dialog, "successUnencrypted", QLabel).isVisible()  # STARTTLS
    assert window.stack.currentWidget() is summary
    assert "保存済み" in child(summary, "summary_password", QLabel).text()  # the stored state
    assert window.last_test is not None and window.last_test.to == RCPT
    assert child(summary, "summary_last_test", QLabel).text().endswith(RCPT)
    assert len(server.messages) == 1
    assert dialogs(window) == [dialog]
    dialog.accept()


def test_a_prepared_dialog_learns_at_the_end_that_the_session_was_unencrypted(
    qtbot: QtBot, make_window: Callable[..., MainWindow], fault_server: FaultFactory
) -> None:
    server = fault_server("slow", delay=DELAY, tls="none")
    window = open_form(make_window, qtbot, "en")
    fill(window, f"127.0.0.1:{server.port}", auth=False, password="")  # no consent question
    click_save(qtbot, window)
    qtbot.waitUntil(lambda: prepared(window) is not None, timeout=3000)
    early = prepared(window)
    dialog = wait_success(qtbot, window)
    assert dialog is early
    line = child(dialog, "successUnencrypted", QLabel)
    assert line.isVisible() and "not encrypted" in line.text()
    dialog.accept()


def test_a_failed_test_leaves_no_prepared_dialog_and_shows_the_form(
    qtbot: QtBot, form_for: FormFor
) -> None:
    window, _server = form_for("rcpt550", delay=DELAY)
    click_save(qtbot, window)
    qtbot.waitUntil(lambda: prepared(window) is not None, timeout=3000)
    wait_error(qtbot, window)
    assert dialogs(window) == []
    assert window.success_dialog is None
    assert window.stack.currentWidget() is window.form
    assert not child(window, "serverEdit", QLineEdit).isReadOnly()


def test_a_cancelled_test_leaves_no_prepared_dialog(qtbot: QtBot, form_for: FormFor) -> None:
    window, _server = form_for("silent")
    click_save(qtbot, window)
    qtbot.waitUntil(lambda: prepared(window) is not None, timeout=3000)
    window.sending.cancel_test()
    assert dialogs(window) == []
    qtbot.wait(PREPARE_AFTER_MS + 50)
    assert dialogs(window) == [] and window.success_dialog is None


def test_the_click_makes_the_form_read_only_and_the_steps_and_job_follow(
    qtbot: QtBot, form_for: FormFor
) -> None:
    window, server = form_for("silent")
    steps = child(window, "stepList", QWidget)
    window.sending.start_test()  # the click's own slot, without the event loop
    assert child(window, "serverEdit", QLineEdit).isReadOnly()
    cancel = child(window, "cancelTestButton", QPushButton)
    assert not cancel.isHidden() and QApplication.focusWidget() in (cancel, None)
    assert steps.isHidden() and server.connections == 0  # the next frames' parts
    qtbot.waitUntil(lambda: not steps.isHidden(), timeout=1000)
    assert window.sending.job is not None
    qtbot.waitUntil(lambda: server.connections == 1, timeout=2000)
    window.sending.cancel_test()


def test_a_test_cancelled_in_the_click_frame_never_starts(qtbot: QtBot, form_for: FormFor) -> None:
    window, server = form_for("silent")
    qtbot.waitUntil(lambda: window.jobs.running == 0, timeout=5000)
    window.sending.start_test()
    window.sending.cancel_test()
    qtbot.wait(100)  # past the step list's frame and the job's
    assert child(window, "stepList", QWidget).isHidden()
    assert window.jobs.running == 0 and server.connections == 0
    assert dialogs(window) == []
    assert not child(window, "serverEdit", QLineEdit).isReadOnly()


def test_send_test_again_opens_its_prepared_dialog_without_saved(
    qtbot: QtBot, form_for: FormFor
) -> None:
    window, server = form_for("slow", delay=DELAY)
    click_save(qtbot, window)
    wait_success(qtbot, window).accept()
    qtbot.mouseClick(child(window, "sendTestAgainButton", QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prepared(window) is not None, timeout=3000)
    early = prepared(window)
    assert early is not None and early.saved.isHidden()  # Send test again stores nothing
    dialog = wait_success(qtbot, window)
    assert dialog is early and dialog.saved.isHidden()
    assert len(server.messages) == 2
    assert dialogs(window) == [dialog]  # the first test's dialog is gone
    dialog.accept()
