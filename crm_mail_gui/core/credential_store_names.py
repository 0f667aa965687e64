"""Where passwords are kept, in words an administrator knows, and whether that place is weak.

`describe_store(backend, lang)` is the one decision, from the keyring backend object alone (no
call into the store): its module and class (walking the class hierarchy, so a subclass of a
known store keeps its name), whether it keeps passwords in a file (keyrings.alt and its kin), its
`priority` (keyring's rule of thumb: below 1 is "not recommended") and, for keyring's chainer,
the stores it chains, in the order it uses them. The window's store note and summary, `show`
and `--self-check` all show its `name` and `warning`.
"""

from __future__ import annotations

from typing import Any

from crm_mail_gui.core import i18n
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.records import record

KNOWN: dict[tuple[str, str], str] = {
    ("keyring.backends.Windows", "WinVaultKeyring"): "windows",
    ("keyring.backends.macOS", "Keyring"): "macos",
    ("keyring.backends.SecretService", "Keyring"): "secret_service",
    ("keyring.backends.libsecret", "Keyring"): "secret_service",
    ("keyrings.alt.Gnome", "Keyring"): "gnome_keyring",
    ("keyring.backends.kwallet", "DBusKeyring"): "kwallet",
    ("keyring.backends.kwallet", "DBusKeyringKWallet4"): "kwallet",
    ("keyrings.alt.kwallet", "QtKeyring"): "kwallet",
    ("crm_mail_gui.core.memory_keyring", "MemoryKeyring"): "memory",
}
"""(module, class) of the stores with a name people know → catalogue key credentials.backend.*"""

NO_STORE_MODULES = ("keyring.backends.fail", "keyring.backends.null")
CHAINER = ("keyring.backends.chainer", "ChainerBackend")
FILE_MODULES = ("keyrings.alt.file", "keyrings.alt.pyfs", "keyrings.cryptfile")
"""Modules whose backends keep passwords in a file (besides any backend with a `file_path`)."""
PLAINTEXT_SCHEMES = ("", "no encryption")
WEAK_SCHEME_WORDS = ("PBKDF2",)
"""keyrings.alt's EncryptedKeyring: PBKDF2 with PyCryptodome's default 1000 rounds, AES-CFB."""
RECOMMENDED_PRIORITY = 1.0
"""keyring's rule of thumb: a priority between 0 and 1 is suitable, 1 or more is recommended."""
PATH_LIMIT = 200


@record(frozen=True)
class StoreDescription:
    """The credential store in words: `kind`, its `name`, a `warning` ("" if none), `usable`."""

    kind: str
    name: str
    warning: str = ""
    usable: bool = True

    @property
    def weak(self) -> bool:
        """True when the passwords would be kept in a plain or weakly protected file."""
        return bool(self.warning)


def describe_store(backend: Any, lang: str | None = None) -> StoreDescription:
    """Name the store `backend` (a keyring backend object); warn if it is a weak one."""
    lang = lang or i18n.current_language()
    found = _describe(backend, lang)
    if not found.warning:
        return found
    warning = i18n.text("credentials.warning", lang, text=found.warning)
    return StoreDescription(found.kind, found.name, warning, found.usable)


def _describe(backend: Any, lang: str) -> StoreDescription:
    """The description with the bare warning sentence(s), not yet marked as a warning."""
    cls = type(backend)
    if _is_chainer(cls):
        return _describe_chain(backend, lang)
    if cls.__module__ in NO_STORE_MODULES:
        return StoreDescription("none", i18n.text("credentials.none", lang), usable=False)
    kind = _known_kind(cls)
    if kind:
        return StoreDescription(kind, i18n.text(f"credentials.backend.{kind}", lang))
    if _is_file_based(cls):
        return _describe_file(backend, lang)
    name = i18n.text("credentials.backend.unknown", lang, name=_class_name(cls))
    priority = _priority(cls)
    if priority is not None and priority < RECOMMENDED_PRIORITY:
        warning = i18n.text("credentials.weak.not_recommended", lang, priority=f"{priority:g}")
        return StoreDescription("unknown", name, warning)
    return StoreDescription("unknown", name)


def _known_kind(cls: type) -> str:
    for klass in cls.__mro__:
        kind = KNOWN.get((klass.__module__, klass.__name__))
        if kind:
            return kind
    return ""


def _is_chainer(cls: type) -> bool:
    return any((klass.__module__, klass.__name__) == CHAINER for klass in cls.__mro__)


def _is_file_based(cls: type) -> bool:
    """keyrings.alt's FileBacked family (file, pyfs, Windows' encrypted file, cryptfile)."""
    return any(
        klass.__name__ == "FileBacked"
        or klass.__module__.startswith(FILE_MODULES)
        or "file_path" in vars(klass)
        for klass in cls.__mro__
    )


def _attribute(backend: Any, name: str) -> str:
    """A text attribute of the backend ("" if it is missing or raises: a hostile backend)."""
    try:
        value = getattr(backend, name, "")
    except Exception:  # a property that fails (no data folder, a broken plug-in)
        return ""
    return printable(str(value), PATH_LIMIT) if value is not None else ""


def _describe_file(backend: Any, lang: str) -> StoreDescription:
    path = _attribute(backend, "file_path") or "?"
    scheme = _attribute(backend, "scheme")
    plain = "plaintext" in type(backend).__name__.lower() or scheme.lower() in PLAINTEXT_SCHEMES
    if plain:
        name = i18n.text("credentials.backend.plaintext_file", lang, path=path)
        warning = i18n.text("credentials.weak.plaintext", lang)
        return StoreDescription("plaintext_file", name, warning)
    name = i18n.text("credentials.backend.encrypted_file", lang, path=path)
    key = "weak_file" if any(w in scheme for w in WEAK_SCHEME_WORDS) else "file"
    warning = i18n.text(f"credentials.weak.{key}", lang, scheme=scheme or "?")
    return StoreDescription("encrypted_file", name, warning)


def _describe_chain(chainer: Any, lang: str) -> StoreDescription:
    """keyring's ChainerBackend: reads from each store in turn, writes to the first that takes it."""
    try:
        children = list(chainer.backends)
    except Exception:  # a backend whose priority raised while the chain was built
        children = []
    if not children:
        return StoreDescription("none", i18n.text("credentials.none", lang), usable=False)
    parts = [_describe(child, lang) for child in children]
    if len(parts) == 1:
        return parts[0]
    separator = i18n.text("credentials.chain_separator", lang)
    name = i18n.text("credentials.chain", lang, stores=separator.join(p.name for p in parts))
    warnings = [p.warning for p in parts if p.warning]
    return StoreDescription("chain", name, " ".join(dict.fromkeys(warnings)))


def _class_name(cls: type) -> str:
    return printable(f"{cls.__module__}.{cls.__qualname__}", 120)


def _priority(cls: type) -> float | None:
    """The backend's priority, or None when it cannot say (its priority raises: not viable)."""
    try:
        value = cls.priority  # type: ignore[attr-defined]
    except Exception:
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


__all__ = ["StoreDescription", "describe_store"]
