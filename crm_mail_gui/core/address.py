"""Parse, normalise and format the CRM's one-string server name (`ssl://host:465`, `host:25`)."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from enum import StrEnum

from crm_mail_gui.core.i18n import tr
from crm_mail_gui.core.records import record


class Security(StrEnum):
    """How the connection is protected: TLS from the first byte, STARTTLS, or not at all."""

    SSL = "ssl"
    STARTTLS = "tls"
    PLAIN = "plain"


DEFAULT_PORTS = {Security.SSL: 465, Security.STARTTLS: 587, Security.PLAIN: 25}
MAX_HOST_LENGTH = 253
MAX_INPUT_LENGTH = 300
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
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
        "ja": "国際化ドメイン名「{host}」を変換できません。",
        "en": "The international domain name “{host}” cannot be converted.",
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
        if "suggestion_key" in params:
            suggestion_key = str(params.pop("suggestion_key"))
            params["suggestion"] = tr(MESSAGES, suggestion_key, lang, **params)
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
        if "xn--" not in self.host:
            return self.host
        try:
            return self.host.encode("ascii").decode("idna")
        except UnicodeError:
            return self.host

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
    """Fold what a Japanese IME types (full-width letters, digits, `：`, `／`, `。`) to ASCII."""
    folded = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    return folded.replace("\u3002", ".").replace("\uff61", ".").strip()


def parse_server(text: str) -> ServerAddress:
    """Parse a server name; raise AddressError with a clear message when it cannot be used."""
    if len(text) > MAX_INPUT_LENGTH:
        raise AddressError("too_long", limit=MAX_INPUT_LENGTH)
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text.translate(_INVISIBLE)):
        raise AddressError("control")
    folded = normalise(text)
    if not folded:
        raise AddressError("empty")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in folded):
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
    host = host.lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise AddressError("idna", host=host[:60]) from None
    if len(host) > MAX_HOST_LENGTH:
        raise AddressError("host_too_long")
    labels = host.split(".")
    if all(label.isdigit() for label in labels) and len(labels) == 4:
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise AddressError("ipv4_invalid", host=host) from None
    if not all(_LABEL.match(label) for label in labels):
        raise AddressError("host_invalid", host=host[:60])
    return host
