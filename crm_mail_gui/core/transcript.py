"""A swaks-like session transcript in which passwords and AUTH payloads never appear."""

from __future__ import annotations

import time

from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.redaction import MASK, Redactor

__all__ = ["MASK", "Transcript"]


class Transcript:
    """Lines with direction markers: `<-`/`->` in clear, `<~`/`~>` under TLS, `===` for events.

    Every line is redacted (the session's secrets) and then escaped (`printable`): what the server
    sent can neither show a credential nor reach a terminal, log or window as control characters.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.encrypted = False
        self.redactor = Redactor()
        self._started = time.monotonic()

    def add_secret(self, secret: str) -> None:
        """Mask `secret` and its base64 forms wherever they would appear."""
        self.redactor.add(secret)

    def redact(self, text: str) -> str:
        """Return `text` with every known secret replaced by the mask."""
        return self.redactor.redact(text)

    def clean(self, text: str) -> str:
        """Return `text` redacted and with every non-printable character escaped."""
        return printable(self.redactor.redact(text))

    def client(self, line: str, *, secret: bool = False) -> None:
        """Record a line the client sent; `secret` hides it entirely."""
        marker = " ~>" if self.encrypted else " ->"
        self.lines.append(f"{marker} {MASK if secret else self.clean(line)}")

    def server(self, line: str) -> None:
        """Record a line the server sent."""
        marker = "<~ " if self.encrypted else "<- "
        self.lines.append(f"{marker}{self.clean(line)}")

    def event(self, text: str) -> None:
        """Record something that happened (connected, TLS established, timed out…)."""
        elapsed = time.monotonic() - self._started
        self.lines.append(f"=== {self.clean(text)} ({elapsed:.3f} s)")

    def text(self) -> str:
        """The transcript as one text."""
        return "\n".join(self.lines)
