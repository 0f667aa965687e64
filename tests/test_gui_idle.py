"""The idle work after the first paint: credential store loader, garbage collection, icon."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from gui_support import (
    child,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


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
