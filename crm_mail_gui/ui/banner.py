"""The error banner above the form: message, step, server reply, hint, fix button and transcript."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from crm_mail_gui.ui import accessibility, theme
from crm_mail_gui.ui.fields import WrapLabel, top_aligned
from crm_mail_gui.ui.qt_props import set_enum

if TYPE_CHECKING:
    from collections.abc import Callable

    from crm_mail_gui.core.errors import Failure


class BannerKind(StrEnum):
    """What a banner says: its colours and icon."""

    ERROR = "error"
    WARNING = "warning"
    SUCCESS = "success"


TRANSCRIPT_LINES = (6, 12)  # the transcript's height in lines: at least, at most


def failing_line(lines: list[str], failure: Failure | None) -> int:
    """The index of the line where the session failed: the first line of the server's last
    reply with the failure's code (a refusal), else the last line that is not empty."""
    code = str(failure.code) if failure is not None and failure.code else ""
    replies = [
        n for n, line in enumerate(lines) if line[:3] in ("<- ", "<~ ") and line[3:6] == code
    ]
    if code and replies:
        first = replies[-1]
        while first - 1 in replies:  # a reply of several lines: its first one
            first -= 1
        return first
    return max((n for n, line in enumerate(lines) if line.strip()), default=0)


class Banner(QFrame):
    """A coloured bar with a title, detail lines, optional action button and transcript.

    Signals:
        fixRequested(str action): the action button was clicked; its action key.
        closed(): the close button was clicked.
        shown(): a message was shown (the window scrolls it into view).
    """

    fixRequested = Signal(str)
    closed = Signal()
    shown = Signal()

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.kind: BannerKind | None = None
        self.failure: Failure | None = None
        self._action = ""
        self._report: Callable[[], str] | None = (
            None  # makes what Copy copies (else the transcript)
        )
        self._built = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        accessibility.set_role(self, "AlertMessage")  # named by its title (show_message)
        self.hide()

    def _build(self) -> None:
        """Create the contents on first use: most sessions never show a banner."""
        from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QToolButton

        self._built = True
        self.icon = QLabel()
        self.title = WrapLabel()
        self.title.setObjectName("bannerTitle")
        set_enum(self.title, "textFormat", "PlainText")
        set_enum(self.title, "textInteractionFlags", "TextSelectableByMouse")
        self.body = WrapLabel()
        self.body.setObjectName("bannerBody")
        set_enum(self.body, "textFormat", "PlainText")
        set_enum(self.body, "textInteractionFlags", "TextSelectableByMouse")

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
        self.close_button.setAccessibleName(self.tr("Close the message"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self._close)

        self.transcript = QPlainTextEdit()
        self.transcript.setObjectName("bannerTranscript")
        self.transcript.setReadOnly(True)
        self.transcript.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = self.transcript.fontMetrics().lineSpacing()
        frame = 2 * self.transcript.frameWidth() + 8  # the frame and the document's margins
        self.transcript.setMinimumHeight(TRANSCRIPT_LINES[0] * lines + frame)
        self.transcript.setMaximumHeight(TRANSCRIPT_LINES[1] * lines + frame)  # then it scrolls
        self.transcript.hide()

        head = QHBoxLayout()
        head.addLayout(top_aligned(self.icon))
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.body)
        head.addLayout(text, 1)
        head.addLayout(top_aligned(self.close_button))
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

    def _style(self, kind: BannerKind) -> None:
        name = self.objectName()
        # colours of ui.theme: {error_bg} etc., for the scheme in effect (and later ones)
        theme.set_style(
            self,
            f"#{name} {{ background: {{{kind}_bg}}; border: 1px solid {{{kind}_accent}};"
            f" border-left: 6px solid {{{kind}_accent}}; border-radius: 4px; }}"
            f" #{name} QLabel, #{name} QToolButton {{ color: {{{kind}_text}};"
            " background: transparent; border: none; }"
            f" #{name} QLabel#bannerTitle {{ font-weight: bold; }}",
        )
        from crm_mail_gui.ui.icons import pixmap

        self.icon.setPixmap(pixmap(kind, 24, self.devicePixelRatioF()))

    def show_message(
        self,
        kind: BannerKind,
        title: str,
        body: str = "",
        *,
        transcript: str = "",
        action: str = "",
        action_text: str = "",
        failure: Failure | None = None,
        report: Callable[[], str] | None = None,
    ) -> None:
        """Show the banner; every text is escaped (it may quote a server) and shown as plain text.

        `report` makes what Copy puts on the clipboard (a helpdesk report), when Copy is clicked;
        without it, Copy copies the transcript.
        """
        from crm_mail_gui.core.printable import printable, printable_lines

        if not self._built:
            self._build()
        self.kind = BannerKind(kind)
        self.failure = failure
        self._style(kind)
        self.title.setText(printable(title))
        body = printable_lines(body)
        self.body.setText(body)
        self.body.setVisible(bool(body))
        self._action = action
        self._report = report
        self.fix_button.setText(printable(action_text))
        self.fix_button.setVisible(bool(action))
        self.transcript.setPlainText(printable_lines(transcript))
        has_transcript = bool(transcript)
        self.details_button.setVisible(has_transcript)
        self.copy_button.setVisible(has_transcript)
        self.details_button.setChecked(False)
        self.transcript.hide()
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(body)
        self.icon.setAccessibleName(
            {
                BannerKind.ERROR: self.tr("Error"),
                BannerKind.WARNING: self.tr("Warning"),
                BannerKind.SUCCESS: self.tr("Success"),
            }[self.kind]
        )
        self.show()
        accessibility.alert(self)
        self.shown.emit()

    def clear(self) -> None:
        """Hide the banner and forget its content."""
        self.kind = None
        self.failure = None
        self._report = None
        self.hide()

    def _toggle_details(self, shown: bool) -> None:
        self.transcript.setVisible(shown)
        if shown:
            self._scroll_to_failing_line()

    def _scroll_to_failing_line(self) -> None:
        """Open the transcript at the line where the session failed (the server's refusal)."""
        from PySide6.QtGui import QTextCursor

        document = self.transcript.document()
        lines = [document.findBlockByNumber(n).text() for n in range(document.blockCount())]
        block = document.findBlockByNumber(failing_line(lines, self.failure))
        self.transcript.setTextCursor(QTextCursor(block))
        self.transcript.centerCursor()

    def _copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        from crm_mail_gui.core.printable import printable_lines

        text = self._report() if self._report is not None else self.transcript.toPlainText()
        QGuiApplication.clipboard().setText(printable_lines(text))

    def _close(self) -> None:
        self.clear()
        self.closed.emit()
