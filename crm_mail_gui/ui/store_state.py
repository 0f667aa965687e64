"""What the window shows about the credential store, as found off the GUI thread."""

from __future__ import annotations

from crm_mail_gui.core import credentials
from crm_mail_gui.core.records import record
from crm_mail_gui.core.settings import MailSettings
from crm_mail_gui.core.store import Store


@record
class StoreState:
    """What the loader thread found: is a store usable, its name, is a secret kept for `settings`.

    `warning` is the store's warning ("" for a system credential store; a plain or weakly
    protected file gets one, see core.credential_store_names).
    """

    usable: bool
    where: str
    settings: MailSettings | None
    stored: bool
    warning: str = ""


def read_store_state(store: Store, lang: str, settings: MailSettings | None) -> StoreState:
    """Ask the credential store (off the GUI thread!) what the window shows about it."""
    found = credentials.store_description(lang)
    return StoreState(
        found.usable,
        found.name,
        settings,
        bool(settings) and store.has_password(settings),
        found.warning,
    )
