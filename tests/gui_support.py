"""Helpers shared by the pytest-qt tests: building windows, finding widgets, waiting for results."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from crm_mail_gui.core import i18n
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow, create_main_window, translations


def never_asked(parent: QWidget) -> bool:
    """confirm_unencrypted for encrypted servers: being asked is a failure."""
    raise AssertionError("confirm_unencrypted must not be asked for an encrypted server")


def allow_discard(window: QWidget) -> None:
    """Before teardown closes a window: unsaved changes must not keep it open."""
    assert isinstance(window, MainWindow)
    window.confirm_discard = lambda parent: True


def restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The window sets the process-wide language and translators; put them back afterwards."""
    monkeypatch.setitem(i18n._current, "lang", i18n._current["lang"])
    locale = QLocale()
    yield
    if QApplication.instance() is not None:
        translations.install("en")
    QLocale.setDefault(locale)


def window_factory(
    qtbot: QtBot, config_dir: Path, keyring: MemoryKeyring, default_lang: str, **defaults: Any
) -> Callable[..., MainWindow]:
    """A function that builds, registers and shows a window on the test's config and keyring."""

    def make(lang: str = default_lang, **kwargs: Any) -> MainWindow:
        kwargs.setdefault("confirm_unencrypted", never_asked)
        for key, value in defaults.items():
            kwargs.setdefault(key, value)
        window = create_main_window(config_dir, keyring_backend=keyring, lang=lang, **kwargs)
        qtbot.addWidget(window, before_close_func=allow_discard)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def child(window: QWidget, name: str, cls: type[QWidget] = QWidget) -> Any:
    """The widget with this objectName (the testing contract), failing clearly when missing."""
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name!r}"
    return widget


def shown(window: QWidget, name: str) -> bool:
    """True when the widget with this objectName exists and is visible (parts built when first
    opened, such as the advanced panel, may not exist yet: not shown either)."""
    widget = window.findChild(QWidget, name)
    return widget is not None and widget.isVisible()


def wait_success(qtbot: QtBot, window: MainWindow) -> QDialog:
    """Wait for the "Test Mail Sent" dialog and return it."""
    qtbot.waitUntil(
        lambda: window.success_dialog is not None and window.success_dialog.isVisible(),
        timeout=10_000,
    )
    dialog = child(window, "successDialog", QDialog)
    assert dialog is window.success_dialog
    return dialog


def wait_error(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> QWidget:
    """Wait for the error banner and the end of the test; return the banner."""
    banner = child(window, "errorBanner")
    qtbot.waitUntil(banner.isVisible, timeout=timeout)
    qtbot.waitUntil(lambda: window.sending.job is None, timeout=timeout)
    return banner
