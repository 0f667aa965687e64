"""The mail settings value and the validation of each field, with a message per field."""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import (
    JOINERS,
    LDH_LABEL,
    AddressError,
    ServerAddress,
    ascii_domain,
    parse_server,
)
from crm_mail_gui.core.fields import FORM_FIELDS
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.records import asdict, field, record, replace
from crm_mail_gui.core.safe_read import FileRefused, format_size, read_regular_file

DEFAULT_TIMEOUT = 20.0
MIN_TIMEOUT, MAX_TIMEOUT = 1.0, 300.0
MAX_USER_LENGTH = 256
MAX_ADDRESS_LENGTH = 254
MAX_CA_FILE_BYTES = 4 << 20  # a full system CA bundle is about 0.2 MiB
FIELDS = FORM_FIELDS  # the fields the user edits, from the one table in core.fields

# Patterns, compiled (and cached by `re`) on first use: an empty form at start-up needs none.
_ATEXT = r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
_PLAIN_ADDRESS = rf"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@{LDH_LABEL}(?:\.{LDH_LABEL})+"
_PEM_CERTIFICATE = rb"-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\s]*?-----END CERTIFICATE-----"
_UTF8_ATOM = r"(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\x00-\x7f])+"  # RFC 6531: atext or non-ASCII
_UTF8_ATEXT = rf"^{_UTF8_ATOM}(?:\.{_UTF8_ATOM})*$"  # an SMTPUTF8 dot-atom


class FieldError(ValueError):
    """A field value that cannot be used; `message(lang)` says why."""

    def __init__(self, field_name: str, key: str, **params: object) -> None:
        self.field = field_name
        self.key = key
        self.params = params
        super().__init__(field_name, key)  # the text is rendered when asked for (start-up)

    def __str__(self) -> str:
        return f"{self.field}: {self.message('en')}"

    def message(self, lang: str | None = None) -> str:
        """The localised explanation."""
        return i18n.text(f"settings.{self.key}", lang, **self.params)


class AddressFieldError(FieldError):
    """A server-name (or address-domain) error reported as a field error."""

    def __init__(self, error: AddressError, field_name: str = "server") -> None:
        self.address_error = error
        super().__init__(field_name, error.key, **error.params)

    def message(self, lang: str | None = None) -> str:
        """The server-name explanation."""
        return self.address_error.message(lang)


class SettingsInvalid(ValueError):
    """Several field errors at once, keyed by field name."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        self.errors = errors
        super().__init__(errors)

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str | None = None) -> str:
        """Every field error as "field: why", in `lang`."""
        return "; ".join(f"{e.field}: {e.message(lang)}" for e in self.errors.values())


@record
class OAuthSettings:
    """Sign-in with OAuth2 (XOAUTH2) instead of a password: the admin's app registration."""

    provider: str
    client_id: str
    tenant: str = ""
    authority: str = ""

    def to_dict(self) -> dict[str, str]:
        """The JSON form (no secrets: tokens and a client secret live in the credential store)."""
        return asdict(self)


