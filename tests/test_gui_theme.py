"""Dark and light: every visible text has WCAG AA contrast (>= 4.5:1) against what is behind it.

The background is read from the rendered window (the colour most pixels of the widget have), the
text colour from the widget's palette after its style sheet is applied (and from the colours
named in rich text); each text colour must also be found among the rendered pixels, so what is
measured is what is drawn.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gui_support import child
from gui_window import choose_preset
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow, theme
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.steps import StepState

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("restored_language")]

AA = 4.5
COLOUR_IN_MARKUP = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * (channel(colour.blue()))
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1..21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_wcag() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(QColor("#c62828"), QColor("#c62828")) == pytest.approx(1)


@pytest.fixture(params=[theme.Scheme.LIGHT, theme.Scheme.DARK], ids=["light", "dark"])
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[theme.Scheme]:
    """The application in this scheme for the test; style and palette put back afterwards."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    theme.force_scheme(request.param)
    yield request.param
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme.restyle_all()


def pixels(image: QImage, widget: QWidget, top: QWidget) -> Counter[int]:
    """The rendered colours (0xRRGGBB) of `widget`'s rectangle in `image` (a grab of `top`)."""
    origin = widget.mapTo(top, QPoint(0, 0))
    x0, y0 = max(origin.x(), 0), max(origin.y(), 0)
    x1 = min(origin.x() + widget.width(), image.width())
    y1 = min(origin.y() + widget.height(), image.height())
    data = bytes(image.constBits())
    line = image.bytesPerLine()
    counts: Counter[int] = Counter()
    for y in range(y0, y1):
        row = array("I", data[y * line + x0 * 4 : y * line + x1 * 4])
        counts.update(value & 0xFFFFFF for value in row)
    return counts


def text_colours(widget: QWidget) -> list[QColor]:
    """The colours `widget` draws its text in: its palette's, and any named in its markup."""
    widget.ensurePolished()
    role = QPalette.ColorRole.ButtonText if isinstance(widget, QAbstractButton) else None
    colours = [widget.palette().color(role or widget.foregroundRole())]
    if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
        colours += [QColor(c) for c in COLOUR_IN_MARKUP.findall(widget.text())]
    return colours


def has_text(widget: QWidget) -> bool:
    if isinstance(widget, QLabel):
        return bool(widget.text().strip()) and widget.pixmap().isNull()
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().strip())
    return False


def flat(widget: QWidget) -> bool:
    """Text drawn straight on what is behind it (a label, a check box, a flat tool button)."""
    if isinstance(widget, QToolButton):
        return widget.autoRaise() and not widget.isDown()
    return isinstance(widget, (QLabel, QCheckBox))


def drawn_check(counts: Counter[int], colour: QColor, background: QColor, what: str) -> None:
    """The text colour measured is what was drawn: a rendered pixel has (almost) that colour.

    Anti-aliased glyphs have few fully covered pixels; with thin strokes (× and …) the darkest
    pixel may be a blend, so there the drawn text need only stand out (3:1, not AA).
    """
    rgb = colour.getRgb()[:3]
    closest = min(
        counts,
        key=lambda c: sum(abs(a - b) for a, b in zip(QColor(c).getRgb()[:3], rgb, strict=True)),
    )
    strongest = max(counts, key=lambda c: contrast(QColor(c), background))
    drawn = contrast(QColor(strongest), background)
    assert contrast(QColor(closest), colour) < 1.3 or (drawn >= 3 and len(what.strip()) <= 2), (
        what,
        colour.name(),
        QColor(closest).name(),
        background.name(),
    )


