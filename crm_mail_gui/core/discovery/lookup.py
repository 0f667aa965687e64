"""Bounded DNS lookups of detection (MX, SRV, A/AAAA), through CRM_MAIL_GUI_DNS_SERVER when set."""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import dns.exception
import dns.message
import dns.rdatatype
import dns.resolver

from crm_mail_gui.core.address import LDH_LABEL
from crm_mail_gui.core.connection import Cancelled, CancelToken, StepTimeout, resolve

ENV_DNS_SERVER = "CRM_MAIL_GUI_DNS_SERVER"
MAX_ANSWERS = 10  # records taken from one answer (after sorting); the rest are ignored
MAX_NAME = 253
_NAME = re.compile(rf"^(?=.{{1,253}}$)(?:{LDH_LABEL}\.)*{LDH_LABEL}$")  # LDH labels only


class LookupFailed(Exception):
    """A lookup that did not answer usably: `reason` is "timeout", "servfail" or "refused"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class NoRecord(Exception):
    """The name exists without such records (`nxdomain` False) or does not exist at all."""

    def __init__(self, nxdomain: bool) -> None:
        super().__init__("nxdomain" if nxdomain else "no record")
        self.nxdomain = nxdomain


@dataclass(frozen=True, slots=True)
class Mx:
    """One MX record: preference and the exchange host (ASCII, lower case, no final dot)."""

    preference: int
    host: str


@dataclass(frozen=True, slots=True)
class Srv:
    """One SRV record; `target` "" means the service is not offered (RFC 2782 target ".")."""

    priority: int
    weight: int
    port: int
    target: str


def dns_server() -> tuple[str, int] | None:
    """The test seam: (host, port) from CRM_MAIL_GUI_DNS_SERVER=host:port, or None."""
    value = os.environ.get(ENV_DNS_SERVER, "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{ENV_DNS_SERVER} must be host:port, not {value!r}")
    return host, int(port)


def make_resolver() -> dns.resolver.Resolver:
    """A resolver: the system's, or only the CRM_MAIL_GUI_DNS_SERVER one (no cache either way)."""
    seam = dns_server()
    if seam is None:
        try:
            resolver = dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError):  # no resolv.conf: lookups fail
            resolver = dns.resolver.Resolver(configure=False)
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [seam[0]]
        resolver.port = seam[1]
    resolver.cache = None
    return resolver


def clean_name(text: str) -> str | None:
    """A DNS name from an answer as an ASCII host (lower case, no final dot), or None if unusable."""
    name = text.rstrip(".").lower()
    if len(name) > MAX_NAME or not _NAME.match(name):
        return None
    return name


def _query(
    resolver: dns.resolver.Resolver, name: str, kind: str, deadline_at: float
) -> dns.resolver.Answer:
    """One query within the deadline; NoRecord or LookupFailed when there is no usable answer."""
    remaining = deadline_at - time.monotonic()
    if remaining <= 0:
        raise LookupFailed("timeout")
    try:
        return resolver.resolve(
            name, kind, lifetime=remaining, raise_on_no_answer=True, search=False
        )
    except dns.resolver.NXDOMAIN:
        raise NoRecord(nxdomain=True) from None
    except dns.resolver.NoAnswer:
        raise NoRecord(nxdomain=False) from None
    except dns.resolver.LifetimeTimeout:
        raise LookupFailed("timeout") from None
    except dns.resolver.NoNameservers as error:
        raise LookupFailed("servfail", str(error)[:200]) from None
    except (dns.exception.DNSException, OSError, ValueError) as error:
        raise LookupFailed("error", f"{type(error).__name__}: {error}"[:200]) from None


def lookup_mx(resolver: dns.resolver.Resolver, domain: str, deadline_at: float) -> list[Mx]:
    """The usable MX records of `domain`, best preference first, at most MAX_ANSWERS."""
    answer = _query(resolver, domain, "MX", deadline_at)
    records = []
    for rdata in list(answer)[: MAX_ANSWERS * 5]:
        host = clean_name(rdata.exchange.to_text())
        if host:  # a null MX (RFC 7505, ".") names no host
            records.append(Mx(int(rdata.preference), host))
    records.sort(key=lambda mx: (mx.preference, mx.host))
    return records[:MAX_ANSWERS]


def lookup_srv(resolver: dns.resolver.Resolver, name: str, deadline_at: float) -> list[Srv]:
    """The SRV records of `name`, by priority and weight; a target "." is kept with target ""."""
    answer = _query(resolver, name, "SRV", deadline_at)
    records = []
    for rdata in list(answer)[: MAX_ANSWERS * 5]:
        target_text = rdata.target.to_text()
        if target_text == ".":
            records.append(Srv(int(rdata.priority), int(rdata.weight), int(rdata.port), ""))
            continue
        target = clean_name(target_text)
        if target and 0 < int(rdata.port) < 65536:
            records.append(Srv(int(rdata.priority), int(rdata.weight), int(rdata.port), target))
    records.sort(key=lambda srv: (srv.priority, -srv.weight, srv.target, srv.port))
    return records[:MAX_ANSWERS]


def address_infos(host: str, port: int, deadline_at: float, cancel: CancelToken) -> list[tuple]:
    """getaddrinfo-style entries for `host`: via CRM_MAIL_GUI_DNS_SERVER (A, else AAAA) when set.

    Without the seam the system resolver answers (hosts file included), in a helper thread so
    that the deadline and `cancel` apply. Raises socket.gaierror when the name has no address.
    """
    if dns_server() is None:
        try:
            return resolve(host, port, max(0.01, deadline_at - time.monotonic()), cancel)
        except StepTimeout:
            raise LookupFailed("timeout") from None
    resolver = make_resolver()
    infos: list[tuple] = []
    failure: LookupFailed | None = None
    for kind, family in (("A", socket.AF_INET), ("AAAA", socket.AF_INET6)):
        cancel.check()
        try:
            answer = _query(resolver, host, kind, deadline_at)
        except NoRecord as missing:
            if missing.nxdomain:
                break
            continue
        except LookupFailed as error:
            failure = failure or error
            continue
        for rdata in list(answer)[:MAX_ANSWERS]:
            address = (
                (rdata.address, port) if family == socket.AF_INET else (rdata.address, port, 0, 0)
            )
            infos.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", address))
        if infos:  # IPv4 found: AAAA is asked only for a name without A records
            break
    if not infos:
        if failure is not None:
            raise failure
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return infos


def ip_resolver(deadline_at: float, cancel: CancelToken) -> Callable[[str], list[str]]:
    """A host -> IP addresses function for the web lookups: the same resolver as the probes.

    Failures come out as OSError (what core.https_fetch expects from a resolver).
    """

    def resolve_ips(host: str) -> list[str]:
        try:
            infos = address_infos(host, 0, deadline_at, cancel)
        except (LookupFailed, Cancelled) as error:
            raise OSError(f"no answer for {host}: {error}") from None
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    return resolve_ips
