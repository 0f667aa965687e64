"""Load the app's compiled translation (.qm) and Qt's own qtbase_ja.qm into the application."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from crm_mail_gui.core.resources import resource_path

if TYPE_CHECKING:
    from pathlib import Path

_installed: list[QTranslator] = []
loaded: dict[str, str] = {}
_PLACE = re.compile(r"%([1-9])")


def fill(text: str, *args: object) -> str:
    """A tr() text with %1, %2, … filled in one pass, as QString.arg would.

    One pass matters: replacing "%1" and then "%2" would also replace a "%2" inside the first
    argument (a URL with percent-encoding, a server's text).
    """

    def place(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(args[index]) if index < len(args) else match.group(0)

    return _PLACE.sub(place, text)


def app_translation_file(lang: str) -> Path:
    """The compiled translation of the app for `lang`."""
    return resource_path("translations", f"crm_mail_gui_{lang}.qm")


def qt_translation_dir() -> Path:
    """Where Qt's own translations are (bundled with PySide6, or beside a frozen build)."""
    bundled = resource_path("translations", "qtbase_ja.qm")
    if bundled.exists():
        return bundled.parent
    from pathlib import Path

    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install(lang: str) -> dict[str, str]:
    """Replace any installed translators with those for `lang`; return what loaded (name → file)."""
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    loaded.clear()
    QLocale.setDefault(
        QLocale(QLocale.Language.Japanese if lang == "ja" else QLocale.Language.English)
    )
    if lang == "en":
        return {}
    for name, path in (
        ("qtbase", qt_translation_dir() / f"qtbase_{lang}.qm"),
        ("crm_mail_gui", app_translation_file(lang)),
    ):
        translator = QTranslator(app)
        if path.exists() and translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded[name] = str(path)
    return dict(loaded)
