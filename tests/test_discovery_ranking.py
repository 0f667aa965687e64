"""Ranking, merging, the MX table and "foreign" of detection, without any network (issue 14)."""

from __future__ import annotations

import pytest

from crm_mail_gui.core.discovery.model import Candidate, Probe, Ranked, Security, Source
from crm_mail_gui.core.discovery.providers import (
    base_domain,
    is_foreign,
    known_domains,
    mx_candidates,
)
from crm_mail_gui.core.discovery.ranking import better, marked, rank

DOMAIN = "example.jp"
OK = Probe(reachable=True, tls_verified=True, ehlo=True, auth_mechanisms=("PLAIN",))
NO_AUTH = Probe(reachable=True, tls_verified=True, ehlo=True, reason="no AUTH")
DOWN = Probe(reachable=False, tls_verified=False, ehlo=False, reason="refused")


def entry(
    host: str, port: int, security: Security, source: Source, probe: Probe, origin: str = DOMAIN
) -> Ranked:
    return Ranked(Candidate(host, port, security, source, origin), (source,), probe)


def servers(ranked: tuple[Ranked, ...]) -> list[str]:
    return [r.candidate.server for r in ranked]


def test_verified_first_then_implicit_tls_then_own_data() -> None:
    entries = [
        entry("down.example.jp", 465, Security.SSL, Source.PRESET, DOWN),
        entry("smtp.example.jp", 587, Security.STARTTLS, Source.SRV, OK),
        entry("guess.example.jp", 465, Security.SSL, Source.GUESS, OK),
        entry("own.example.jp", 465, Security.SSL, Source.AUTOCONFIG, OK, "autoconfig.example.jp"),
        entry("noauth.example.jp", 465, Security.SSL, Source.SRV, NO_AUTH),
    ]
    assert servers(rank(entries, DOMAIN)) == [
        "ssl://own.example.jp:465",  # verified, implicit TLS, the domain's own autoconfig
        "ssl://guess.example.jp:465",  # verified, implicit TLS, a guess
        "tls://smtp.example.jp:587",  # verified, STARTTLS (RFC 8314: after implicit TLS)
        "ssl://noauth.example.jp:465",  # reachable but no AUTH: kept, with its reason
        "ssl://down.example.jp:465",  # unreachable: kept last
    ]


def test_autoconfig_of_the_mx_base_domain_is_a_third_party() -> None:
    own = entry("a.example.jp", 465, Security.SSL, Source.AUTOCONFIG, OK, "autoconfig.example.jp")
    third = entry("b.example.jp", 465, Security.SSL, Source.AUTOCONFIG, OK, "autoconfig.xserver.jp")
    assert servers(rank([third, own], DOMAIN)) == [
        "ssl://a.example.jp:465",
        "ssl://b.example.jp:465",
    ]


def test_merging_keeps_the_most_trusted_proposal_and_fills_its_gaps() -> None:
    guess = Candidate(
        "smtp.example.jp", 465, Security.SSL, Source.GUESS, DOMAIN, username="a@example.jp"
    )
    srv = Candidate("smtp.example.jp", 465, Security.SSL, Source.SRV, DOMAIN)
    merged = better(guess, srv, DOMAIN)
    assert merged.source is Source.SRV and merged.username == "a@example.jp"
    assert better(srv, guess, DOMAIN) == merged


@pytest.mark.parametrize(
    ("host", "foreign"),
    [
        ("smtp.example.jp", False),
        ("example.jp", False),
        ("smtp.gmail.com", False),
        ("sv1234.xserver.jp", False),
        ("smtp.office365.com", False),
        ("smtp.example.net", True),
        ("example.jp.evil.net", True),
        ("notexample.jp", True),
    ],
)
def test_foreign_is_neither_the_domain_nor_a_known_provider(host: str, foreign: bool) -> None:
    assert is_foreign(host, DOMAIN) is foreign
    candidate = Candidate(host, 465, Security.SSL, Source.AUTOCONFIG, DOMAIN)
    assert marked(candidate, DOMAIN).foreign is foreign


