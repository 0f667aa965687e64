"""Parse, normalise and format the CRM's one-string server name (`ssl://host:465`, `host:25`)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from enum import StrEnum
from typing import TYPE_CHECKING

from crm_mail_gui.core import i18n
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.records import record

if TYPE_CHECKING:
    from idna import IDNAError


class Security(StrEnum):
    """How the connection is protected: TLS from the first byte, STARTTLS, or not at all."""

    SSL = "ssl"
    STARTTLS = "tls"
    PLAIN = "plain"


DEFAULT_PORTS = {Security.SSL: 465, Security.STARTTLS: 587, Security.PLAIN: 25}
MAX_HOST_LENGTH = 253
MAX_INPUT_LENGTH = 300
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: part of some IDNA 2008 labels (CONTEXTJ), junk elsewhere
_DOTS = re.compile("[.\u3002\uff0e\uff61]")  # the label separators of UTS #46
LDH_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"  # one ASCII DNS label (letters, digits, -)
_LABEL = re.compile(rf"^{LDH_LABEL}$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_SCHEME_SUGGESTIONS = {
    "smtps": "ssl",
    "ssmtp": "ssl",
    "ssl3": "ssl",
    "tsl": "tls",
    "starttls": "tls",
    "submission": "tls",
    "smtp": "tls",
    "esmtp": "tls",
}


class AddressError(ValueError):
    """A server name that cannot be used; `message(lang)` explains why."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)  # the text is rendered when asked for (an empty form at start-up)

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str | None = None) -> str:
        """Return the explanation in `lang` (default: the language in force)."""
        params = dict(self.params)
        for part in ("suggestion", "reason"):
            if f"{part}_key" in params:
                part_key = str(params.pop(f"{part}_key"))
                params[part] = i18n.text(f"address.{part_key}", lang, **params)
        return i18n.text(f"address.{self.key}", lang, **params)


@record
class AddressWarning:
    """A suspicious but usable combination, with the server name that is probably meant."""

    key: str
    suggestion: str

    def message(self, lang: str | None = None) -> str:
        """Return the warning text in `lang`."""
        return i18n.text(f"address.{self.key}", lang)


@record
class ServerAddress:
    """A parsed server name: security, ASCII host (IDNA, no brackets) and port."""

    security: Security
    host: str
    port: int

    @property
    def is_ipv6(self) -> bool:
        """True when the host is an IPv6 literal."""
        return ":" in self.host

    @property
    def host_for_url(self) -> str:
        """The host as written in a server name: IPv6 in brackets."""
        return f"[{self.host}]" if self.is_ipv6 else self.host

    @property
    def display_host(self) -> str:
        """The host with IDNA labels decoded for people to read."""
        return self.host if self.is_ipv6 else unicode_domain(self.host)

    @property
    def encrypted(self) -> bool:
        """True for ssl:// and tls://."""
        return self.security is not Security.PLAIN

    def canonical(self) -> str:
        """Format back to the CRM's server-name string, e.g. `tls://smtp.office365.com:587`."""
        prefix = "" if self.security is Security.PLAIN else f"{self.security.value}://"
        return f"{prefix}{self.host_for_url}:{self.port}"

    def with_security(self, security: Security, port: int | None = None) -> ServerAddress:
        """Return the same host with another security (and port)."""
        return ServerAddress(security, self.host, port if port is not None else self.port)

    def warnings(self) -> list[AddressWarning]:
        """Suspicious scheme/port pairs, each with the server name probably meant."""
        pairs = {
            (Security.SSL, 587): ("warn_ssl_587", Security.STARTTLS),
            (Security.STARTTLS, 465): ("warn_tls_465", Security.SSL),
            (Security.PLAIN, 465): ("warn_plain_465", Security.SSL),
            (Security.PLAIN, 587): ("warn_plain_587", Security.STARTTLS),
        }
        found = pairs.get((self.security, self.port))
        if not found:
            return []
        key, better = found
        return [AddressWarning(key, self.with_security(better).canonical())]

    def __str__(self) -> str:
        return self.canonical()


