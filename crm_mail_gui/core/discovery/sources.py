"""The sources detection runs itself: presets by domain, MX, SRV (RFC 6186/8314) and guesses."""

from __future__ import annotations

import dns.resolver

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import unicode_domain
from crm_mail_gui.core.discovery.lookup import (
    LookupFailed,
    NoRecord,
    lookup_mx,
    lookup_srv,
)
from crm_mail_gui.core.discovery.model import Candidate, Security, Source, SourceEvent, Status
from crm_mail_gui.core.discovery.providers import (
    base_domain,
    mx_candidates,
    preset_candidates,
)
from crm_mail_gui.core.presets import load_presets
from crm_mail_gui.core.printable import printable

SRV_NAMES = (("_submissions._tcp", Security.SSL), ("_submission._tcp", Security.STARTTLS))
GUESS_PREFIXES = ("smtp", "mail")
GUESS_PORTS = ((465, Security.SSL), (587, Security.STARTTLS))
MAX_MX_FOLLOWED = 2  # MX base domains whose autoconfig / ISPDB are also asked


def _t(key: str, **params: object) -> str:
    """A discovery catalogue text, escaped and bounded."""
    return printable(i18n.text(f"discovery.{key}", **params), 300)


def lookup_failed(source: Source, label: str, error: LookupFailed | NoRecord) -> SourceEvent:
    """The final event of a DNS lookup that found nothing or did not answer."""
    if isinstance(error, NoRecord):
        key = "dns_nxdomain" if error.nxdomain else "dns_no_record"
        return SourceEvent(source, label, Status.NONE, _t(key))
    if error.reason == "timeout":
        return SourceEvent(source, label, Status.FAILED, _t("dns_timeout"))
    return SourceEvent(source, label, Status.FAILED, _t("dns_failed", detail=error.detail))


def preset_source(domain: str, address: str) -> SourceEvent:
    """Our presets whose `domains` list the address's domain (gmail.com, yahoo.co.jp, ...)."""
    label = _t("label_preset")
    for preset in load_presets():
        if domain in preset.domains:
            candidates = preset_candidates(
                preset, Source.PRESET, domain, username=preset.username_for(address)
            )
            if candidates:
                return SourceEvent(
                    Source.PRESET, label, Status.FOUND, preset.text("name"), candidates
                )
    return SourceEvent(Source.PRESET, label, Status.NONE, _t("preset_none", domain=domain))


def mx_source(
    resolver: dns.resolver.Resolver, domain: str, address: str, deadline_at: float
) -> tuple[SourceEvent, tuple[str, ...]]:
    """The MX records: a known provider's host gives its preset; also the base domains to follow."""
    label = "MX"
    try:
        records = lookup_mx(resolver, domain, deadline_at)
    except (LookupFailed, NoRecord) as error:
        return lookup_failed(Source.MX, label, error), ()
    if not records:
        return SourceEvent(Source.MX, label, Status.NONE, _t("dns_no_record")), ()
    hosts = [record.host for record in records]
    candidates, parts, known = _provider_candidates(hosts, address, domain)
    shown = ", ".join(printable(host, 80) for host in hosts[:3])
    detail = "; ".join(parts.values()) or _t("mx_unknown", hosts=shown)
    status = Status.FOUND if candidates else Status.NONE
    follow = _base_domains_to_follow([host for host in hosts if host not in known], domain)
    return SourceEvent(Source.MX, label, status, detail, tuple(candidates)), follow


def _provider_candidates(
    hosts: list[str], address: str, domain: str
) -> tuple[list[Candidate], dict[str, str], set[str]]:
    """What the provider rules propose for the MX hosts: the candidates, "host → provider" per
    provider, and the hosts whose provider proposed candidates (nothing more to ask of them)."""
    candidates: list[Candidate] = []
    parts: dict[str, str] = {}
    known: set[str] = set()
    for host in hosts:
        found = mx_candidates(host, address, domain)
        if found is None:
            continue
        rule, proposed = found
        candidates.extend(c for c in proposed if c not in candidates)
        parts.setdefault(rule.provider, f"{printable(host, 80)} → {rule.provider}")
        if proposed:
            known.add(host)
    return candidates, parts, known


def _base_domains_to_follow(hosts: list[str], domain: str) -> tuple[str, ...]:
    """The base domains of MX hosts no provider rule knows, other than `domain` (at most a few)."""
    follow: list[str] = []
    for host in hosts:
        base = base_domain(host)
        if base != domain and base not in follow:
            follow.append(base)
    return tuple(follow[:MAX_MX_FOLLOWED])


def srv_source(
    resolver: dns.resolver.Resolver,
    domain: str,
    address: str,
    service: str,
    security: Security,
    deadline_at: float,
) -> SourceEvent:
    """One SRV lookup: `_submissions._tcp` (implicit TLS) or `_submission._tcp` (STARTTLS)."""
    name = f"{service}.{domain}"
    label = f"SRV {service}"
    try:
        records = lookup_srv(resolver, name, deadline_at)
    except (LookupFailed, NoRecord) as error:
        return lookup_failed(Source.SRV, label, error)
    if any(not record.target for record in records):  # RFC 2782/6186: "." = not offered here
        return SourceEvent(Source.SRV, label, Status.NONE, _t("srv_not_offered"))
    candidates = tuple(
        Candidate(
            host=record.target,
            port=record.port,
            security=security,
            source=Source.SRV,
            origin=domain,
            username=address,
        )
        for record in records
    )
    if not candidates:
        return SourceEvent(Source.SRV, label, Status.NONE, _t("dns_no_record"))
    detail = ", ".join(printable(f"{c.host}:{c.port}", 90) for c in candidates[:3])
    return SourceEvent(Source.SRV, label, Status.FOUND, detail, candidates)


def guess_source(domain: str, address: str) -> SourceEvent:
    """smtp.<domain> and mail.<domain> on 465 (ssl://) and 587 (tls://): for the probes to try."""
    candidates = tuple(
        Candidate(
            host=f"{prefix}.{domain}",
            port=port,
            security=security,
            source=Source.GUESS,
            origin=domain,
            username=address,
        )
        for prefix in GUESS_PREFIXES
        for port, security in GUESS_PORTS
    )
    hosts = ", ".join(f"{prefix}.{unicode_domain(domain)}" for prefix in GUESS_PREFIXES)
    return SourceEvent(
        Source.GUESS,
        _t("label_guess"),
        Status.FOUND,
        _t("guesses", hosts=printable(hosts, 200)),
        candidates,
    )
