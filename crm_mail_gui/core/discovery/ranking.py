"""Rank detected candidates: verified first, implicit TLS before STARTTLS, own data before others.

Within the verified (and within the reachable) candidates, a foreign host (neither under the
address's domain nor a known provider's) comes after the others, whatever its security.
"""

from __future__ import annotations

from dataclasses import replace

from crm_mail_gui.core.address import is_under
from crm_mail_gui.core.discovery.model import Candidate, Ranked, Security, Source
from crm_mail_gui.core.discovery.providers import is_foreign

OWN_SOURCES = (Source.PRESET, Source.AUTOCONFIG, Source.WELL_KNOWN, Source.SRV)
_SECURITY_ORDER = {Security.SSL: 0, Security.STARTTLS: 1, Security.PLAIN: 2}
_SOURCE_ORDER = {source: index for index, source in enumerate(Source)}


def is_own(candidate: Candidate, domain: str) -> bool:
    """True for the domain's own data: a preset for it, its autoconfig, well-known file or SRV.

    Autoconfig fetched for the MX's base domain (origin not under the address's domain) is a
    third party's data, like the MX table, the ISPDB and the guesses.
    """
    if candidate.source is Source.PRESET:
        return True
    return candidate.source in OWN_SOURCES and is_under(candidate.origin, domain)


def trust(ranked: Ranked, domain: str) -> int:
    """0 for the domain's own data, 1 for a third party's, 2 for a guess only.

    The merged candidate is the most trusted one its sources proposed (see `better`).
    """
    if is_own(ranked.candidate, domain):
        return 0
    return 2 if set(ranked.sources) == {Source.GUESS} else 1


def better(new: Candidate, old: Candidate, domain: str) -> Candidate:
    """Of two proposals of the same server, the more trusted, with gaps filled from the other."""
    new_key = (not is_own(new, domain), _SOURCE_ORDER[new.source])
    old_key = (not is_own(old, domain), _SOURCE_ORDER[old.source])
    first, second = (new, old) if new_key < old_key else (old, new)
    return replace(
        first,
        auth=first.auth or second.auth,
        username=first.username if first.username is not None else second.username,
        preset_id=first.preset_id or second.preset_id,
        provider=first.provider or second.provider,
    )


def marked(candidate: Candidate, domain: str) -> Candidate:
    """The candidate with `foreign` decided for the address's `domain` (the one place it is)."""
    return replace(candidate, foreign=is_foreign(candidate.host, domain))


def rank(entries: list[Ranked], domain: str) -> tuple[Ranked, ...]:
    """The entries sorted for the user (their candidates were `marked` when they arrived)."""

    def key(entry: Ranked) -> tuple:
        verified = entry.probe is not None and entry.probe.verified
        reachable = entry.probe is not None and entry.probe.reachable
        return (
            not verified,
            not reachable,
            entry.candidate.foreign,  # a stranger's server never comes before a known one
            _SECURITY_ORDER[entry.candidate.security],
            trust(entry, domain),
            min(_SOURCE_ORDER[source] for source in entry.sources),
            entry.candidate.host,
            entry.candidate.port,
        )

    return tuple(sorted(entries, key=key))
