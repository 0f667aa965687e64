"""The Qt window on top of the core; `create_main_window` is the factory tests and the app use."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

# First: PySide6's import hook then reads no module's source (ui.startup, rule 6).
from crm_mail_gui.ui import pyside_hook  # noqa: F401  # isort: skip

from PySide6.QtWidgets import QApplication, QWidget

from crm_mail_gui.core import i18n
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import translations
from crm_mail_gui.ui.main_window import MainWindow

if TYPE_CHECKING:
    import keyring.backend

    from crm_mail_gui.ui.detect_job import Detector
    from crm_mail_gui.ui.worker import Deliver


def create_main_window(
    config_dir: str | os.PathLike[str] | None = None,
    *,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    lang: str | None = None,
    deliver_fn: Deliver | None = None,
    confirm_unencrypted: Callable[[QWidget], bool] | None = None,
    confirm_discard: Callable[[QWidget], bool] | None = None,
    open_url: Callable[[str], object] | None = None,
    detector: Detector | None = None,
) -> MainWindow:
    """Build the main window with an isolated config folder and credential store if given.

    A QApplication must exist. `lang` ("ja"/"en") installs that language's translations;
    `confirm_*` replace the modal questions (tests pass lambdas that answer); `open_url`
    replaces the system browser for the OAuth2 sign-in (tests play the browser); `detector`
    replaces core.discovery.detect (same signature) for "Detect from address".
    """
    if QApplication.instance() is None:
        raise RuntimeError("create a QApplication before the main window")
    if keyring_backend is not None:
        import keyring

        keyring.set_keyring(keyring_backend)
    language = i18n.set_language(lang)
    translations.install(language)
    return MainWindow(
        Store(config_dir),
        language,
        deliver_fn=deliver_fn,
        confirm_unencrypted=confirm_unencrypted,
        confirm_discard=confirm_discard,
        open_url=open_url,
        detector=detector,
    )


__all__ = ["MainWindow", "create_main_window"]
