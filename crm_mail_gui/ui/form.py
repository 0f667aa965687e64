"""The edit form: preset, server name, user, password, From, authentication, test recipient."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core import settings as checks
from crm_mail_gui.core.address import Security, ServerAddress
from crm_mail_gui.core.oauth_providers import load_providers, provider_for_preset
from crm_mail_gui.core.presets import Preset, load_presets, preset_for_address
from crm_mail_gui.core.records import record
from crm_mail_gui.core.settings import FieldError, MailSettings, SettingsInvalid, build_settings
from crm_mail_gui.ui.fields import FieldRow, WrapLabel
from crm_mail_gui.ui.qt_props import set_enum

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSpinBox

    from crm_mail_gui.ui.oauth_panel import OAuthPanel
    from crm_mail_gui.ui.steps import StepList

CUSTOM = "custom"


@record
class AdvancedWidgets:
    """The advanced panel and its fields, once built."""

    panel: QWidget
    timeout: QSpinBox
    ca_file: QLineEdit
    browse: QPushButton
    authority: QLineEdit


@record
class AdvancedValues:
    """The advanced panel's values, kept here until the panel is first built."""

    timeout: int
    ca_file: str
    authority: str


class SettingsForm(QWidget):
    """The edit form; validates as the user types, using the core's checks.

    Signals:
        saveRequested(): Save (= test, then store) was asked for (button or Enter).
        checkRequested(): "Check connection" was asked for.
        cancelTestRequested(): the "Cancel test" button was clicked (Esc: see MainWindow).
        backRequested(): leave the form without saving.
        validityChanged(bool): the form became valid or invalid.
        signInRequested(bool device), cancelSignInRequested(), signOutRequested(),
        oauthClientIdEdited(): from the OAuth2 panel (built when OAuth2 is first chosen).
    """

    saveRequested = Signal()
    checkRequested = Signal()
    cancelTestRequested = Signal()
    backRequested = Signal()
    validityChanged = Signal(bool)
    signInRequested = Signal(bool)
    cancelSignInRequested = Signal()
    signOutRequested = Signal()
    oauthClientIdEdited = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsForm")
        self.lang = lang
        self.presets: list[Preset] = load_presets()
        self.password_stored = False
        self.running = False
        self._snapshot: dict[str, object] = {}
        self._valid = False
        self._offer_dismissed: set[str] = set()
        self._offered: Preset | None = None
        self._server_fix = ""
        self._build()
        self._connect()

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("presetCombo")
        for preset in self.presets:
            self.presetCombo.addItem(preset.text("name", self.lang), preset.id)

        # Built when first shown (most starts show none of them): see the properties below.
        self._guidance: WrapLabel | None = None
        self._offer: QFrame | None = None
        self._step_list: StepList | None = None

        self.serverEdit = self._line("serverEdit", "ssl://smtp.example.com:465")
        self.userEdit = self._line("userEdit", self.tr("usually the full mail address"))
        self.passwordEdit = self._line("passwordEdit", "")
        self.passwordEdit.setEchoMode(QLineEdit.EchoMode.Password)  # + ImhSensitiveData etc.
        self.showPasswordButton = QToolButton()
        self.showPasswordButton.setObjectName("showPasswordButton")
        self.showPasswordButton.setCheckable(True)
        self.showPasswordButton.setText(self.tr("Show"))
        self.showPasswordButton.setToolTip(self.tr("Show or hide the password"))
        self.fromEdit = self._line("fromEdit", "noreply@yourcompany.co.jp")
        self.authCheck = QCheckBox(self.tr("Requires &authentication (SMTP AUTH)"))
        self.authCheck.setObjectName("authCheck")
        self.authCheck.setChecked(True)
        self.testRecipientEdit = self._line("testRecipientEdit", "")

        self.authMethodCombo = QComboBox()
        self.authMethodCombo.setObjectName("authMethodCombo")
        self.authMethodCombo.addItem(self.tr("Password"), "password")
        self.authMethodCombo.addItem(self.tr("OAuth2 (sign in with the provider)"), "oauth2")
        self._oauth_panel: OAuthPanel | None = None
        self._oauth_account = ""
        self.oauth_signed_in = False
        self._oauth_provider_id = ""

        self.server_row = FieldRow(self.serverEdit)
        self.user_row = FieldRow(self.userEdit)
        self.password_row = FieldRow(self.passwordEdit, self.showPasswordButton)
        self.from_row = FieldRow(self.fromEdit)
        self.to_row = FieldRow(self.testRecipientEdit)
        self.rows = {
            "server": self.server_row,
            "user": self.user_row,
            "password": self.password_row,
            "from": self.from_row,
            "to": self.to_row,
        }

        self.advancedButton = QToolButton()
        self.advancedButton.setObjectName("advancedButton")
        self.advancedButton.setText(self.tr("Advanced settings"))
        self.advancedButton.setCheckable(True)
        set_enum(self.advancedButton, "toolButtonStyle", "ToolButtonTextBesideIcon")
        set_enum(self.advancedButton, "arrowType", "RightArrow")
        self.advancedButton.setAutoRaise(True)
        self._advanced: AdvancedWidgets | None = None  # built when first opened
        self._advanced_values = AdvancedValues(int(checks.DEFAULT_TIMEOUT), "", "")

        self._store_note: WrapLabel | None = None  # shown once the credential store is known

        self.backButton = QPushButton(self.tr("Cancel"))
        self.backButton.setObjectName("backButton")
        self.checkButton = QPushButton(self.tr("C&heck connection"))
        self.checkButton.setObjectName("checkButton")
        self.checkButton.setToolTip(
            self.tr("Connect, log in and check the addresses without sending a mail")
        )
        self.cancelTestButton = QPushButton(self.tr("Cancel test"))
        self.cancelTestButton.setObjectName("cancelTestButton")
        self.cancelTestButton.hide()
        self.saveButton = QPushButton(self.tr("&Save"))
        self.saveButton.setObjectName("saveButton")
        self.saveButton.setDefault(True)
        self.saveButton.setToolTip(self.tr("Send a test mail, then store the settings"))
        self.saveButton.setMinimumWidth(120)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        set_enum(form, "labelAlignment", "AlignRight|AlignTop")
        form.setVerticalSpacing(8)
        self._add_row(form, self.tr("&Provider:"), self.presetCombo)
        self._add_row(form, self.tr("Se&rver name:"), self.server_row, self.serverEdit)
        self._add_row(form, self.tr("&User name:"), self.user_row, self.userEdit)
        self.method_label = QLabel(self.tr("Authentication &method:"))
        self.method_label.setBuddy(self.authMethodCombo)
        set_enum(self.method_label, "alignment", "AlignRight|AlignVCenter")
        form.addRow(self.method_label, self.authMethodCombo)
        self._add_row(form, self.tr("Pass&word:"), self.password_row, self.passwordEdit)
        self.form_layout = form
        self._add_row(form, self.tr("&From:"), self.from_row, self.fromEdit)
        form.addRow("", self.authCheck)
        self._add_row(form, self.tr("Test &recipient:"), self.to_row, self.testRecipientEdit)
        form.addRow("", self.advancedButton)

        buttons = QHBoxLayout()
        self._buttons = buttons  # the step list joins at the left when first shown
        buttons.addStretch(1)
        buttons.addWidget(self.backButton)
        buttons.addWidget(self.checkButton)
        buttons.addWidget(self.cancelTestButton)
        buttons.addWidget(self.saveButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addStretch(1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addLayout(buttons)

        _chain_focus(  # as the fields are laid out (parts built later join in their places)
            self.presetCombo,
            self.serverEdit,
            self.userEdit,
            self.authMethodCombo,
            self.passwordEdit,
            self.showPasswordButton,
            self.fromEdit,
            self.authCheck,
            self.testRecipientEdit,
            self.advancedButton,
            self.backButton,
            self.checkButton,
            self.saveButton,
        )

    @property
    def oauthPanel(self) -> OAuthPanel:
        """The OAuth2 panel below the password row, built when OAuth2 is first chosen."""
        if self._oauth_panel is None:
            from crm_mail_gui.ui.oauth_panel import OAuthPanel

            panel = self._oauth_panel = OAuthPanel(self.lang)
            panel.hide()
            self._insert_row_below(self.password_row, panel)
            panel.set_signed_in(self.oauth_signed_in, self._oauth_account)
            panel.set_read_only(self.running)
            panel.changed.connect(self.validate)
            panel.signInRequested.connect(self.signInRequested)
            panel.cancelSignInRequested.connect(self.cancelSignInRequested)
            panel.signOutRequested.connect(self.signOutRequested)
            panel.oauthClientIdEdit.editingFinished.connect(self.oauthClientIdEdited)
            _chain_focus(self.showPasswordButton, *panel.focus_chain(), self.fromEdit)
        return self._oauth_panel

    @property
    def guidance(self) -> WrapLabel:
        """The provider's notes under the preset box (built with the first preset chosen)."""
        if self._guidance is None:
            guidance = self._guidance = WrapLabel()
            guidance.setObjectName("guidancePanel")
            set_enum(guidance, "textFormat", "RichText")
            guidance.setStyleSheet(
                "#guidancePanel { background: #e3f2fd; border: 1px solid #90caf9;"
                " border-radius: 4px; padding: 8px; color: #0d2a4a; }"
            )
            guidance.hide()
            self._insert_row_below(self.presetCombo, guidance)
        return self._guidance

    @property
    def offer(self) -> QFrame:
        """The offer of a preset that fits the typed address (built with the first offer)."""
        if self._offer is None:
            offer = self._offer = QFrame()
            offer.setObjectName("presetOffer")
            offer.setStyleSheet("#presetOffer { background: #f3e5f5; border-radius: 4px; }")
            from PySide6.QtWidgets import QSizePolicy

            offer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.offer_label = WrapLabel()
            self.offer_apply = QPushButton(self.tr("Use it"))
            self.offer_apply.setObjectName("presetOfferApply")
            self.offer_apply.setEnabled(not self.running)
            self.offer_close = QToolButton()
            self.offer_close.setText("×")
            self.offer_close.setAutoRaise(True)
            offer_layout = QHBoxLayout(offer)
            offer_layout.setContentsMargins(8, 4, 4, 4)
            offer_layout.addWidget(self.offer_label, 1)
            offer_layout.addWidget(self.offer_apply)
            offer_layout.addWidget(self.offer_close)
            offer.hide()
            above = self._guidance if self._guidance is not None else self.presetCombo
            self._insert_row_below(above, offer)
            self.offer_apply.clicked.connect(self._apply_offer)
            self.offer_close.clicked.connect(self._dismiss_offer)
            _chain_focus(self.presetCombo, self.offer_apply, self.offer_close, self.serverEdit)
        return self._offer

    @property
    def storeNote(self) -> WrapLabel:
        """Where the password is kept, under the fields (built when first known)."""
        if self._store_note is None:
            note = self._store_note = WrapLabel()
            note.setObjectName("storeNote")
            note.setStyleSheet("color: #555;")
            note.hide()
            self.form_layout.addRow("", note)  # the last row, below the advanced panel
        return self._store_note

    def _hide_offer(self) -> None:
        if self._offer is not None:
            self._offer.hide()

    @property
    def stepList(self) -> StepList:
        """The live step list left of the buttons (built when the first test starts)."""
        if self._step_list is None:
            from crm_mail_gui.ui.steps import StepList

            self._step_list = StepList()
            self._step_list.hide()
            self._buttons.insertWidget(0, self._step_list)
        return self._step_list

    @property
    def advanced(self) -> QWidget:
        """The advanced panel below its button, built when first opened (or named)."""
        return self._advanced_widgets().panel

    @property
    def timeoutSpin(self) -> QSpinBox:
        """Timeout per step, in the advanced panel (naming it builds the panel)."""
        return self._advanced_widgets().timeout

    @property
    def caFileEdit(self) -> QLineEdit:
        """Extra CA file, in the advanced panel (naming it builds the panel)."""
        return self._advanced_widgets().ca_file

    @property
    def caBrowseButton(self) -> QPushButton:
        """Browse for the extra CA file, in the advanced panel (naming it builds the panel)."""
        return self._advanced_widgets().browse

    @property
    def oauthAuthorityEdit(self) -> QLineEdit:
        """OAuth2 authority, in the advanced panel (naming it builds the panel)."""
        return self._advanced_widgets().authority

    def _advanced_widgets(self) -> AdvancedWidgets:
        if self._advanced is None:
            self._build_advanced()
        assert self._advanced is not None
        return self._advanced

    def _build_advanced(self) -> None:
        """Timeout, extra CA file and OAuth2 authority: most people never open them.

        Not built at start: PySide6 takes ~5 ms to load the QSpinBox type alone.
        """
        from PySide6.QtWidgets import QSpinBox

        values = self._advanced_values
        timeout = QSpinBox()
        timeout.setObjectName("timeoutSpin")
        timeout.setRange(int(checks.MIN_TIMEOUT), int(checks.MAX_TIMEOUT))
        timeout.setValue(values.timeout)
        timeout.setSuffix(self.tr(" s"))
        timeout.setToolTip(
            self.tr(
                "The longest wait for one answer from the server (connecting, the TLS handshake, "
                "each reply). Sending the message itself fails only after this long without any "
                "progress, so a large attachment on a slow line is not cut off."
            )
        )
        ca_edit = self._line("caFileEdit", self.tr("only for an in-house CA"))
        ca_edit.setText(values.ca_file)
        browse = QPushButton(self.tr("Browse…"))
        browse.setObjectName("caBrowseButton")
        ca_row = FieldRow(ca_edit, browse)
        authority = self._line(
            "oauthAuthorityEdit", self.tr("leave empty (only for a sovereign cloud)")
        )
        authority.setText(values.authority)
        panel = QWidget()
        panel.setObjectName("advancedPanel")
        panel.hide()
        advanced_form = QFormLayout(panel)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        self._add_row(advanced_form, self.tr("&Timeout per step:"), timeout)
        self._add_row(advanced_form, self.tr("E&xtra CA file:"), ca_row, ca_edit)
        self._add_row(advanced_form, self.tr("OAuth2 authorit&y:"), authority)
        self._insert_row_below(self.advancedButton, panel)
        self.rows["ca_file"] = ca_row
        self._advanced = AdvancedWidgets(panel, timeout, ca_edit, browse, authority)
        ca_edit.textChanged.connect(self.validate)
        authority.textChanged.connect(self.validate)
        browse.clicked.connect(self._browse_ca)
        _chain_focus(self.advancedButton, timeout, ca_edit, browse, authority, self.backButton)
        self._set_advanced_read_only(self.running)

    def _get_advanced_values(self) -> AdvancedValues:
        if self._advanced is None:
            return self._advanced_values
        return AdvancedValues(
            self.timeoutSpin.value(), self.caFileEdit.text(), self.oauthAuthorityEdit.text()
        )

    def _set_advanced_values(self, values: AdvancedValues) -> None:
        if self._advanced is None:
            self._advanced_values = values
            return
        self.timeoutSpin.setValue(values.timeout)
        self.caFileEdit.setText(values.ca_file)
        self.oauthAuthorityEdit.setText(values.authority)

    def _set_advanced_read_only(self, running: bool) -> None:
        self.caFileEdit.setReadOnly(running)
        self.oauthAuthorityEdit.setReadOnly(running)
        self.timeoutSpin.setEnabled(not running)
        self.caBrowseButton.setEnabled(not running)

    def _insert_row_below(self, above: QWidget, widget: QWidget) -> None:
        """Put a part built later in its place: the form row under the row of `above`."""
        row, _role = self.form_layout.getWidgetPosition(above)
        self.form_layout.insertRow(row + 1, "", widget)

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(320)
        edit.setClearButtonEnabled(name != "passwordEdit")
        return edit

    def _add_row(
        self, form: QFormLayout, text: str, field: QWidget, buddy: QWidget | None = None
    ) -> None:
        label = QLabel(text)
        label.setBuddy(buddy or field)
        set_enum(label, "alignment", "AlignRight|AlignVCenter")
        label.setMinimumHeight(field.sizeHint().height() if buddy is None else 0)
        form.addRow(label, field)

    def _connect(self) -> None:
        self.presetCombo.activated.connect(self._preset_chosen)
        for edit in (self.serverEdit, self.userEdit, self.passwordEdit, self.fromEdit):
            edit.textChanged.connect(self.validate)
            edit.returnPressed.connect(self._enter)
        self.testRecipientEdit.textChanged.connect(self.validate)
        self.testRecipientEdit.returnPressed.connect(self._enter)
        self.authCheck.toggled.connect(self._auth_toggled)
        self.authMethodCombo.activated.connect(self._method_changed)
        self.userEdit.textChanged.connect(self._maybe_offer)
        self.fromEdit.textChanged.connect(self._maybe_offer)
        self.userEdit.textChanged.connect(self._recipient_placeholder)
        self.fromEdit.textChanged.connect(self._recipient_placeholder)
        self.showPasswordButton.toggled.connect(self._show_password)
        self.advancedButton.toggled.connect(self._toggle_advanced)
        self.server_row.fixRequested.connect(self._apply_server_fix)
        self.saveButton.clicked.connect(self.saveRequested)
        self.checkButton.clicked.connect(self.checkRequested)
        self.cancelTestButton.clicked.connect(self.cancelTestRequested)
        self.backButton.clicked.connect(self.backRequested)

    # -- loading and values ----------------------------------------------------------------
    def set_store_note(self, text: str) -> None:
        """Say where the password is kept ("": not known yet, no note).

        Not built before it is known: no resize event before the first paint (see
        fields.note_label), and no WrapLabel (with it the QSizePolicy type) to load.
        """
        if text or self._store_note is not None:
            self.storeNote.setText(text)
            self.storeNote.setVisible(bool(text))

    def load(self, settings: MailSettings | None, password_stored: bool, store_note: str) -> None:
        """Fill the form from stored settings (or defaults) and remember them as unchanged."""
        self.password_stored = password_stored
        self.serverEdit.setText(settings.server.canonical() if settings else "")
        self.userEdit.setText(settings.user if settings else "")
        self.passwordEdit.clear()
        self.fromEdit.setText(settings.from_addr if settings else "")
        self.authCheck.setChecked(settings.auth if settings else True)
        self.testRecipientEdit.setText(settings.to if settings else "")
        oauth = settings.oauth if settings else None
        if oauth is not None or self._oauth_panel is not None:
            self.oauthPanel.load(oauth.client_id if oauth else "", oauth.tenant if oauth else "")
        self._set_advanced_values(
            AdvancedValues(
                int(settings.timeout if settings else checks.DEFAULT_TIMEOUT),
                settings.ca_file or "" if settings else "",
                oauth.authority if oauth else "",
            )
        )
        self._oauth_provider_id = oauth.provider if oauth else ""
        self.advancedButton.setChecked(
            bool(settings and (settings.ca_file or (oauth and oauth.authority)))
        )
        self.set_store_note(store_note)
        self.backButton.setVisible(settings is not None)
        if self._step_list is not None:
            self._step_list.hide()  # the last test's steps belong to the last visit
        self._select_preset_for(self.serverEdit.text())
        self.set_auth_method("oauth2" if oauth else "password")
        self._update_password_placeholder()
        self._recipient_placeholder()
        for row in self.rows.values():
            row.touched = False
        self._offer_dismissed.clear()
        self._hide_offer()
        self._snapshot = self.values()
        self.validate()

    def values(self) -> dict[str, object]:
        """The raw values in the form (the password excluded)."""
        advanced = self._get_advanced_values()
        return {
            "server": self.serverEdit.text(),
            "user": self.userEdit.text(),
            "from": self.fromEdit.text(),
            "auth": self.authCheck.isChecked(),
            "to": self.testRecipientEdit.text(),
            "timeout": advanced.timeout,
            "ca_file": advanced.ca_file.strip() or None,
            "oauth": self._oauth_values(),
        }

    def _oauth_values(self) -> dict[str, str] | None:
        if not self.uses_oauth():
            return None
        authority = self._get_advanced_values().authority.strip()
        return {**self.oauthPanel.values(), "authority": authority}

    def uses_oauth(self) -> bool:
        """True when OAuth2 is chosen (and authentication is on)."""
        return self.authCheck.isChecked() and self.authMethodCombo.currentData() == "oauth2"

    def oauth_provider(self):
        """The OAuth2 provider for the chosen preset (or the stored settings), if any."""
        preset = self.current_preset()
        provider = provider_for_preset(preset.id if preset else None)
        if provider is None and self._oauth_provider_id:
            provider = load_providers().get(self._oauth_provider_id)
        return provider

    def set_auth_method(self, method: str) -> None:
        """Choose "password" or "oauth2" (as if picked in the combo box)."""
        self.authMethodCombo.setCurrentIndex(self.authMethodCombo.findData(method))
        self._method_changed()

    def _method_changed(self, *_args: object) -> None:
        provider = self.oauth_provider()
        if provider is None and self.authMethodCombo.currentData() == "oauth2":
            self.authMethodCombo.setCurrentIndex(self.authMethodCombo.findData("password"))
        available = provider is not None and self.authCheck.isChecked()
        self.method_label.setVisible(available)
        self.authMethodCombo.setVisible(available)
        oauth = self.uses_oauth()
        if oauth or self._oauth_panel is not None:
            self.oauthPanel.set_provider(provider if oauth else None)
            self.oauthPanel.setVisible(oauth)
        self.form_layout.setRowVisible(self.password_row, not oauth)
        self.validate()

    def set_oauth_signed_in(self, signed_in: bool, account: str = "") -> None:
        """Show whether a refresh token is stored for this registration and mailbox."""
        self.oauth_signed_in = signed_in
        self._oauth_account = account
        if self._oauth_panel is not None:
            self._oauth_panel.set_signed_in(signed_in, account)
        self.validate()

    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded (a typed password counts)."""
        return self.values() != self._snapshot or bool(self.passwordEdit.text())

    def current_preset(self) -> Preset | None:
        """The preset chosen in the combo box (None for Custom)."""
        preset_id = self.presetCombo.currentData()
        return next((p for p in self.presets if p.id == preset_id and p.id != CUSTOM), None)

    def settings(self) -> MailSettings:
        """Validated settings from the form, or raise SettingsInvalid."""
        preset = self.current_preset()
        return build_settings(self.values(), placeholder=preset.placeholder if preset else None)

    # -- validation ------------------------------------------------------------------------
    def validate(self) -> bool:
        """Check every field, show messages under touched or non-empty fields, enable Save."""
        errors: dict[str, FieldError] = {}
        try:
            address = self.settings().server
        except SettingsInvalid as invalid:
            errors = dict(invalid.errors)
            address = None
        if self._password_missing():
            errors["password"] = FieldError("password", "required")
        if self.uses_oauth() and not self.oauth_signed_in and "oauth" not in errors:
            errors["oauth"] = FieldError("oauth", "oauth_sign_in_first")
        for name, row in self.rows.items():
            error = errors.get(name)
            show = error is not None and (
                row.touched or bool(row.editor.text()) or name == "ca_file"
            )
            if show and error is not None:
                row.set_state("error", error.message(self.lang))
            elif name == "server" and address is not None:
                self._server_notes(address)
            else:
                row.set_state("")
        valid = not errors
        self.saveButton.setEnabled(valid and not self.running)
        self.checkButton.setEnabled(valid and not self.running)
        self.saveButton.setToolTip(
            "\n".join(f"• {e.message(self.lang)}" for e in errors.values())
            if errors
            else self.tr("Send a test mail, then store the settings")
        )
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
        return valid

    def _password_missing(self) -> bool:
        return (
            self.authCheck.isChecked()
            and not self.uses_oauth()
            and not self.passwordEdit.text()
            and not self.password_stored
        )

    def _server_notes(self, address: ServerAddress) -> None:
        warnings = address.warnings()
        if warnings:
            warning = warnings[0]
            self._server_fix = warning.suggestion
            self.server_row.set_state(
                "warning",
                warning.message(self.lang),
                self.tr("Change to %1").replace("%1", warning.suggestion),
            )
        elif address.security is Security.PLAIN:
            self._server_fix = ""
            self.server_row.set_state(
                "warning",
                self.tr(
                    "Unencrypted connection: mail and password travel in plain text. "
                    "Use ssl:// or tls:// if the server supports it."
                ),
            )
        else:
            self.server_row.set_state("")

    def mark_fields(self, fields: tuple[str, ...], text: str) -> None:
        """Mark the fields a failure points at (the message is in the banner)."""
        for name in fields:
            row = self.rows.get(name)
            if row is not None:
                row.set_state("error", text)

    # -- behaviour -------------------------------------------------------------------------
    def _enter(self) -> None:
        if self.saveButton.isEnabled():
            self.saveRequested.emit()

    def _auth_toggled(self, on: bool) -> None:
        self.userEdit.setEnabled(on)
        self.passwordEdit.setEnabled(on)
        self.showPasswordButton.setEnabled(on)
        self._method_changed()

    def _show_password(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passwordEdit.setEchoMode(mode)
        self.showPasswordButton.setText(self.tr("Hide") if shown else self.tr("Show"))

    def _toggle_advanced(self, shown: bool) -> None:
        if shown or self._advanced is not None:
            self.advanced.setVisible(shown)
        set_enum(self.advancedButton, "arrowType", "DownArrow" if shown else "RightArrow")

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

    def _update_password_placeholder(self) -> None:
        self.passwordEdit.setPlaceholderText(
            self.tr("stored — type only to change it")
            if self.password_stored
            else self.tr("the mailbox password or an app password")
        )

    def set_password_stored(self, stored: bool) -> None:
        """Update whether a password is stored for the user and host in the form."""
        self.password_stored = stored
        self._update_password_placeholder()
        self.validate()

    def _recipient_placeholder(self) -> None:
        default = next(
            (v for v in (self.fromEdit.text().strip(), self.userEdit.text().strip()) if "@" in v),
            "",
        )
        self.testRecipientEdit.setPlaceholderText(
            self.tr("default: %1").replace("%1", default) if default else "name@example.com"
        )

    def _apply_server_fix(self) -> None:
        if getattr(self, "_server_fix", ""):
            self.serverEdit.setText(self._server_fix)
            self.server_row.touched = True

    def set_server(self, server: str) -> None:
        """Replace the server name (a fix offered by the banner)."""
        self.serverEdit.setText(server)
        self.server_row.touched = True
        self._select_preset_for(server)

    # -- presets ---------------------------------------------------------------------------
    def _select_preset_for(self, server: str) -> None:
        server = server.strip().lower()
        chosen = CUSTOM
        for preset in self.presets:
            if preset.id != CUSTOM and server and server in (s.lower() for s in preset.servers):
                chosen = preset.id
                break
        self.presetCombo.setCurrentIndex(self.presetCombo.findData(chosen))
        self._show_guidance(self.current_preset())

    def _preset_chosen(self, index: int) -> None:
        preset = self.current_preset()
        self._show_guidance(preset)
        if preset is None:
            self._method_changed()  # validates too: the placeholder check depends on the preset
            return
        self.authCheck.setChecked(preset.auth)
        provider = provider_for_preset(preset.id)
        # Microsoft is switching basic authentication off: OAuth2 is the default there.
        microsoft = provider is not None and provider.id.startswith("microsoft")
        self.set_auth_method("oauth2" if microsoft else "password")
        if preset.username_fixed and not self.userEdit.text():
            self.userEdit.setText(preset.username_fixed)
        self.serverEdit.setText(preset.server)
        self.server_row.touched = True
        self._hide_offer()
        if preset.placeholder:
            start = preset.server.find(preset.placeholder)
            self.serverEdit.setFocus()
            self.serverEdit.setSelection(start, len(preset.placeholder))

    def apply_preset(self, preset_id: str) -> None:
        """Choose a preset as if picked in the combo box."""
        index = self.presetCombo.findData(preset_id)
        self.presetCombo.setCurrentIndex(index)
        self._preset_chosen(index)

    def _show_guidance(self, preset: Preset | None) -> None:
        if preset is None:
            if self._guidance is not None:
                self._guidance.hide()
            return
        parts = [f"<b>{_escape(preset.text('name', self.lang))}</b>"]
        parts.append(_escape(preset.text("guidance", self.lang)))
        user_label = self.tr("User name:")  # not inside the f-string: lupdate would miss it
        parts.append(f"<i>{_escape(user_label)}</i> {_escape(preset.text('user_hint', self.lang))}")
        if not preset.verified:
            parts.append(
                "<span style='color:#a84a00'>"
                + _escape(
                    self.tr("Not confirmed first-hand: check these values with the provider.")
                )
                + "</span>"
            )
        if preset.placeholder:
            parts.append(
                _escape(self.tr("Replace “%1” with the server name of your contract.")).replace(
                    "%1", _escape(preset.placeholder)
                )
            )
        self.guidance.setText("<br>".join(parts))
        self.guidance.show()

    def _maybe_offer(self) -> None:
        found = None
        for edit in (self.userEdit, self.fromEdit):
            found = found or preset_for_address(edit.text().strip())
        current = self.current_preset()
        if (
            found is None
            or found.id in self._offer_dismissed
            or (current and current.id == found.id)
        ):
            self._hide_offer()
            return
        self._offered = found
        domain = next(
            (
                e.text().rpartition("@")[2]
                for e in (self.userEdit, self.fromEdit)
                if "@" in e.text()
            ),
            "",
        )
        offer = self.offer  # builds offer_label, offer_apply and offer_close the first time
        self.offer_label.setText(
            self.tr("“%1” is a %2 address. Use the %2 settings?")
            .replace("%1", domain)
            .replace("%2", found.text("name", self.lang))
        )
        offer.show()

    def _apply_offer(self) -> None:
        if self._offered is not None:
            self.apply_preset(self._offered.id)
        self._hide_offer()

    def _dismiss_offer(self) -> None:
        if self._offered is not None:
            self._offer_dismissed.add(self._offered.id)
        self._hide_offer()

    # -- running state ---------------------------------------------------------------------
    def set_running(self, running: bool, settings: MailSettings | None = None) -> None:
        """Make the form read-only with the step list while a test runs."""
        self.running = running
        for edit in (
            self.serverEdit,
            self.userEdit,
            self.passwordEdit,
            self.fromEdit,
            self.testRecipientEdit,
        ):
            edit.setReadOnly(running)
        if self._oauth_panel is not None:
            self._oauth_panel.set_read_only(running)
        if self._advanced is not None:
            self._set_advanced_read_only(running)
        for widget in (
            self.presetCombo,
            self.authMethodCombo,
            self.authCheck,
            self.showPasswordButton,
            self.backButton,
        ):
            widget.setEnabled(not running)
        if self._offer is not None:
            self.offer_apply.setEnabled(not running)
        self.server_row.set_fix_enabled(not running)
        if not running:
            self._auth_toggled(self.authCheck.isChecked())
        self.cancelTestButton.setVisible(running)
        self.saveButton.setVisible(not running)
        self.checkButton.setVisible(not running)
        if running and settings is not None:
            self.stepList.reset(settings.server.security, settings.auth)
            self.stepList.show()
            self.cancelTestButton.setFocus()
        if not running:
            self.validate()


def _chain_focus(*widgets: QWidget) -> None:
    """Tab from each widget to the next one."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
