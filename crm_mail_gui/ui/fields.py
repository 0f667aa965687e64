"""A form field with its message line under it, marked when invalid or warned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm_mail_gui.ui import theme
from crm_mail_gui.ui.qt_props import set_enum

if TYPE_CHECKING:  # the line edit and push button types load with the form
    from PySide6.QtGui import QResizeEvent
    from PySide6.QtWidgets import QLineEdit, QPushButton

# Style sheets only on the widgets that show a state: one on the whole form would put every
# widget of it through the (slower) style-sheet style, from the first paint on.
EDITOR_STYLES = {  # with colours of ui.theme
    "error": "QLineEdit { border: 2px solid {error}; border-radius: 3px; padding: 2px; }",
    "warning": "QLineEdit { border: 2px solid {warning_accent}; border-radius: 3px; padding: 2px; }",
    "": "",
}
MESSAGE_COLORS = {"error": "{error}", "warning": "{warning}", "": "{muted}"}


def top_aligned(widget: QWidget) -> QVBoxLayout:
    """A column holding `widget` at its top (instead of an alignment flag: see ui.qt_props)."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(widget)
    column.addStretch(1)
    return column


def centred(widget: QWidget) -> QVBoxLayout:
    """A column holding `widget` at its middle, at the height it needs (no alignment flag)."""
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.addStretch(1)
    column.addWidget(widget)
    column.addStretch(1)
    return column


class NoteLabel(QLabel):
    """A word-wrapping label for a plain box layout, which sizes it by heightForWidth.

    QLabel lays its whole text out again for every heightForWidth, and one layout pass asks
    many times (about 20 for the subtitle while the window first opens, ~1 M instructions each
    in Japanese): the heights are kept per width for the current text and font (start-up
    rule 11).

    Unlike WrapLabel it has no Python resizeEvent: the first event PySide6 hands to Python code
    builds its 179-member QEvent.Type enum (~4 ms), which the first paint does without. In form
    rows and framed panels the label's guessed sizeHint shows through: those need WrapLabel
    (test_wrapped_labels_get_the_height_their_width_needs).
    """

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)  # which also makes the label's size policy ask heightForWidth
        set_enum(self, "alignment", "AlignLeft|AlignTop")
        self._heights: dict[int, int] = {}  # width: height, for the text and font measured
        self._measured: tuple[str, int, int] = ("", 0, 0)

    def heightForWidth(self, width: int) -> int:
        """The height the text needs at `width` (measured once per width, text and font)."""
        metrics = self.fontMetrics()
        measured = (self.text(), metrics.height(), metrics.averageCharWidth())
        if measured != self._measured:
            self._measured = measured
            self._heights.clear()
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height


class WrapLabel(QLabel):
    """A word-wrapping label whose height follows its width (QLabel alone guesses a width)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QSizePolicy  # its type loads with the first WrapLabel

        super().__init__(text, parent)
        self.setWordWrap(True)
        set_enum(self, "alignment", "AlignLeft|AlignTop")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:
        """Set the text and fit the height to the current width."""
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the height whenever the width changes."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.width() > 0:
            height = self.heightForWidth(self.width())
            if height > 0 and height != self.minimumHeight():
                self.setFixedHeight(height)


class FieldRow(QWidget):
    """An editor (and optional trailing widgets) above a message label and an optional fix button.

    The message label and the fix button are made the first time there is something to show.

    Signals:
        fixRequested(): the fix button was clicked.
    """

    fixRequested = Signal()

    def __init__(
        self, editor: QLineEdit, *trailing: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.touched = False  # typed into
        self.left = False  # moved on from (editingFinished) or Save asked for
        self.message: WrapLabel | None = None
        self.fix_button: QPushButton | None = None
        self._message_color = ""
        self._fix_enabled = True
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(editor, 1)
        for widget in trailing:
            top.addWidget(widget)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addLayout(top)
        editor.textEdited.connect(self._touch)

    def _touch(self) -> None:
        self.touched = True

    def _build_message(self) -> tuple[WrapLabel, QPushButton]:
        from PySide6.QtWidgets import QPushButton

        self.message = WrapLabel()
        self.message.setObjectName(f"{self.editor.objectName()}Message")
        set_enum(self.message, "textFormat", "PlainText")
        self.fix_button = QPushButton()
        self.fix_button.setObjectName(f"{self.editor.objectName()}FixButton")
        self.fix_button.setEnabled(self._fix_enabled)
        self.fix_button.clicked.connect(self.fixRequested)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.message, 1)
        bottom.addLayout(top_aligned(self.fix_button))  # stays up when the message wraps
        self._layout.addLayout(bottom)
        return self.message, self.fix_button

    @property
    def state(self) -> str:
        """ "error", "warning" or "" (as shown)."""
        return str(self.editor.property("state") or "")

    def set_fix_enabled(self, enabled: bool) -> None:
        """Allow or block the fix button (blocked while a test runs)."""
        self._fix_enabled = enabled
        if self.fix_button is not None:
            self.fix_button.setEnabled(enabled)

    def set_state(self, state: str, text: str = "", fix_text: str = "") -> None:
        """Mark the editor and show `text` under it (state "" clears)."""
        if self.state != state:  # restyling is costly: only when the look changes
            self.editor.setProperty("state", state)
            theme.set_style(self.editor, EDITOR_STYLES[state])
        if self.message is not None and self.fix_button is not None:
            message, fix_button = self.message, self.fix_button
        elif text or fix_text:
            message, fix_button = self._build_message()
        else:
            return  # nothing shown yet, nothing to show
        color = MESSAGE_COLORS[state]
        if text and color != self._message_color:
            self._message_color = color
            theme.set_style(message, f"color: {color};")
        message.setText(text)
        message.setVisible(bool(text))
        fix_button.setText(fix_text)
        fix_button.setVisible(bool(fix_text))


CLEAR_BUTTON_PROPERTY = "clearButtonWhenEditable"  # show_read_only hid the × while read-only


def show_read_only(edit: QLineEdit, read_only: bool) -> None:
    """Make `edit` read-only and let it look so: the disabled colours of its own palette.

    (setReadOnly alone keeps the look of an editable field; disabling would lose selection.)
    """
    from PySide6.QtGui import QPalette

    edit.setReadOnly(read_only)
    if read_only and edit.isClearButtonEnabled():  # no × that offers to change it
        edit.setProperty(CLEAR_BUTTON_PROPERTY, True)
        edit.setClearButtonEnabled(False)
    if not read_only:
        if edit.property(CLEAR_BUTTON_PROPERTY):
            edit.setProperty(CLEAR_BUTTON_PROPERTY, False)
            edit.setClearButtonEnabled(True)
        edit.setPalette(QPalette())  # nothing resolved: the inherited palette again
        return
    palette = edit.palette()
    disabled = QPalette.ColorGroup.Disabled
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Text):
            source = QPalette.ColorRole.Window if role is QPalette.ColorRole.Base else role
            palette.setColor(group, role, palette.color(disabled, source))
    edit.setPalette(palette)
