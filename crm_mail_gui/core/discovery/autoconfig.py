"""Detection's web sources: the domain's own autoconfig, its .well-known file, Thunderbird's ISPDB.

The files are Thunderbird's config-v1.1.xml (github.com/thunderbird/autoconfig, Thunderbird's
readFromXML.sys.mjs, draft-ietf-mailmaint-autoconfig). Only `<outgoingServer type="smtp">` is read.
The XML is parsed with defusedxml (no DTD, no entity, no external reference), the body is capped,
every value is checked and an invalid server entry is skipped with its reason.

Which hosts are fetched from ("nothing fetched from a host the DNS answer did not name"): only
names derived from the domain being looked up (`autoconfig.<domain>` and `<domain>` itself, the
domain coming from the address or from an MX answer) and the ISPDB's own host. A redirect is
followed only to an https:// URL (at most 3 times) whose host is that domain or a name under it
(for the ISPDB: the ISPDB's host); anything else ends the lookup as FAILED with the refused URL.
Connections go to the addresses the detection's resolver gives for those names (`resolve`), while
TLS checks the certificate against the name itself.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import AddressError, ascii_domain, is_under, unicode_domain
from crm_mail_gui.core.discovery.model import Candidate, Security, Source, SourceEvent, Status
from crm_mail_gui.core.https_fetch import Answer, FetchError, get
from crm_mail_gui.core.printable import is_safe, printable

if TYPE_CHECKING:
    from crm_mail_gui.core.connection import CancelToken

MAX_CONFIG_BYTES = 256 * 1024  # real config files are 1-5 KB
MAX_SERVERS = 20  # <outgoingServer> entries read from one file
MAX_VALUES = 10  # <socketType> / <authentication> values read per server
MAX_USERNAME = 256
MAX_REASONS = 3  # skip reasons shown in a detail
MAX_REDIRECTS = 3
ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1"
ENV_AUTOCONFIG_PORT = "CRM_MAIL_GUI_AUTOCONFIG_PORT"  # HTTPS autoconfig fetches go to this port
ENV_AUTOCONFIG_HTTP_PORT = "CRM_MAIL_GUI_AUTOCONFIG_HTTP_PORT"  # plain HTTP ones (allow_http)
ENV_ISPDB_URL = "CRM_MAIL_GUI_ISPDB_URL"  # replaces ISPDB_URL
ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.1"

# Both tables are looked up case-insensitively (by the lower-case value).
SOCKET_TYPES = {"ssl": Security.SSL, "starttls": Security.STARTTLS, "plain": Security.PLAIN}
# readFromXML's outgoing-server values (and the draft's TLS-client-cert); the deprecated
# "plain" and "secure" under their current names
AUTH_VALUES = {
    "password-cleartext": "password-cleartext",
    "plain": "password-cleartext",
    "password-encrypted": "password-encrypted",
    "secure": "password-encrypted",
    "oauth2": "OAuth2",
    "none": "none",
    "client-ip-address": "client-IP-address",
    "smtp-after-pop": "smtp-after-pop",
    "gssapi": "GSSAPI",
    "ntlm": "NTLM",
    "tls-client-cert": "TLS-client-cert",
}
_PLACEHOLDER = re.compile(r"%[A-Za-z]+%")
_PORT = re.compile(r"[0-9]{1,5}")

Resolve = Callable[[str], list[str]]


class ConfigError(ValueError):
    """A body that is no usable config file at all; `message(lang)` says why."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The explanation in `lang` (default: the language in force)."""
        return i18n.text(f"autoconfig.{self.key}", lang, **self.params)


@dataclass(frozen=True, slots=True)
class Skip:
    """One `<outgoingServer>` entry left out, and why."""

    key: str
    params: dict[str, object]

    def message(self, lang: str | None = None) -> str:
        """The reason in `lang`."""
        return i18n.text(f"autoconfig.skip.{self.key}", lang, **self.params)


@dataclass(frozen=True, slots=True)
class ConfigRead:
    """What a config file gave: its SMTP candidates and the entries skipped as invalid."""

    candidates: tuple[Candidate, ...]
    skipped: tuple[Skip, ...]


