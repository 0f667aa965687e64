"""Notices about the config file (core.store)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "set_aside": {
        "ja": "{name}: {reason} → このファイルは {target} に名前を変えて退避しました。",
        "en": "{name}: {reason}; it was renamed to {target}.",
    },
    "not_renamed": {
        "ja": "{name}: {reason} → このファイルの名前を変えて退避できませんでした。",
        "en": "{name}: {reason}; it could not be renamed aside.",
    },
    "ca_ignored": {
        "ja": "{problem} この CA ファイルは使わずに設定を読み込みました。",
        "en": "{problem} The settings were read without it.",
    },
}
