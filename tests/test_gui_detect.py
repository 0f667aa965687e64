"""Detect from address in the window, with an injected detector (create_main_window(detector=)).

The detector here is a stand-in with the core's signature that answers when the test lets it
(one gate per event), so each test sees the list at every step. End-to-end tests with the real
core.discovery.detect() are in tests/test_gui_detect_e2e.py.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import child, restore_language
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.discovery.model import (
    Candidate,
    Detection,
    Event,
    Probe,
    ProbeEvent,
    Ranked,
    Security,
    Source,
    SourceEvent,
    Status,
)
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

ADDRESS = "taro@example.co.jp"
XSERVER = Candidate(
    "sv1234.xserver.jp",
    465,
    Security.SSL,
    Source.MX,
    "example.co.jp",
    auth=("password-cleartext",),
    username=ADDRESS,
    preset_id="xserver",
    provider="Xserver",
)
M365 = Candidate(
    "smtp.office365.com",
    587,
    Security.STARTTLS,
    Source.MX,
    "example.co.jp",
    auth=("OAuth2",),
    preset_id="microsoft365",
    provider="Microsoft 365",
)
FOREIGN = Candidate(
    "mail.example.net",
    465,
    Security.SSL,
    Source.AUTOCONFIG,
    "example.net",
    username="taro",
    foreign=True,
)
OK = Probe(True, True, True, ("PLAIN", "LOGIN"))


@pytest.fixture(autouse=True)
def _restore_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from restore_language(monkeypatch)


class ScriptedDetector:
    """A detector with detect()'s signature: sends its events one by one as the test releases
    them (`step()`), then returns the Detection; stops when cancelled. Records its calls."""

    def __init__(self, events: list[Event], detection: Detection | None = None) -> None:
        self.events = events
        self.detection = detection
        self.calls: list[dict[str, Any]] = []
        self.released = threading.Semaphore(0)
        self.ended = threading.Event()
        self.saw_cancel = False

    def step(self, count: int = 1) -> None:
        """Let the next `count` events (or the result) through."""
        for _ in range(count):
            self.released.release()

    def __call__(self, address: str, **kwargs: Any) -> Detection:
        self.calls.append({"address": address, **kwargs})
        cancel, on_event = kwargs["cancel"], kwargs["on_event"]
        try:
            for event in [*self.events, None]:
                while not self.released.acquire(timeout=0.02):
                    if cancel.cancelled:
                        self.saw_cancel = True
                        return Detection(address, address.rpartition("@")[2], cancelled=True)
                if event is not None:
                    on_event(event)
            return self.detection or Detection(address, address.rpartition("@")[2])
        finally:
            self.ended.set()


def xserver_script(ispdb: bool = True) -> ScriptedDetector:
    ispdb_event = (
        SourceEvent(Source.ISPDB, "ISPDB", Status.NONE, "登録なし")
        if ispdb
        else SourceEvent(Source.ISPDB, "ISPDB", Status.SKIPPED)
    )
    events: list[Event] = [
        SourceEvent(Source.MX, "MX", Status.RUNNING),
        SourceEvent(Source.ISPDB, "ISPDB", Status.RUNNING),
        SourceEvent(Source.MX, "MX", Status.FOUND, "sv1234.xserver.jp → Xserver", (XSERVER,)),
        ispdb_event,
        ProbeEvent(XSERVER, OK),
    ]
    detection = Detection(
        ADDRESS,
        "example.co.jp",
        ranked=(Ranked(XSERVER, (Source.MX,), OK),),
        sources=tuple(e for e in events if isinstance(e, SourceEvent)),
    )
    return ScriptedDetector(events, detection)


def open_form(make_window: Callable[..., MainWindow], detector: Any, **kwargs: Any) -> MainWindow:
    window = make_window(detector=detector, **kwargs)
    child(window, "userEdit", QLineEdit).setText(ADDRESS)
    return window


def texts(window: MainWindow) -> list[str]:
    results = child(window, "detectResults", QListWidget)
    return [results.item(i).text() for i in range(results.count())]


def click(qtbot: QtBot, window: MainWindow, name: str) -> None:
    button = child(window, name, QPushButton)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_rows(qtbot: QtBot, window: MainWindow, count: int) -> list[str]:
    qtbot.waitUntil(lambda: len(texts(window)) == count, timeout=3000)
    return texts(window)


def double_click_row(qtbot: QtBot, window: MainWindow, index: int) -> None:
    results = child(window, "detectResults", QListWidget)
    rect = results.visualItemRect(results.item(index))
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def run_to_end(qtbot: QtBot, window: MainWindow, detector: ScriptedDetector) -> None:
    click(qtbot, window, "detectButton")
    detector.step(len(detector.events) + 1)
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=3000)


# --------------------------------------------------------------------------- the live list


def test_the_list_fills_live_in_the_order_of_answers(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = xserver_script()
    window = open_form(make_window, detector)
    button = child(window, "detectButton", QPushButton)
    assert button.text() == "メールアドレスから検出"
    click(qtbot, window, "detectButton")
    assert button.text() == "中止"
    assert shown_text(window, "detectStatus") == "検出中…"
    detector.step(2)  # MX and ISPDB started: no row yet, both awaited
    qtbot.waitUntil(lambda: "MX, ISPDB" in shown_text(window, "detectStatus"), timeout=3000)
    assert texts(window) == []
    detector.step()
    assert wait_rows(qtbot, window, 1) == ["MX: sv1234.xserver.jp → Xserver"]
    assert "ISPDB" in shown_text(window, "detectStatus")  # still awaited
    detector.step()
    assert wait_rows(qtbot, window, 2)[1] == "ISPDB: 登録なし"
    detector.step()
    assert wait_rows(qtbot, window, 3)[2] == "sv1234.xserver.jp:465: TLS ✓、AUTH PLAIN LOGIN"
    assert window.detecting.job is not None and button.text() == "中止"  # not ended yet
    detector.step()
    qtbot.waitUntil(lambda: button.text() == "メールアドレスから検出", timeout=3000)
    assert window.detecting.job is None
    assert shown_text(window, "detectStatus") == (
        "検証できたサーバー: 1 件。最適なのは ssl://sv1234.xserver.jp:465 です。"
    )
    results = child(window, "detectResults", QListWidget)
    assert results.currentRow() == 2  # the best candidate is chosen, ready to use
    assert child(window, "useCandidateButton", QPushButton).isEnabled()
    call = detector.calls[0]
    assert call["address"] == ADDRESS and call["ispdb"] is True and call["allow_http"] is False


def shown_text(window: MainWindow, name: str) -> str:
    label = child(window, name, QLabel)
    return label.text() if label.isVisible() else ""


def test_cancel_stops_detection_and_the_button_returns(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = xserver_script()
    window = open_form(make_window, detector)
    click(qtbot, window, "detectButton")
    detector.step(3)
    wait_rows(qtbot, window, 1)
    click(qtbot, window, "detectButton")  # now 中止
    button = child(window, "detectButton", QPushButton)
    assert button.text() == "メールアドレスから検出"
    assert window.detecting.job is None
    assert shown_text(window, "detectStatus") == "検出を中止しました。"
    assert detector.ended.wait(2), "the detector's thread was not told to stop"
    assert detector.saw_cancel
    detector.step(5)  # whatever it would still say never reaches the list
    qtbot.wait(100)
    assert texts(window) == ["MX: sv1234.xserver.jp → Xserver"]
    # and it can be started again
    again = xserver_script()
    window.detector = again
    run_to_end(qtbot, window, again)
    assert len(texts(window)) == 3


def test_the_window_stays_responsive_while_detection_waits(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = ScriptedDetector([SourceEvent(Source.MX, "MX", Status.RUNNING)])  # never answers
    window = open_form(make_window, detector)
    ticks: list[float] = []
    timer = QTimer(window)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    click(qtbot, window, "detectButton")
    detector.step()
    qtbot.wait(500)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 20 and max(gaps) < 0.2, (len(ticks), max(gaps, default=None))
    child(window, "serverEdit", QLineEdit).setText("ssl://typed.example.jp:465")  # still editable
    assert window.detecting.job is not None
    click(qtbot, window, "detectButton")
    assert detector.ended.wait(2)


# --------------------------------------------------------------------------- using a candidate


def test_using_a_candidate_fills_the_fields_and_says_where_from(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    detector = xserver_script()
    window = open_form(make_window, detector)
    child(window, "userEdit", QLineEdit).clear()
    child(window, "fromEdit", QLineEdit).setText(ADDRESS)  # the address only in From
    run_to_end(qtbot, window, detector)
    assert detector.calls[0]["address"] == ADDRESS
    double_click_row(qtbot, window, 2)
    assert child(window, "presetCombo", QComboBox).currentData() == "xserver"
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://sv1234.xserver.jp:465"
    assert child(window, "userEdit", QLineEdit).text() == ADDRESS
    assert child(window, "authCheck", QCheckBox).isChecked()
    assert window.form.authMethodCombo.currentData() == "password"
    assert shown_text(window, "detectOrigin").startswith(
        "この設定は example.co.jp から取得しました。"
    )
    assert "保存" in shown_text(window, "detectOrigin")
    assert not (config_dir / "settings.json").exists()  # detection only fills the form
    assert child(window, "saveButton", QPushButton).isVisible()


def test_a_microsoft_365_candidate_chooses_oauth2(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = ScriptedDetector(
        [
            SourceEvent(Source.MX, "MX", Status.FOUND, "→ Microsoft 365", (M365,)),
            ProbeEvent(M365, Probe(True, True, True, ("LOGIN", "XOAUTH2"))),
        ],
        Detection(ADDRESS, "example.co.jp", ranked=(Ranked(M365, (Source.MX,), OK),)),
    )
    window = open_form(make_window, detector)
    run_to_end(qtbot, window, detector)
    click(qtbot, window, "useCandidateButton")
    assert child(window, "presetCombo", QComboBox).currentData() == "microsoft365"
    assert child(window, "serverEdit", QLineEdit).text() == "tls://smtp.office365.com:587"
    assert window.form.uses_oauth()
    assert child(window, "oauthPanel").isVisible()
    assert not child(window, "passwordEdit", QLineEdit).isVisible()
    assert child(window, "userEdit", QLineEdit).text() == ADDRESS  # kept: no user name given


def test_a_foreign_candidate_shows_the_warning_before_it_can_be_used(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    live = FOREIGN  # the core flags it in every event, not only in the result
    detector = ScriptedDetector(
        [
            SourceEvent(Source.AUTOCONFIG, "autoconfig", Status.FOUND, "", (live,)),
            ProbeEvent(live, OK),
        ],
        Detection(ADDRESS, "example.co.jp", ranked=(Ranked(FOREIGN, (Source.AUTOCONFIG,), OK),)),
    )
    window = open_form(make_window, detector)
    server = child(window, "serverEdit", QLineEdit)
    server.setText("ssl://typed.example.co.jp:465")
    click(qtbot, window, "detectButton")
    detector.step(2)
    row = wait_rows(qtbot, window, 2)[1]
    assert window.detecting.job is not None  # still running: the warning does not wait for the end
    assert "⚠" in row and "この設定は example.net から取得しました" in row
    double_click_row(qtbot, window, 1)
    warning = child(window, "detectForeignWarning", QLabel)
    assert warning.isVisible()
    assert "mail.example.net" in warning.text() and "example.net" in warning.text()
    assert server.text() == "ssl://typed.example.co.jp:465"  # a double-click does not use it
    detector.step()
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=3000)
    assert "⚠" in texts(window)[1] and warning.isVisible()
    use = child(window, "useCandidateButton", QPushButton)
    assert use.text() == "この外部サーバーを使う"
    click(qtbot, window, "useCandidateButton")
    assert server.text() == "ssl://mail.example.net:465"
    assert child(window, "userEdit", QLineEdit).text() == "taro"
    assert shown_text(window, "detectOrigin").startswith(
        "この設定は example.net から取得しました。"
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("ja", "ユーザ名には Yahoo! JAPAN ID(「@」以降は付けない) を入力してください。"),
        ("en", "Type the user name yourself: Your Yahoo! JAPAN ID (without “@” and the domain)."),
    ],
)
def test_a_yahoo_japan_candidate_leaves_the_user_name_and_says_what_to_type(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str, said: str
) -> None:
    """The preset says the user name is the Yahoo ID: neither the address nor another source's
    guess (the ISPDB's local part) goes into the field."""
    address = "taro@yahoo.co.jp"
    yahoo = Candidate(
        "smtp.mail.yahoo.co.jp",
        465,
        Security.SSL,
        Source.PRESET,
        "yahoo.co.jp",
        username="taro",  # merged from the ISPDB's %EMAILLOCALPART%
        preset_id="yahoo_jp",
        provider="Yahoo! JAPAN",
    )
    detector = ScriptedDetector(
        [ProbeEvent(yahoo, OK)],
        Detection(address, "yahoo.co.jp", ranked=(Ranked(yahoo, (Source.PRESET,), OK),)),
    )
    window = make_window(detector=detector, lang=lang)
    user = child(window, "userEdit", QLineEdit)
    user.setText(address)
    run_to_end(qtbot, window, detector)
    click(qtbot, window, "useCandidateButton")
    assert child(window, "presetCombo", QComboBox).currentData() == "yahoo_jp"
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.mail.yahoo.co.jp:465"
    assert user.text() == address  # left as it was
    assert said in shown_text(window, "detectOrigin")


# --------------------------------------------------------------------------- the ISPDB switch


def test_the_ispdb_switch_is_sent_and_remembered(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    first = xserver_script()
    window = open_form(make_window, first)
    run_to_end(qtbot, window, first)  # builds the panel (ISPDB on by default)
    assert first.calls[0]["ispdb"] is True
    detector = window.detector = xserver_script(ispdb=False)
    check = child(window, "detectIspdbCheck", QCheckBox)
    note = child(window, "detectIspdbNote", QLabel)
    assert check.isChecked() and note.isVisible()
    assert "送られるのはメールアドレスのドメイン" in note.text()
    check.setChecked(False)
    run_to_end(qtbot, window, detector)
    assert detector.calls[0]["ispdb"] is False
    rows = [t for t in texts(window) if t.startswith("ISPDB")]
    assert rows == ["ISPDB: オフ"]
    path = config_dir / "preferences.json"
    qtbot.waitUntil(path.exists, timeout=3000)
    assert json.loads(path.read_text(encoding="utf-8")) == {"detect_ispdb": False}
    assert not (config_dir / "settings.json").exists()
    # a new window remembers it
    other = make_window(detector=xserver_script())
    child(other, "userEdit", QLineEdit).setText(ADDRESS)
    click(qtbot, other, "detectButton")
    assert not child(other, "detectIspdbCheck", QCheckBox).isChecked()
    qtbot.waitUntil(lambda: bool(other.detector.calls), timeout=3000)
    assert other.detector.calls[0]["ispdb"] is False
    click(qtbot, other, "detectButton")


def test_plain_http_is_allowed_for_one_lookup_only_and_never_remembered(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    first = xserver_script()
    window = open_form(make_window, first)
    run_to_end(qtbot, window, first)  # builds the panel: HTTPS only
    check = child(window, "detectAllowHttpCheck", QCheckBox)
    assert first.calls[0]["allow_http"] is False
    assert check.isVisible() and not check.isChecked()
    assert check.text() == "この検出に限り HTTP も使う"
    check.setChecked(True)
    allowed = window.detector = xserver_script()
    click(qtbot, window, "detectButton")
    qtbot.waitUntil(lambda: bool(allowed.calls), timeout=3000)
    assert allowed.calls[0]["allow_http"] is True
    assert check.isChecked() and not check.isEnabled()  # this lookup's choice, not to change now
    allowed.step(len(allowed.events) + 1)
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=3000)
    assert not check.isChecked() and check.isEnabled()  # unticked for the next one
    after = window.detector = xserver_script()
    run_to_end(qtbot, window, after)
    assert after.calls[0]["allow_http"] is False
    # cancelled: unticked too
    check.setChecked(True)
    cancelled = window.detector = xserver_script()
    click(qtbot, window, "detectButton")
    qtbot.waitUntil(lambda: bool(cancelled.calls), timeout=3000)
    click(qtbot, window, "detectButton")  # 中止
    assert not check.isChecked() and check.isEnabled()
    # never remembered: neither in the preferences nor in a new window
    prefs = config_dir / "preferences.json"
    assert not prefs.exists() or "http" not in prefs.read_text(encoding="utf-8")
    other = make_window(detector=xserver_script())
    child(other, "userEdit", QLineEdit).setText(ADDRESS)
    click(qtbot, other, "detectButton")
    assert not child(other, "detectAllowHttpCheck", QCheckBox).isChecked()
    qtbot.waitUntil(lambda: bool(other.detector.calls), timeout=3000)
    assert other.detector.calls[0]["allow_http"] is False
    click(qtbot, other, "detectButton")


def test_a_broken_preferences_file_counts_as_no_choice(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "preferences.json").write_text('{"detect_ispdb": "no"', encoding="utf-8")
    detector = xserver_script()
    window = open_form(make_window, detector)
    run_to_end(qtbot, window, detector)
    assert child(window, "detectIspdbCheck", QCheckBox).isChecked()
    assert detector.calls[0]["ispdb"] is True


# --------------------------------------------------------------------------- edges


def test_without_an_address_it_asks_for_one(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = xserver_script()
    window = make_window(detector=detector)
    child(window, "userEdit", QLineEdit).setText("taro")
    click(qtbot, window, "detectButton")
    assert "ユーザ名" in shown_text(window, "detectStatus")
    assert window.detecting.job is None and detector.calls == []
    assert child(window, "detectButton", QPushButton).text() == "メールアドレスから検出"


def test_a_detector_that_raises_ends_with_a_message(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    def broken(address: str, **kwargs: Any) -> Detection:
        raise RuntimeError("secret-ish text that is not shown")

    window = open_form(make_window, broken)
    click(qtbot, window, "detectButton")
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=3000)
    status = shown_text(window, "detectStatus")
    assert "RuntimeError" in status and "secret-ish" not in status
    assert child(window, "detectButton", QPushButton).text() == "メールアドレスから検出"


def test_no_candidate_can_be_used_while_a_test_runs(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    detector = xserver_script()
    window = open_form(make_window, detector)
    run_to_end(qtbot, window, detector)
    window.form.set_running(True)
    assert not child(window, "useCandidateButton", QPushButton).isEnabled()
    window.form.set_running(False)
    assert child(window, "useCandidateButton", QPushButton).isEnabled()


def test_the_button_sits_next_to_the_user_name(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(detector=xserver_script())
    button = child(window, "detectButton", QPushButton)
    user = child(window, "userEdit", QLineEdit)
    assert button.isVisible()
    assert button.parentWidget() is user.parentWidget()  # the user name's row
    assert (
        abs(
            button.mapTo(window, button.rect().center()).y()
            - user.mapTo(window, user.rect().center()).y()
        )
        < user.height()
    )


def test_texts_in_english(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    detector = xserver_script()
    window = open_form(make_window, detector, lang="en")
    button = child(window, "detectButton", QPushButton)
    assert button.text() == "Detect from address"
    click(qtbot, window, "detectButton")
    assert button.text() == "Stop"
    detector.step(len(detector.events) + 1)
    qtbot.waitUntil(lambda: window.detecting.job is None, timeout=3000)
    assert button.text() == "Detect from address"
    assert child(window, "detectIspdbCheck", QCheckBox).text() == "Also ask Thunderbird's ISPDB"
    assert child(window, "detectAllowHttpCheck", QCheckBox).text() == (
        "Allow plain HTTP for this lookup"
    )
    assert "Only the domain" in child(window, "detectIspdbNote", QLabel).text()
    click(qtbot, window, "useCandidateButton")
    assert shown_text(window, "detectOrigin").startswith(
        "This setting was taken from example.co.jp."
    )


def test_a_candidate_without_a_preset_selects_the_preset_of_its_server(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    gmail = Candidate("smtp.gmail.com", 465, Security.SSL, Source.ISPDB, "ispdb", ("OAuth2",))
    detector = ScriptedDetector(
        [ProbeEvent(gmail, OK)],
        Detection(ADDRESS, "example.co.jp", ranked=(Ranked(gmail, (Source.ISPDB,), OK),)),
    )
    window = open_form(make_window, detector)
    run_to_end(qtbot, window, detector)
    click(qtbot, window, "useCandidateButton")
    assert child(window, "serverEdit", QLineEdit).text() == "ssl://smtp.gmail.com:465"
    assert child(window, "presetCombo", QComboBox).currentData() == "gmail"
    assert window.form.uses_oauth()  # the ISPDB names OAuth2 only, and Google offers it