def low_contrast_texts(top: QWidget) -> list[str]:
    """Every visible, enabled text of `top` below AA, described (empty when all pass)."""
    QApplication.processEvents()
    image = top.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    found = []
    checked = 0
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or not widget.isEnabled() or not has_text(widget):
            continue
        if widget.visibleRegion().isEmpty():
            continue  # scrolled out of the scroll area's view (under the buttons): not drawn
        name = widget.objectName() or type(widget).__name__
        text = widget.text()[:40]  # type: ignore[attr-defined]
        if flat(widget):
            counts = pixels(image, widget, top)
            if not counts:
                continue  # scrolled out of the grab: nothing drawn
            background = QColor(counts.most_common(1)[0][0])
        else:  # a push button: its own face behind the text
            widget.ensurePolished()
            background = widget.palette().color(QPalette.ColorRole.Button)
            counts = None
        for colour in text_colours(widget):
            ratio = contrast(colour, background)
            if counts is not None:
                drawn_check(counts, colour, background, text)
            checked += 1
            if ratio < AA:
                found.append(
                    f"{name} {text!r}: {colour.name()} on {background.name()} = {ratio:.2f}"
                )
    assert checked >= 3, "nothing was measured"
    return found


# ------------------------------------------------------------------------------- the states


def test_idle_form_and_description(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow], lang: str = "ja"
) -> None:
    window = make_window(lang)
    window.form.set_store_note(window.tr("The password is kept only in GNOME キーリング."))
    assert window.form.storeNote.isVisible()
    assert low_contrast_texts(window) == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_field_error_and_warning(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow], lang: str
) -> None:
    window = make_window(lang)
    server = child(window, "serverEdit", QLineEdit)
    server.setText("ssl://")  # an error under the server name
    child(window, "userEdit", QLineEdit).setText("a@example.jp")
    child(window, "fromEdit", QLineEdit).setText("from with spaces")
    message = child(window, "serverEditMessage", QLabel)
    assert message.isVisible() and window.form.server_row.state == "error"
    assert low_contrast_texts(window) == []
    child(window, "fromEdit", QLineEdit).setText("a@example.jp")
    child(window, "passwordEdit", QLineEdit).setText("secret")
    server.setText("mail.example.jp:25")  # a plain connection: a warning
    assert window.form.server_row.state == "warning"
    assert low_contrast_texts(window) == []


@pytest.mark.parametrize("kind", list(BannerKind))
def test_banners_and_their_close_button(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow], kind: BannerKind
) -> None:
    window = make_window("ja")
    window.errorBanner.show_message(
        kind,
        "認証に失敗しました(535)。",
        "手順: 認証\nサーバーの応答: 535 5.7.8 Authentication credentials invalid",
        transcript="S: 220 ready\nC: EHLO x\nS: 535 5.7.8 no",
        action="server:ssl://h:465",
        action_text="ssl://h:465 を使う",
    )
    banner = window.errorBanner
    assert banner.close_button.isVisible() and banner.close_button.text() == "×"
    assert low_contrast_texts(window) == []


def test_step_list_in_every_state(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window("en")
    steps = window.form.stepList
    steps.show()
    for index, state in enumerate((StepState.OK, StepState.FAIL, StepState.RUNNING)):
        steps._set(index, state)
    steps._set(3, StepState.PENDING)
    assert low_contrast_texts(window) == []
    steps._set(3, StepState.SKIPPED)
    steps._set(0, StepState.OK)
    assert low_contrast_texts(window) == []


@pytest.mark.parametrize("preset", ["xserver", "sakura", "gmail", "microsoft365"])
def test_provider_notes_offer_and_oauth_panel(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow], preset: str
) -> None:
    window = make_window("ja")
    choose_preset(window, preset)
    assert child(window, "guidancePanel", QLabel).isVisible()
    child(window, "userEdit", QLineEdit).setText("someone@gmail.com")  # the offer (if another)
    assert low_contrast_texts(window) == []


def test_summary_view(
    scheme: theme.Scheme, make_window: Callable[..., MainWindow], config_dir: Path
) -> None:
    settings = build_settings(
        {"server": "ssl://smtp.example.jp:465", "user": "a@example.jp", "from": "a@example.jp"}
    )
    Store(config_dir).save(settings, "secret")
    window = make_window("ja")
    assert child(window, "summaryPath", QLabel).isVisible()
    assert low_contrast_texts(window) == []


@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
def test_success_dialog(scheme: theme.Scheme, qtbot: QtBot) -> None:
    from crm_mail_gui.ui.dialogs import SuccessDialog

    dialog = SuccessDialog("bob@example.org", "ssl://smtp.example.jp:465")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert low_contrast_texts(dialog) == []


