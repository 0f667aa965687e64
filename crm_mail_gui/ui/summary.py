"""The read-only summary of the stored settings, with the Edit button (as on the CRM screen)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core.fields import SUMMARY_ROWS, summary_texts
from crm_mail_gui.core.settings import MailSettings
from crm_mail_gui.ui import theme
from crm_mail_gui.ui.fields import top_aligned
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.translations import fill


class SummaryView(QFrame):
    """Stored settings as text; the password only as "stored (where)" or "not stored".

    Signals:
        editRequested(): the Edit button was clicked.
    """

    editRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryView")
        self.values: dict[str, QLabel] = {}
        self.editButton = QPushButton(self.tr("&Edit"))
        self.editButton.setObjectName("editButton")
        self.editButton.setMinimumWidth(110)
        self.editButton.clicked.connect(self.editRequested)
        self.form = QFormLayout()
        set_enum(self.form, "labelAlignment", "AlignRight|AlignVCenter")
        self.form.setVerticalSpacing(10)
        labels = {
            "server": self.tr("Server name:"),
            "user": self.tr("User name:"),
            "password": self.tr("Password:"),
            "from": self.tr("From:"),
            "auth": self.tr("Requires authentication:"),
            "to": self.tr("Test recipient:"),
            "timeout": self.tr("Timeout per step:"),
        }
        for key in SUMMARY_ROWS:  # the rows and their order come from core.fields
            text = labels[key]
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            set_enum(value, "textFormat", "PlainText")  # a user name is not markup
            set_enum(value, "textInteractionFlags", "TextSelectableByMouse")
            value.setWordWrap(True)
            self.values[key] = value
            self.form.addRow(QLabel(text), value)
        self.path_label = QLabel()
        self.path_label.setObjectName("summaryPath")
        theme.set_style(self.path_label, "color: {muted};")
        self.path_label.setWordWrap(True)
        set_enum(self.path_label, "textFormat", "PlainText")
        set_enum(self.path_label, "textInteractionFlags", "TextSelectableByMouse")
        top = QHBoxLayout()
        top.addLayout(self.form, 1)
        top.addLayout(top_aligned(self.editButton))  # beside the first rows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addWidget(self.path_label)

    def show_settings(self, settings: MailSettings, password_text: str, path_text: str) -> None:
        """Show these settings."""
        yes, no = self.tr("Yes"), self.tr("No")
        for key, value in summary_texts(settings).items():
            self.values[key].setText(value)
        self.values["password"].setText(password_text if settings.auth else "—")
        self.values["auth"].setText(yes if settings.auth else no)
        self.values["timeout"].setText(fill(self.tr("%1 s"), f"{settings.timeout:g}"))
        self.path_label.setText(path_text)
