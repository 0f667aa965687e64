"""The public sending API for a CRM process: `send(message)` with the stored settings."""

from __future__ import annotations

import os
from email.message import EmailMessage, Message
from typing import TYPE_CHECKING

from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.delivery import Outcome, PartialDelivery, deliver
from crm_mail_gui.core.errors import (
    DeliveryError,
    Failure,
    Fix,
    Kind,
    Step,
    credential_store_failure,
)
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import FieldError, check_timeout
from crm_mail_gui.core.store import Store

if TYPE_CHECKING:
    from crm_mail_gui.core.oauth import OAuthError

__all__ = ["DeliveryError", "Outcome", "PartialDelivery", "send", "sign_in_failure"]


def send(
    message: EmailMessage,
    *,
    config_dir: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> Outcome:
    """Send `message` with the stored settings and password (or OAuth2 sign-in).

    Returns the Outcome when every recipient took the message. Raises DeliveryError and nothing
    else: PartialDelivery (a subclass) when some recipients were refused and the others got the
    mail; kind SIGN_IN_REQUIRED when the OAuth2 sign-in must be renewed; kind INVALID_INPUT for a
    message that cannot be sent as it is.
    """
    if not isinstance(message, Message):  # None would send the test mail
        detail = f"not an email.message.EmailMessage: {type(message).__name__}"
        raise DeliveryError(Failure(Kind.INVALID_INPUT, Step.DATA, detail=detail))
    try:
        store = Store(config_dir)
        loaded = store.load()
        if loaded.settings is None:
            detail = loaded.notice or "no settings stored"
            raise DeliveryError(Failure(Kind.INVALID_INPUT, Step.RESOLVE, detail=detail))
        settings = loaded.settings
        if timeout is not None:
            settings = settings.with_changes(timeout=check_timeout(timeout))
        secret = store.session_secret(settings)
    except DeliveryError:
        raise
    except CredentialStoreUnavailable as error:
        raise DeliveryError(credential_store_failure(error.backend)) from None
    except FieldError as error:
        detail = printable(str(error), 300)
        raise DeliveryError(Failure(Kind.INVALID_INPUT, Step.RESOLVE, detail=detail)) from None
    except Exception as error:  # an OAuth2 problem, bad arguments: still the documented error
        from crm_mail_gui.core.oauth import OAuthError

        if isinstance(error, OAuthError):
            raise DeliveryError(sign_in_failure(error)) from None
        detail = printable(f"{type(error).__name__}: {error}", 300)
        raise DeliveryError(Failure(Kind.INVALID_INPUT, Step.RESOLVE, detail=detail)) from None
    return deliver(settings, secret, message)


def sign_in_failure(error: OAuthError) -> Failure:
    """The Failure for an OAuth2 token problem: sign in again, or the token was not accepted."""
    return Failure(
        Kind.SIGN_IN_REQUIRED if error.needs_sign_in else Kind.AUTH_FAILED,
        Step.AUTH,
        detail=printable(error.detail or error.kind, 300),
        hint_key="oauth_sign_in",
        params={"detail": printable(error.message(), 300)},
        fix=Fix.SIGN_IN,
    )
