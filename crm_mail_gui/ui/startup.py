"""Start-up: the window's first paint, then its idle work. Every start-up rule lives here.

Each rule was measured with `benchmarks/bench_startup.py --instructions` (instructions until the
window is shown; the cost is what breaking the rule adds; details in benchmarks/README.md):

1. **No `Qt` namespace before the first paint** (+115 M). PySide6 builds ~95 enum classes the
   first time `PySide6.QtCore.Qt` is touched. Widgets on the first paint set enum properties by
   key name (`ui.qt_props.set_enum`); `Qt` is built here, in the idle work.
   Tested: tests/test_gui_startup.py::test_first_paint_builds_no_qt_namespace.
2. **No Python event handler before the first paint** (+12 M). The first event PySide6 hands to
   Python code builds the 179-member `QEvent.Type` enum: the window starts its idle work from
   `setVisible` (not `showEvent`) and no widget of the first paint overrides an event method
   (`fields.NoteLabel` overrides heightForWidth only). Tested: the same test, `QEvent`.
3. **`core/records.py` instead of dataclasses** on the way to the window (+37 M).
   Tested: tests/test_records.py::test_the_window_path_does_not_import_dataclasses.
4. **No argument parser when started without arguments** (+15 M; `cli.main`).
5. **Garbage collection paused** from `cli.main` until the window is on screen, then resumed with
   `gc.freeze()` (+10 M; `resume_garbage_collection`).
6. **PySide6's import hook reads no source** (+?? M). Once PySide6 is loaded, its `__feature__`
   support asks of every module an import statement names, the first time, whether it uses
   PySide6, by reading its whole source (`inspect.getsource`, PYSIDE-2029): ~570 kB of ours and
   the standard library's. It answers from the module's namespace
   instead (ui/pyside_hook.py, imported first by ui/__init__.py; only `from __feature__
   import …` depends on the answer, and nothing here uses it).
   Tested: tests/test_gui_startup.py::test_the_import_hook_reads_no_source.
7. **Nothing slow before the first paint**: the credential store (keyring: 0.1–0.25 s, more
   with a slow D-Bus) and `core.connection` (ssl) load in jobs after it (`ui.jobs`).
8. **The advanced panel is built when first opened** (+5 M first run: PySide6 loads the
   `QSpinBox` type with it): `SettingsForm.ensure_advanced()`, called by its button (also when
   the loaded settings use it). Until then the form reads the timeout, CA file and authority
   from the settings it was loaded with (`advanced_panel.advanced_values`), the one source the
   panel itself loads from. The provider notes, the preset offer and the step list are built
   with the form (measured: the `QSizePolicy` type of their labels, 3.5 M; all three lazy,
   11 M: not worth the guards).
   Tested: tests/test_gui_startup.py::test_first_paint_builds_no_qt_namespace (first run).
9. **The email package loads with the first address that is not plain** (+52 M first run:
   `email.policy` pulls in `email.utils`, `socket`, `datetime`, `calendar`, `locale`, …):
   `core.settings.reads_back` answers plain addresses (`crm@example.co.jp`) itself and imports
   the email package for any other. A first run's empty form and stored settings with plain
   addresses load none of it; the idle work loads it with the worker, before the first Save.
   Tested: the same test (first run); tests/test_settings_reads_back.py.

10. **Nothing else the first paint does not need** (−13 M first run, measured together): the
   argument parser (`cli_parser`, imported by `cli.parse_arguments` only with arguments), the
   display widths of the command line's tables, the date module (with a recorded last test),
   idna's IDNA 2008 tables (`core.address`: only for a name that is not plain ASCII) and the
   findChildren walk that named fields (`advanced_panel.add_row` names each field as it makes
   its row: the walk wrapped every child object for Python, −26 M).
   Tested: the same test (idna, datetime, cli_parser).
11. **A word-wrapped label measures its text once per width** (−7 M first run): QLabel lays
   its whole text out again for every heightForWidth, and the layouts ask ~20 times while the
   window first opens (the subtitle in Japanese: ~1 M instructions each). `fields.NoteLabel`
   keeps the heights per width for its current text and font.
   Tested: tests/test_gui_form.py::test_note_label_measures_once_per_width_text_and_font.
12. **No style sheet on a hidden widget** (−4 M first run): a style sheet costs its parse and
   style even on a widget nobody sees. The provider's notes, the preset offer and the step
   list's arrows get theirs when first shown (`theme.set_style` there; it does nothing when
   the style is already set). Measured, kept: the bold 18 px heading (+10 M: the bold face and
   another size of the Japanese font) and the palette read by `theme.is_dark` (+3 M).
13. **Texts are rendered when shown**: field and server-name errors format their English
   `str()` only when asked (an empty first-run form raises four of them), and the catalogue
   keeps each area it has loaded (`core.messages.area_texts`) (−8 to −10 M first run together
   with compiling `core.settings`' patterns on first use and validating the form once on load).

The idle work runs in separate timer slots after the first exposure, so that input is handled
in between: the application icon and `Qt` (~50 ms), then the credential store job, then what the
first Save needs (the worker, the failure kinds, the dialogs), then following the system's colour
scheme (ui.theme: an event filter, so not before the first paint) and the screen-reader roles
(ui.accessibility: QAccessible's enums, 8-16 ms).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from crm_mail_gui.core.resources import resource_path

AFTER_PAINT_DELAY_MS = 100  # idle work starts this much after the window is first on screen
IDLE_SLOT_SPACING_MS = 50  # between the later idle slots: input and paint in between
EXPOSE_POLL_MS, EXPOSE_POLLS = 10, 100  # how the first exposure is awaited (at most ~1 s)


class FirstExposure:
    """Waits (polling, no event handler: rule 2) until `window` is on screen, then runs `then`."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        self._window = window
        self._then = then
        self._polls: int | None = None  # None until first shown
        self.cancelled = False

    @property
    def started(self) -> bool:
        """True once the window was first shown."""
        return self._polls is not None

    def start(self) -> None:
        """Call from the window's setVisible(True): the first time, start waiting."""
        if self._polls is None:
            self._polls = EXPOSE_POLLS
            self._poll()

    def _poll(self) -> None:
        if self.cancelled:
            return
        if not self._window.isVisible():  # closed or hidden before it was ever on screen:
            self._polls = None  # start again when shown; never `then` for a closed window
            return
        handle = self._window.windowHandle()
        if (handle is None or not handle.isExposed()) and self._polls:
            self._polls -= 1
            QTimer.singleShot(EXPOSE_POLL_MS, self._window, self._poll)  # dies with the window
            return
        self._then()


