"""detect() end to end: a real DNS server and real SMTP servers on 127.0.0.1 (issue 14)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from discovery_fixtures import *  # noqa: F403 (fixtures: dns, smtp_ports, named_certs)
from discovery_fixtures import LOCAL, NamedCerts
from dnslib import DNSLabel
from fakes.https_server import WebServer
from fakes.smtp_servers import DEFAULT_USERS, AioSMTPServer, FaultServer, TestCerts

from crm_mail_gui.core import i18n
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.discovery import (
    Detection,
    InvalidAddress,
    ProbeEvent,
    Security,
    Source,
    SourceEvent,
    Status,
    detect,
)

pytestmark = pytest.mark.e2e


def run(address: str, certs: NamedCerts | None, **kwargs: Any) -> Detection:
    kwargs.setdefault("ispdb", False)
    kwargs.setdefault("deadline", 5.0)
    return detect(address, ca_file=certs.ca_file if certs else None, **kwargs)


def servers(detection: Detection, verified: bool = True) -> list[str]:
    return [
        r.candidate.server
        for r in detection.ranked
        if r.probe is not None and r.probe.verified == verified
    ]


def source_event(detection: Detection, label: str) -> SourceEvent:
    return next(event for event in detection.sources if event.label == label)


def test_xserver_found_by_mx_fills_the_placeholder_with_the_real_host(dns, smtp_ports) -> None:
    dns(
        {
            "xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
            "sv1234.xserver.jp": {"A": LOCAL},
        }
    )
    detection = run("taro@xs.example.jp", smtp_ports)
    assert servers(detection) == ["ssl://sv1234.xserver.jp:465", "tls://sv1234.xserver.jp:587"]
    best = detection.best
    assert best is not None and best.sources == (Source.MX,)
    assert best.candidate.preset_id == "xserver" and best.candidate.provider == "Xserver"
    assert best.candidate.username == "taro@xs.example.jp"
    assert not best.candidate.foreign
    assert best.probe is not None and {"PLAIN", "LOGIN"} <= set(best.probe.auth_mechanisms)
    mx = source_event(detection, "MX")
    assert mx.status is Status.FOUND and mx.detail == "sv1234.xserver.jp → Xserver"
    # the guesses were tried too and are kept, unverified, with the reason
    unverified = {
        r.candidate.server: r.probe.reason
        for r in detection.ranked
        if r.probe and not r.probe.verified
    }
    assert "ssl://smtp.xs.example.jp:465" in unverified
    assert all(unverified.values())
    assert not detection.timed_out and not detection.cancelled
    # probed, never signed in: no AUTH command reached either server, no mail
    for server in smtp_ports.servers:
        assert server.auth_attempts == [] and server.messages == []


def test_found_by_srv_and_a_dot_target_means_not_offered(dns, smtp_ports) -> None:
    dns(
        {
            "srv.example.jp": {},
            "_submissions._tcp.srv.example.jp": {"SRV": [(0, 1, 465, "submit.srv.example.jp")]},
            "_submission._tcp.srv.example.jp": {"SRV": [(0, 0, 0, ".")]},
            "submit.srv.example.jp": {"A": LOCAL},
        }
    )
    detection = run("hanako@srv.example.jp", smtp_ports)
    assert servers(detection) == ["ssl://submit.srv.example.jp:465"]
    assert detection.best is not None and detection.best.sources == (Source.SRV,)
    assert source_event(detection, "SRV _submissions._tcp").status is Status.FOUND
    plain = source_event(detection, "SRV _submission._tcp")
    assert plain.status is Status.NONE and "“.”" in plain.detail


def test_found_only_by_guessing(dns, smtp_ports) -> None:
    dns({"guess.example.jp": {}, "smtp.guess.example.jp": {"A": LOCAL}})
    detection = run("jiro@guess.example.jp", smtp_ports)
    # implicit TLS before STARTTLS (RFC 8314)
    assert servers(detection) == [
        "ssl://smtp.guess.example.jp:465",
        "tls://smtp.guess.example.jp:587",
    ]
    assert detection.best is not None and detection.best.sources == (Source.GUESS,)
    assert source_event(detection, "MX").status is Status.NONE
    missing = next(r for r in detection.ranked if r.candidate.host == "mail.guess.example.jp")
    assert missing.probe is not None and "mail.guess.example.jp" in missing.probe.reason


def test_nothing_found_says_what_was_tried(dns, smtp_ports) -> None:
    dns({"none.example.jp": {}})
    detection = run("saburo@none.example.jp", smtp_ports)
    assert detection.best is None and servers(detection) == []
    tried = "\n".join(detection.tried)
    for part in ("MX", "SRV _submissions._tcp", "SRV _submission._tcp", "smtp.none.example.jp:465"):
        assert part in tried
    assert all(r.probe is not None and r.probe.reason for r in detection.ranked)


def test_a_certificate_for_another_name_is_kept_unverified_with_the_reason(
    dns, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns({"wrong.example.jp": {}, "smtp.wrong.example.jp": {"A": LOCAL}})
    with AioSMTPServer(certs, mode="ssl", users=DEFAULT_USERS) as server:  # cert for localhost
        monkeypatch.setenv("CRM_MAIL_GUI_PROBE_PORTS", f"465:{server.port},587:1")
        detection = detect("a@wrong.example.jp", ispdb=False, deadline=5, ca_file=certs.ca_file)
    entry = next(
        r for r in detection.ranked if r.candidate.server == "ssl://smtp.wrong.example.jp:465"
    )
    assert entry.probe is not None and entry.probe.reachable and not entry.probe.verified
    assert "localhost" in entry.probe.reason
    assert detection.best is None


def test_an_mx_lookup_that_never_answers_does_not_hold_the_others(dns, smtp_ports) -> None:
    dns({"guess.example.jp": {}, "smtp.guess.example.jp": {"A": LOCAL}}, silent_types={"MX"})
    started = time.monotonic()
    detection = run("a@guess.example.jp", smtp_ports, deadline=1.5)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5 + 1.0
    assert detection.timed_out
    assert source_event(detection, "MX").status is Status.FAILED
    assert servers(detection)[0] == "ssl://smtp.guess.example.jp:465"


def test_a_silent_smtp_server_is_reported_at_the_deadline(
    dns, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns({"silent.example.jp": {}, "smtp.silent.example.jp": {"A": LOCAL}})
    with FaultServer(certs, "silent") as silent:
        monkeypatch.setenv("CRM_MAIL_GUI_PROBE_PORTS", f"465:{silent.port},587:{silent.port}")
        started = time.monotonic()
        detection = detect("a@silent.example.jp", ispdb=False, deadline=1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 1.0
    entry = next(
        r for r in detection.ranked if r.candidate.server == "ssl://smtp.silent.example.jp:465"
    )
    assert entry.probe is not None and not entry.probe.verified and entry.probe.reason


def test_a_dns_server_that_never_answers_keeps_the_deadline(dns) -> None:
    dns({}, silent=True)
    started = time.monotonic()
    detection = detect("a@example.jp", ispdb=False, deadline=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 1.0, elapsed
    assert detection.timed_out and detection.best is None
    for label in ("MX", "SRV _submissions._tcp", "SRV _submission._tcp"):
        assert source_event(detection, label).status is Status.FAILED


def test_cancel_ends_detection_promptly(dns) -> None:
    dns({}, silent=True)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    detection = detect("a@example.jp", ispdb=False, deadline=10.0, cancel=cancel)
    assert time.monotonic() - started < 1.5
    assert detection.cancelled and not detection.timed_out


def test_events_arrive_live_and_never_after_the_answer(dns, smtp_ports) -> None:
    dns({"guess.example.jp": {}, "smtp.guess.example.jp": {"A": LOCAL}})
    events: list[object] = []
    threads: set[str] = set()

    def on_event(event: object) -> None:
        events.append(event)
        threads.add(threading.current_thread().name)

    detection = run("a@guess.example.jp", smtp_ports, on_event=on_event)
    count = len(events)
    time.sleep(0.2)
    assert len(events) == count
    labels = {e.label for e in events if isinstance(e, SourceEvent) and e.status is Status.RUNNING}
    assert {"MX", "SRV _submissions._tcp", "SRV _submission._tcp"} <= labels
    probes = [e for e in events if isinstance(e, ProbeEvent)]
    assert len(probes) == len(detection.ranked) == 4
    assert threading.current_thread().name not in threads  # worker threads, as documented


def test_candidates_named_twice_are_probed_once_with_both_sources(dns, smtp_ports) -> None:
    dns(
        {
            "both.example.jp": {},
            "_submissions._tcp.both.example.jp": {"SRV": [(0, 1, 465, "smtp.both.example.jp")]},
            "smtp.both.example.jp": {"A": LOCAL},
        }
    )
    detection = run("a@both.example.jp", smtp_ports)
    entries = [
        r
        for r in detection.ranked
        if r.candidate.key == ("smtp.both.example.jp", 465, Security.SSL)
    ]
    assert len(entries) == 1
    assert set(entries[0].sources) == {Source.SRV, Source.GUESS}
    assert entries[0].candidate.source is Source.SRV  # the domain's own data wins


def test_sakura_initial_domain_from_the_mx(dns, smtp_ports) -> None:
    dns(
        {
            "sakura.example.jp": {"MX": [(10, "initial.sakura.ne.jp")]},
            "initial.sakura.ne.jp": {"A": LOCAL},
        }
    )
    detection = run("a@sakura.example.jp", smtp_ports)
    assert detection.best is not None
    assert detection.best.candidate.server == "tls://initial.sakura.ne.jp:587"
    assert detection.best.candidate.preset_id == "sakura"


def test_an_answer_is_bounded(dns) -> None:
    many = [(index, f"mx{index}.example.net") for index in range(60)]
    dns({"many.example.jp": {"MX": [*many, (0, "x" * 63 + "." + "y" * 63 + ".example")]}})
    from crm_mail_gui.core.discovery.lookup import MAX_ANSWERS, lookup_mx, make_resolver

    records = lookup_mx(make_resolver(), "many.example.jp", time.monotonic() + 5)
    assert len(records) == MAX_ANSWERS
    assert [r.preference for r in records] == list(range(MAX_ANSWERS))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_invalid_address_raises_a_value_error_with_a_message(lang: str) -> None:
    with pytest.raises(InvalidAddress) as caught:
        detect("not an address", deadline=1)
    assert isinstance(caught.value, ValueError)
    message = caught.value.message(lang)
    assert message.startswith(i18n.text("discovery.invalid_address", lang, reason="").rstrip())


AUTOCONFIG_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.jp"><domain>example.jp</domain>
<outgoingServer type="smtp"><hostname>smtp.example.jp</hostname><port>465</port>
<socketType>SSL</socketType><username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication></outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.evil.example.net</hostname><port>587</port>
<socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username>
<authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>"""


