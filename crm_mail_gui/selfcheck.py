"""`crm-mail-gui --self-check`: is this installation (source or frozen) usable? Exit 0 only if so."""

from __future__ import annotations

import ssl
import sys

from crm_mail_gui import __version__
from crm_mail_gui.core import credentials, i18n
from crm_mail_gui.core.presets import PresetsError, load_presets


def _line(ok: bool, label: str, value: str, warning: str = "") -> bool:
    """One result line: [ok], [NG], or [WARN] for a usable part with a warning under it."""
    mark = "NG" if not ok else "WARN" if warning else "ok"
    print(f"[{mark}] {label}: {value}")
    if warning:
        print(f"       {warning}")
    return ok


def run_self_check() -> int:
    """Print version, Qt, credential store, trust store, presets and translations; 0 if all usable."""
    lang = i18n.current_language()
    results = [_line(True, "crm-mail-gui", __version__)]
    frozen = getattr(sys, "frozen", False)
    results.append(
        _line(True, "python", f"{sys.version.split()[0]}{' (frozen)' if frozen else ''}")
    )
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        results.append(_line(True, "Qt", f"{qVersion()} (PySide6 {pyside_version})"))
    except ImportError as error:
        results.append(_line(False, "Qt", f"not importable: {error}"))
    store = credentials.store_description("en")
    results.append(
        _line(
            store.usable,
            "credential store",
            f"{credentials.backend_name()} ({store.name})",
            store.warning,  # a plain or weakly protected file: usable, but said
        )
    )
    try:
        from crm_mail_gui.core.tls import client_context, trust_store_description

        client_context()
        results.append(
            _line(True, "trust store", f"{trust_store_description()}, {ssl.OPENSSL_VERSION}")
        )
    except Exception as error:  # any failure here makes the build unusable
        results.append(_line(False, "trust store", f"{type(error).__name__}: {error}"))
    try:
        presets = load_presets()
        results.append(_line(bool(presets), "presets", f"{len(presets)} providers"))
    except PresetsError as error:
        results.append(_line(False, "presets", str(error)))
    try:
        from crm_mail_gui.core.oauth_providers import load_providers

        providers = load_providers()
        results.append(_line(bool(providers), "OAuth2 providers", ", ".join(sorted(providers))))
    except (OSError, ValueError, KeyError, TypeError) as error:
        results.append(_line(False, "OAuth2 providers", f"{type(error).__name__}: {error}"))
    results.extend(_check_translations(lang))
    return 0 if all(results) else 1


def _check_translations(lang: str) -> list[bool]:
    try:
        from PySide6.QtCore import QCoreApplication

        from crm_mail_gui.ui import translations
    except ImportError as error:
        return [_line(False, "translations", f"Qt missing: {error}")]
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    found = translations.install("ja")
    results = [
        _line(
            "crm_mail_gui" in found,
            "translation crm_mail_gui_ja.qm",
            found.get("crm_mail_gui", "missing"),
        ),
        _line("qtbase" in found, "translation qtbase_ja.qm", found.get("qtbase", "missing")),
    ]
    probe = QCoreApplication.translate("SettingsForm", "&Save")
    results.append(_line(probe != "&Save", "Japanese strings", probe))
    translations.install(lang)
    del app
    return results