class _Invalid(Exception):
    def __init__(self, skip: Skip) -> None:
        super().__init__(skip.key)
        self.skip = skip


def parse_config(body: bytes, address: str, *, source: Source, origin: str) -> list[Candidate]:
    """The SMTP servers of a config-v1.1.xml body, placeholders filled in for `address`.

    Invalid server entries are left out (see read_config); raises ConfigError when the body is
    no config file at all (too big, not XML, DTD/entities, no clientConfig/emailProvider).
    """
    return list(read_config(body, address, source=source, origin=origin).candidates)


def read_config(body: bytes, address: str, *, source: Source, origin: str) -> ConfigRead:
    """Like parse_config, with the reasons of the entries skipped."""
    import defusedxml.ElementTree
    from defusedxml import DefusedXmlException

    if len(body) > MAX_CONFIG_BYTES:
        raise ConfigError("too_big", limit=MAX_CONFIG_BYTES)
    try:
        root = defusedxml.ElementTree.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise ConfigError("xml_forbidden", detail=type(error).__name__) from None
    except (ParseError, ValueError, UnicodeError, RecursionError) as error:
        raise ConfigError("xml_malformed", detail=printable(str(error), 120)) from None
    provider = root.find("emailProvider") if root.tag == "clientConfig" else None
    if provider is None:
        raise ConfigError("not_config")
    local, _, domain = address.rpartition("@")
    values = {"%EMAILADDRESS%": address, "%EMAILLOCALPART%": local, "%EMAILDOMAIN%": domain}
    servers = [item for item in provider.findall("outgoingServer") if item.get("type") == "smtp"]
    candidates: dict[tuple[str, int, Security], Candidate] = {}
    skipped: list[Skip] = []
    for item in servers[:MAX_SERVERS]:
        try:
            candidate = _server(item, values, source, origin)
        except _Invalid as invalid:
            skipped.append(invalid.skip)
            continue
        candidates.setdefault(candidate.key, candidate)
    if len(servers) > MAX_SERVERS:
        skipped.append(Skip("too_many", {"limit": MAX_SERVERS}))
    return ConfigRead(tuple(candidates.values()), tuple(skipped))


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(name, value)
    return text


def _texts(item: Element, name: str) -> list[str]:
    """The stripped texts of the first MAX_VALUES `name` children of `item`."""
    return [(child.text or "").strip() for child in item.findall(name)[:MAX_VALUES]]


def _server(item: Element, values: dict[str, str], source: Source, origin: str) -> Candidate:
    """One `<outgoingServer type="smtp">` as a Candidate, or _Invalid with the reason."""
    hostname = _fill((item.findtext("hostname") or "").strip(), values)
    try:
        host = ascii_domain(hostname[:-1] if hostname.endswith(".") else hostname)
    except AddressError as error:
        shown = printable(hostname, 60)
        raise _Invalid(Skip("host", {"host": shown, "reason": error})) from None
    port_text = (item.findtext("port") or "").strip()
    if not _PORT.fullmatch(port_text) or not 1 <= int(port_text) <= 65535:
        raise _Invalid(Skip("port", {"port": printable(port_text, 20)}))
    sockets = _texts(item, "socketType")
    known = [SOCKET_TYPES[value.lower()] for value in sockets if value.lower() in SOCKET_TYPES]
    if not known:  # the first one we know is taken, as Thunderbird does
        raise _Invalid(Skip("socket", {"value": printable(", ".join(sockets), 60)}))
    security = known[0]
    given = _texts(item, "authentication")
    auth = tuple(dict.fromkeys(AUTH_VALUES[v.lower()] for v in given if v.lower() in AUTH_VALUES))
    if not auth:
        raise _Invalid(Skip("auth", {"value": printable(", ".join(given), 60)}))
    return Candidate(
        host=host,
        port=int(port_text),
        security=security,
        source=source,
        origin=origin,
        auth=auth,
        username=_username(item, values),
    )


