"""A swaks-like session transcript in which passwords and AUTH payloads never appear."""

from __future__ import annotations

import base64
import time

MASK = "********"


class Transcript:
    """Lines with direction markers: `<-`/`->` in clear, `<~`/`~>` under TLS, `***` for events."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.encrypted = False
        self._secrets: list[str] = []
        self._started = time.monotonic()

    def add_secret(self, secret: str) -> None:
        """Mask `secret` and its base64 forms wherever they would appear."""
        if not secret:
            return
        raw = secret.encode("utf-8")
        forms = {secret, base64.b64encode(raw).decode("ascii")}
        if len(secret) >= 4:
            forms.add(base64.b64encode(raw).decode("ascii").rstrip("="))
        for form in forms:
            if form and form not in self._secrets:
                self._secrets.append(form)
        self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return `text` with every known secret replaced by the mask."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def client(self, line: str, *, secret: bool = False) -> None:
        """Record a line the client sent; `secret` hides it entirely."""
        marker = " ~>" if self.encrypted else " ->"
        self.lines.append(f"{marker} {MASK if secret else self.redact(line)}")

    def server(self, line: str) -> None:
        """Record a line the server sent."""
        marker = "<~ " if self.encrypted else "<- "
        self.lines.append(f"{marker}{self.redact(line)}")

    def event(self, text: str) -> None:
        """Record something that happened (connected, TLS established, timed out…)."""
        elapsed = time.monotonic() - self._started
        self.lines.append(f"=== {self.redact(text)} ({elapsed:.3f} s)")

    def text(self) -> str:
        """The transcript as one text."""
        return "\n".join(self.lines)
