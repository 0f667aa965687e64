"""The public sending API for a CRM process: `send(message)` with the stored settings."""

from __future__ import annotations

import os
from email.message import EmailMessage

from crm_mail_gui.core.delivery import Outcome, deliver
from crm_mail_gui.core.errors import DeliveryError, Failure, Kind, Step
from crm_mail_gui.core.store import Store


def send(
    message: EmailMessage,
    *,
    config_dir: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Send `message` with the stored settings and password (or OAuth2 sign-in).

    Raises DeliveryError on a failed session and oauth.OAuthError when the sign-in must be renewed.
    """
    store = Store(config_dir)
    loaded = store.load()
    if loaded.settings is None:
        failure = Failure(
            Kind.INVALID_INPUT, Step.RESOLVE, detail=loaded.notice or "no settings stored"
        )
        raise DeliveryError(failure)
    settings = loaded.settings if timeout is None else loaded.settings.with_changes(timeout=timeout)
    return deliver(settings, store.session_secret(settings), message)
