"""A form field with its message line under it, marked when invalid or warned."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

FIELD_STYLE = """
QLineEdit[state="error"] { border: 2px solid #c62828; border-radius: 3px; padding: 2px; }
QLineEdit[state="warning"] { border: 2px solid #ef6c00; border-radius: 3px; padding: 2px; }
QLabel[role="error"] { color: #c62828; }
QLabel[role="warning"] { color: #a84a00; }
QLabel[role="info"] { color: #555; }
"""


class WrapLabel(QLabel):
    """A word-wrapping label whose height follows its width (QLabel alone guesses a width)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
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
        self.message = WrapLabel()
        self.message.setObjectName(f"{editor.objectName()}Message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
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
        bottom.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)
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
        if self.state != state:  # re-polishing is costly: only when the look changes
            self.editor.setProperty("state", state)
            self.message.setProperty("role", state or "info")
            for widget in (self.editor, self.message):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.fix_button.setText(fix_text)
        self.fix_button.setVisible(bool(fix_text))