def test_autoconfig_and_ispdb_merge_with_the_guess_and_a_foreign_host_is_marked(
    dns, smtp_ports, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns(
        {
            "example.jp": {},
            "autoconfig.example.jp": {"A": LOCAL},
            "ispdb.example.org": {"A": LOCAL},
            "smtp.example.jp": {"A": LOCAL},
            "smtp.evil.example.net": {"A": LOCAL},
        }
    )
    with WebServer(certs) as web:
        web.add("autoconfig.example.jp", "/mail/config-v1.1.xml", AUTOCONFIG_XML)
        web.add("ispdb.example.org", "/v1.1/example.jp", AUTOCONFIG_XML)
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(web.port))
        monkeypatch.setenv("CRM_MAIL_GUI_ISPDB_URL", f"https://ispdb.example.org:{web.port}/v1.1")
        events: list[SourceEvent | ProbeEvent] = []
        detection = run("taro@example.jp", smtp_ports, ispdb=True, on_event=events.append)
        asked = web.hosts_asked()
    assert "ispdb.example.org" in asked and "autoconfig.example.jp" in asked
    # the live events carry `foreign` as decided for the result: a GUI need not decide it again
    live = [c for e in events if isinstance(e, SourceEvent) for c in e.candidates]
    live += [e.candidate for e in events if isinstance(e, ProbeEvent)]
    assert {c.host for c in live if c.foreign} == {"smtp.evil.example.net"}
    best = detection.best
    assert best is not None and best.candidate.server == "ssl://smtp.example.jp:465"
    assert set(best.sources) == {Source.AUTOCONFIG, Source.ISPDB, Source.GUESS}
    assert best.candidate.source is Source.AUTOCONFIG and not best.candidate.foreign
    evil = next(r for r in detection.ranked if r.candidate.host == "smtp.evil.example.net")
    assert evil.candidate.foreign
    assert source_event(detection, "ISPDB").status is Status.FOUND