# ------------------------------------------------------------------ following palette changes


def test_the_window_follows_a_palette_change_without_restart(
    qapp: QApplication, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    """The system (or anyone) changes the application palette: colours follow at once."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    try:
        theme.force_scheme(theme.Scheme.LIGHT)
        window = make_window("ja")
        window.errorBanner.show_message(BannerKind.ERROR, "接続できません。", "手順: 接続")
        qtbot.waitUntil(lambda: window.palette_watcher is not None, timeout=3000)
        light = window.errorBanner.styleSheet()
        assert theme.COLORS["error_bg"][0] in light
        qapp.setPalette(theme.palette_for(theme.Scheme.DARK))  # not force_scheme: the watcher
        qtbot.waitUntil(lambda: theme.COLORS["error_bg"][1] in window.errorBanner.styleSheet())
        assert low_contrast_texts(window) == []
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)
        theme.restyle_all()
    qtbot.waitUntil(lambda: theme.COLORS["error_bg"][0] in window.errorBanner.styleSheet())


@pytest.mark.parametrize("system", [theme.Scheme.DARK, theme.Scheme.LIGHT])
def test_a_style_that_ignores_the_system_scheme_gets_its_palette(
    qapp: QApplication,
    make_window: Callable[..., MainWindow],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system: theme.Scheme,
) -> None:
    """colorSchemeChanged with a palette of the other scheme: Fusion with the system's scheme."""
    style, palette = qapp.style().name(), QPalette(qapp.palette())
    other = theme.Scheme.LIGHT if system is theme.Scheme.DARK else theme.Scheme.DARK
    try:
        theme.force_scheme(other)
        window = make_window("en")
        qtbot.waitUntil(lambda: window.palette_watcher is not None, timeout=3000)
        monkeypatch.setattr(theme, "system_scheme", lambda: system)  # what the platform says
        window.palette_watcher.scheme_changed()  # as QStyleHints.colorSchemeChanged calls it
        assert theme.scheme() is system
        qtbot.waitUntil(lambda: theme.is_dark(window.palette()) == (system is theme.Scheme.DARK))
        assert low_contrast_texts(window) == []
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)
        theme.restyle_all()


def test_every_colour_pair_is_chosen_by_the_palette(scheme: theme.Scheme) -> None:
    column = 1 if scheme is theme.Scheme.DARK else 0
    assert theme.scheme() is scheme
    assert theme.color("error") == theme.COLORS["error"][column]
    assert theme.fill("a { color: {muted}; } {not_a_colour}") == (
        f"a {{ color: {theme.COLORS['muted'][column]}; }} {{not_a_colour}}"
    )


@pytest.mark.parametrize("column", [0, 1], ids=["light", "dark"])
def test_status_icon_colours_stand_out_in_both_schemes(column: int) -> None:
    """Non-text contrast (WCAG 1.4.11, >= 3:1): icons on the window and banners, marks on icons."""
    window = QColor(theme.palette_for(theme.Scheme(("light", "dark")[column])).window().color())
    backgrounds = [window] + [QColor(theme.COLORS[f"{k}_bg"][column]) for k in BannerKind]
    mark = QColor(theme.COLORS["icon_mark"][column])
    for name, pair in theme.COLORS.items():
        if name.startswith("icon_") and name != "icon_mark":
            icon = QColor(pair[column])
            assert min(contrast(icon, b) for b in backgrounds) >= 3, name
            assert contrast(mark, icon) >= 3, name


def test_no_colour_is_hard_coded_outside_the_theme() -> None:
    ui = Path(theme.__file__).parent
    hex_colour = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b|QColor\(")
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in ui.glob("*.py")
        if path.name != "theme.py"
        for line in path.read_text(encoding="utf-8").splitlines()
        if hex_colour.search(line.split("  #")[0])
    ]
    assert offenders == []


def test_push_buttons_are_not_measured_on_the_window() -> None:
    """A push button draws its own face: its text is measured against it (guards `flat`)."""
    assert not flat(QPushButton("x"))
