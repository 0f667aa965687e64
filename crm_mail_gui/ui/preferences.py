"""The window's own choices (not SMTP settings), kept beside settings.json in preferences.json.

Today one choice: whether detection asks Thunderbird's ISPDB (`detect_ispdb`, default on).
An unreadable or hostile file counts as "no choices made" and is replaced on the next change.
"""

from __future__ import annotations

import json
from pathlib import Path

from crm_mail_gui.core.store import ConfigError, atomic_write_text, read_json_file

PREFERENCES_NAME = "preferences.json"
DEFAULTS: dict[str, bool] = {"detect_ispdb": True}


def preferences_path(directory: Path) -> Path:
    """Where the preferences live: the config folder of the store."""
    return directory / PREFERENCES_NAME


def load_preferences(directory: Path) -> dict[str, bool]:
    """The stored choices over the defaults (only known keys with the right type count)."""
    chosen = dict(DEFAULTS)
    try:
        data = read_json_file(preferences_path(directory))
    except (FileNotFoundError, ConfigError):
        return chosen
    if isinstance(data, dict):
        for key, default in DEFAULTS.items():
            if isinstance(data.get(key), type(default)):
                chosen[key] = data[key]
    return chosen


def save_preference(directory: Path, key: str, value: bool) -> None:
    """Store one choice (atomic write); call it off the GUI thread (a job)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    chosen = {**load_preferences(directory), key: value}
    atomic_write_text(preferences_path(directory), json.dumps(chosen, indent=2) + "\n")
