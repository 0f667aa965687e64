"""The error banner above the form: message, step, server reply, hint, fix button and transcript."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core.errors import Failure
from crm_mail_gui.ui.fields import WrapLabel

STYLES = {
    "error": ("#fdecea", "#c62828", "#5f1212"),
    "warning": ("#fff4e5", "#ef6c00", "#5d3300"),
    "success": ("#e8f5e9", "#2e7d32", "#133d17"),
}


class Banner(QFrame):
    """A coloured bar with a title, detail lines, optional action button and transcript.

    Signals:
        fixRequested(str action): the action button was clicked; its action key.
        closed(): the close button was clicked.
    """

    fixRequested = Signal(str)
    closed = Signal()

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.kind = ""
        self.failure: Failure | None = None
        self._action = ""
        self.setFrameShape(QFrame.Shape.StyledPanel)

        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = WrapLabel()
        self.title.setObjectName("bannerTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = WrapLabel()
        self.body.setObjectName("bannerBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.fix_button = QPushButton()
        self.fix_button.setObjectName("bannerFixButton")
        self.fix_button.clicked.connect(lambda: self.fixRequested.emit(self._action))
        self.details_button = QPushButton(self.tr("Details"))
        self.details_button.setObjectName("bannerDetailsButton")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setObjectName("bannerCopyButton")
        self.copy_button.clicked.connect(self._copy)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip(self.tr("Close"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self._close)

        self.transcript = QPlainTextEdit()
        self.transcript.setObjectName("bannerTranscript")
        self.transcript.setReadOnly(True)
        self.transcript.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.transcript.setMinimumHeight(140)
        self.transcript.hide()

        head = QHBoxLayout()
        head.addWidget(self.icon)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.body)
        head.addLayout(text, 1)
        head.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.fix_button)
        buttons.addWidget(self.details_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(head)
        layout.addLayout(buttons)
        layout.addWidget(self.transcript)
        self.hide()

    def _style(self, kind: str) -> None:
        background, accent, text = STYLES[kind]
        name = self.objectName()
        self.setStyleSheet(
            f"#{name} {{ background: {background}; border: 1px solid {accent};"
            f" border-left: 6px solid {accent}; border-radius: 4px; }}"
            f" #{name} QLabel {{ color: {text}; background: transparent; border: none; }}"
            f" #{name} QLabel#bannerTitle {{ font-weight: bold; }}"
        )
        pixmap = {
            "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
            "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
            "success": QStyle.StandardPixmap.SP_DialogApplyButton,
        }[kind]
        self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(24, 24))

    def show_message(
        self,
        kind: str,
        title: str,
        body: str = "",
        *,
        transcript: str = "",
        action: str = "",
        action_text: str = "",
        failure: Failure | None = None,
    ) -> None:
        """Show the banner."""
        self.kind = kind
        self.failure = failure
        self._style(kind)
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self._action = action
        self.fix_button.setText(action_text)
        self.fix_button.setVisible(bool(action))
        self.transcript.setPlainText(transcript)
        has_transcript = bool(transcript)
        self.details_button.setVisible(has_transcript)
        self.copy_button.setVisible(has_transcript)
        self.details_button.setChecked(False)
        self.transcript.hide()
        self.show()

    def clear(self) -> None:
        """Hide the banner and forget its content."""
        self.kind = ""
        self.failure = None
        self.hide()

    def _toggle_details(self, shown: bool) -> None:
        self.transcript.setVisible(shown)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.transcript.toPlainText())

    def _close(self) -> None:
        self.clear()
        self.closed.emit()