@record
class MailSettings:
    """Everything needed to send through one SMTP server, except the password."""

    server: ServerAddress
    user: str = ""
    from_addr: str = ""
    auth: bool = True
    to: str = ""
    timeout: float = DEFAULT_TIMEOUT
    ca_file: str | None = None
    allow_unencrypted_auth: bool = False
    oauth: OAuthSettings | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def needs_unencrypted_consent(self) -> bool:
        """True when AUTH would send the secret unencrypted and nobody has agreed to that.

        The one rule: core.save asks the front ends for consent with it, the engine refuses.
        """
        return self.auth and not self.server.encrypted and not self.allow_unencrypted_auth

    @property
    def uses_oauth(self) -> bool:
        """True when authentication is on and uses OAuth2 instead of a password."""
        return self.auth and self.oauth is not None

    @property
    def recipient(self) -> str:
        """Where the test mail goes: the test recipient, else From, else the user name."""
        for candidate in (self.to, self.from_addr, self.user):
            if candidate and "@" in candidate:
                return candidate
        return ""

    def with_changes(self, **changes: object) -> MailSettings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by the config file, `show --json` and export (no password)."""
        data = asdict(self)
        data.pop("extra")
        if self.oauth is None:
            data.pop("oauth")
        data["server"] = self.server.canonical()
        data["from"] = data.pop("from_addr")
        return data


def _check_text(name: str, value: str, limit: int, allowed: str = "") -> str:
    # Cs: a lone surrogate cannot be encoded anywhere it would go
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in allowed for ch in value):
        raise FieldError(name, "control")
    value = value.strip()
    if len(value) > limit:
        raise FieldError(name, "too_long", limit=limit)
    return value


def check_address(
    value: str, name: str = "from", *, required: bool = True, utf8_local: bool = False
) -> str:
    """Validate one bare mail address (no display name); return it with an IDNA domain.

    The result is a dot-atom addr-spec that the email package reads back as exactly itself, so a
    header built from it and the envelope (MAIL FROM / RCPT TO) name the same mailbox. With
    `utf8_local`, the part before "@" may hold non-ASCII characters (an SMTPUTF8 mailbox).
    """
    value = _check_text(name, unicodedata.normalize("NFKC", value), MAX_ADDRESS_LENGTH, JOINERS)
    if not value:
        if required:
            raise FieldError(name, "required")
        return ""
    for refused, key in _ADDRESS_SHAPES:
        if refused(value):
            raise FieldError(name, key)
    local, _at, domain = value.rpartition("@")
    address = f"{_check_local(local, name, utf8_local)}@{_check_domain(domain, name)}"
    if len(address) > MAX_ADDRESS_LENGTH:
        raise FieldError(name, "too_long", limit=MAX_ADDRESS_LENGTH)
    if not reads_back(address):
        raise FieldError(name, "address_ambiguous")
    return address


# what an address must not look like, in the order the messages are chosen (first match wins)
_ADDRESS_SHAPES: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda value: "=?" in value, "address_encoded_word"),
    (lambda value: any(ch in value for ch in '<>",;()[]\\:'), "address_display_name"),
    (lambda value: any(ch.isspace() for ch in value), "address_spaces"),
    (
        lambda value: not all(value.rpartition("@")[::2]),
        "address_no_at",
    ),  # no "@", or nothing beside it
)


def _check_local(local: str, name: str, utf8_local: bool) -> str:
    """The part before "@": ASCII unless `utf8_local`, a dot-atom of at most 64 characters."""
    if not utf8_local and not local.isascii():
        raise FieldError(name, "address_local_non_ascii")
    if len(local) > 64 or not re.match(_UTF8_ATEXT if utf8_local else _ATEXT, local):
        raise FieldError(name, "address_local")
    if any(ch in JOINERS for ch in local):
        raise FieldError(name, "control")
    return local


def _check_domain(domain: str, name: str) -> str:
    """The part after "@" as an ASCII (IDNA 2008) domain; one trailing dot is dropped."""
    try:
        return ascii_domain(domain[:-1] if domain.endswith(".") else domain)
    except AddressError as error:
        if error.key == "idna":
            raise AddressFieldError(error, name) from None
        raise FieldError(name, "address_domain") from None


def reads_back(addr_spec: str) -> bool:
    """True if the email package parses `addr_spec` as one bare address equal to it.

    This is the guard behind "header and envelope agree": anything the email package would
    decode, unquote, strip or split (encoded words, comments, quotes, groups, angle brackets,
    several "@") makes the header name another mailbox than MAIL FROM / RCPT TO.

    A plain address (letters, digits, "_", "+", "-" in dot-separated runs, @ a lower-case
    LDH domain, as check_address leaves it) has nothing the email package could read another
    way: it is answered without loading that package (tests/test_settings_reads_back.py proves
    the two answers agree). Any other address loads it here, with the first such address
    checked: not before a first run's window is on screen (ui.startup, rule 9).
    """
    if re.fullmatch(_PLAIN_ADDRESS, addr_spec):
        return True
    return email_reads_back(addr_spec)


def email_reads_back(addr_spec: str) -> bool:
    """reads_back's answer from the email package itself (the parser a header goes through)."""
    from email import errors as email_errors
    from email import policy

    try:
        header = policy.default.header_factory("To", addr_spec)
        groups, addresses = header.groups, header.addresses
    except (ValueError, TypeError, IndexError, AttributeError, email_errors.MessageError):
        return False  # AttributeError: e.g. ":;:" (a group where the parser wants a mailbox)
    defects = [d for d in header.defects if not isinstance(d, email_errors.NonASCIILocalPartDefect)]
    return (
        not defects
        and len(groups) == 1
        and groups[0].display_name is None
        and len(addresses) == 1
        and addresses[0].display_name == ""
        and addresses[0].addr_spec == addr_spec
        and f"{addresses[0].username}@{addresses[0].domain}" == addr_spec  # not quoted
        and str(header) == addr_spec
    )


def check_user(value: str, auth: bool) -> str:
    """Validate the user name; required when authentication is on."""
    value = _check_text("user", unicodedata.normalize("NFKC", value), MAX_USER_LENGTH)
    if auth and not value:
        raise FieldError("user", "user_required")
    return value


def check_server(value: str, placeholder: str | None = None) -> ServerAddress:
    """Validate the server name (and that a preset's placeholder was replaced)."""
    try:
        address = parse_server(value)
    except AddressError as error:
        raise AddressFieldError(error) from None
    if placeholder and placeholder.lower() in address.host:
        raise FieldError("server", "placeholder", placeholder=placeholder)
    return address


def check_timeout(value: object) -> float:
    """Validate the per-step timeout in seconds."""
    if isinstance(value, bool):
        raise FieldError("timeout", "timeout_number")
    try:
        seconds = float(str(value).strip()) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise FieldError("timeout", "timeout_number") from None
    if not MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:
        raise FieldError("timeout", "timeout_range", low=MIN_TIMEOUT, high=MAX_TIMEOUT)
    return seconds


