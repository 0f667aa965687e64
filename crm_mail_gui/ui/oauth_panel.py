"""The OAuth2 part of the form: app registration, sign-in state, sign in / device code / sign out."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core.oauth_providers import Provider
from crm_mail_gui.ui import accessibility, theme
from crm_mail_gui.ui.fields import WrapLabel, show_read_only
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.translations import fill

REGISTRATION_HELP = {
    "microsoft": QT_TRANSLATE_NOOP(
        "OAuthPanel",
        "Register the app in Microsoft Entra admin center → App registrations → New registration:"
        "<ol><li>Supported account types: this organisation only (or any organisation).</li>"
        "<li>Authentication → Add a platform → Mobile and desktop applications → redirect URI "
        "<code>http://localhost</code>; turn on “Allow public client flows” (for the device code).</li>"
        "<li>API permissions → Add → APIs my organization uses → Office 365 Exchange Online → "
        "Delegated → <code>SMTP.Send</code>, plus <code>offline_access</code>; grant admin consent.</li>"
        "<li>Copy the Application (client) ID and the Directory (tenant) ID here.</li></ol>",
    ),
    "microsoft_consumer": QT_TRANSLATE_NOOP(
        "OAuthPanel",
        "Register the app in the Azure portal → App registrations (accounts in any organisational "
        "directory and personal Microsoft accounts), platform “Mobile and desktop applications” with "
        "redirect URI <code>http://localhost</code>, delegated permissions <code>SMTP.Send</code> and "
        "<code>offline_access</code>. Copy the Application (client) ID here; the tenant is "
        "<code>consumers</code>.",
    ),
    "google": QT_TRANSLATE_NOOP(
        "OAuthPanel",
        "In Google Cloud console → APIs &amp; Services: configure the OAuth consent screen (add the "
        "scope <code>https://mail.google.com/</code>), then Credentials → Create credentials → OAuth "
        "client ID → Application type “Desktop app”. Copy the client ID and the client secret here.",
    ),
}


class OAuthPanel(QFrame):
    """App registration fields and the signed-in state of one mailbox.

    Signals:
        signInRequested(bool device_code): sign in in the browser (False) or with a device code.
        cancelSignInRequested(): stop waiting for the browser / device code.
        signOutRequested(): forget the tokens.
        changed(): a registration field was edited.
    """

    signInRequested = Signal(bool)
    cancelSignInRequested = Signal()
    signOutRequested = Signal()
    changed = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oauthPanel")
        self.lang = lang
        self.provider: Provider | None = None
        self.signed_in = False
        self.waiting = False
        theme.set_style(
            self,
            "#oauthPanel { border: 1px solid {panel_border}; border-radius: 4px;"
            " background: {panel_bg}; }",
        )
        self.oauthClientIdEdit = QLineEdit()
        self.oauthClientIdEdit.setObjectName("oauthClientIdEdit")
        self.oauthClientIdEdit.setPlaceholderText("00000000-0000-0000-0000-000000000000")
        self.oauthTenantEdit = QLineEdit()
        self.oauthTenantEdit.setObjectName("oauthTenantEdit")
        self.oauthTenantEdit.setPlaceholderText(
            self.tr("tenant ID or domain (default: organizations)")
        )
        self.oauthClientSecretEdit = QLineEdit()
        self.oauthClientSecretEdit.setObjectName("oauthClientSecretEdit")
        self.oauthClientSecretEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.oauthClientSecretEdit.setPlaceholderText(self.tr("the desktop client's secret"))
        self.signInButton = QPushButton()
        self.signInButton.setObjectName("signInButton")
        self.deviceCodeButton = QPushButton(self.tr("Sign in with a code…"))
        self.deviceCodeButton.setObjectName("deviceCodeButton")
        self.deviceCodeButton.setToolTip(
            self.tr(
                "For PCs where the browser cannot return to this app: enter a code on any device"
            )
        )
        self.cancelSignInButton = QPushButton(self.tr("Cancel sign-in"))
        self.cancelSignInButton.setObjectName("cancelSignInButton")
        self.signOutButton = QPushButton(self.tr("Sign out"))
        self.signOutButton.setObjectName("signOutButton")
        self.accountLabel = WrapLabel()
        self.accountLabel.setObjectName("oauthAccountLabel")
        set_enum(self.accountLabel, "textFormat", "PlainText")  # the account named by the server
        self.deviceCodeLabel = WrapLabel()
        self.deviceCodeLabel.setObjectName("deviceCodeLabel")
        set_enum(self.deviceCodeLabel, "textFormat", "PlainText")  # the server's code and URL
        set_enum(self.deviceCodeLabel, "textInteractionFlags", "TextSelectableByMouse")
        self.deviceCodeLabel.setStyleSheet("font-size: 14px;")
        self.help = WrapLabel()
        self.help.setObjectName("oauthHelp")
        set_enum(self.help, "textFormat", "RichText")
        theme.set_style(self.help, "color: {muted};")

        fields = QFormLayout()
        set_enum(fields, "labelAlignment", "AlignRight|AlignVCenter")
        fields.addRow(self.tr("Client &ID:"), self.oauthClientIdEdit)
        fields.addRow(self.tr("Te&nant:"), self.oauthTenantEdit)
        fields.addRow(self.tr("Client secret (&K):"), self.oauthClientSecretEdit)
        self.fields = fields
        buttons = QHBoxLayout()
        for button in (
            self.signInButton,
            self.deviceCodeButton,
            self.cancelSignInButton,
            self.signOutButton,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(fields)
        layout.addLayout(buttons)
        layout.addWidget(self.accountLabel)
        layout.addWidget(self.deviceCodeLabel)
        layout.addWidget(self.help)
        accessibility.name_fields(self)

        self.signInButton.clicked.connect(lambda: self.signInRequested.emit(False))
        self.deviceCodeButton.clicked.connect(lambda: self.signInRequested.emit(True))
        self.cancelSignInButton.clicked.connect(self.cancelSignInRequested)
        self.signOutButton.clicked.connect(self.signOutRequested)
        for edit in (self.oauthClientIdEdit, self.oauthTenantEdit, self.oauthClientSecretEdit):
            edit.textChanged.connect(self.changed)
            edit.textChanged.connect(self._refresh)
        self.set_signed_in(False)

    def focus_chain(self) -> tuple[QWidget, ...]:
        """The panel's focusable widgets in the order they are laid out."""
        return (
            self.oauthClientIdEdit,
            self.oauthTenantEdit,
            self.oauthClientSecretEdit,
            self.signInButton,
            self.deviceCodeButton,
            self.cancelSignInButton,
            self.signOutButton,
        )

    def set_provider(self, provider: Provider | None) -> None:
        """Show the fields this provider needs."""
        self.provider = provider
        self._refresh()

    def set_signed_in(self, signed_in: bool, account: str = "") -> None:
        """Show whether a refresh token is stored (and for whom)."""
        self.signed_in = signed_in
        if signed_in:
            who = account or self.tr("this mailbox")
            self.accountLabel.setText("✔ " + fill(self.tr("Signed in: %1"), who))
            theme.set_style(self.accountLabel, "color: {success}; font-weight: bold;")
        else:
            self.accountLabel.setText(self.tr("Not signed in yet."))
            theme.set_style(self.accountLabel, "color: {warning};")
        self._refresh()

    def set_waiting(self, waiting: bool, device_text: str = "") -> None:
        """While the browser or the device code is pending: only Cancel is active."""
        self.waiting = waiting
        self.deviceCodeLabel.setText(device_text)
        self.deviceCodeLabel.setVisible(bool(device_text))
        if waiting and not device_text:
            self.accountLabel.setText(self.tr("Waiting for the sign-in in the browser…"))
            theme.set_style(self.accountLabel, "color: {running};")
        self._refresh()

    def _refresh(self) -> None:
        provider = self.provider
        microsoft = bool(provider and provider.id.startswith("microsoft"))
        self._row_visible(self.oauthTenantEdit, microsoft)
        self._row_visible(self.oauthClientSecretEdit, bool(provider and provider.needs_secret))
        name = {
            "google": "Google",
            "microsoft": "Microsoft",
            "microsoft_consumer": "Microsoft",
        }.get(provider.id if provider else "", "OAuth2")
        self.signInButton.setText(fill(self.tr("Sign in with %1"), name))
        self.deviceCodeButton.setVisible(
            bool(provider and provider.device_code) and not self.waiting
        )
        self.signInButton.setVisible(not self.waiting)
        has_client = bool(self.oauthClientIdEdit.text().strip())
        self.signInButton.setEnabled(has_client and not self.oauthClientIdEdit.isReadOnly())
        self.deviceCodeButton.setEnabled(has_client and not self.oauthClientIdEdit.isReadOnly())
        self.cancelSignInButton.setVisible(self.waiting)
        self.signOutButton.setVisible(self.signed_in and not self.waiting)
        if not self.waiting:
            self.deviceCodeLabel.hide()
        text = REGISTRATION_HELP.get(provider.id if provider else "", "")
        heading = self.tr("How to register the app")
        self.help.setText(f"<b>{heading}</b><br>{self.tr(text)}" if text else "")
        self.help.setVisible(bool(text))

    def _row_visible(self, field: QWidget, visible: bool) -> None:
        self.fields.setRowVisible(field, visible)

    def values(self) -> dict[str, str]:
        """The registration as typed (the client secret is not part of the settings)."""
        return {
            "provider": self.provider.id if self.provider else "",
            "client_id": self.oauthClientIdEdit.text().strip(),
            "tenant": self.oauthTenantEdit.text().strip()
            if self.provider and self.provider.id.startswith("microsoft")
            else "",
        }

    def load(self, client_id: str, tenant: str) -> None:
        """Fill the registration fields."""
        self.oauthClientIdEdit.setText(client_id)
        self.oauthTenantEdit.setText(tenant)
        self.oauthClientSecretEdit.clear()

    def set_read_only(self, read_only: bool) -> None:
        """While a test runs."""
        for edit in (self.oauthClientIdEdit, self.oauthTenantEdit, self.oauthClientSecretEdit):
            show_read_only(edit, read_only)
        self.signOutButton.setEnabled(not read_only)
        self._refresh()