def schedule_idle_work(window: QWidget, *slots: Callable[[], None]) -> None:
    """Run `slots` one by one in their own timer slots after the first exposure.

    The icon and `Qt` first, then the others, each apart from the previous one (the credential
    store job holds the GIL while importing and would stretch a slot next to it); slots due at
    the same time would run in one timer pass, with no input handled between them.
    """
    QTimer.singleShot(AFTER_PAINT_DELAY_MS // 2, build_qt_enums_and_icon)
    for number, slot in enumerate(slots):
        if number == 0:
            delay = AFTER_PAINT_DELAY_MS * 3 // 2
        else:
            delay = AFTER_PAINT_DELAY_MS * 4 + IDLE_SLOT_SPACING_MS * (number - 1)
        QTimer.singleShot(delay, window, slot)


def draw_once(widget: QWidget, width: int) -> None:
    """Idle work: lay out and draw a hidden `widget` once, off screen, at `width`.

    Its first showing (the step list at the first click, the summary after the first Save) then
    finds its styles polished and its fonts and glyphs loaded: it only paints.
    """
    from PySide6.QtGui import QPixmap

    widget.ensurePolished()
    widget.resize(width, max(widget.sizeHint().height(), 1))
    canvas = QPixmap(widget.size() * widget.devicePixelRatioF())
    canvas.setDevicePixelRatio(widget.devicePixelRatioF())
    widget.render(canvas)


def build_qt_enums_and_icon() -> None:
    """Idle work after the first paint: the application icon, PySide6's `Qt` enum classes.

    Windows and macOS show the executable's or bundle's icon until then; building PySide6's
    `Qt` enums (~50 ms, rule 1) now spares the first click or key press that wait.
    """
    from PySide6.QtCore import Qt  # noqa: F401  (importing it builds the enum classes)
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    icon = resource_path("icons", "app.png")
    if icon.exists() and QApplication.windowIcon().isNull():
        QApplication.setWindowIcon(QIcon(str(icon)))  # every window, dialogs included


def resume_garbage_collection() -> None:
    """Collect garbage again once the window is on screen, if the start paused it (rule 5).

    Start-up makes long-lived objects only (modules, classes, PySide6's type data, the window);
    collecting while making them found nothing and cost ~9 M instructions. `gc.freeze()` keeps
    them out of every later collection as well, which shortens the pauses of the running window.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