def normalise(text: str) -> str:
    """Fold what a Japanese IME types (full-width letters, digits, `：`, `／`, `。`) to ASCII.

    Invisible characters pasted along with a name are dropped; ZWJ/ZWNJ stay where IDNA 2008
    allows them (after a virama, between joining letters), since there they change the name.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    if any(ch in JOINERS for ch in folded):
        import idna  # IDNA 2008 loads with the first name that needs it (ui.startup, rule 10)

        folded = "".join(
            ch
            for pos, ch in enumerate(folded)
            if ch not in JOINERS or idna.valid_contextj(folded, pos)
        )
    return folded.replace("\u3002", ".").replace("\uff61", ".").strip()


def is_control(char: str) -> bool:
    """True for control and format characters, except the joiners that IDNA 2008 may need."""
    return unicodedata.category(char) in ("Cc", "Cf") and char not in JOINERS


def _has_control(text: str) -> bool:
    if text.isascii() and text.isprintable():  # what is typed: no per-character look-up
        return False
    return any(is_control(ch) for ch in text)


def parse_server(text: str) -> ServerAddress:
    """Parse a server name; raise AddressError with a clear message when it cannot be used."""
    if len(text) > MAX_INPUT_LENGTH:
        raise AddressError("too_long", limit=MAX_INPUT_LENGTH)
    if _has_control(text.translate(_INVISIBLE)):
        raise AddressError("control")
    folded = normalise(text)
    if not folded:
        raise AddressError("empty")
    if _has_control(folded):
        raise AddressError("control")
    security, rest = _split_scheme(folded)
    if any(ch.isspace() for ch in rest):
        raise AddressError("spaces")
    if "/" in rest or "?" in rest or "#" in rest:
        raise AddressError("path")
    if "@" in rest:
        raise AddressError("userinfo")
    host, port_text = _split_port(rest)
    return ServerAddress(security, _check_host(host), _check_port(port_text, security))


def _split_scheme(text: str) -> tuple[Security, str]:
    match = _SCHEME.match(text)
    if not match:
        return Security.PLAIN, text
    scheme = match.group(1).lower()
    rest = text[match.end() :]
    if scheme == "ssl":
        return Security.SSL, rest
    if scheme == "tls":
        return Security.STARTTLS, rest
    if scheme in ("http", "https"):
        raise AddressError("unknown_scheme", scheme=scheme, suggestion_key="suggest_web")
    good = _SCHEME_SUGGESTIONS.get(scheme)
    if good:
        example = "ssl://smtp.gmail.com:465" if good == "ssl" else "tls://smtp.office365.com:587"
        raise AddressError(
            "unknown_scheme",
            scheme=scheme,
            good=good,
            example=example,
            suggestion_key="suggest_scheme",
        )
    raise AddressError("unknown_scheme", scheme=scheme[:20], suggestion_key="suggest_any")


def _split_port(rest: str) -> tuple[str, str | None]:
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            raise AddressError("ipv6_invalid", host=rest[:60])
        host, after = rest[: end + 1], rest[end + 1 :]
        if not after:
            return host, None
        if not after.startswith(":"):
            raise AddressError("ipv6_invalid", host=rest[:60])
        return host, after[1:]
    if rest.count(":") > 1:
        raise AddressError("ipv6_brackets")
    if ":" in rest:
        host, _, port = rest.partition(":")
        return host, port
    return rest, None


def _check_port(port_text: str | None, security: Security) -> int:
    if port_text is None:
        return DEFAULT_PORTS[security]
    if port_text == "":
        raise AddressError("port_missing")
    if not port_text.isascii() or not port_text.isdigit():
        raise AddressError("port_not_number", port=port_text[:20])
    if len(port_text) > 5 or not 1 <= int(port_text) <= 65535:
        raise AddressError("port_range", port=port_text[:20])
    return int(port_text)


def _check_host(host: str) -> str:
    if host.startswith("["):
        inner = host[1:-1]
        if "%" in inner:
            raise AddressError("ipv6_zone")
        try:
            return str(ipaddress.IPv6Address(inner))
        except ValueError:
            raise AddressError("ipv6_invalid", host=inner[:60]) from None
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise AddressError("host_missing")
    labels = host.split(".")
    if all(label.isdigit() and label.isascii() for label in labels) and len(labels) == 4:
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise AddressError("ipv4_invalid", host=host) from None
    return ascii_domain(host)


def ascii_domain(name: str) -> str:
    """The ASCII form of a domain name: IDNA 2008 with UTS #46 non-transitional processing.

    `faß.de` becomes `xn--fa-hia.de` (not `fass.de`, as IDNA 2003 would have it); an `xn--`
    label must be valid, canonical Punycode. Raises AddressError (`host_invalid`,
    `host_too_long`, or `idna` with the reason) when the name cannot be one.
    """
    if len(name) > MAX_HOST_LENGTH:
        raise AddressError("host_too_long")
    labels = _DOTS.split(name.lower())
    if not all(labels):
        raise AddressError("host_invalid", host=printable(name, 60))
    host = ".".join(_ascii_label(label, name) for label in labels)
    if len(host) > MAX_HOST_LENGTH:
        raise AddressError("host_too_long")
    return host


def is_under(host: str, domain: str) -> bool:
    """True when the ASCII, lower-case `host` is `domain` or a name below it."""
    return host == domain or host.endswith("." + domain)


def unicode_domain(host: str) -> str:
    """The ASCII domain `host` with its valid `xn--` labels decoded for people to read."""
    if "xn--" not in host:
        return host
    import idna

    labels = host.split(".")
    for index, label in enumerate(labels):
        if label.startswith("xn--"):
            try:
                labels[index] = idna.ulabel(label)
            except idna.IDNAError:
                return host
    return ".".join(labels)


def _ascii_label(label: str, name: str) -> str:
    if label.isascii() and not label.startswith("xn--"):
        if not _LABEL.match(label):
            raise AddressError("host_invalid", host=printable(name, 60))
        return label
    import idna  # plain ASCII labels (above) need no IDNA tables

    try:
        ascii_label = idna.alabel(idna.uts46_remap(label, std3_rules=False, transitional=False))
        if label.startswith("xn--") and idna.alabel(idna.ulabel(label)) != label.encode():
            raise idna.IDNAError("non-canonical A-label")
    except idna.IDNAError as error:
        raise _idna_error(error, label, name) from None
    text = ascii_label.decode("ascii")
    if not _LABEL.match(text):  # UTS #46 mapping may have produced a dot or an empty label
        raise AddressError("host_invalid", host=printable(name, 60))
    return text


_IDNA_REASONS = {
    "disallowed_codepoint": "idna_char",
    "unknown_codepoint": "idna_char",
    "contextj": "idna_context",
    "contexto": "idna_context",
    "leading_combiner": "idna_combining",
    "hyphen_start_end": "idna_hyphen",
    "hyphen_3_4": "idna_hyphen",
    "label_too_long": "idna_label_long",
    "input_too_long": "idna_label_long",
}
_IDNA_TEXTS = (  # older idna without `code`: the words of its English message
    ("too long", "idna_label_long"),
    ("hyphen", "idna_hyphen"),
    ("combining", "idna_combining"),
)


def _idna_error(error: IDNAError, label: str, name: str) -> AddressError:
    """The AddressError for an `idna` failure, with a localised reason (idna's own is English)."""
    return AddressError(
        "idna",
        host=printable(name, 60),
        reason_key=_idna_reason(error, label),
        char=_idna_char(error),
        label=printable(label, 60),
    )


def _idna_reason(error: IDNAError, label: str) -> str:
    """The catalogue key (area "address") that says why `idna` refused `label`."""
    import idna

    code = str(getattr(error, "code", None) or "")  # `code` exists in idna >= 3.11
    if label.startswith("xn--"):
        return "idna_alabel"
    if code.startswith("bidi") or isinstance(error, idna.IDNABidiError):
        return "idna_bidi"
    if code in _IDNA_REASONS:
        return _IDNA_REASONS[code]
    if isinstance(error, idna.InvalidCodepointContext):
        return "idna_context"
    if isinstance(error, idna.InvalidCodepoint):
        return "idna_char"
    text = str(error)
    for words, reason in _IDNA_TEXTS:
        if words in text:
            return reason
    return "idna_other"


def _idna_char(error: IDNAError) -> str:
    """The refused character as "“x” (U+0078)", "U+0301" when unprintable, or "?"."""
    codepoint = getattr(error, "codepoint", None)
    if codepoint is None:
        found = re.search(r"U\+([0-9A-Fa-f]{4,6})", str(error))
        codepoint = int(found.group(1), 16) if found else None
    if codepoint is None:
        return "?"
    char = f"U+{codepoint:04X}"
    if unicodedata.category(chr(codepoint))[0] in "LNPS":
        char = f"“{chr(codepoint)}” ({char})"
    return char
