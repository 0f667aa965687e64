"""Parse, normalise and format the CRM's one-string server name (`ssl://host:465`, `host:25`)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from enum import StrEnum

import idna

from crm_mail_gui.core.i18n import tr
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.records import record


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
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
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

MESSAGES: dict[str, dict[str, str]] = {
    "empty": {
        "ja": "サーバ名を入力してください(例: ssl://smtp.gmail.com:465)。",
        "en": "Enter the server name (for example ssl://smtp.gmail.com:465).",
    },
    "too_long": {
        "ja": "サーバ名が長すぎます({limit} 文字まで)。",
        "en": "The server name is too long (at most {limit} characters).",
    },
    "control": {
        "ja": "サーバ名に改行や制御文字が含まれています。1 行で入力してください。",
        "en": "The server name contains a line break or control character. Type it on one line.",
    },
    "unknown_scheme": {
        "ja": "「{scheme}://」は使えません。{suggestion}",
        "en": "“{scheme}://” is not supported. {suggestion}",
    },
    "suggest_scheme": {
        "ja": "「{good}://」を使ってください(例: {example})。",
        "en": "Use “{good}://” (for example {example}).",
    },
    "suggest_web": {
        "ja": "Web のアドレスではなく、SMTP サーバ名を ssl://ホスト名:465 または "
        "tls://ホスト名:587 の形で入力してください。",
        "en": "This is a web address. Enter the SMTP server as ssl://host:465 or tls://host:587.",
    },
    "suggest_any": {
        "ja": "ssl://(465 番)、tls://(587 番)、またはスキームなし(25 番)が使えます。",
        "en": "Use ssl:// (port 465), tls:// (port 587) or no scheme (port 25).",
    },
    "spaces": {
        "ja": "サーバ名に空白が含まれています。空白を削除してください。",
        "en": "The server name contains a space. Remove it.",
    },
    "path": {
        "ja": "サーバ名にパス(「/」以降)は入れられません。ホスト名とポートだけを入力してください。",
        "en": "A server name cannot contain a path (“/…”). Enter only the host and port.",
    },
    "userinfo": {
        "ja": "サーバ名に「ユーザ名@」は入れられません。ユーザ名は「ユーザ名」欄に入力してください。",
        "en": "Do not put “user@” in the server name; enter the user in the User name field.",
    },
    "port_missing": {
        "ja": "「:」の後にポート番号を入力するか、「:」を削除してください。",
        "en": "Enter a port number after “:” or remove the “:”.",
    },
    "port_not_number": {
        "ja": "ポート「{port}」は数字ではありません(例: 465、587、25)。",
        "en": "The port “{port}” is not a number (for example 465, 587 or 25).",
    },
    "port_range": {
        "ja": "ポート番号 {port} は範囲外です(1〜65535)。",
        "en": "Port {port} is out of range (1 to 65535).",
    },
    "host_missing": {
        "ja": "ホスト名がありません(例: smtp.example.co.jp)。",
        "en": "The host name is missing (for example smtp.example.com).",
    },
    "host_invalid": {
        "ja": "ホスト名「{host}」は正しくありません。使える文字は英数字、「-」、「.」です。",
        "en": "“{host}” is not a valid host name: use letters, digits, “-” and “.”.",
    },
    "host_too_long": {
        "ja": "ホスト名が長すぎます(253 文字まで)。",
        "en": "The host name is too long (at most 253 characters).",
    },
    "idna": {
        "ja": "国際化ドメイン名「{host}」は使えません: {reason}",
        "en": "The international domain name “{host}” cannot be used: {reason}",
    },
    "idna_char": {
        "ja": "ドメイン名に使えない文字 {char} が含まれています。",
        "en": "it contains {char}, which domain names cannot contain.",
    },
    "idna_context": {
        "ja": "文字 {char} はこの位置では使えません(結合子などは特定の文字の後だけに置けます)。",
        "en": "{char} cannot be used at this position (joiners and similar marks are allowed only "
        "after certain characters).",
    },
    "idna_bidi": {
        "ja": "右から左に書く文字(アラビア文字・ヘブライ文字など)と他の文字の組み合わせが正しくありません。",
        "en": "it mixes right-to-left letters (Arabic, Hebrew) with other characters in a way "
        "domain names do not allow.",
    },
    "idna_combining": {
        "ja": "ラベルの先頭に結合文字(濁点やアクセント記号など)は置けません。",
        "en": "a label cannot start with a combining mark (an accent on its own).",
    },
    "idna_hyphen": {
        "ja": "ラベルの先頭と末尾、3・4 文字目に「-」は置けません。",
        "en": "a label cannot start or end with “-”, nor have “--” as its 3rd and 4th characters.",
    },
    "idna_label_long": {
        "ja": "変換後のラベルが 63 文字を超えます。",
        "en": "a label is longer than 63 characters once converted.",
    },
    "idna_alabel": {
        "ja": "「xn--」で始まるラベル「{label}」が正しい Punycode ではありません。",
        "en": "the label “{label}” starts with “xn--” but is not valid Punycode.",
    },
    "idna_other": {
        "ja": "IDNA 2008 の規則に合いません。",
        "en": "it does not follow the IDNA 2008 rules.",
    },
    "ipv4_invalid": {
        "ja": "IP アドレス「{host}」は正しくありません。",
        "en": "“{host}” is not a valid IP address.",
    },
    "ipv6_brackets": {
        "ja": "IPv6 アドレスは角かっこで囲んでください(例: [::1]:25)。",
        "en": "Put an IPv6 address in brackets (for example [::1]:25).",
    },
    "ipv6_invalid": {
        "ja": "IPv6 アドレス「{host}」は正しくありません。",
        "en": "“{host}” is not a valid IPv6 address.",
    },
    "ipv6_zone": {
        "ja": "IPv6 のゾーン ID(%…)には対応していません。",
        "en": "IPv6 zone indexes (%…) are not supported.",
    },
    "warn_ssl_587": {
        "ja": "ポート 587 は通常 STARTTLS です。tls:// の方が正しい可能性があります。",
        "en": "Port 587 usually speaks STARTTLS: tls:// is probably right.",
    },
    "warn_tls_465": {
        "ja": "ポート 465 は通常、最初から SSL/TLS です。ssl:// の方が正しい可能性があります。",
        "en": "Port 465 usually speaks TLS from the first byte: ssl:// is probably right.",
    },
    "warn_plain_465": {
        "ja": "ポート 465 は SSL/TLS 用です。ssl:// を付けてください。",
        "en": "Port 465 is for TLS: add ssl://.",
    },
    "warn_plain_587": {
        "ja": "ポート 587 は通常 STARTTLS です。tls:// を付けると暗号化されます。",
        "en": "Port 587 usually offers STARTTLS: add tls:// to encrypt the connection.",
    },
}


class AddressError(ValueError):
    """A server name that cannot be used; `message(lang)` explains why."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """Return the explanation in `lang` (default: the language in force)."""
        params = dict(self.params)
        for part in ("suggestion", "reason"):
            if f"{part}_key" in params:
                part_key = str(params.pop(f"{part}_key"))
                params[part] = tr(MESSAGES, part_key, lang, **params)
        return tr(MESSAGES, self.key, lang, **params)


@record
class AddressWarning:
    """A suspicious but usable combination, with the server name that is probably meant."""

    key: str
    suggestion: str

    def message(self, lang: str | None = None) -> str:
        """Return the warning text in `lang`."""
        return tr(MESSAGES, self.key, lang)


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
    folded = "".join(
        ch for pos, ch in enumerate(folded) if ch not in JOINERS or idna.valid_contextj(folded, pos)
    )
    return folded.replace("\u3002", ".").replace("\uff61", ".").strip()


def is_control(char: str) -> bool:
    """True for control and format characters, except the joiners that IDNA 2008 may need."""
    return unicodedata.category(char) in ("Cc", "Cf") and char not in JOINERS


def parse_server(text: str) -> ServerAddress:
    """Parse a server name; raise AddressError with a clear message when it cannot be used."""
    if len(text) > MAX_INPUT_LENGTH:
        raise AddressError("too_long", limit=MAX_INPUT_LENGTH)
    if any(is_control(ch) for ch in text.translate(_INVISIBLE)):
        raise AddressError("control")
    folded = normalise(text)
    if not folded:
        raise AddressError("empty")
    if any(is_control(ch) for ch in folded):
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


def unicode_domain(host: str) -> str:
    """The ASCII domain `host` with its valid `xn--` labels decoded for people to read."""
    if "xn--" not in host:
        return host
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


def _idna_error(error: idna.IDNAError, label: str, name: str) -> AddressError:
    """The AddressError for an `idna` failure, with a localised reason (idna's own is English)."""
    code = str(getattr(error, "code", None) or "")  # `code` exists in idna >= 3.11
    text = str(error)
    if label.startswith("xn--"):
        reason = "idna_alabel"
    elif code.startswith("bidi") or isinstance(error, idna.IDNABidiError):
        reason = "idna_bidi"
    elif code in _IDNA_REASONS:
        reason = _IDNA_REASONS[code]
    elif isinstance(error, idna.InvalidCodepointContext):
        reason = "idna_context"
    elif isinstance(error, idna.InvalidCodepoint):
        reason = "idna_char"
    elif "too long" in text:
        reason = "idna_label_long"
    elif "hyphen" in text:
        reason = "idna_hyphen"
    elif "combining" in text:
        reason = "idna_combining"
    else:
        reason = "idna_other"
    codepoint = getattr(error, "codepoint", None)
    if codepoint is None:
        found = re.search(r"U\+([0-9A-Fa-f]{4,6})", text)
        codepoint = int(found.group(1), 16) if found else None
    char = f"U+{codepoint:04X}" if codepoint is not None else "?"
    if codepoint is not None and unicodedata.category(chr(codepoint))[0] in "LNPS":
        char = f"“{chr(codepoint)}” ({char})"
    return AddressError(
        "idna",
        host=printable(name, 60),
        reason_key=reason,
        char=char,
        label=printable(label, 60),
    )
