"""The detection list's view model: hand-made events and Detections in, rows and texts out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gui_support import restore_language
from PySide6.QtWidgets import QApplication

from crm_mail_gui.core import i18n
from crm_mail_gui.core.discovery.model import (
    Candidate,
    Detection,
    Probe,
    ProbeEvent,
    Ranked,
    Security,
    Source,
    SourceEvent,
    Status,
)
from crm_mail_gui.ui import translations
from crm_mail_gui.ui.detect_view import DetectView

XSERVER = Candidate(
    "sv1234.xserver.jp",
    465,
    Security.SSL,
    Source.MX,
    "example.co.jp",
    username="taro@example.co.jp",
    preset_id="xserver",
    provider="Xserver",
)
GUESS = Candidate("smtp.example.co.jp", 587, Security.STARTTLS, Source.GUESS, "example.co.jp")
FOREIGN = Candidate(
    "mail.example.net", 465, Security.SSL, Source.AUTOCONFIG, "example.net", foreign=True
)
OK = Probe(True, True, True, ("PLAIN", "LOGIN"))
REFUSED = Probe(False, False, False, reason="connection refused")


@pytest.fixture
def view(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[DetectView]:
    """The view in English (no translator installed)."""
    gen = restore_language(monkeypatch)
    next(gen)
    translations.install("en")
    yield DetectView()
    next(gen, None)


def mx(status: Status, detail: str = "", candidates: tuple[Candidate, ...] = ()) -> SourceEvent:
    return SourceEvent(Source.MX, "MX", status, detail, candidates)


def test_a_running_source_has_no_row_but_is_waited_for(view: DetectView) -> None:
    events = [mx(Status.RUNNING), SourceEvent(Source.ISPDB, "ISPDB", Status.RUNNING)]
    assert view.rows(events) == []
    assert view.running(events) == ["MX", "ISPDB"]
    assert view.progress_text(events) == "Detecting… waiting for: MX, ISPDB"


def test_rows_come_in_the_order_of_answers_and_update_in_place(view: DetectView) -> None:
    events = [
        mx(Status.RUNNING),
        SourceEvent(Source.ISPDB, "ISPDB", Status.RUNNING),
        SourceEvent(Source.ISPDB, "ISPDB", Status.NONE, "not listed"),
        mx(Status.FOUND, "sv1234.xserver.jp → Xserver", (XSERVER,)),
        ProbeEvent(XSERVER, OK),
        ProbeEvent(GUESS, REFUSED),
    ]
    texts = [row.text for row in view.rows(events)]
    assert texts == [
        "ISPDB: not listed",
        "MX: sv1234.xserver.jp → Xserver",
        "sv1234.xserver.jp:465: TLS ✓, AUTH PLAIN LOGIN",
        "smtp.example.co.jp:587: ✗ connection refused",
    ]
    assert view.running(events) == []
    # a second answer of the same source replaces its row, where it was
    later = [*events, SourceEvent(Source.ISPDB, "ISPDB", Status.FAILED, "timed out")]
    assert next(row.text for row in view.rows(later)) == "ISPDB: timed out"
    assert len(view.rows(later)) == 4


def test_only_candidate_rows_can_be_used(view: DetectView) -> None:
    rows = view.rows([mx(Status.FOUND, "x", (XSERVER,)), ProbeEvent(XSERVER, OK)])
    assert [row.usable for row in rows] == [False, True]
    assert rows[1].candidate == XSERVER
    assert rows[1].state == "verified"


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (Status.NONE, "ISPDB: nothing found"),
        (Status.FAILED, "ISPDB: no usable answer"),
        (Status.SKIPPED, "ISPDB: switched off"),
    ],
)
def test_a_source_without_detail_says_what_happened(
    view: DetectView, status: Status, text: str
) -> None:
    assert view.source_row(SourceEvent(Source.ISPDB, "ISPDB", status)).text == text


def test_probe_texts_are_the_cores_and_mark_what_is_not_verified(view: DetectView) -> None:
    no_auth = Probe(True, True, True, (), reason="the server offers no authentication (AUTH)")
    plain = Candidate("mail.example.co.jp", 25, Security.PLAIN, Source.GUESS, "example.co.jp")
    unencrypted = Probe(True, False, True, ("LOGIN",), reason="the connection is not encrypted")
    v6 = Candidate("::1", 465, Security.SSL, Source.SRV, "example.co.jp")
    rows = view.rows([ProbeEvent(GUESS, no_auth), ProbeEvent(plain, unencrypted)])
    assert rows[0].text == "smtp.example.co.jp:587: ✗ the server offers no authentication (AUTH)"
    assert rows[1].text == "mail.example.co.jp:25: ✗ the connection is not encrypted"
    assert [row.state for row in rows] == ["unverified", "unverified"]
    assert view.candidate_row(v6, OK).text == "[::1]:465: TLS ✓, AUTH PLAIN LOGIN"
    assert view.candidate_row(GUESS, None).text == "smtp.example.co.jp:587: checking…"
    assert view.candidate_row(GUESS, Probe(False, False, False)).text == (
        "smtp.example.co.jp:587: ✗ not verified"
    )


def test_a_foreign_candidate_is_marked_in_its_row(view: DetectView) -> None:
    row = view.candidate_row(FOREIGN, OK)
    assert "⚠" in row.text
    assert "This setting was taken from example.net" in row.text
    assert "mail.example.net" in row.text
    assert "⚠" not in view.candidate_row(XSERVER, OK).text


def test_the_result_merges_candidates_and_adds_the_unprobed_ones(view: DetectView) -> None:
    merged = Candidate(
        "sv1234.xserver.jp", 465, Security.SSL, Source.MX, "example.co.jp", auth=("OAuth2",)
    )
    late = Probe(False, False, False, reason="not checked before the deadline")
    unanswered = SourceEvent(Source.SRV, "SRV _submissions", Status.FAILED, "no answer")
    detection = Detection(
        "taro@example.co.jp",
        "example.co.jp",
        ranked=(
            Ranked(merged, (Source.MX, Source.ISPDB), OK),
            Ranked(GUESS, (Source.GUESS,), late),
        ),
        sources=(mx(Status.FOUND, "x", (XSERVER,)), unanswered),
        timed_out=True,
    )
    events = [SourceEvent(Source.SRV, "SRV _submissions", Status.RUNNING), ProbeEvent(XSERVER, OK)]
    rows = view.rows(events, detection)
    assert rows[0].candidate == merged  # the merged record, in the row where it answered
    assert [row.text for row in rows[1:]] == [
        "MX: x",
        "SRV _submissions: no answer",  # never answered live: the result says why
        "smtp.example.co.jp:587: ✗ not checked before the deadline",
    ]
    summary = view.summary(detection)
    assert "1 verified server(s) found; the best is ssl://sv1234.xserver.jp:465." in summary
    assert "Some lookups ran out of time." in summary


def test_nothing_found_says_what_was_tried(view: DetectView) -> None:
    detection = Detection("a@example.jp", "example.jp", tried=("MX example.jp", "ISPDB"))
    assert view.summary(detection) == "No server found. Tried: MX example.jp, ISPDB"
    assert view.summary(Detection("a@b.jp", "b.jp", cancelled=True)) == ("Detection was cancelled.")


def test_hostile_text_from_the_network_is_escaped(view: DetectView) -> None:
    event = SourceEvent(Source.AUTOCONFIG, "autoconfig", Status.FAILED, "bad\x1b[2J\u202egnp.exe")
    text = view.source_row(event).text
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text
    long = view.source_row(SourceEvent(Source.MX, "MX", Status.NONE, "x" * 5000)).text
    assert len(long) <= 201  # 200 and the ellipsis


def test_texts_in_japanese(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = restore_language(monkeypatch)
    next(gen)
    try:
        translations.install("ja")
        i18n.set_language("ja")
        view = DetectView()
        assert view.origin_text(XSERVER) == "この設定は example.co.jp から取得しました。"
        assert view.source_row(SourceEvent(Source.ISPDB, "ISPDB", Status.SKIPPED)).text == (
            "ISPDB: オフ"
        )
        assert view.candidate_row(XSERVER, OK).text == (
            "sv1234.xserver.jp:465: TLS ✓、AUTH PLAIN LOGIN"
        )
        assert view.summary(Detection("a@b.jp", "b.jp")) == "サーバーが見つかりませんでした。"
    finally:
        next(gen, None)
