"""The read-only summary of the stored settings, with the Edit button (as on the CRM screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from crm_mail_gui.core.store import LastTest
    from crm_mail_gui.ui.steps import StepList


class SummaryView(QFrame):
    """Stored settings as text; the password only as "stored (where)" or "not stored".

    Signals:
        editRequested(): the Edit button was clicked.
        sendAgainRequested(): "Send test again" was clicked (the stored settings, unchanged).
        cancelRequested(): the running test is to be cancelled.
    """

    editRequested = Signal()
    sendAgainRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryView")
        self.values: dict[str, QLabel] = {}
        self.editButton = QPushButton(self.tr("&Edit"))
        self.editButton.setObjectName("editButton")
        self.editButton.setMinimumWidth(110)
        self.editButton.clicked.connect(self.editRequested)
        self.sendTestAgainButton = QPushButton(self.tr("Send &test again"))
        self.sendTestAgainButton.setObjectName("sendTestAgainButton")
        self.sendTestAgainButton.setToolTip(
            self.tr("Send the test mail again with the stored settings (nothing is changed)")
        )
        self.sendTestAgainButton.clicked.connect(self.sendAgainRequested)
        self.cancelButton = QPushButton(self.tr("Cancel test"))
        self.cancelButton.setObjectName("summaryCancelButton")
        self.cancelButton.clicked.connect(self.cancelRequested)
        self.cancelButton.hide()
        self.stepList: StepList | None = None  # built with the first test from here
        self._steps_for: MailSettings | None = None  # the settings the step list shows
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
            "ca_file": self.tr("Extra CA file:"),
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
        self.oauth_label = QLabel(self.tr("OAuth2 registration:"))
        self.oauth_value = self._value_label("summary_oauth")
        self.form.addRow(self.oauth_label, self.oauth_value)
        self.last_test_value = self._value_label("summary_last_test")
        self.form.addRow(QLabel(self.tr("Last successful test:")), self.last_test_value)
        self.path_label = QLabel()
        self.path_label.setObjectName("summaryPath")
        theme.set_style(self.path_label, "color: {muted};")
        self.path_label.setWordWrap(True)
        set_enum(self.path_label, "textFormat", "PlainText")
        set_enum(self.path_label, "textInteractionFlags", "TextSelectableByMouse")
        top = QHBoxLayout()
        top.addLayout(self.form, 1)
        top.addLayout(top_aligned(self.editButton))  # beside the first rows
        self.test_row = QHBoxLayout()
        self.test_row.addStretch(1)
        self.test_row.addWidget(self.cancelButton)
        self.test_row.addWidget(self.sendTestAgainButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.test_row)
        layout.addStretch(1)
        layout.addWidget(self.path_label)

    @staticmethod
    def _value_label(name: str) -> QLabel:
        value = QLabel()
        value.setObjectName(name)
        set_enum(value, "textFormat", "PlainText")
        set_enum(value, "textInteractionFlags", "TextSelectableByMouse")
        value.setWordWrap(True)
        return value

    def ensure_step_list(self) -> StepList:
        """The steps of a test sent from the summary, left of its buttons (built when first used)."""
        if self.stepList is None:
            from crm_mail_gui.ui.steps import StepList

            self.stepList = StepList()
            self.stepList.setObjectName("summaryStepList")
            self.test_row.insertWidget(0, self.stepList)
        return self.stepList

    def set_running(self, running: bool) -> None:
        """While a test sent from here runs: Cancel instead of the buttons (its steps: a frame
        later, `show_steps`)."""
        self.sendTestAgainButton.setEnabled(not running)
        self.editButton.setEnabled(not running)
        self.cancelButton.setVisible(running)
        if running:
            self.cancelButton.setFocus()
        else:
            self.sendTestAgainButton.setFocus()

    def show_steps(self, settings: MailSettings) -> None:
        """The step list of the test of `settings` that is starting, left of the buttons."""
        steps = self.ensure_step_list()
        steps.reset(settings.server.security, settings.auth, settings.timeout)
        steps.show()
        self._steps_for = settings

    def show_last_test(self, last_test: LastTest | None) -> None:
        """When (local time) and to whom the last successful test mail went."""
        if last_test is None:
            self.last_test_value.setText(self.tr("none recorded"))
            return
        self.last_test_value.setText(
            fill(self.tr("%1, to %2"), last_test.local_time(), last_test.to)
        )

    def show_settings(self, settings: MailSettings, password_text: str, path_text: str) -> None:
        """Show these settings."""
        yes, no = self.tr("Yes"), self.tr("No")
        for key, value in summary_texts(settings).items():
            self.values[key].setText(value)
        self.values["password"].setText(password_text if settings.auth else "—")
        self.values["auth"].setText(yes if settings.auth else no)
        self.values["timeout"].setText(fill(self.tr("%1 s"), f"{settings.timeout:g}"))
        if settings.auth and settings.allow_unencrypted_auth and not settings.server.encrypted:
            self.values["auth"].setText(
                fill(self.tr("%1 (the password may be sent unencrypted)"), yes)
            )
        oauth = settings.oauth if settings.uses_oauth else None
        self.form.setRowVisible(self.oauth_value, oauth is not None)
        if oauth is not None:
            parts = [fill(self.tr("client ID %1"), oauth.client_id)]
            if oauth.tenant:
                parts.append(fill(self.tr("tenant %1"), oauth.tenant))
            if oauth.authority:
                parts.append(fill(self.tr("authority %1"), oauth.authority))
            self.oauth_value.setText(", ".join(parts))
        self.path_label.setText(path_text)
        if self.stepList is not None and settings != self._steps_for:
            self.stepList.hide()  # the steps of an earlier test are not about these settings
