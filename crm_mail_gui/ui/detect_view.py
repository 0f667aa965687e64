"""What the detection list shows: a pure function from detection events (and the result) to rows.

core.discovery (dnspython and the rest: ~0.2 s) is imported by the detection job on its thread;
here only where an event or a Detection is at hand, which means that import is done: the GUI
thread never waits for it (nor for the import lock while the job holds it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm_mail_gui.core.printable import printable
from crm_mail_gui.ui.translations import fill

if TYPE_CHECKING:
    from crm_mail_gui.core.discovery.model import (
        Candidate,
        Detection,
        Event,
        Probe,
        SourceEvent,
    )

TEXT_LIMIT = 200  # a row of the list: one line, whatever a server or a DNS answer said


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the list: a source's answer or a probed candidate (which can be used)."""

    key: tuple  # what makes two events the same row (a later one updates it in place)
    text: str
    state: str  # source: "found", "none", "failed", "skipped"; candidate: "verified", "unverified"
    candidate: Candidate | None = None  # set for candidate rows: these can be used
    probe: Probe | None = None

    @property
    def usable(self) -> bool:
        """True for a row whose candidate can fill the form."""
        return self.candidate is not None


class DetectView:
    """Turns events and the Detection into rows and texts; `tr` texts use the class name."""

    def tr(self, text: str) -> str:
        """`text` in the window's language (context "DetectView", as lupdate reads it)."""
        return QCoreApplication.translate(type(self).__name__, text)

    # -- the rows ------------------------------------------------------------------------
    def rows(self, events: Iterable[Event], detection: Detection | None = None) -> list[Row]:
        """The list, in the order the sources and probes answered.

        A source that is still running has no row (see `running`); a later event of the same
        source or candidate updates its row in place. A candidate the core marked foreign (it
        does so before the first event that names it) is warned from its first row on. With the
        `detection`, every candidate carries the merged record of all sources that proposed it,
        and every source its final state.
        """
        rows: dict[tuple, Row] = {}
        for event in events:
            row = self.event_row(event)
            if row is not None:
                rows[row.key] = row
        if detection is not None:
            for source in detection.sources:  # the final state: unanswered ones say why
                row = self.event_row(source)
                if row is not None:
                    rows[row.key] = row
            for ranked in detection.ranked:
                key = ("candidate", *ranked.candidate.key)
                probe = ranked.probe or (rows[key].probe if key in rows else None)
                rows[key] = self.candidate_row(ranked.candidate, probe)
        return list(rows.values())

    def event_row(self, event: Event) -> Row | None:
        """The row of one event (None for a source that only started)."""
        from crm_mail_gui.core.discovery.model import ProbeEvent, SourceEvent, Status

        if isinstance(event, ProbeEvent):
            return self.candidate_row(event.candidate, event.probe)
        if isinstance(event, SourceEvent) and event.status is not Status.RUNNING:
            return self.source_row(event)
        return None

    def source_row(self, event: SourceEvent) -> Row:
        """ "MX: sv1234.xserver.jp → Xserver", "ISPDB: not listed", "ISPDB: switched off"."""
        from crm_mail_gui.core.discovery.model import Status

        fallback = {
            Status.FOUND: self.tr("found"),
            Status.NONE: self.tr("nothing found"),
            Status.FAILED: self.tr("no usable answer"),
            Status.SKIPPED: self.tr("switched off"),
        }
        detail = event.detail or fallback.get(event.status, "")
        text = printable(f"{event.label}: {detail}", TEXT_LIMIT)
        return Row(("source", event.source.value, event.label), text, event.status.value)

    def candidate_row(self, candidate: Candidate, probe: Probe | None) -> Row:
        """ "smtp.example.co.jp:465: TLS ✓, AUTH PLAIN LOGIN" (and a warning when foreign)."""
        text = f"{self.host_port(candidate)}: {self.probe_text(probe)}"
        if candidate.foreign:
            text = f"{text}  ⚠ {self.foreign_text(candidate)}"
        verified = probe is not None and probe.verified
        state = "verified" if verified else "unverified"
        return Row(
            ("candidate", *candidate.key),
            printable(text, TEXT_LIMIT),
            state,
            candidate,
            probe,
        )

    @staticmethod
    def host_port(candidate: Candidate) -> str:
        """host:port as the list names a server ([v6]:port for an IPv6 address)."""
        host = f"[{candidate.host}]" if ":" in candidate.host else candidate.host
        return f"{host}:{candidate.port}"

    def probe_text(self, probe: Probe | None) -> str:
        """What the probe showed (core.discovery.probe.describe), ✗ first when not verified."""
        from crm_mail_gui.core.discovery.probe import describe

        text = describe(probe)
        if probe is not None and not probe.verified:
            return "✗ " + (text or self.tr("not verified"))
        return text

    # -- the texts around the list -------------------------------------------------------
    def origin_text(self, candidate: Candidate) -> str:
        """Where a used candidate came from: "この設定は example.net から取得しました"."""
        return printable(fill(self.tr("This setting was taken from %1."), candidate.origin))

    def foreign_text(self, candidate: Candidate) -> str:
        """The warning for a server outside the address's domain and the known providers."""
        return printable(
            fill(
                self.tr(
                    "This setting was taken from %1: the server %2 is not under your address's "
                    "domain nor a known provider's."
                ),
                candidate.origin,
                candidate.host,
            )
        )

    def running(self, events: Iterable[Event]) -> list[str]:
        """The labels of the sources that started and have not answered yet, in start order."""
        state: dict[tuple, tuple[str, bool]] = {}
        for event in events:
            from crm_mail_gui.core.discovery.model import SourceEvent, Status

            if isinstance(event, SourceEvent):
                key = (event.source.value, event.label)
                state[key] = (event.label, event.status is Status.RUNNING)
        return [label for label, running in state.values() if running]

    def progress_text(self, events: Iterable[Event]) -> str:
        """The line above the list while detection runs."""
        waiting = self.running(events)
        if not waiting:
            return self.tr("Detecting…")
        return printable(fill(self.tr("Detecting… waiting for: %1"), ", ".join(waiting)), 300)

    def summary(self, detection: Detection) -> str:
        """The line above the list when detection has ended."""
        if detection.cancelled:
            return self.tr("Detection was cancelled.")
        verified = [r for r in detection.ranked if r.probe is not None and r.probe.verified]
        if detection.best is not None:
            text = fill(
                self.tr("%1 verified server(s) found; the best is %2."),
                len(verified),
                detection.best.candidate.server,
            )
        elif detection.ranked:
            text = self.tr("Servers were proposed, but none could be verified.")
        else:
            tried = ", ".join(detection.tried)
            text = (
                fill(self.tr("No server found. Tried: %1"), tried)
                if tried
                else self.tr("No server found.")
            )
        if detection.timed_out:
            late = self.tr("Some lookups ran out of time.")
            text = f"{text} {late}"
        return printable(text, 600)
