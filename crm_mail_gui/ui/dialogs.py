"""The "Test Mail Sent" dialog and the confirmation questions (seams that tests can replace)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.ui import theme
from crm_mail_gui.ui.icons import Icon, pixmap
from crm_mail_gui.ui.translations import fill


class SuccessDialog(QDialog):
    """Window-modal dialog: "Test Mail Sent / テストメールが送信されました。受信トレイを確認してください。".

    After a session without TLS (`encrypted` False) it says that the mail (and, with `logged_in`,
    the password) travelled unencrypted; `saved` False (Send test again) leaves out "saved".
    """

    def __init__(
        self,
        recipient: str,
        server: str,
        parent: QWidget | None = None,
        *,
        saved: bool = True,
        encrypted: bool = True,
        logged_in: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("successDialog")
        self.setWindowTitle(self.tr("Test Mail Sent"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel(self.tr("Test Mail Sent"))
        heading.setObjectName("successHeading")
        theme.set_style(heading, "font-size: 16px; font-weight: bold; color: {success};")
        icon = QLabel()
        icon.setObjectName("successIcon")
        icon.setPixmap(pixmap(Icon.SUCCESS, 32, self.devicePixelRatioF()))
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(heading, 1)
        self.message = QLabel(self.tr("The test mail was sent. Please check the inbox."))
        self.message.setObjectName("successMessage")
        self.message.setWordWrap(True)
        self.details = QLabel(fill(self.tr("Recipient: %1\nServer: %2"), recipient, server))
        self.details.setObjectName("successDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # the recipient and server as typed
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved = QLabel(self.tr("The settings have been saved."))
        if not saved:
            self.saved.hide()  # Send test again changes nothing
        self.unencrypted = QLabel(
            self.tr(
                "The connection was not encrypted: the mail and the password travelled in "
                "plain text."
            )
            if logged_in
            else self.tr("The connection was not encrypted: the mail travelled in plain text.")
        )
        self.unencrypted.setObjectName("successUnencrypted")
        self.unencrypted.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(top)
        for widget in (self.message, self.details, self.unencrypted, self.saved, buttons):
            layout.addWidget(widget)
        self.set_encrypted(encrypted)
        self.setMinimumWidth(420)

    def set_encrypted(self, encrypted: bool) -> None:
        """Known only at the end of the session: a dialog prepared during it is told then."""
        self.unencrypted.setVisible(not encrypted)

    def prepare(self) -> None:
        """Polish and lay out the dialog while hidden, so that opening it only paints it."""
        self.ensurePolished()
        self.layout().activate()
        self.adjustSize()


def ask_yes_no(parent: QWidget, title: str, text: str, yes_text: str) -> bool:
    """Ask a question with a custom "yes" button and Cancel (the default); True for yes."""
    box = QMessageBox(
        QMessageBox.Icon.NoIcon, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setIconPixmap(pixmap(Icon.WARNING, 48, box.devicePixelRatioF()))  # the window's icons
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


def confirm_unencrypted(parent: QWidget) -> bool:
    """Ask before a password is sent over an unencrypted connection."""
    return ask_yes_no(
        parent,
        QCoreApplication.translate("Dialogs", "Unencrypted connection"),
        QCoreApplication.translate(
            "Dialogs",
            "This server name has no ssl:// or tls://, so the password and the mail will "
            "travel unencrypted. Anyone on the network path could read the password.\n\n"
            "Send the password unencrypted anyway?",
        ),
        QCoreApplication.translate("Dialogs", "Send unencrypted"),
    )


def confirm_discard(parent: QWidget) -> bool:
    """Ask before unsaved changes are thrown away."""
    return ask_yes_no(
        parent,
        QCoreApplication.translate("Dialogs", "Discard changes?"),
        QCoreApplication.translate(
            "Dialogs", "The settings you changed have not been saved. Discard the changes?"
        ),
        QCoreApplication.translate("Dialogs", "Discard"),
    )
