"""The window's colours: one pair (light, dark) per use, chosen by the palette in effect.

Every colour of the window comes from here. A widget styled with `set_style` (a style sheet) or
`set_rich_text` (markup) keeps its template in a property; `restyle_all` fills the templates
again with the colours of the current scheme, so the window follows a palette change (the
system's colour scheme, or `force_scheme`) without a restart. `{name}` in a template stands for
the colour `name` of COLORS.

Which scheme: the palette's window colour decides (dark when its lightness is below half), so the
colours always fit the background they are drawn on, whether the platform's style follows the
system's scheme or not. `follow_system_scheme` (idle work after the first paint) reacts to
`QStyleHints.colorSchemeChanged` and applies Fusion with a dark or light palette when the style
ignores the system's scheme. `force_scheme` is the one way tests and scripts/screenshots.py
choose a scheme (under QT_QPA_PLATFORM=offscreen the platform has no scheme to follow).

Every text colour pair was checked against its background in both schemes for WCAG AA
(contrast >= 4.5:1): tests/test_gui_theme.py.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QPalette


class Scheme(StrEnum):
    """A colour scheme."""

    LIGHT = "light"
    DARK = "dark"


# name: (light, dark). Text colours are for the window background (Fusion #efefef / DARK_WINDOW)
# unless their name says which background they go with.
COLORS: dict[str, tuple[str, str]] = {
    "muted": ("#555555", "#b8b8b8"),  # descriptions, the store note, the settings file
    "error": ("#c62828", "#ff8a80"),  # field messages and borders
    "warning": ("#a84a00", "#ffb74d"),
    "success": ("#1b5e20", "#81c784"),
    "running": ("#1565c0", "#90caf9"),
    "pending": ("#5c5c5c", "#b0b0b0"),  # step list: not yet run, skipped, the arrows
    # banners: background, accent (border), text
    "error_bg": ("#fdecea", "#3b1c1c"),
    "error_accent": ("#c62828", "#ef5350"),
    "error_text": ("#5f1212", "#ffdad6"),
    "warning_bg": ("#fff4e5", "#3a2a12"),
    "warning_accent": ("#ef6c00", "#ffa726"),
    "warning_text": ("#5d3300", "#ffe0b2"),
    "success_bg": ("#e8f5e9", "#1b3320"),
    "success_accent": ("#2e7d32", "#66bb6a"),
    "success_text": ("#133d17", "#d4f5d6"),
    # the provider's notes (guidance) and the preset offer
    "note_bg": ("#e3f2fd", "#14283d"),
    "note_border": ("#90caf9", "#3d6a99"),
    "note_text": ("#0d2a4a", "#dcebfa"),
    "note_warning": ("#8a3c00", "#ffcc80"),  # the "not confirmed" line on note_bg
    "offer_bg": ("#f3e5f5", "#33203a"),
    # status icons (non-text: >= 3:1 on the window and the banners), the mark drawn on them
    "icon_error": ("#c62828", "#ef5350"),
    "icon_warning": ("#e65100", "#ffa726"),
    "icon_success": ("#2e7d32", "#66bb6a"),
    "icon_info": ("#1565c0", "#64b5f6"),
    "icon_pending": ("#757575", "#9e9e9e"),
    "icon_mark": ("#ffffff", "#1e1e1e"),
    # the OAuth2 panel
    "panel_bg": ("#f7f8fd", "#23263a"),
    "panel_border": ("#c5cae9", "#4a5080"),
}

DARK_WINDOW = "#2b2b2b"

STYLE_PROPERTY = "themeStyle"  # the style-sheet template of a widget styled by set_style
TEXT_PROPERTY = "themeText"  # the markup template of a label filled by set_rich_text

_TOKEN = re.compile(r"\{([a-z_]+)\}")


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette in effect (or `palette`) has a dark window background."""
    if palette is None:
        palette = QApplication.palette()
    return palette.window().color().lightness() < 128


def scheme() -> Scheme:
    """The scheme of the palette in effect."""
    return Scheme.DARK if is_dark() else Scheme.LIGHT


def color(name: str) -> str:
    """The colour `name` for the scheme in effect, e.g. "#c62828"."""
    return COLORS[name][1 if is_dark() else 0]


def fill(template: str) -> str:
    """Replace every `{name}` of COLORS in `template` by its colour (other braces stay)."""
    column = 1 if is_dark() else 0
    return _TOKEN.sub(
        lambda m: COLORS[m[1]][column] if m[1] in COLORS else m[0],
        template,
    )


