"""The message catalogue of the Qt-free core: one module per area, ja and en side by side.

A key is "<area>.<name>" (e.g. "cli.saved", "errors.kind.timed_out", "store.set_aside"); the
area is the module here holding `TEXTS = {name: {"ja": …, "en": …}}`, loaded on first use (the
window's start-up reads only the areas it shows). Parameters are `{name}` placeholders, the same
in both languages (tests/test_catalogue.py checks every key). Look texts up with
`crm_mail_gui.core.i18n.text(key, lang, **params)`; Qt widget texts stay with Qt's tr().
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # never run: names every area for PyInstaller, which cannot see import_module
    from crm_mail_gui.core.messages import (  # noqa: F401
        address,
        autoconfig,
        cli,
        cli_help,
        config,
        credentials,
        discovery,
        errors,
        fields,
        message,
        oauth,
        save,
        settings,
        store,
    )

AREAS = (
    "address",
    "autoconfig",
    "cli",
    "cli_help",
    "config",
    "credentials",
    "discovery",
    "errors",
    "fields",
    "message",
    "oauth",
    "save",
    "settings",
    "store",
)


_loaded: dict[str, dict[str, dict[str, str]]] = {}  # area: its TEXTS, once imported


def area_texts(area: str) -> dict[str, dict[str, str]]:
    """The texts of one area, {name: {lang: text}} (imports its module on first use)."""
    texts = _loaded.get(area)
    if texts is None:
        if area not in AREAS:
            raise KeyError(area)
        texts = _loaded[area] = importlib.import_module(f"{__name__}.{area}").TEXTS
    return texts


def entry(key: str) -> dict[str, str]:
    """The {lang: text} entry of a catalogue key "<area>.<name>" (KeyError if unknown)."""
    area, _, name = key.partition(".")
    return area_texts(area)[name]


def all_keys() -> list[str]:
    """Every key of the catalogue (loads every area)."""
    return [f"{area}.{name}" for area in AREAS for name in area_texts(area)]
