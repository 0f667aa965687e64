"""The records of server detection: sources, candidates, probe results, live events, the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    """Where a candidate came from; the order here is the trust order used when ranking."""

    PRESET = "preset"  # our own providers.json, by the address's domain
    AUTOCONFIG = "autoconfig"  # https://autoconfig.<domain>/mail/config-v1.1.xml
    WELL_KNOWN = "well-known"  # https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml
    SRV = "srv"  # _submissions._tcp / _submission._tcp (RFC 6186, RFC 8314)
    MX = "mx"  # the MX host names a provider (Google, Microsoft 365, Xserver's svNNNN, ...)
    ISPDB = "ispdb"  # Thunderbird's ISPDB, looked up live (only the domain is sent)
    GUESS = "guess"  # smtp.<domain> / mail.<domain> on 465 and 587


class Security(StrEnum):
    """How the connection is protected, as in the server name's scheme."""

    SSL = "ssl"  # ssl://, TLS from the first byte
    STARTTLS = "tls"  # tls://, STARTTLS required
    PLAIN = "plain"  # no scheme, unencrypted


class Status(StrEnum):
    """The state of one source in the live list."""

    RUNNING = "running"
    FOUND = "found"  # answered with at least one candidate
    NONE = "none"  # answered: nothing there (not listed, no record, 404)
    FAILED = "failed"  # did not answer usably (timeout, refused, hostile body, ...)
    SKIPPED = "skipped"  # switched off (ISPDB off) or not applicable


@dataclass(frozen=True, slots=True)
class Candidate:
    """One server a source proposes; `server` is the form's server name, e.g. ssl://h:465."""

    host: str  # ASCII (IDNA) host name, lower case
    port: int
    security: Security
    source: Source
    origin: str  # the domain or URL host the data came from, e.g. "example.net"
    auth: tuple[str, ...] = ()  # autoconfig authentication values: "password-cleartext", "OAuth2"
    username: str | None = None  # with %EMAILADDRESS% etc. already filled in; None = unknown
    preset_id: str | None = None  # the providers.json preset this server belongs to, if any
    provider: str | None = None  # a provider name for the list ("Xserver", "Google Workspace")
    foreign: bool = False  # not under the address's domain nor a known provider's (set by detect())

    @property
    def server(self) -> str:
        """The server name as the form writes it: ssl://host:465, tls://host:587 or host:25."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.security is Security.PLAIN:
            return f"{host}:{self.port}"
        return f"{self.security.value}://{host}:{self.port}"

    @property
    def key(self) -> tuple[str, int, Security]:
        """What makes two candidates the same server (sources that agree are merged on it)."""
        return (self.host, self.port, self.security)


@dataclass(frozen=True, slots=True)
class Probe:
    """What a real connection to a candidate showed; never a credential is sent."""

    reachable: bool  # TCP connect worked
    tls_verified: bool  # TLS (implicit or STARTTLS) with full certificate verification
    ehlo: bool  # the server answered EHLO with 250
    auth_mechanisms: tuple[str, ...] = ()  # from the EHLO AUTH line, upper case
    reason: str = ""  # printable, localised: why it is not verified ("" when verified)
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        """True when the candidate can be offered: reachable, verified TLS, EHLO, AUTH offered."""
        return (
            self.reachable
            and self.ehlo
            and self.tls_verified
            and bool(self.auth_mechanisms)
            and not self.reason
        )


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate with every source that proposed it and its probe (None: not probed yet)."""

    candidate: Candidate
    sources: tuple[Source, ...]
    probe: Probe | None = None


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """A source changed state: started, answered with candidates, found nothing or failed."""

    source: Source
    label: str  # e.g. "MX", "ISPDB", "autoconfig.example.jp"
    status: Status
    detail: str = ""  # printable, localised: "sv1234.xserver.jp → Xserver", "not listed"
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True)
class ProbeEvent:
    """A probe finished: "smtp.example.co.jp:465: TLS ✓, AUTH PLAIN LOGIN"."""

    candidate: Candidate
    probe: Probe


Event = SourceEvent | ProbeEvent
OnEvent = Callable[[Event], None]


@dataclass(frozen=True, slots=True)
class Detection:
    """The outcome: every candidate, ranked (verified first), and the final state of each source."""

    address: str
    domain: str
    ranked: tuple[Ranked, ...] = ()
    sources: tuple[SourceEvent, ...] = ()
    timed_out: bool = False  # the deadline ended some lookups or probes
    cancelled: bool = False
    tried: tuple[str, ...] = field(default=())  # printable: what was looked up, for "not found"

    @property
    def best(self) -> Ranked | None:
        """The first verified candidate, or None."""
        for ranked in self.ranked:
            if ranked.probe is not None and ranked.probe.verified:
                return ranked
        return None
