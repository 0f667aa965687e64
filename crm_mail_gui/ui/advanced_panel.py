"""The advanced panel under its button: timeout per step, extra CA file, OAuth2 authority."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from crm_mail_gui.core import settings as checks
from crm_mail_gui.core.settings import MailSettings
from crm_mail_gui.ui import accessibility
from crm_mail_gui.ui.fields import FieldRow, show_read_only
from crm_mail_gui.ui.qt_props import set_enum


def line_edit(name: str, placeholder: str) -> QLineEdit:
    """A form's text field: named, with a placeholder, at most 320 characters."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(320)
    edit.setClearButtonEnabled(name != "passwordEdit")
    return edit


def add_row(form: QFormLayout, text: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
    """A labelled row; the label's mnemonic focuses `buddy` (or the field), which the label also
    names for screen readers. Returns the label."""
    label = QLabel(text)
    label.setBuddy(buddy or field)
    (buddy or field).setAccessibleName(accessibility.label_name(text))
    set_enum(label, "alignment", "AlignRight|AlignVCenter")
    label.setMinimumHeight(field.sizeHint().height() if buddy is None else 0)
    form.addRow(label, field)
    return label


# The panel's row labels: the form sizes its label column for them before the panel is built.
ROW_LABELS = (
    QT_TRANSLATE_NOOP("AdvancedPanel", "&Timeout per step:"),
    QT_TRANSLATE_NOOP("AdvancedPanel", "E&xtra CA file:"),
    QT_TRANSLATE_NOOP("AdvancedPanel", "OAuth2 authorit&y:"),
)


def _row_label(index: int) -> str:
    return QCoreApplication.translate("AdvancedPanel", ROW_LABELS[index])


def panel_label_texts() -> list[str]:
    """The panel's labels in the current language (the form's label column fits them too)."""
    return [_row_label(index) for index in range(len(ROW_LABELS))]


def advanced_values(settings: MailSettings | None) -> tuple[int, str, str]:
    """The panel's values for `settings` (None: the defaults): timeout, CA file, authority.

    While the panel is not built, the form reads these from the settings it was loaded with.
    """
    if settings is None:
        return int(checks.DEFAULT_TIMEOUT), "", ""
    authority = settings.oauth.authority if settings.oauth else ""
    return int(settings.timeout), settings.ca_file or "", authority


class AdvancedPanel(QWidget):
    """Built when first opened (`SettingsForm.ensure_advanced`): start-up rule 8 (ui.startup).

    Signals:
        changed(): the CA file or the authority was edited (the form validates again).
    """

    changed = Signal()

    def __init__(self, label_width: int = 0, parent: QWidget | None = None) -> None:
        """`label_width`: the form's label column, which the panel's labels line up with."""
        from PySide6.QtWidgets import QSpinBox  # its type loads with the panel (rule 8)

        super().__init__(parent)
        self.setObjectName("advancedPanel")
        self.timeoutSpin = QSpinBox()
        self.timeoutSpin.setObjectName("timeoutSpin")
        self.timeoutSpin.setRange(int(checks.MIN_TIMEOUT), int(checks.MAX_TIMEOUT))
        self.timeoutSpin.setValue(int(checks.DEFAULT_TIMEOUT))
        self.timeoutSpin.setSuffix(self.tr(" s"))
        self.timeoutSpin.setToolTip(
            self.tr(
                "The longest wait for one answer from the server (connecting, the TLS handshake, "
                "each reply). Sending the message itself fails only after this long without any "
                "progress, so a large attachment on a slow line is not cut off."
            )
        )
        self.caFileEdit = line_edit("caFileEdit", self.tr("only for an in-house CA"))
        self.caBrowseButton = QPushButton(self.tr("Browse…"))
        self.caBrowseButton.setObjectName("caBrowseButton")
        self.ca_row = FieldRow(self.caFileEdit, self.caBrowseButton)
        self.oauthAuthorityEdit = line_edit(
            "oauthAuthorityEdit", self.tr("leave empty (only for a sovereign cloud)")
        )
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        set_enum(form, "labelAlignment", "AlignRight|AlignTop")
        form.setVerticalSpacing(8)  # as the form's
        labels = (
            add_row(form, _row_label(0), self.timeoutSpin),
            add_row(form, _row_label(1), self.ca_row, self.caFileEdit),
            add_row(form, _row_label(2), self.oauthAuthorityEdit),
        )
        for label in labels:
            label.setMinimumWidth(label_width)
        self.hide()
        self.caFileEdit.textChanged.connect(self.changed)
        self.oauthAuthorityEdit.textChanged.connect(self.changed)
        self.caBrowseButton.clicked.connect(self._browse_ca)

    def focus_chain(self) -> tuple[QWidget, ...]:
        """Its fields in tab order."""
        return (self.timeoutSpin, self.caFileEdit, self.caBrowseButton, self.oauthAuthorityEdit)

    def load(self, settings: MailSettings | None) -> None:
        """Show the values of `settings` (None: the defaults)."""
        timeout, ca_file, authority = advanced_values(settings)
        self.timeoutSpin.setValue(timeout)
        self.caFileEdit.setText(ca_file)
        self.oauthAuthorityEdit.setText(authority)

    def values(self) -> tuple[int, str, str]:
        """Timeout, CA file, authority, as shown."""
        return self.timeoutSpin.value(), self.caFileEdit.text(), self.oauthAuthorityEdit.text()

    def set_read_only(self, running: bool) -> None:
        """Read-only while a test runs."""
        show_read_only(self.caFileEdit, running)
        show_read_only(self.oauthAuthorityEdit, running)
        self.timeoutSpin.setEnabled(not running)
        self.caBrowseButton.setEnabled(not running)

    def _browse_ca(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Extra CA file"),
            "",
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
        )
        if path:
            self.caFileEdit.setText(path)
