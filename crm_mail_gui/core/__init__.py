"""Qt-free core: server names, settings, storage, SMTP delivery and failure kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm_mail_gui.core.delivery import Outcome, PartialDelivery
    from crm_mail_gui.core.errors import DeliveryError

__all__ = ["DeliveryError", "Outcome", "PartialDelivery", "send"]


def send(message: Any, **options: Any) -> Outcome:
    """Send an email.message.EmailMessage with the stored settings (see core.api.send).

    Returns the Outcome; raises DeliveryError only (PartialDelivery if some recipients refused).
    """
    from crm_mail_gui.core.api import send as _send

    return _send(message, **options)


def __getattr__(name: str) -> Any:
    """DeliveryError, PartialDelivery and Outcome, imported on first use (keeps start-up light)."""
    if name == "DeliveryError":
        from crm_mail_gui.core.errors import DeliveryError

        return DeliveryError
    if name in ("Outcome", "PartialDelivery"):
        from crm_mail_gui.core import delivery

        return getattr(delivery, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
