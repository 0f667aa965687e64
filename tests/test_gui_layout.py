"""The window's layout: buttons always in view, sizes that fit the screen, one label column,
why Save is disabled, one family of icons (issue 13, "Layout")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import TestCerts
from gui_support import child, wait_error
from gui_window import (
    PASSWORD,
    USER,
    FaultFactory,
    choose_preset,
    click_save,
    fill,
    wait_running,
)
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow
from crm_mail_gui.ui.banner import failing_line
from crm_mail_gui.ui.icons import Icon, pixmap
from crm_mail_gui.ui.window_geometry import GEOMETRY_NAME, placed

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]

ROOT = Path(__file__).resolve().parents[1]


def window_rect(widget: QWidget, window: MainWindow) -> QRect:
    """`widget`'s rectangle in the window's coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def assert_in_view(window: MainWindow, *names: str) -> None:
    """Each named widget is shown whole: inside the window, not clipped, not in the scroll area."""
    for name in names:
        widget = child(window, name)
        assert widget.isVisible(), name
        assert window.rect().contains(window_rect(widget, window)), (name, window.size())
        assert widget.visibleRegion().boundingRect() == widget.rect(), name  # nothing clipped
        parent = widget.parentWidget()
        while parent is not None:  # it does not scroll away: no scroll area holds it
            assert not isinstance(parent, QScrollArea), name
            parent = parent.parentWidget()


def saved_settings(config_dir: Path) -> None:
    settings = build_settings({"server": "ssl://smtp.example.com:465", "user": USER, "from": USER})
    Store(config_dir).save(settings, PASSWORD)


# --------------------------------------------------------------------------- the buttons


def test_buttons_stay_in_view_with_the_banner_and_its_details_open(
    qtbot: QtBot, make_window: Callable[..., MainWindow], fault_server: FaultFactory
) -> None:
    """English, a failure with Details open: Save and the step list stay in view, even at the
    smallest window size; the transcript is bounded and scrolls itself."""
    window = make_window("en")
    server = fault_server("auth535")
    fill(window, f"tls://127.0.0.1:{server.port}", timeout=5)  # the advanced panel open too
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    qtbot.mouseClick(child(banner, "bannerDetailsButton", QPushButton), Qt.MouseButton.LeftButton)
    transcript = child(banner, "bannerTranscript", QPlainTextEdit)
    for size in (window.size(), window.minimumSize()):
        window.resize(size)
        qtbot.wait(30)
        assert transcript.isVisible()
        assert_in_view(window, "saveButton", "checkButton", "stepList")
    lines = transcript.fontMetrics().lineSpacing()
    assert transcript.height() <= 12 * lines + 2 * transcript.frameWidth() + 8


