"""What an MX host reveals: the provider table, presets by domain, known provider domains.

Every row's source is in docs/detection-sources.md; rows marked unverified there come from
secondary sources only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from crm_mail_gui.core.address import is_under, parse_server
from crm_mail_gui.core.discovery.model import Candidate, Security, Source
from crm_mail_gui.core.presets import Preset, load_presets, preset_by_id

# Second-level labels under which a registrable domain has three labels (example.co.jp).
_SECOND_LEVEL = frozenset(
    {"co", "ne", "or", "ac", "ad", "ed", "go", "gr", "lg", "com", "net", "org", "gov", "edu"}
)


@dataclass(frozen=True, slots=True)
class MxRule:
    """An MX host pattern and the preset it means; group "host" of `pattern` fills the placeholder.

    `preset_id` None: the provider is known but its MX does not name the submission host.
    """

    pattern: re.Pattern[str]
    provider: str
    preset_id: str | None
    auth: tuple[str, ...] = ()
    fill: str | None = None  # the regex group that replaces the preset's placeholder
    own_hosts: tuple[str, ...] = ()  # labels under the address's domain the provider serves


MX_RULES: tuple[MxRule, ...] = (
    MxRule(
        re.compile(r"^(?:aspmx\.l\.google\.com|[a-z0-9.-]+\.(?:google|googlemail)\.com)$"),
        "Google Workspace",
        "gmail",
        ("password-cleartext", "OAuth2"),
    ),
    MxRule(
        re.compile(r"^[a-z0-9-]+\.mail\.protection\.outlook\.com$"),
        "Microsoft 365",
        "microsoft365",
        ("OAuth2",),
    ),
    # Xserver: the account's own server, sv1234.xserver.jp, also its SMTP host.
    MxRule(re.compile(r"^(?P<host>sv\d{1,6})\.xserver\.jp$"), "Xserver", "xserver", fill="host"),
    # Sakura: the initial domain <name>.sakura.ne.jp is the mail server (help.sakura.ad.jp/domain/2144).
    MxRule(
        re.compile(r"^(?P<host>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.sakura\.ne\.jp$"),
        "さくらのレンタルサーバ",
        "sakura",
        fill="host",
    ),
    # ConoHa WING: a shared MX (mx1.conoha.ne.jp); SMTP is mail.<domain> (an A record ConoHa adds).
    MxRule(re.compile(r"^mx\d*\.conoha\.ne\.jp$"), "ConoHa WING", None, own_hosts=("mail",)),
)

MX_PROVIDER_DOMAINS = (
    "google.com",
    "googlemail.com",
    "outlook.com",
    "office365.com",
    "xserver.jp",
    "sakura.ne.jp",
    "conoha.ne.jp",
)


def base_domain(host: str) -> str:
    """The registrable domain of `host`, approximately: two labels, three under co.jp, ne.jp..."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@functools.lru_cache(maxsize=1)
def known_domains() -> frozenset[str]:
    """The domains of known providers: the presets' domains and hosts, and the MX table's."""
    found = set(MX_PROVIDER_DOMAINS)
    for preset in load_presets():
        found.update(preset.domains)
        for server in preset.servers:
            host = parse_server(server).host
            if preset.placeholder and preset.placeholder.lower() in host:
                host = host.split(preset.placeholder.lower(), 1)[1].lstrip(".")
                if "." not in host:
                    continue
            found.add(base_domain(host))
    return frozenset(found)


def is_foreign(host: str, domain: str) -> bool:
    """True when `host` is neither under the address's `domain` nor under a known provider's."""
    if is_under(host, domain):
        return False
    return not any(is_under(host, known) for known in known_domains())


def user_to_type(candidate: Candidate) -> Preset | None:
    """The preset of `candidate` if its user name is for the user to type: neither the mail
    address nor fixed (Yahoo! JAPAN: the Yahoo ID). Detection then fills no user name, whatever
    another source guessed; the preset's `user_hint` says what to type."""
    preset = preset_by_id(candidate.preset_id) if candidate.preset_id else None
    if preset is None or preset.username_is_address or preset.username_fixed is not None:
        return None
    return preset


def preset_candidates(
    preset: Preset,
    source: Source,
    origin: str,
    *,
    fill: str | None = None,
    provider: str | None = None,
    auth: tuple[str, ...] = (),
    username: str | None = None,
) -> tuple[Candidate, ...]:
    """The preset's servers as candidates; a placeholder is replaced by `fill`, else skipped."""
    out = []
    for server in preset.servers:
        if preset.has_placeholder(server):
            if fill is None:
                continue
            server = re.sub(re.escape(preset.placeholder or ""), fill, server, flags=re.I)
        address = parse_server(server)
        out.append(
            Candidate(
                host=address.host,
                port=address.port,
                security=Security(address.security.value),
                source=source,
                origin=origin,
                auth=auth,
                username=username,
                preset_id=preset.id,
                provider=provider or preset.text("name"),
            )
        )
    return tuple(out)


def match_mx(host: str) -> tuple[MxRule, re.Match[str]] | None:
    """The first MX rule whose pattern matches `host`, with the match."""
    for rule in MX_RULES:
        match = rule.pattern.match(host)
        if match:
            return rule, match
    return None


def mx_candidates(
    host: str, address: str, domain: str | None = None
) -> tuple[MxRule, tuple[Candidate, ...]] | None:
    """What one MX host reveals: the rule and its candidates (placeholder filled, own hosts)."""
    found = match_mx(host)
    if found is None:
        return None
    rule, match = found
    domain = domain or address.rpartition("@")[2]
    own = tuple(
        Candidate(
            host=f"{label}.{domain}",
            port=port,
            security=security,
            source=Source.MX,
            origin=host,
            auth=rule.auth,
            username=address,
            provider=rule.provider,
        )
        for label in rule.own_hosts
        for port, security in ((465, Security.SSL), (587, Security.STARTTLS))
    )
    preset = preset_by_id(rule.preset_id) if rule.preset_id else None
    if preset is None:
        return rule, own
    fill = match.group(rule.fill) if rule.fill else None
    candidates = preset_candidates(
        preset,
        Source.MX,
        host,
        fill=fill,
        provider=rule.provider,
        auth=rule.auth,
        username=preset.username_for(address),
    )
    return rule, candidates + own