def check_ca_file(value: str | None) -> str | None:
    """Validate the optional extra CA file; return its absolute path.

    A relative path is made absolute now, against the current folder, so that no later send
    resolves it against another one. The file must be a regular, readable file of at most
    MAX_CA_FILE_BYTES holding at least one PEM certificate that ssl loads.
    """
    if not value or not str(value).strip():
        return None
    path = os.path.abspath(os.path.expanduser(_check_text("ca_file", str(value), 4096)))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FieldError("ca_file", "ca_missing", path=printable(path)) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        raise FieldError(
            "ca_file", "ca_unreadable", path=printable(path), error=_os_reason(error)
        ) from None
    stamp = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    problem = _ca_file_problem(path, stamp)
    if problem is not None:
        key, params = problem
        raise FieldError("ca_file", key, path=printable(path), **dict(params))
    return path


def ca_file_stamp(value: object) -> tuple[int, ...] | None:
    """What changes when the named CA file changes (device, inode, size, times), or None."""
    if not value or not str(value).strip():
        return None
    try:
        info = os.stat(os.path.abspath(os.path.expanduser(str(value))))
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _os_reason(error: BaseException) -> str:
    return printable(getattr(error, "strerror", None) or type(error).__name__)


@functools.lru_cache(maxsize=16)
def _ca_file_problem(
    path: str, _stamp: tuple[int, ...]
) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """What is wrong with the CA file (a message key and its parameters), or None.

    Cached per file version: the window validates the form on every keystroke.
    """
    try:
        data = read_regular_file(path, MAX_CA_FILE_BYTES)
    except FileNotFoundError:
        return "ca_missing", ()
    except FileRefused as refused:
        if refused.reason == "too_large":
            return "ca_too_large", (("limit", format_size(MAX_CA_FILE_BYTES)),)
        return "ca_not_file", ()
    except OSError as error:
        return "ca_unreadable", (("error", _os_reason(error)),)
    blocks = re.findall(_PEM_CERTIFICATE, data)
    if not blocks:
        return "ca_not_pem", ()
    import ssl  # here: the window's start does not load ssl for a form without a CA file

    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(cadata=b"\n".join(blocks).decode("ascii"))
    except (ssl.SSLError, ValueError) as error:
        reason = re.sub(r"\s*\(_ssl\.c:\d+\)$", "", str(error.args[-1] if error.args else error))
        return "ca_bad_pem", (("error", printable(reason or type(error).__name__, 200)),)
    return None


_TENANT = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$"


def check_oauth(value: object) -> OAuthSettings | None:
    """Validate the OAuth2 part ({"provider", "client_id", "tenant", "authority"}) or None."""
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        raise FieldError("oauth", "oauth_provider", value=str(value)[:40])
    from crm_mail_gui.core.oauth_providers import load_providers

    provider = str(value.get("provider") or "")
    if provider not in load_providers():
        raise FieldError("oauth", "oauth_provider", value=provider[:40])
    client_id = _oauth_part(value, "client_id", 200, lambda t: bool(t) and not _has_space(t))
    tenant = _oauth_part(value, "tenant", 254, lambda t: not t or bool(re.match(_TENANT, t)))
    authority = _oauth_part(value, "authority", 300, lambda t: not t or t.startswith("https://"))
    return OAuthSettings(provider, client_id, tenant, authority.rstrip("/"))


def _oauth_part(value: dict, key: str, limit: int, usable: Callable[[str], bool]) -> str:
    """One text of the OAuth2 part; FieldError "oauth_<key>" unless `usable`."""
    text = _check_text("oauth", str(value.get(key) or ""), limit)
    if not usable(text):
        raise FieldError("oauth", f"oauth_{key}")
    return text


def _has_space(text: str) -> bool:
    return any(ch.isspace() for ch in text)


def build_settings(values: dict[str, object], placeholder: str | None = None) -> MailSettings:
    """Validate raw field values (form, CLI or file) into MailSettings or raise SettingsInvalid."""
    errors: dict[str, FieldError] = {}
    checked: dict[str, object] = {}
    auth = bool(values.get("auth", True))

    def run(name: str, check, *args: object) -> None:
        try:
            checked[name] = check(*args)
        except FieldError as error:
            errors[name] = error

    run("server", check_server, str(values.get("server", "")), placeholder)
    run("user", check_user, str(values.get("user", "") or ""), auth)
    run("from_addr", check_address, str(values.get("from", "") or ""), "from")
    run("to", lambda v: check_address(v, "to", required=False), str(values.get("to", "") or ""))
    timeout = values.get("timeout")
    run("timeout", check_timeout, DEFAULT_TIMEOUT if timeout is None or timeout == "" else timeout)
    run("ca_file", check_ca_file, values.get("ca_file") or None)
    run("oauth", check_oauth, values.get("oauth"))
    if errors:
        raise SettingsInvalid({e.field: e for e in errors.values()})
    return MailSettings(
        auth=auth,
        allow_unencrypted_auth=bool(values.get("allow_unencrypted_auth", False)),
        **checked,  # type: ignore[arg-type]
    )
