"""detect(): every source at once, every candidate probed as soon as it is known, one deadline."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import unicode_domain
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.discovery import probe as probe_module
from crm_mail_gui.core.discovery import ranking, sources
from crm_mail_gui.core.discovery.lookup import dns_server, ip_resolver, make_resolver
from crm_mail_gui.core.discovery.model import (
    Candidate,
    Detection,
    Event,
    OnEvent,
    Probe,
    ProbeEvent,
    Ranked,
    Source,
    SourceEvent,
    Status,
)
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import FieldError, check_address

log = logging.getLogger(__name__)
POLL = 0.05
MAX_CANDIDATES = 40  # probes started per detection; a hostile answer cannot make it thousands
DEFAULT_DEADLINE = 10.0


class InvalidAddress(ValueError):
    """The address to detect from is not a usable mail address; `message(lang)` says why."""

    def __init__(self, error: FieldError) -> None:
        self.error = error
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The localised explanation."""
        return i18n.text("discovery.invalid_address", lang, reason=self.error)


def parse_address(address: str) -> tuple[str, str]:
    """The checked address (IDNA domain) and its domain; raises InvalidAddress."""
    try:
        checked = check_address(address, "user", utf8_local=True)
    except FieldError as error:
        raise InvalidAddress(error) from None
    return checked, checked.rpartition("@")[2]


