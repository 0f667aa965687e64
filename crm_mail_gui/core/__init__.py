"""Qt-free core: server names, settings, storage, SMTP delivery and failure kinds."""

from __future__ import annotations

from typing import Any


def send(message: Any, **options: Any) -> Any:
    """Send an email.message.EmailMessage with the stored settings (see core.api.send)."""
    from crm_mail_gui.core.api import send as _send

    return _send(message, **options)