def test_buttons_stay_in_view_with_a_japanese_error_under_a_presets_notes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], fault_server: FaultFactory
) -> None:
    """Japanese, a preset's notes shown and a failure: Save in view; then Cancel of a running
    test in Japanese: Save and the step list in view again, not cut off."""
    window = make_window("ja")
    choose_preset(window, "gmail")
    assert child(window, "guidancePanel").isVisible()
    bad = fault_server("auth535")
    fill(window, f"tls://127.0.0.1:{bad.port}")
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    qtbot.mouseClick(child(banner, "bannerDetailsButton", QPushButton), Qt.MouseButton.LeftButton)
    assert_in_view(window, "saveButton", "stepList")

    silent = fault_server("silent")
    fill(window, f"tls://127.0.0.1:{silent.port}", timeout=10)
    click_save(qtbot, window)
    wait_running(qtbot, window)
    assert_in_view(window, "cancelTestButton", "stepList")
    qtbot.mouseClick(child(window, "cancelTestButton", QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sending.job is None, timeout=1000)
    window.resize(window.minimumSize())
    qtbot.wait(30)
    assert_in_view(window, "saveButton", "stepList")


def test_a_page_switch_is_laid_out_before_the_next_paint(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    """Back to the summary and Edit again: the scrolling area has its final size and scroll bar
    when the switch returns, before any event is processed (the frame paints the window once,
    not a layout with the old scroll bar first: bench_responsiveness.py)."""
    saved_settings(config_dir)
    window = make_window("en")
    child(window, "editButton", QPushButton).click()
    qtbot.wait(50)
    bar, viewport = window.scroll.verticalScrollBar(), window.scroll.viewport()
    # a height at which the pages need scrolling with the form's footer, and not without it
    needs = window.scroll.widget().minimumSizeHint().height()
    short = needs - window.form.footer.height() // 2
    window.resize(window.width(), window.height() - viewport.height() + short)
    qtbot.waitUntil(lambda: bar.isVisible(), timeout=1000)

    def layout() -> tuple[bool, int, int]:
        return bar.isVisible(), viewport.width(), child(window, "summaryView").width()

    with_bar = layout()
    child(window, "backButton", QPushButton).click()  # synchronous: no event processed yet
    at_once = layout()
    qtbot.wait(50)
    assert at_once == layout()
    assert not at_once[0] and at_once[1] > with_bar[1]  # the summary fits: no scroll bar
    child(window, "editButton", QPushButton).click()
    at_once = layout()
    qtbot.wait(50)
    assert at_once == layout() == with_bar


def test_a_new_banner_is_scrolled_into_view(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    fault_server: FaultFactory,
    certs: TestCerts,
) -> None:
    """Save clicked while the form is scrolled to its end: the failure's banner comes into view."""
    window = make_window("en")
    server = fault_server("auth535")
    fill(window, f"tls://127.0.0.1:{server.port}", certs)  # the advanced panel open
    window.resize(window.minimumSize())
    bar = window.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=1000)
    bar.setValue(bar.maximum())
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    viewport = window.scroll.viewport()
    qtbot.waitUntil(
        lambda: viewport.rect().contains(QPoint(0, banner.mapTo(viewport, QPoint(0, 0)).y())),
        timeout=1000,
    )


def test_the_footer_shows_with_the_form_only(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    saved_settings(config_dir)
    window = make_window("en")
    assert child(window, "summaryView").isVisible()
    assert window.form is None or not window.form.footer.isVisible()
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert_in_view(window, "saveButton", "backButton")
    qtbot.mouseClick(child(window, "backButton", QPushButton), Qt.MouseButton.LeftButton)
    assert not child(window, "saveButton").isVisible()


def test_the_transcript_opens_at_the_failing_line(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    fault_server: FaultFactory,
    certs: TestCerts,
) -> None:
    window = make_window("en")
    server = fault_server("auth535")
    fill(window, f"tls://127.0.0.1:{server.port}", certs)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    qtbot.mouseClick(child(banner, "bannerDetailsButton", QPushButton), Qt.MouseButton.LeftButton)
    transcript = child(banner, "bannerTranscript", QPlainTextEdit)
    qtbot.wait(30)
    block = transcript.textCursor().block()
    assert block.text().startswith("<~ 535 ")  # the refusal, not the first or last line
    shown = transcript.blockBoundingGeometry(block).translated(transcript.contentOffset())
    assert shown.top() >= 0 and shown.bottom() <= transcript.viewport().height()  # in view


def test_failing_line_is_the_first_line_of_the_last_refusal() -> None:
    from crm_mail_gui.core.errors import Failure, Kind, Step

    lines = ["<- 220 hi", " -> RCPT", "<- 550-no", "<- 550 really", "=== Failed: x"]
    assert failing_line(lines, Failure(Kind.RECIPIENT_REFUSED, Step.RCPT, code=550)) == 2
    assert failing_line(lines, Failure(Kind.TIMED_OUT, Step.CONNECT)) == 4  # no reply: the end
    assert failing_line([], None) == 0


# --------------------------------------------------------------------------- sizes


SIZES = """
import json, sys
from PySide6.QtWidgets import QApplication, QPushButton
app = QApplication(sys.argv[:1])
from PySide6.QtCore import QPoint, QRect
from crm_mail_gui.ui import create_main_window
def visible_whole(window, name):
    widget = window.findChild(QPushButton, name)
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect) and (
        widget.visibleRegion().boundingRect() == widget.rect())
window = create_main_window(sys.argv[1], lang=sys.argv[2])
window.show()
for _ in range(50):
    app.processEvents()
first = window.frameGeometry()
window.resize(window.minimumSize())
for _ in range(50):
    app.processEvents()
screen = window.screen().availableGeometry()
print(json.dumps({
    "screen": [screen.width(), screen.height()],
    "first": [first.x(), first.y(), first.width(), first.height()],
    "minimum": [window.width(), window.height()],
    "buttons": visible_whole(window, "saveButton"),
}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("width", "height"), [(1000, 1000), (1366, 768)], ids=["1000px-screen", "laptop"]
)
def test_at_200_percent_the_window_fits_the_screen(
    tmp_path: Path, lang: str, width: int, height: int
) -> None:
    """QT_SCALE_FACTOR=2: the first size fits the screen; the smallest size fits a 1366×768
    laptop (683×384), with Save in view."""
    screen = tmp_path / "screen.json"
    screens = [{"name": "s", "x": 0, "y": 0, "width": width, "height": height}]
    screen.write_text(json.dumps({"screens": screens}), encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "QT_SCALE_FACTOR": "2",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
    }
    result = subprocess.run(
        [sys.executable, "-c", SIZES, str(tmp_path / "config"), lang],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    sizes = json.loads(result.stdout.splitlines()[-1])
    screen_w, screen_h = sizes["screen"]
    assert (screen_w, screen_h) == (width // 2, height // 2)
    x, y, w, h = sizes["first"]
    assert x >= 0 and y >= 0 and x + w <= screen_w and y + h <= screen_h, sizes
    assert sizes["minimum"][0] <= 683 and sizes["minimum"][1] <= 384 - 40, sizes  # + title bar
    assert sizes["buttons"], sizes


def test_the_first_size_leaves_no_big_gap_above_the_buttons(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    """First run: the form, then little empty space, then the buttons (not ~330 px of it)."""
    window = make_window("ja")
    qtbot.waitUntil(lambda: child(window, "storeNote", QLabel).isVisible(), timeout=3000)
    last = max(
        window_rect(w, window).bottom()
        for w in window.form.findChildren(QWidget)
        if w.isVisible() and w.height() > 0
    )
    footer = window_rect(window.form.footer, window).top()
    assert 0 < footer - last < 10 * window.fontMetrics().lineSpacing()
    assert window.scroll.verticalScrollBar().maximum() == 0  # nothing hidden on first run


def test_the_window_remembers_its_size_and_position(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    saved_settings(config_dir)
    window = make_window("en")
    window.move(40, 30)
    window.resize(700, 500)
    assert window.close()
    stored = json.loads((config_dir / GEOMETRY_NAME).read_text(encoding="utf-8"))
    assert (stored["width"], stored["height"]) == (700, 500)
    again = make_window("en")
    assert (again.pos().x(), again.pos().y(), again.width(), again.height()) == (40, 30, 700, 500)


def test_a_position_off_every_screen_is_brought_back(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    saved_settings(config_dir)
    geometry = {"x": 30000, "y": -9000, "width": 5000, "height": 640}
    (config_dir / GEOMETRY_NAME).write_text(json.dumps(geometry), encoding="utf-8")
    window = make_window("en")
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry()), (window.frameGeometry(), screen)
    assert window.height() == 640  # what still fits is kept
    assert window.width() < 800


def test_the_geometry_is_not_written_before_a_first_save(
    qtbot: QtBot, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    window = make_window("en")
    assert window.close()
    assert not (config_dir / GEOMETRY_NAME).exists()  # a first run that gave up stores nothing


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (QRect(100, 100, 400, 300), QRect(100, 100, 400, 300)),  # on screen: kept
        (QRect(-100, 100, 400, 300), QRect(0, 100, 400, 300)),  # overhangs: moved in
        (QRect(700, 100, 400, 300), QRect(800, 100, 400, 300)),  # mostly on the second: there
        (QRect(5000, 5000, 400, 300), QRect(200, 150, 400, 300)),  # off every screen: centred
        (QRect(0, 0, 1200, 900), QRect(0, 0, 800, 600)),  # too big: shrunk
        (QRect(900, 50, 400, 300), QRect(900, 50, 400, 300)),  # on the second screen
    ],
)
def test_placed_keeps_a_window_on_a_screen(frame: QRect, expected: QRect) -> None:
    screens = [QRect(0, 0, 800, 600), QRect(800, 0, 1000, 800)]
    assert placed(frame, screens, screens[0]) == expected


# --------------------------------------------------------------------------- columns and rows


def field_left(window: MainWindow, name: str) -> int:
    return child(window, name).mapTo(window, QPoint(0, 0)).x()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_one_label_column_for_the_form_and_the_advanced_panel(
    qtbot: QtBot, make_window: Callable[..., MainWindow], lang: str
) -> None:
    window = make_window(lang)
    child(window, "advancedButton").setChecked(True)
    qtbot.wait(20)
    left = field_left(window, "serverEdit")
    for name in ("userEdit", "fromEdit", "testRecipientEdit", "caFileEdit", "oauthAuthorityEdit"):
        assert field_left(window, name) == left, name
    assert field_left(window, "timeoutSpin") == left
    choose_preset(window, "microsoft365")  # shows the "認証方式" row
    qtbot.wait(20)
    assert child(window, "authMethodCombo").isVisible()
    assert field_left(window, "authMethodCombo") == left
    assert field_left(window, "serverEdit") == left  # the column did not widen


def test_no_empty_row_under_a_field_without_a_message(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("en")
    fill(window, "ssl://mail.example.jp:465")
    server = child(window, "serverEdit", QLineEdit)
    user = child(window, "userEdit", QLineEdit)
    server.setText("mail.example.jp:25")  # the unencrypted warning under the field
    assert child(window, "serverEditMessage", QLabel).isVisible()
    server.setText("ssl://mail.example.jp:465")  # no message any more
    password = child(window, "passwordEdit", QLineEdit)

    def gaps() -> tuple[int, int]:
        below_server = user.mapTo(window, QPoint(0, 0)).y() - window_rect(server, window).bottom()
        below_user = password.mapTo(window, QPoint(0, 0)).y() - window_rect(user, window).bottom()
        return below_server, below_user

    qtbot.waitUntil(lambda: gaps()[0] == gaps()[1], timeout=1000)  # as between any two fields
    assert window.form.server_row.height() == server.height()


# --------------------------------------------------------------------------- why Save is disabled


def test_save_blocked_reason_names_the_fields_in_japanese(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("ja")
    reason = child(window, "saveBlockedReason", QLabel)
    save = child(window, "saveButton", QPushButton)
    assert not save.isEnabled()
    assert reason.isVisible()
    assert reason.text() == "入力が必要です: サーバ名、ユーザ名、パスワード、差出人"
    for name in ("サーバ名", "ユーザ名", "パスワード", "差出人"):
        assert f"• {name}: " in save.toolTip()
    assert_in_view(window, "saveBlockedReason")

    fill(window, "ssl://smtp.example.com:465", from_addr="Evil <a@b>")
    assert reason.text() == "修正が必要です: 差出人"
    assert "差出人: メールアドレスだけ" in save.toolTip()
    child(window, "fromEdit", QLineEdit).setText(USER)
    assert save.isEnabled() and not reason.isVisible()


def test_save_blocked_reason_names_the_fields_in_english(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("en")
    reason = child(window, "saveBlockedReason", QLabel)
    assert reason.text() == "Required: Server name, User name, Password, From"
    child(window, "serverEdit", QLineEdit).setText("ssl://smtp.example.com:70000")
    child(window, "userEdit", QLineEdit).setText(USER)
    assert reason.text() == "Required: Password, From\nTo correct: Server name"
    tooltip = child(window, "saveButton", QPushButton).toolTip()
    assert "• Server name: Port 70000 is out of range (1 to 65535)." in tooltip
    fill(window, "ssl://smtp.example.com:465")
    assert not reason.isVisible()


# --------------------------------------------------------------------------- icons


def same_picture(label: QLabel, kind: Icon, size: int) -> bool:
    expected = pixmap(kind, size, label.devicePixelRatioF()).toImage()
    return label.pixmap().toImage() == expected


def test_banner_steps_and_dialog_share_one_family_of_icons(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    fault_server: FaultFactory,
    certs: TestCerts,
) -> None:
    window = make_window("en")
    server = fault_server("auth535")
    fill(window, f"tls://127.0.0.1:{server.port}", certs)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    assert same_picture(banner.icon, Icon.ERROR, 24)
    steps = window.form.stepList
    size = steps.labels[0].fontMetrics().height()
    assert same_picture(child(steps, "step0Icon", QLabel), Icon.SUCCESS, size)
    assert same_picture(child(steps, "step2Icon", QLabel), Icon.ERROR, size)
    assert same_picture(child(steps, "step3Icon", QLabel), Icon.PENDING, size)

    from crm_mail_gui.ui.dialogs import SuccessDialog

    dialog = SuccessDialog(USER, "ssl://smtp.example.com:465", window)
    qtbot.addWidget(dialog)
    assert same_picture(child(dialog, "successIcon", QLabel), Icon.SUCCESS, 32)