def _username(item: Element, values: dict[str, str]) -> str | None:
    """The user name with placeholders filled in; None when absent or with an unknown one."""
    text = item.findtext("username")
    if text is None or not text.strip():
        return None
    raw = text.strip()
    if len(raw) > MAX_USERNAME or not all(is_safe(char) and char != " " for char in raw):
        raise _Invalid(Skip("username", {"value": printable(raw, 60)}))
    filled = _fill(raw, values)
    if _PLACEHOLDER.search(filled):  # %REALNAME% or one we do not know: let the user type it
        return None
    return filled if len(filled) <= MAX_USERNAME else None


# --------------------------------------------------------------------------- fetching


class _SeamError(Exception):
    def __init__(self, name: str, value: str) -> None:
        super().__init__(name)
        self.name, self.value = name, value


def _env_port(name: str) -> int | None:
    """A port from the environment (a test seam), None when unset."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    if not _PORT.fullmatch(text) or not 1 <= int(text) <= 65535:
        raise _SeamError(name, text)
    return int(text)


def _under(domain: str) -> Callable[[str], bool]:
    """May a redirect go to `host`: the domain itself or a name under it."""
    return lambda host: is_under(host, domain)


def _fetch_detail(error: FetchError, allowed: str) -> str:
    """The localised, printable detail of a failed fetch."""
    host = printable(unicode_domain(error.host), 80) if error.host else "?"
    return i18n.text(
        f"autoconfig.fetch.{error.kind}",
        host=host,
        detail=printable(error.detail, 200),
        url=printable(error.url, 200),
        limit=MAX_CONFIG_BYTES,
        allowed=printable(unicode_domain(allowed), 80),
        count=MAX_REDIRECTS,
    )


def _answer_event(
    answer: Answer, address: str, source: Source, label: str, not_found_key: str
) -> SourceEvent:
    """The final event for an HTTP answer: FOUND, NONE (404 / nothing for SMTP) or FAILED."""
    status, host = answer.status, answer.host
    if status in (404, 410):
        detail = i18n.text(f"autoconfig.{not_found_key}", status=status)
        return SourceEvent(source, label, Status.NONE, detail)
    if not 200 <= status < 300:
        shown = printable(unicode_domain(host), 80)
        detail = i18n.text("autoconfig.http_status", host=shown, status=status)
        return SourceEvent(source, label, Status.FAILED, detail)
    try:
        read = read_config(answer.body, address, source=source, origin=host)
    except ConfigError as error:
        return SourceEvent(source, label, Status.FAILED, error.message())
    skipped = ""
    if read.skipped:
        reasons = "; ".join(skip.message() for skip in read.skipped[:MAX_REASONS])
        skipped = i18n.text("autoconfig.skipped", count=len(read.skipped), reasons=reasons)
    if read.candidates:
        servers = ", ".join(candidate.server for candidate in read.candidates)
        detail = i18n.text("autoconfig.found", servers=printable(servers, 300))
        detail = f"{detail}; {skipped}" if skipped else detail
        return SourceEvent(source, label, Status.FOUND, detail, read.candidates)
    if skipped:
        return SourceEvent(source, label, Status.FAILED, skipped)
    return SourceEvent(source, label, Status.NONE, i18n.text("autoconfig.no_smtp"))


def fetch_autoconfig(
    domain: str,
    address: str,
    *,
    source: Source,
    deadline_at: float,
    cancel: CancelToken,
    allow_http: bool,
    ca_file: str | None,
    resolve: Resolve | None = None,
    send_address: bool = True,
) -> SourceEvent:
    """The domain's own config file; never raises, returns the final SourceEvent.

    Only the address's own domain is sent the address (`?emailaddress=`, as Thunderbird does);
    a domain the MX led to (a hoster, a third party) gets the bare path: `send_address` False.

    Source.AUTOCONFIG: https://autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=<address>;
    Source.WELL_KNOWN: https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml. With
    `allow_http` (the user allowed it for this lookup) the same URL over plain HTTP is tried when
    HTTPS could not be reached at all. `deadline_at` is a time.monotonic() value; `resolve` maps
    a host name to IP addresses (None: the system resolver).
    """
    well_known = source is Source.WELL_KNOWN
    label = _label(domain, "{}/.well-known" if well_known else "autoconfig.{}")

    def run() -> SourceEvent:
        name = ascii_domain(domain)
        if well_known:
            host, path = name, "/.well-known/autoconfig/mail/config-v1.1.xml"
        else:
            host = f"autoconfig.{name}"
            path = "/mail/config-v1.1.xml"
            if send_address:
                path += "?emailaddress=" + urllib.parse.quote(address, safe="")
        https_port = _env_port(ENV_AUTOCONFIG_PORT)
        http_port = _env_port(ENV_AUTOCONFIG_HTTP_PORT)
        schemes = ("https", "http") if allow_http else ("https",)
        for scheme in schemes:
            try:
                answer = get(
                    f"{scheme}://{host}{path}",
                    deadline_at=deadline_at,
                    max_bytes=MAX_CONFIG_BYTES,
                    cancel=cancel,
                    ca_file=ca_file,
                    may_follow=_under(name),
                    max_redirects=MAX_REDIRECTS,
                    resolve=resolve,
                    https_port=https_port,
                    http_port=http_port,
                    accept=ACCEPT,
                )
            except FetchError as error:
                unreachable = error.kind in ("resolve", "network", "tls", "not_http")
                if scheme != schemes[-1] and unreachable:  # HTTPS failed, plain HTTP allowed
                    continue
                return SourceEvent(source, label, Status.FAILED, _fetch_detail(error, name))
            return _answer_event(answer, address, source, label, "not_found")
        raise AssertionError("unreachable")  # pragma: no cover

    return _never_raising(source, label, domain, run)


def fetch_ispdb(
    domain: str,
    address: str,
    *,
    deadline_at: float,
    cancel: CancelToken,
    ca_file: str | None,
    resolve: Resolve | None = None,
) -> SourceEvent:
    """Thunderbird's ISPDB entry for `domain`; never raises, returns the final SourceEvent.

    GET https://autoconfig.thunderbird.net/v1.1/<domain> (CRM_MAIL_GUI_ISPDB_URL replaces the
    base): only the domain is sent, never the address (it only fills the placeholders here).
    """

    def run() -> SourceEvent:
        name = ascii_domain(domain)
        base = os.environ.get(ENV_ISPDB_URL, "").strip() or ISPDB_URL
        parts = urllib.parse.urlsplit(base)
        if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
            raise _SeamError(ENV_ISPDB_URL, base)
        base_host = parts.hostname.lower()
        try:
            answer = get(
                f"{base.rstrip('/')}/{urllib.parse.quote(name, safe='')}",
                deadline_at=deadline_at,
                max_bytes=MAX_CONFIG_BYTES,
                cancel=cancel,
                ca_file=ca_file,
                may_follow=lambda host: host == base_host,
                max_redirects=MAX_REDIRECTS,
                resolve=resolve,
                accept=ACCEPT,
            )
        except FetchError as error:
            return SourceEvent(
                Source.ISPDB, "ISPDB", Status.FAILED, _fetch_detail(error, base_host)
            )
        return _answer_event(answer, address, Source.ISPDB, "ISPDB", "not_listed")

    return _never_raising(Source.ISPDB, "ISPDB", domain, run)


def _label(domain: str, pattern: str) -> str:
    """The printable list label of a lookup, e.g. autoconfig.example.jp (never raises)."""
    try:
        shown = unicode_domain(ascii_domain(domain))
    except AddressError:
        shown = domain
    return printable(pattern.format(shown), 100)


def _never_raising(
    source: Source, label: str, domain: str, run: Callable[[], SourceEvent]
) -> SourceEvent:
    """`run()`, with every failure turned into a FAILED event with a printable detail."""
    try:
        return run()
    except AddressError as error:
        shown = printable(domain, 80)
        detail = i18n.text("autoconfig.domain_invalid", domain=shown, reason=error)
    except _SeamError as error:
        shown = printable(error.value, 60)
        detail = i18n.text("autoconfig.seam_invalid", name=error.name, value=shown)
    except Exception as error:  # a bug must not end detection: the source fails, visibly
        detail = printable(f"{type(error).__name__}: {error}", 200)
    return SourceEvent(source, label, Status.FAILED, detail)