class _Run:
    """The shared state of one detection: tasks, candidates, final source events, emission."""

    def __init__(
        self,
        address: str,
        domain: str,
        deadline_at: float,
        on_event: OnEvent | None,
        ca_file: str | None,
    ) -> None:
        self.address, self.domain, self.deadline_at = address, domain, deadline_at
        self.on_event, self.ca_file = on_event, ca_file
        self.lock = threading.Lock()
        self.emit_lock = threading.Lock()
        self.pending = 0
        self.closed = False
        self.entries: dict[tuple, Ranked] = {}
        self.finals: dict[str, SourceEvent] = {}
        self.labels: list[str] = []  # in the order the sources started
        self.running: dict[str, SourceEvent] = {}
        self.stop = CancelToken()  # the deadline or the caller's cancel: wakes every probe
        self.deadline_hit = CancelToken()

    # -- tasks -----------------------------------------------------------------------------
    def spawn(self, name: str, target: Callable[..., None], *args: object) -> None:
        """Run `target(*args)` in a daemon thread counted in `pending` (not once stopped)."""
        with self.lock:
            if self.stop.cancelled:
                return
            self.pending += 1
        thread = threading.Thread(
            target=self._task, args=(target, args), name=f"detect-{name}", daemon=True
        )
        thread.start()

    def _task(self, target: Callable[..., None], args: tuple) -> None:
        """The thread body: run, log a bug, count down."""
        try:
            target(*args)
        except Exception:  # a bug in one source must not stop the others
            log.exception("detection task failed")
        finally:
            with self.lock:
                self.pending -= 1

    def emit(self, event: Event) -> None:
        """Call on_event with `event`, one call at a time, never after the result was built."""
        with self.emit_lock:
            if self.closed or self.on_event is None:
                return
            try:
                self.on_event(event)
            except Exception:
                log.exception("on_event failed")

    # -- sources ---------------------------------------------------------------------------
    def source(self, source: Source, label: str, run: Callable[[], SourceEvent]) -> None:
        """Start one source in its own thread: RUNNING now, its final event when it answers."""
        started = SourceEvent(source, label, Status.RUNNING)
        with self.lock:
            self.labels.append(label)
            self.running[label] = started

        def task() -> None:
            self.emit(started)
            self.finish(replace(run(), label=label))

        self.spawn(label, task)

    def finish(self, event: SourceEvent) -> None:
        """Record a source's final event, tell the caller, probe its candidates.

        Each candidate's `foreign` is decided here, before anyone sees it: the live events and
        the Detection carry the same flag.
        """
        if event.candidates:
            candidates = tuple(ranking.marked(c, self.domain) for c in event.candidates)
            event = replace(event, candidates=candidates)
        with self.lock:
            if self.stop.cancelled:
                return
            self.finals[event.label] = event
        self.emit(event)
        for candidate in event.candidates:
            self.add(candidate)

    def skip(self, source: Source, label: str, detail: str) -> None:
        """A source that does not run (ISPDB switched off, autoconfig not available)."""
        event = SourceEvent(source, label, Status.SKIPPED, detail)
        with self.lock:
            self.labels.append(label)
            self.finals[label] = event
        self.spawn(label, self.emit, event)  # from a worker thread, like every event

    # -- candidates and probes -------------------------------------------------------------
    def add(self, candidate: Candidate) -> None:
        """Merge a candidate into a known one by key, or record it and start its probe."""
        with self.lock:
            known = self.entries.get(candidate.key)
            if known is not None:
                merged = ranking.better(candidate, known.candidate, self.domain)
                sources_ = known.sources + (
                    (candidate.source,) if candidate.source not in known.sources else ()
                )
                self.entries[candidate.key] = replace(known, candidate=merged, sources=sources_)
                return
            if len(self.entries) >= MAX_CANDIDATES:
                return
            self.entries[candidate.key] = Ranked(candidate, (candidate.source,))
        self.spawn(f"probe-{candidate.host}:{candidate.port}", self.probe, candidate.key)

    def probe(self, key: tuple) -> None:
        """Probe one recorded candidate and tell the caller."""
        with self.lock:
            candidate = self.entries[key].candidate
        result = probe_module.probe(
            candidate,
            deadline_at=self.deadline_at,
            cancel=self.stop,
            ca_file=self.ca_file,
            deadline_hit=self.deadline_hit,
        )
        with self.lock:
            if self.stop.cancelled:
                return
            entry = self.entries[key] = replace(self.entries[key], probe=result)
        self.emit(ProbeEvent(entry.candidate, result))

    # -- the end ---------------------------------------------------------------------------
    def wait(self, cancel: CancelToken | None) -> bool:
        """Wait until every task is done, the deadline passes or `cancel`; True if all done."""
        while True:
            with self.lock:
                if self.pending == 0:
                    return True
            if cancel is not None and cancel.cancelled:
                return False
            remaining = self.deadline_at - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(POLL, remaining))

    def result(self, done: bool, cancelled: bool) -> Detection:
        """Stop every task still running and build the Detection; no event is emitted after it."""
        if not done and not cancelled:
            self.deadline_hit.cancel()
        self.stop.cancel()
        with self.emit_lock:
            self.closed = True
        with self.lock:
            end_key = "cancelled" if cancelled else "deadline"
            stopped_probe = Probe(
                reachable=False,
                tls_verified=False,
                ehlo=False,
                reason=i18n.text(f"discovery.probe_{end_key}"),
            )
            entries = [
                entry if entry.probe is not None else replace(entry, probe=stopped_probe)
                for entry in self.entries.values()
            ]
            finals = []
            for label in self.labels:
                event = self.finals.get(label)
                if event is None:
                    event = replace(
                        self.running[label],
                        status=Status.FAILED,
                        detail=i18n.text(f"discovery.source_{end_key}"),
                    )
                finals.append(event)
        ranked = ranking.rank(entries, self.domain)
        tried = tuple(
            printable(f"{event.label}: {event.detail or event.status.value}", 300)
            for event in finals
        ) + tuple(
            printable(f"{entry.candidate.server}: {probe_module.describe(entry.probe)}", 300)
            for entry in ranked
        )
        return Detection(
            address=self.address,
            domain=self.domain,
            ranked=ranked,
            sources=tuple(finals),
            # the deadline ended a lookup or a probe (a probe whose step timed out at it too)
            timed_out=self.deadline_hit.cancelled and not cancelled,
            cancelled=cancelled,
            tried=tried,
        )


