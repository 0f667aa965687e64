"""The password in the OS credential store (keyring), and nowhere else."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from crm_mail_gui.core import i18n
from crm_mail_gui.core.printable import printable

if TYPE_CHECKING:
    import keyring.backend

    from crm_mail_gui.core.credential_store_names import StoreDescription

# keyring is imported on first use: it costs ~0.1 s, which the window's start should not pay.

SERVICE = "crm-mail-gui"
ENV_TIMEOUT = "CRM_MAIL_GUI_KEYRING_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
"""Seconds the credential store may take to answer one call (load, get, set, delete)."""
SLOW_NOTICE_AFTER = 1.0
"""After this many seconds without an answer, the waiting notice (if any) is given once."""
DETAIL_LIMIT = 160
"""At most this many characters of what a failing backend said are quoted."""

_waiting_notice: Callable[[], None] | None = None
_stuck: list[tuple[int, threading.Event]] = []  # (id of the store, call): missed the deadline


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


def set_waiting_notice(notice: Callable[[], None] | None) -> None:
    """Call `notice` (e.g. print "waiting for the credential store…") when a call takes > 1 s."""
    global _waiting_notice
    _waiting_notice = notice


def call_timeout() -> float:
    """The deadline of one credential store call: $CRM_MAIL_GUI_KEYRING_TIMEOUT or 10 s."""
    try:
        value = float(os.environ.get(ENV_TIMEOUT, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if 0 < value < 3600 else DEFAULT_TIMEOUT


def safe_error_text(error: BaseException, *secrets: str | None, limit: int = DETAIL_LIMIT) -> str:
    """`Type: text` of an exception, escaped and bounded; only `Type` if the text holds a secret.

    Exact, unlike masking: a short secret ("e") cannot mangle the rest of the text.
    """
    name = type(error).__name__
    try:
        text = str(error)
    except Exception:  # a hostile __str__
        text = ""
    if text and _holds_secret(text, secrets):
        return name
    return f"{name}: {printable(text, limit)}" if text else name


def _holds_secret(text: str, secrets: tuple[str | None, ...]) -> bool:
    """True if the transcript's redactor would mask anything of `secrets` in `text`.

    The same rules as every other text (core.redaction), plus the forms a backend's exception
    text may show a secret in: its repr (escapes) and its hex encoding.
    """
    from crm_mail_gui.core.redaction import Redactor

    redactor = Redactor()
    for secret in filter(None, secrets):
        encoded = secret.encode("utf-8", "surrogatepass")
        for form in (secret, repr(secret)[1:-1], encoded.hex()):
            redactor.add(form)
    return bool(redactor) and redactor.redact(text) != text


def _bounded(
    call: Callable[[], Any], owner: object, backend: Callable[[], str], secret: str | None = None
) -> Any:
    """Run one backend call on a daemon thread with a deadline; every failure is Unavailable.

    The calling thread waits at most `call_timeout()` seconds, so a store that never answers
    (a hung D-Bus, a locked keychain's prompt left open) cannot hang a command or a worker.
    """
    limit = call_timeout()
    _stuck[:] = [(key, event) for key, event in _stuck if not event.is_set()]
    if any(key == id(owner) for key, _event in _stuck):  # still hung: do not wait again
        raise CredentialStoreUnavailable(backend(), f"did not answer within {limit:g} s")
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # the backend's, whatever it is: reported below
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name="credential-store-call", daemon=True).start()
    if not done.wait(min(SLOW_NOTICE_AFTER, limit)):
        notice = _waiting_notice
        if notice is not None:
            notice()
        if not done.wait(max(limit - SLOW_NOTICE_AFTER, 0)):
            _stuck.append((id(owner), done))
            raise CredentialStoreUnavailable(backend(), f"did not answer within {limit:g} s")
    error = outcome.get("error")
    if error is not None:
        if isinstance(error, CredentialStoreUnavailable):
            raise error
        raise CredentialStoreUnavailable(backend(), safe_error_text(error, secret)) from None
    return outcome.get("value")


def _keyring() -> Any:
    import keyring
    import keyring.errors

    return keyring


class _BrokenBackend:
    """Stands for a backend that raised while being loaded (e.g. Secret Service without D-Bus)."""

    def __init__(self, error: CredentialStoreUnavailable) -> None:
        self.error = error


def _current() -> Any:
    """The keyring backend in force, or a _BrokenBackend when loading it failed or hung."""
    try:
        return _bounded(lambda: _keyring().get_keyring(), _keyring(), lambda: "keyring")
    except CredentialStoreUnavailable as error:  # keyring lets a backend's own errors through
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
        return f"unusable backend ({backend.error.detail.split(':', 1)[0]})"
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
    return store_description(lang).name


def store_description(lang: str = "en") -> StoreDescription:
    """The store in force in words: its name and a warning if it is a weak one (a file)."""
    from crm_mail_gui.core.credential_store_names import StoreDescription, describe_store

    backend = _current()
    if isinstance(backend, _BrokenBackend):
        return StoreDescription("none", i18n.text("credentials.none", lang), usable=False)
    found = describe_store(backend, lang)
    if found.usable and not is_usable(backend):  # e.g. a subclass of `fail` with a known name
        return StoreDescription("none", i18n.text("credentials.none", lang), usable=False)
    return found


def require_usable() -> None:
    """Raise CredentialStoreUnavailable (saying why) unless a usable credential store answers."""
    _require_backend()


def _require_backend() -> keyring.backend.KeyringBackend:
    backend = _current()
    if isinstance(backend, _BrokenBackend):
        raise CredentialStoreUnavailable("keyring backend", backend.error.detail)
    if not is_usable(backend):
        raise CredentialStoreUnavailable(backend_name(backend))
    return backend


def get_secret(key: str) -> str | None:
    """The secret stored under `key` (a password, refresh token or client secret), or None.

    Whatever the backend raises, a value that is not text, or no answer within `call_timeout()`
    seconds: CredentialStoreUnavailable.
    """
    backend = _require_backend()
    value = _bounded(
        lambda: backend.get_password(SERVICE, key), backend, lambda: backend_name(backend)
    )
    if value is not None and not isinstance(value, str):
        detail = f"returned {printable(type(value).__name__, 40)} instead of text"
        raise CredentialStoreUnavailable(backend_name(backend), detail)
    return value


def set_secret(key: str, secret: str) -> None:
    """Keep `secret` under `key` in the credential store (CredentialStoreUnavailable if not)."""
    backend = _require_backend()
    _bounded(
        lambda: backend.set_password(SERVICE, key, secret),
        backend,
        lambda: backend_name(backend),
        secret,
    )


def delete_secret(key: str) -> None:
    """Forget the secret under `key` (no error when none is stored)."""
    backend = _require_backend()

    def delete() -> None:
        try:
            backend.delete_password(SERVICE, key)
        except _keyring().errors.PasswordDeleteError:
            pass

    _bounded(delete, backend, lambda: backend_name(backend))


PROBE_KEY = "crm-mail-gui write check"


def check_writable() -> None:
    """Store and delete a throw-away entry: CredentialStoreUnavailable if the store cannot keep one.

    Run before a test mail goes out, so that a store that can read but not write fails first.
    """
    set_secret(PROBE_KEY, "probe")
    delete_secret(PROBE_KEY)


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