RTL_LABEL = DNSLabel([b"a\xe2\x80\xaeb", b"example", b"net"])  # U+202E in a label, raw UTF-8


def test_names_in_an_answer_that_are_no_host_names_are_dropped(dns) -> None:
    from crm_mail_gui.core.discovery.lookup import lookup_mx, lookup_srv, make_resolver

    dns(
        {
            "odd.example.jp": {
                "MX": [
                    (1, "ev\x1b[31mil.example.net"),
                    (2, "sp ace.example.net"),
                    (3, "ok.example.net"),
                ]
            },
            "_submissions._tcp.odd.example.jp": {
                "SRV": [(0, 0, 465, RTL_LABEL), (1, 0, 465, "fine.example.net")]
            },
        }
    )
    resolver = make_resolver()
    deadline_at = time.monotonic() + 5
    assert [r.host for r in lookup_mx(resolver, "odd.example.jp", deadline_at)] == [
        "ok.example.net"
    ]
    srv = lookup_srv(resolver, "_submissions._tcp.odd.example.jp", deadline_at)
    assert [r.target for r in srv] == ["fine.example.net"]


def test_an_internationalised_domain_is_looked_up_in_ascii_and_shown_decoded(dns) -> None:
    server = dns({"xn--r8jz45g.jp": {}})
    detection = detect("taro@例え.jp", ispdb=False, deadline=3)
    assert detection.domain == "xn--r8jz45g.jp"
    assert ("xn--r8jz45g.jp", "MX") in server.queries
    assert {r.candidate.host for r in detection.ranked} == {
        "smtp.xn--r8jz45g.jp",
        "mail.xn--r8jz45g.jp",
    }
    labels = [event.label for event in detection.sources]
    assert "autoconfig.例え.jp" in labels and "例え.jp/.well-known" in labels
    assert "smtp.例え.jp" in source_event(detection, i18n.text("discovery.label_guess")).detail


