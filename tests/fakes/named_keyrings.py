"""In-memory keyring backends that carry the module and class names of real ones.

keyrings.alt (PlaintextKeyring, EncryptedKeyring), keyrings.cryptfile and a Secret Service are not
installed here (or need D-Bus); these stand in for them where a test needs the store's identity,
not its storage: `keyring.set_keyring(PlaintextKeyring())` names and warns as the real one would.
Each is a real `keyring.backend.KeyringBackend` subclass; `priority` is the real one's.
"""

from __future__ import annotations

from typing import Any

import keyring.backend
import keyring.errors


class _InMemory(keyring.backend.KeyringBackend):
    """Stores in a dict; subclasses only change their names and a few attributes."""

    priority = -1  # overridden per fake (class attribute, as in keyrings.alt)

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


def _named(module: str, name: str, priority: float, **attributes: Any) -> type[_InMemory]:
    """A fake backend class whose module and class name are `module` and `name`."""
    namespace = {"__module__": module, "__qualname__": name, "priority": priority, **attributes}
    return type(name, (_InMemory,), namespace)


PLAIN_PATH = "/home/alice/.local/share/python_keyring/keyring_pass.cfg"
CRYPTED_PATH = "/home/alice/.local/share/python_keyring/crypted_pass.cfg"

PlaintextKeyring = _named(
    "keyrings.alt.file", "PlaintextKeyring", 0.5, file_path=PLAIN_PATH, scheme="no encryption"
)
EncryptedKeyring = _named(
    "keyrings.alt.file",
    "EncryptedKeyring",
    0.6,
    file_path=CRYPTED_PATH,
    scheme="[PBKDF2] AES256.CFB",
)
CryptFileKeyring = _named(
    "keyrings.cryptfile.cryptfile",
    "CryptFileKeyring",
    0.6,
    file_path="/home/alice/.local/share/python_keyring/cryptfile_pass.cfg",
    scheme="[Argon2] AES128.GCM",
)
SecretServiceKeyring = _named("keyring.backends.SecretService", "Keyring", 5)
"""Stands for keyring's Secret Service backend, which needs a D-Bus session to be viable."""
LowPriorityThirdParty = _named("acme_keyring.backend", "AcmeKeyring", 0.2)
RecommendedThirdParty = _named("acme_keyring.backend", "AcmeVaultKeyring", 3)