def detect(
    address: str,
    *,
    ispdb: bool = True,
    allow_http: bool = False,
    deadline: float = DEFAULT_DEADLINE,
    cancel: CancelToken | None = None,
    on_event: OnEvent | None = None,
    ca_file: str | None = None,
) -> Detection:
    """Detect the outgoing server of `address`: all sources at once, every candidate probed.

    Presets by domain, the domain's autoconfig and well-known file, Thunderbird's ISPDB (only the
    domain is sent; `ispdb=False` skips it), MX (then the ISPDB and autoconfig of the MX's base
    domain), SRV and guesses all start together; each candidate is probed (connect, verified
    TLS, EHLO, AUTH offered; never a credential) as soon as a source names it. One `deadline`
    (seconds) bounds everything: the answer comes within about deadline + 1 s even when every
    server is silent; `cancel` ends it within a fraction of a second.

    `on_event` is called with each SourceEvent and ProbeEvent **from worker threads** (one call
    at a time, never after detect() returned): a GUI must hand them to its own thread.
    Raises InvalidAddress (a ValueError) for an address that cannot be used, and ValueError for
    a malformed CRM_MAIL_GUI_DNS_SERVER or CRM_MAIL_GUI_PROBE_PORTS.
    """
    address, domain = parse_address(address)
    dns_server(), probe_module.probe_ports()  # a malformed test seam fails here, with its name
    deadline_at = time.monotonic() + max(0.1, float(deadline))
    run = _Run(address, domain, deadline_at, on_event, ca_file)
    unregister = cancel.register(run.stop.cancel) if cancel is not None else (lambda: None)
    try:
        _start_sources(run, ispdb=ispdb, allow_http=allow_http)
        done = run.wait(cancel)
    finally:
        unregister()
    return run.result(done, cancel is not None and cancel.cancelled)


def _start_sources(run: _Run, *, ispdb: bool, allow_http: bool) -> None:
    """Start every source: presets, autoconfig, well-known, ISPDB, MX (and what follows), SRV."""
    domain, address = run.domain, run.address
    resolver = make_resolver()
    run.source(
        Source.PRESET,
        i18n.text("discovery.label_preset"),
        lambda: sources.preset_source(domain, address),
    )
    _start_web(run, domain, ispdb=ispdb, allow_http=allow_http)

    def mx() -> SourceEvent:
        event, follow = sources.mx_source(resolver, domain, address, run.deadline_at)
        for base in follow:
            _start_web(run, base, ispdb=ispdb, allow_http=allow_http, well_known=False)
        return event

    run.source(Source.MX, "MX", mx)
    for service, security in sources.SRV_NAMES:
        run.source(
            Source.SRV,
            f"SRV {service}",
            lambda s=service, sec=security: sources.srv_source(
                resolver, domain, address, s, sec, run.deadline_at
            ),
        )
    run.source(
        Source.GUESS,
        i18n.text("discovery.label_guess"),
        lambda: sources.guess_source(domain, address),
    )


def _start_web(
    run: _Run, domain: str, *, ispdb: bool, allow_http: bool, well_known: bool = True
) -> None:
    """The web sources for `domain` (disc-web's autoconfig module), each in its own thread."""
    try:
        from crm_mail_gui.core.discovery import autoconfig
    except ImportError:
        autoconfig = None
    shown = printable(unicode_domain(domain), 80)
    labels = [(Source.AUTOCONFIG, f"autoconfig.{shown}")]
    if well_known:
        labels.append((Source.WELL_KNOWN, f"{shown}/.well-known"))
    ispdb_label = "ISPDB" if domain == run.domain else f"ISPDB ({shown})"
    resolve_ips = ip_resolver(run.deadline_at, run.stop)
    if autoconfig is None:
        for source, label in [*labels, (Source.ISPDB, ispdb_label)]:
            run.skip(source, label, i18n.text("discovery.source_unavailable"))
        return
    for source, label in labels:
        run.source(
            source,
            label,
            lambda s=source: autoconfig.fetch_autoconfig(
                domain,
                run.address,
                source=s,
                deadline_at=run.deadline_at,
                cancel=run.stop,
                allow_http=allow_http,
                ca_file=run.ca_file,
                resolve=resolve_ips,
                send_address=domain == run.domain,  # a hoster the MX named: not the address
            ),
        )
    if not ispdb:
        run.skip(Source.ISPDB, ispdb_label, i18n.text("discovery.ispdb_off"))
        return
    run.source(
        Source.ISPDB,
        ispdb_label,
        lambda: autoconfig.fetch_ispdb(
            domain,
            run.address,
            deadline_at=run.deadline_at,
            cancel=run.stop,
            ca_file=run.ca_file,
            resolve=resolve_ips,
        ),
    )
