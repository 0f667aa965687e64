"""The password in the OS credential store (keyring), and nowhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import keyring.backend

# keyring is imported on first use: it costs ~0.1 s, which the window's start should not pay.

SERVICE = "crm-mail-gui"

_BACKEND_NAMES = {
    "WinVaultKeyring": {"ja": "Windows 資格情報マネージャー", "en": "Windows Credential Manager"},
    "Keyring:macOS": {"ja": "macOS キーチェーン", "en": "macOS Keychain"},
    "SecretService": {
        "ja": "Secret Service(GNOME キーリング等)",
        "en": "Secret Service (GNOME Keyring and others)",
    },
    "KWallet": {"ja": "KWallet", "en": "KWallet"},
    "MemoryKeyring": {
        "ja": "メモリ内の一時ストア(テスト用)",
        "en": "an in-memory store (for tests)",
    },
}


class CredentialStoreUnavailable(RuntimeError):
    """No usable credential store: the password cannot be kept."""

    def __init__(self, backend: str, detail: str = "") -> None:
        self.backend = backend
        self.detail = detail
        super().__init__(
            f"credential store unavailable ({backend}){': ' + detail if detail else ''}"
        )


def account_key(user: str, host: str) -> str:
    """The keyring user name under which the password of `user` on `host` is kept."""
    return f"{user}@{host}"


def _keyring() -> Any:
    import keyring
    import keyring.errors

    return keyring


class _BrokenBackend:
    """Stands for a backend that raised while being loaded (e.g. Secret Service without D-Bus)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _current() -> Any:
    """The keyring backend in force, or a _BrokenBackend when loading it raised."""
    try:
        return _keyring().get_keyring()
    except Exception as error:  # keyring lets a backend's own errors through
        return _BrokenBackend(error)


def load() -> None:
    """Import keyring and pick its backend now (0.1–0.2 s); callable from any thread."""
    _current()


def backend_name(backend: keyring.backend.KeyringBackend | None = None) -> str:
    """The qualified class name of the keyring backend in force.

    E.g. "keyring.backends.fail.Keyring": the bare class name ("Keyring") is shared by several
    backends, and this form is what `PYTHON_KEYRING_BACKEND` and `keyring --list-backends` use.
    """
    backend = backend or _current()
    if isinstance(backend, _BrokenBackend):
        return f"unusable backend ({type(backend.error).__name__})"
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_usable(backend: keyring.backend.KeyringBackend | None = None) -> bool:
    """False for keyring's `fail` and `null` backends, a chainer without backends, or a failure."""
    backend = backend or _current()
    if isinstance(backend, _BrokenBackend):
        return False
    module = type(backend).__module__
    if module.endswith((".fail", ".null")):
        return False
    if module.endswith(".chainer"):
        return bool(getattr(backend, "backends", []))
    return True


def describe_backend(lang: str = "en") -> str:
    """A name an administrator recognises for where the password is kept."""
    backend = _current()
    if not is_usable(backend):
        return "なし" if lang == "ja" else "none"
    cls = type(backend)
    for key in (cls.__name__, f"{cls.__name__}:{cls.__module__.rsplit('.', 1)[-1]}"):
        if key in _BACKEND_NAMES:
            return _BACKEND_NAMES[key][lang]
    if cls.__module__.endswith("macOS"):
        return _BACKEND_NAMES["Keyring:macOS"][lang]
    if cls.__module__.endswith("Windows"):
        return _BACKEND_NAMES["WinVaultKeyring"][lang]
    return getattr(backend, "name", cls.__name__)


def _require_backend() -> keyring.backend.KeyringBackend:
    backend = _current()
    if not is_usable(backend):
        raise CredentialStoreUnavailable(backend_name(backend))
    return backend


def get_secret(key: str) -> str | None:
    """The secret stored under `key` (a password, refresh token or client secret), or None."""
    backend = _require_backend()
    try:
        return backend.get_password(SERVICE, key)
    except _keyring().errors.KeyringError as error:
        raise CredentialStoreUnavailable(backend_name(backend), type(error).__name__) from None


def set_secret(key: str, secret: str) -> None:
    """Keep `secret` under `key` in the credential store."""
    backend = _require_backend()
    try:
        backend.set_password(SERVICE, key, secret)
    except _keyring().errors.KeyringError as error:
        raise CredentialStoreUnavailable(backend_name(backend), type(error).__name__) from None


def delete_secret(key: str) -> None:
    """Forget the secret under `key` (no error when none is stored)."""
    backend = _require_backend()
    try:
        backend.delete_password(SERVICE, key)
    except _keyring().errors.PasswordDeleteError:
        pass
    except _keyring().errors.KeyringError as error:
        raise CredentialStoreUnavailable(backend_name(backend), type(error).__name__) from None


def get_password(user: str, host: str) -> str | None:
    """The stored password for `user` on `host`, or None."""
    return get_secret(account_key(user, host))


def set_password(user: str, host: str, password: str) -> None:
    """Keep the password for `user` on `host` in the credential store."""
    set_secret(account_key(user, host), password)


def delete_password(user: str, host: str) -> None:
    """Forget the password for `user` on `host` (no error when none is stored)."""
    delete_secret(account_key(user, host))


def has_password(user: str, host: str) -> bool:
    """True when a password is stored for `user` on `host` (False when no store is usable)."""
    try:
        return bool(get_password(user, host))
    except CredentialStoreUnavailable:
        return False


def __getattr__(name: str) -> Any:
    """`credentials.MemoryKeyring` (e.g. in PYTHON_KEYRING_BACKEND) without importing keyring early."""
    if name == "MemoryKeyring":
        from crm_mail_gui.core.memory_keyring import MemoryKeyring

        return MemoryKeyring
    raise AttributeError(name)
