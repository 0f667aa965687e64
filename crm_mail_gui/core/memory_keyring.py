"""An in-memory keyring backend for tests and demos; never chosen by keyring's auto-detection."""

from __future__ import annotations

import keyring.backend
import keyring.errors
from jaraco.classes.properties import classproperty


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring backend for tests and demos; forgets everything at exit."""

    @classproperty
    def priority(cls) -> float:
        """Below keyring's `fail` backend (0): never auto-detected, yet loadable by name."""
        return -1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored password or None."""
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store the password."""
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Delete the password or raise PasswordDeleteError."""
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