def set_style(widget: QWidget, template: str) -> None:
    """Give `widget` the style sheet `template` filled with the current colours (and later ones)."""
    if widget.property(STYLE_PROPERTY) == template and widget.styleSheet() == fill(template):
        return  # restyling is costly: only when the look changes
    widget.setProperty(STYLE_PROPERTY, template)
    widget.setStyleSheet(fill(template))


def set_rich_text(label: QWidget, template: str) -> None:
    """Show the markup `template` in `label` (a QLabel), coloured for the current scheme."""
    label.setProperty(TEXT_PROPERTY, template)
    label.setText(fill(template))


def restyle(widget: QWidget) -> None:
    """Fill the templates of `widget` again (after the scheme changed).

    Any style sheet is set again, templates or not: a widget with a style sheet keeps the
    palette it was polished with (a heading would stay black on a dark window) until then.
    """
    style = widget.property(STYLE_PROPERTY)
    sheet = fill(style) if style else widget.styleSheet()
    if sheet:
        widget.setStyleSheet(sheet)
    text = widget.property(TEXT_PROPERTY)
    if text:
        widget.setText(fill(text))  # type: ignore[attr-defined]


def restyle_all() -> None:
    """Fill the templates of every widget of the application again."""
    for widget in QApplication.allWidgets():
        restyle(widget)


def palette_for(wanted: Scheme) -> QPalette:
    """Fusion's palette for `wanted`: its own light one, or a dark one of the same roles."""
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QStyleFactory

    fusion = QStyleFactory.create("Fusion")
    palette = fusion.standardPalette()
    if wanted is Scheme.LIGHT:
        return palette
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: DARK_WINDOW,
        role.WindowText: "#e8e8e8",
        role.Base: "#1e1e1e",
        role.AlternateBase: "#333333",
        role.ToolTipBase: "#3a3a3a",
        role.ToolTipText: "#e8e8e8",
        role.PlaceholderText: "#9e9e9e",
        role.Text: "#e8e8e8",
        role.Button: "#3a3a3a",
        role.ButtonText: "#e8e8e8",
        role.BrightText: "#ff8a80",
        role.Light: "#505050",
        role.Midlight: "#404040",
        role.Mid: "#303030",
        role.Dark: "#202020",
        role.Shadow: "#000000",
        role.Highlight: "#3d7fc4",
        role.HighlightedText: "#ffffff",
        role.Link: "#90caf9",
        role.LinkVisited: "#ce93d8",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    for colour_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, colour_role, QColor("#7a7a7a"))
    palette.setColor(group.Disabled, role.Base, QColor("#262626"))
    palette.setColor(group.Disabled, role.Button, QColor("#303030"))
    return palette


def force_scheme(wanted: Scheme | str, app: QApplication | None = None) -> None:
    """Show the application in `wanted` from now on: Fusion with its palette, widgets restyled.

    The one way for tests and scripts/screenshots.py (which run where no system scheme exists)
    and what follow_system_scheme applies when the platform's style ignores the system's scheme.
    """
    app = app or QApplication.instance()
    assert isinstance(app, QApplication)
    wanted = Scheme(wanted)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette_for(wanted))
    restyle_all()


class PaletteWatcher(QObject):
    """Restyles every widget when the application's palette changes (event filter on a window).

    Installed after the first paint (ui.startup, rule 2: no Python event handler before it).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._pending = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On ApplicationPaletteChange, restyle once the event loop is free again."""
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.ApplicationPaletteChange and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self._restyle)
        return False

    def _restyle(self) -> None:
        self._pending = False
        restyle_all()

    def scheme_changed(self, *_args: object) -> None:
        """The system's colour scheme changed: make sure the palette follows it."""
        match_system_scheme()


def system_scheme() -> Scheme | None:
    """The system's colour scheme (Qt 6.5+), or None when the platform does not say."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    value = QGuiApplication.styleHints().colorScheme()
    if value == Qt.ColorScheme.Dark:
        return Scheme.DARK
    if value == Qt.ColorScheme.Light:
        return Scheme.LIGHT
    return None


def match_system_scheme() -> None:
    """If the system's scheme and the palette in effect differ (a style that ignores it), apply it."""
    wanted = system_scheme()
    if wanted is not None and wanted is not scheme():
        force_scheme(wanted)


def follow_system_scheme(window: QWidget) -> PaletteWatcher:
    """From now on `window` follows the system's colour scheme and every palette change."""
    from PySide6.QtGui import QGuiApplication

    watcher = PaletteWatcher(window)
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(watcher.scheme_changed)  # ends with the watcher
    match_system_scheme()
    return watcher