def test_conoha_mx_names_the_provider_of_the_domains_own_mail_host(dns, smtp_ports) -> None:
    dns(
        {
            "conoha.example.jp": {"MX": [(10, "mx1.conoha.ne.jp")]},
            "mail.conoha.example.jp": {"A": LOCAL},
        }
    )
    detection = run("a@conoha.example.jp", smtp_ports)
    best = detection.best
    assert best is not None and best.candidate.server == "ssl://mail.conoha.example.jp:465"
    assert set(best.sources) == {Source.MX, Source.GUESS}
    assert best.candidate.provider == "ConoHa WING"
    assert source_event(detection, "MX").detail == "mx1.conoha.ne.jp → ConoHa WING"


def test_only_an_unknown_mx_is_followed_to_its_base_domain(dns) -> None:
    dns(
        {
            "xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
            "other.example.jp": {"MX": [(5, "mx.mailhost.example.net")]},
        }
    )
    known = {e.label for e in detect("a@xs.example.jp", ispdb=False, deadline=2).sources}
    unknown = {e.label for e in detect("a@other.example.jp", ispdb=False, deadline=2).sources}
    assert not any("xserver.jp" in label for label in known)
    assert {"autoconfig.example.net", "ISPDB (example.net)"} <= unknown


def test_an_mx_host_that_never_answers_is_reported_at_the_deadline(
    dns, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns({"xs.example.jp": {"MX": [(10, "sv1234.xserver.jp")]}, "sv1234.xserver.jp": {"A": LOCAL}})
    with FaultServer(certs, "silent") as silent:  # accepts, then never says a word
        monkeypatch.setenv("CRM_MAIL_GUI_PROBE_PORTS", f"465:{silent.port},587:{silent.port}")
        started = time.monotonic()
        detection = detect("a@xs.example.jp", ispdb=False, deadline=1.0, ca_file=certs.ca_file)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 1.0
    assert source_event(detection, "MX").status is Status.FOUND
    xserver = [r for r in detection.ranked if r.candidate.host == "sv1234.xserver.jp"]
    assert len(xserver) == 2 and detection.best is None and detection.timed_out
    deadline_reason = i18n.text("discovery.probe_deadline")
    assert all(r.probe is not None and r.probe.reason == deadline_reason for r in xserver)


def test_a_domain_the_mx_led_to_is_not_sent_the_address(
    dns, smtp_ports, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the address's own domain learns who asks (?emailaddress=); a hoster gets the path."""
    dns(
        {
            "example.jp": {"MX": [(10, "mx1.hoster.example.net")]},
            "autoconfig.example.jp": {"A": LOCAL},
            "autoconfig.example.net": {"A": LOCAL},
        }
    )
    with WebServer(certs) as web:
        monkeypatch.setenv("CRM_MAIL_GUI_AUTOCONFIG_PORT", str(web.port))
        run("taro@example.jp", smtp_ports, ispdb=False)
        asked = dict(web.requests)
    assert asked["autoconfig.example.jp"].endswith("?emailaddress=taro%40example.jp")
    assert asked["autoconfig.example.net"] == "/mail/config-v1.1.xml"  # the MX's base domain
