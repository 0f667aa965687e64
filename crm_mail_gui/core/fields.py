"""The one table of settings fields: JSON/store key, command line option, label, where shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_mail_gui.core.records import record

if TYPE_CHECKING:
    from crm_mail_gui.core.settings import MailSettings


@record(frozen=True)
class SettingsField:
    """One field: its key in settings.json and MailSettings.to_dict(), and how front ends show it.

    `option` is the `set`/`signin` option ("" for none; auth is the --auth/--no-auth pair),
    `dest` the argparse attribute, `metavar` its placeholder, `label` the catalogue key of its
    name (None: not a field the user edits), `signin` whether `signin` takes the option too,
    `summary` whether the window's summary shows it.
    """

    key: str
    option: str = ""
    dest: str = ""
    metavar: str | None = None
    label: str | None = None
    signin: bool = False
    summary: bool = False


TABLE: tuple[SettingsField, ...] = (
    SettingsField("server", "--server", "server", None, "fields.server", True, True),
    SettingsField("user", "--user", "user", None, "fields.user", True, True),
    SettingsField("from", "--from", "from_addr", "FROM", "fields.from", True, True),
    SettingsField("auth", "--auth", "auth", None, "fields.auth", False, True),
    SettingsField("to", "--to", "to", "ADDR", "fields.to", False, True),
    SettingsField("timeout", "--timeout", "timeout", "SECONDS", "fields.timeout", False, True),
    SettingsField("ca_file", "--ca-file", "ca_file", "FILE", "fields.ca_file", True, True),
    SettingsField("allow_unencrypted_auth"),
    SettingsField("oauth"),
)

STORED_KEYS: tuple[str, ...] = tuple(f.key for f in TABLE)
"""Every key settings.json may hold besides "version" (and "format" in an export)."""
EDITED: tuple[SettingsField, ...] = tuple(f for f in TABLE if f.label)
"""The fields the user edits (form, `set`, `show`), in the order they are shown."""
FORM_FIELDS: tuple[str, ...] = tuple(f.key for f in EDITED)
SET_OPTIONS: tuple[SettingsField, ...] = EDITED
SIGNIN_OPTIONS: tuple[SettingsField, ...] = tuple(f for f in EDITED if f.signin)
FORM_KEYS: tuple[str, ...] = (*FORM_FIELDS, "oauth")
"""The keys of the form's raw values (SettingsForm.values()), the password excluded."""
SUMMARY_ROWS: tuple[str, ...] = tuple(
    key
    for f in TABLE
    if f.summary
    for key in ((f.key, "password") if f.key == "user" else (f.key,))
)
"""The rows of the window's summary, in order: the summary fields and the password after user."""
LABELS: dict[str, str] = {f.key: f.label for f in EDITED if f.label}
"""Field key → catalogue key of its name (for field errors and `show`)."""


def label(key: str, lang: str | None = None) -> str:
    """The name of field `key` in `lang` (the key itself for a field without a label)."""
    from crm_mail_gui.core.i18n import text

    return text(LABELS[key], lang) if key in LABELS else key


def summary_texts(settings: MailSettings) -> dict[str, str]:
    """The language-free values of the summary's text rows: server, user, from, to, CA file."""
    server = settings.server.canonical()
    if settings.server.display_host != settings.server.host:
        server = f"{server}  ({settings.server.display_host})"
    return {
        "server": server,
        "user": settings.user or "—",
        "from": settings.from_addr,
        "to": settings.recipient or "—",
        "ca_file": settings.ca_file or "—",
    }


__all__ = [
    "EDITED",
    "FORM_FIELDS",
    "FORM_KEYS",
    "LABELS",
    "STORED_KEYS",
    "SUMMARY_ROWS",
    "TABLE",
    "SettingsField",
    "label",
    "summary_texts",
]
