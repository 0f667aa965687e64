"""A form field with its message line under it, marked when invalid or warned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.ui.qt_props import set_enum

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent

# Style sheets only on the widgets that show a state: one on the whole form would put every
# widget of it through the (slower) style-sheet style, from the first paint on.
EDITOR_STYLES = {
    "error": "QLineEdit { border: 2px solid #c62828; border-radius: 3px; padding: 2px; }",
    "warning": "QLineEdit { border: 2px solid #ef6c00; border-radius: 3px; padding: 2px; }",
    "": "",
}
MESSAGE_COLORS = {"error": "#c62828", "warning": "#a84a00", "": "#555"}


class WrapLabel(QLabel):
    """A word-wrapping label whose height follows its width (QLabel alone guesses a width)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
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
    """An editor (and optional trailing widgets) above a message label and an optional fix button."""

    def __init__(
        self, editor: QLineEdit, *trailing: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.touched = False
        self._message_color = ""
        self.message = WrapLabel()
        self.message.setObjectName(f"{editor.objectName()}Message")
        set_enum(self.message, "textFormat", "PlainText")
        self.message.hide()
        self.fix_button = QPushButton()
        self.fix_button.setObjectName(f"{editor.objectName()}FixButton")
        self.fix_button.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(editor, 1)
        for widget in trailing:
            top.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.message, 1)
        fix_column = QVBoxLayout()  # the button stays at the top when the message wraps
        fix_column.setContentsMargins(0, 0, 0, 0)
        fix_column.addWidget(self.fix_button)
        fix_column.addStretch(1)
        bottom.addLayout(fix_column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        editor.textEdited.connect(self._touch)

    def _touch(self) -> None:
        self.touched = True

    @property
    def state(self) -> str:
        """ "error", "warning" or "" (as shown)."""
        return str(self.editor.property("state") or "")

    def set_state(self, state: str, text: str = "", fix_text: str = "") -> None:
        """Mark the editor and show `text` under it (state "" clears)."""
        if self.state != state:  # restyling is costly: only when the look changes
            self.editor.setProperty("state", state)
            self.editor.setStyleSheet(EDITOR_STYLES[state])
        color = MESSAGE_COLORS[state]
        if text and color != self._message_color:
            self._message_color = color
            self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.fix_button.setText(fix_text)
        self.fix_button.setVisible(bool(fix_text))