def test_known_domains_come_from_the_presets_and_the_mx_table() -> None:
    assert {
        "gmail.com",
        "xserver.jp",
        "sakura.ne.jp",
        "office365.com",
        "yahoo.co.jp",
    } <= known_domains()
    assert not any("nnnn" in domain or "your-domain" in domain for domain in known_domains())


@pytest.mark.parametrize(
    ("mx", "servers_", "provider"),
    [
        (
            "sv1234.xserver.jp",
            ["ssl://sv1234.xserver.jp:465", "tls://sv1234.xserver.jp:587"],
            "Xserver",
        ),
        (
            "aspmx.l.google.com",
            ["ssl://smtp.gmail.com:465", "tls://smtp.gmail.com:587"],
            "Google Workspace",
        ),
        (
            "alt1.aspmx.l.google.com",
            ["ssl://smtp.gmail.com:465", "tls://smtp.gmail.com:587"],
            "Google Workspace",
        ),
        (
            "example-jp.mail.protection.outlook.com",
            ["tls://smtp.office365.com:587"],
            "Microsoft 365",
        ),
        ("initial.sakura.ne.jp", ["tls://initial.sakura.ne.jp:587"], "さくらのレンタルサーバ"),
        (
            "mx1.conoha.ne.jp",
            ["ssl://mail.example.jp:465", "tls://mail.example.jp:587"],
            "ConoHa WING",
        ),
    ],
)
def test_the_mx_table(mx: str, servers_: list[str], provider: str) -> None:
    found = mx_candidates(mx, "taro@example.jp")
    assert found is not None
    rule, candidates = found
    assert rule.provider == provider
    assert [c.server for c in candidates] == servers_
    assert all(c.source is Source.MX and c.username == "taro@example.jp" for c in candidates)


def test_microsoft_365_means_oauth2_by_default() -> None:
    found = mx_candidates("contoso.mail.protection.outlook.com", "a@contoso.jp")
    assert found is not None and found[1][0].auth == ("OAuth2",)


@pytest.mark.parametrize(
    "mx",
    ["sv1234.xserver.jp.evil.net", "xsv1234.xserver.jp", "a.b.sakura.ne.jp", "mail.example.jp"],
)
def test_look_alike_mx_hosts_are_not_mapped(mx: str) -> None:
    assert mx_candidates(mx, "a@example.jp") is None


@pytest.mark.parametrize(
    ("host", "base"),
    [
        ("sv1234.xserver.jp", "xserver.jp"),
        ("mx.example.co.jp", "example.co.jp"),
        ("a.b.sakura.ne.jp", "sakura.ne.jp"),
        ("aspmx.l.google.com", "google.com"),
    ],
)
def test_base_domain(host: str, base: str) -> None:
    assert base_domain(host) == base


def test_verified_needs_tls_ehlo_and_auth() -> None:
    assert OK.verified
    assert not NO_AUTH.verified and not DOWN.verified
    assert not Probe(
        reachable=True, tls_verified=False, ehlo=True, auth_mechanisms=("PLAIN",)
    ).verified


def test_a_foreign_server_comes_after_a_known_one_even_with_implicit_tls() -> None:
    foreign = entry(
        "smtp.example.net", 465, Security.SSL, Source.AUTOCONFIG, OK, "autoconfig.example.jp"
    )
    foreign = Ranked(marked(foreign.candidate, DOMAIN), foreign.sources, foreign.probe)
    own = entry("smtp.example.jp", 587, Security.STARTTLS, Source.GUESS, OK)
    ranked = rank([foreign, own], DOMAIN)
    assert servers(ranked) == ["tls://smtp.example.jp:587", "ssl://smtp.example.net:465"]
    assert ranked[1].candidate.foreign
