"""The edit form: preset, server name, user, password, From, authentication, test recipient."""

from __future__ import annotations

import itertools
import unicodedata
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import Security, ServerAddress, normalise
from crm_mail_gui.core.oauth_providers import load_providers, provider_for_preset
from crm_mail_gui.core.presets import Preset, stray_placeholder
from crm_mail_gui.core.settings import (
    FieldError,
    MailSettings,
    OAuthSettings,
    SettingsInvalid,
    build_settings,
    ca_file_stamp,
)
from crm_mail_gui.ui import theme
from crm_mail_gui.ui.advanced_panel import add_row, advanced_values, line_edit, panel_label_texts
from crm_mail_gui.ui.fields import FieldRow, NoteLabel, WrapLabel, centred, show_read_only
from crm_mail_gui.ui.preset_picker import PresetPicker
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.steps import StepList
from crm_mail_gui.ui.translations import fill

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QKeyEvent

    from crm_mail_gui.ui.advanced_panel import AdvancedPanel
    from crm_mail_gui.ui.detect_panel import DetectPanel
    from crm_mail_gui.ui.oauth_panel import OAuthPanel


# The fields in the order the form shows them (Save's reasons name them so) and the field errors
# that mean "nothing entered yet" (the others: a value to correct).
_FIELD_ORDER = {
    key: index
    for index, key in enumerate(("server", "user", "password", "oauth", "from", "to", "ca_file"))
}
_MISSING_KEYS = frozenset({"required", "empty", "user_required", "oauth_sign_in_first"})


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
        helpLinkRequested(str): open this provider help page in the browser.
        detectRequested(): the detect button was clicked (start or stop detecting).
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
    helpLinkRequested = Signal(str)
    detectRequested = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsForm")
        self.lang = lang
        self.password_stored = False
        self.running = False
        self._snapshot: dict[str, object] = {}
        self._loaded: MailSettings | None = None  # the unbuilt advanced panel's values
        self._valid = False
        self._server_fix = ""
        self._built: tuple[tuple[object, ...], object] | None = None
        self._build()
        self._connect()

    # -- construction ----------------------------------------------------------------------
    def _build(self) -> None:
        self.picker = PresetPicker(self.lang)  # with the provider's notes and the offer
        self.presetCombo = self.picker.presetCombo
        self.stepList = StepList()  # left of the buttons while a test runs
        self.stepList.hide()

        self.serverEdit = self._line("serverEdit", "ssl://smtp.example.com:465")
        self.userEdit = self._line("userEdit", self.tr("usually the full mail address"))
        self.detectButton = QPushButton(self.detect_button_text())
        self.detectButton.setObjectName("detectButton")
        self.detectButton.setToolTip(self.detect_button_tooltip())
        self.detectPanel: DetectPanel | None = None  # see ensure_detect_panel
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
        self.oauthPanel: OAuthPanel | None = None  # see ensure_oauth_panel
        self._oauth_account = ""
        self.oauth_signed_in = False
        self._oauth_provider_id = ""

        self.server_row = FieldRow(self.serverEdit)
        self.user_row = FieldRow(self.userEdit, self.detectButton)
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
        self.advanced: AdvancedPanel | None = None  # see ensure_advanced

        # Where the password is kept: a WrapLabel (a Python resizeEvent), so not built before the
        # first paint (ui.startup, rule 2) but once the credential store is known.
        self.storeNote: WrapLabel | None = None

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
        labels = [
            self._add_row(form, self.tr("&Provider:"), self.picker, self.presetCombo),
            self._add_row(form, self.tr("Se&rver name:"), self.server_row, self.serverEdit),
            self._add_row(form, self.tr("&User name:"), self.user_row, self.userEdit),
        ]
        self.method_label = self._add_row(
            form, self.tr("Authentication &method:"), self.authMethodCombo
        )
        labels += [
            self.method_label,
            self._add_row(form, self.tr("Pass&word:"), self.password_row, self.passwordEdit),
            self._add_row(form, self.tr("&From:"), self.from_row, self.fromEdit),
        ]
        self.form_layout = form
        form.addRow("", self.authCheck)
        labels.append(
            self._add_row(form, self.tr("Test &recipient:"), self.to_row, self.testRecipientEdit)
        )
        form.addRow("", self.advancedButton)
        # One label column for the form and the advanced panel, as wide as its widest label:
        # it does not widen when a preset shows the method row or the panel opens.
        self.label_width = max(label.sizeHint().width() for label in labels)
        probe = self.method_label  # a label with a buddy measures as the panel's labels do
        for text in panel_label_texts():
            probe.setText(text)
            self.label_width = max(self.label_width, probe.sizeHint().width())
        probe.setText(self.tr("Authentication &method:"))
        for label in labels:
            label.setMinimumWidth(self.label_width)

        self.saveBlockedReason = NoteLabel()
        self.saveBlockedReason.setObjectName("saveBlockedReason")
        self.saveBlockedReason.hide()
        self.footer = self._build_footer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

        _chain_focus(  # as the fields are laid out (the OAuth2 panel joins in its place)
            *self.picker.focus_chain(),
            self.serverEdit,
            self.userEdit,
            self.detectButton,
            self.authMethodCombo,
            self.passwordEdit,
            self.showPasswordButton,
            self.fromEdit,
            self.authCheck,
            self.testRecipientEdit,
            self.advancedButton,
        )  # then the footer's buttons, once it is in the window (place_footer)

    def _build_footer(self) -> QWidget:
        """The step list, why Save is blocked and the buttons: the window keeps it in view.

        (MainWindow puts it below its scrolling area; it shows with the form.)
        """
        footer = QWidget()
        footer.setObjectName("formFooter")
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        buttons = QHBoxLayout()
        buttons.addLayout(centred(self.saveBlockedReason), 1)
        buttons.addWidget(self.backButton)
        buttons.addWidget(self.checkButton)
        buttons.addWidget(self.cancelTestButton)
        buttons.addWidget(self.saveButton)
        layout = QVBoxLayout(footer)
        layout.setContentsMargins(20, 0, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(line)
        layout.addWidget(self.stepList)
        layout.addLayout(buttons)
        return footer

    def place_footer(self, layout: QVBoxLayout) -> None:
        """Put the footer in the window's `layout` (outside its scrolling area), in tab order."""
        layout.addWidget(self.footer)
        self.footer.hide()  # shown with the form (MainWindow._page_changed)
        last = self.advancedButton
        if self.advanced is not None:
            last = self.advanced.focus_chain()[-1]
        _chain_focus(last, self.backButton, self.checkButton, self.saveButton)

    def ensure_oauth_panel(self) -> OAuthPanel:
        """The OAuth2 panel below the password row, built when OAuth2 is first chosen."""
        if self.oauthPanel is None:
            from crm_mail_gui.ui.oauth_panel import OAuthPanel

            panel = self.oauthPanel = OAuthPanel(self.lang)
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
        return self.oauthPanel

    def detect_button_text(self) -> str:
        """The detect button's text when no detection runs."""
        return self.tr("Detect from address")

    def detect_button_tooltip(self) -> str:
        """The detect button's tooltip when no detection runs."""
        return self.tr("Find the server for the address in User name (or From); nothing is sent")

    def ensure_detect_panel(self, ispdb: Callable[[], bool]) -> DetectPanel:
        """The detection panel below the user name, built with the first detection.

        `ispdb` answers whether the ISPDB is asked (the remembered choice), when it is built.
        """
        if self.detectPanel is None:
            from crm_mail_gui.ui.detect_panel import DetectPanel

            panel = self.detectPanel = DetectPanel(ispdb())
            panel.hide()
            self._insert_row_below(self.user_row, panel)
            panel.set_read_only(self.running)
            _chain_focus(self.detectButton, *panel.focus_chain(), self.authMethodCombo)
        return self.detectPanel

    def ensure_advanced(self) -> AdvancedPanel:
        """The advanced panel below its button, built when first opened (ui.startup, rule 8).

        Until then its values are those of the settings the form was loaded with.
        """
        if self.advanced is None:
            from crm_mail_gui.ui.advanced_panel import AdvancedPanel

            panel = self.advanced = AdvancedPanel(self.label_width)
            panel.load(self._loaded)
            panel.set_read_only(self.running)
            self._insert_spanning_row_below(self.advancedButton, panel)
            self.rows["ca_file"] = panel.ca_row
            panel.changed.connect(self.validate)
            _chain_focus(self.advancedButton, *panel.focus_chain(), self.backButton)
        return self.advanced

    def ensure_store_note(self) -> WrapLabel:
        """The note on where the password is kept, under the fields (built when first known)."""
        if self.storeNote is None:
            note = self.storeNote = WrapLabel()
            note.setObjectName("storeNote")
            set_enum(note, "textFormat", "PlainText")  # it names the typed user and host
            theme.set_style(note, "color: {muted};")
            note.hide()
            self.form_layout.addRow("", note)  # the last row, below the advanced panel
        return self.storeNote

    def _insert_row_below(self, above: QWidget, widget: QWidget) -> None:
        """Put a part built later in its place: the form row under the row of `above`."""
        row, _role = self.form_layout.getWidgetPosition(above)
        self.form_layout.insertRow(row + 1, "", widget)

    def _insert_spanning_row_below(self, above: QWidget, widget: QWidget) -> None:
        """Put a part with its own labels (in the form's label column) under the row of `above`."""
        row, _role = self.form_layout.getWidgetPosition(above)
        self.form_layout.insertRow(row + 1, widget)

    _line = staticmethod(line_edit)
    _add_row = staticmethod(add_row)

    def _connect(self) -> None:
        self.picker.chosen.connect(self._preset_chosen)
        self.picker.followed.connect(self._method_changed)  # OAuth2 comes and goes with it
        self.picker.linkOpened.connect(self.helpLinkRequested)
        self.serverEdit.textEdited.connect(self.picker.follow)
        for name, row in self.rows.items():
            if name != "password":  # a password is used exactly as typed
                row.editor.editingFinished.connect(lambda name=name: self._field_left(name))
        for edit in (self.serverEdit, self.userEdit, self.passwordEdit, self.fromEdit):
            edit.textChanged.connect(self.validate)
        self.testRecipientEdit.textChanged.connect(self.validate)
        self.authCheck.toggled.connect(self._auth_toggled)
        self.authMethodCombo.activated.connect(self._method_changed)
        self.userEdit.textChanged.connect(self._maybe_offer)
        self.fromEdit.textChanged.connect(self._maybe_offer)
        self.userEdit.textChanged.connect(self._recipient_placeholder)
        self.fromEdit.textChanged.connect(self._recipient_placeholder)
        self.showPasswordButton.toggled.connect(self._show_password)
        self.advancedButton.toggled.connect(self._toggle_advanced)
        self.server_row.fixRequested.connect(self._apply_server_fix)
        self.detectButton.clicked.connect(self.detectRequested)
        self.saveButton.clicked.connect(self.saveRequested)
        self.checkButton.clicked.connect(self.checkRequested)
        self.cancelTestButton.clicked.connect(self.cancelTestRequested)
        self.backButton.clicked.connect(self.backRequested)

    # -- loading and values ----------------------------------------------------------------
    def set_store_note(self, text: str) -> None:
        """Say where the password is kept ("": not known yet, no note).

        Not built before it is known: no resize event before the first paint (see
        fields.NoteLabel), and no WrapLabel (with it the QSizePolicy type) to load.
        """
        if text or self.storeNote is not None:
            note = self.ensure_store_note()
            note.setText(text)
            note.setVisible(bool(text))

    def load(self, settings: MailSettings | None, password_stored: bool, store_note: str) -> None:
        """Fill the form from stored settings (or defaults) and remember them as unchanged."""
        self.password_stored = password_stored
        self._loaded = settings
        self._load_fields(settings)
        self._load_oauth(settings.oauth if settings else None)
        self.advancedButton.setChecked(
            bool(settings and (settings.ca_file or (settings.oauth and settings.oauth.authority)))
        )
        self.set_store_note(store_note)
        self.backButton.setVisible(settings is not None)
        self.stepList.hide()  # the last test's steps belong to the last visit
        self.picker.select_for(self.serverEdit.text())
        method = "oauth2" if settings and settings.oauth else "password"
        self.set_auth_method(method, validate=False)  # validated below, once all is loaded
        self._update_password_placeholder()
        self._recipient_placeholder()
        for row in self.rows.values():
            row.touched = row.left = False
        self.picker.reset_offers()
        self._snapshot = self.values()
        self.validate()

    def _load_fields(self, settings: MailSettings | None) -> None:
        """The field rows and the advanced panel, from `settings` or the defaults."""
        stored: dict = settings.to_dict() if settings is not None else {}
        self.serverEdit.setText(stored.get("server", ""))
        self.userEdit.setText(stored.get("user", ""))
        self.passwordEdit.clear()
        self.fromEdit.setText(stored.get("from", ""))
        self.authCheck.setChecked(stored.get("auth", True))
        self.testRecipientEdit.setText(stored.get("to", ""))
        if self.advanced is not None:
            self.advanced.load(settings)

    def _load_oauth(self, oauth: OAuthSettings | None) -> None:
        """The OAuth2 panel (built only when the settings use it or it exists already)."""
        if oauth is not None or self.oauthPanel is not None:
            panel = self.ensure_oauth_panel()
            panel.load(oauth.client_id if oauth else "", oauth.tenant if oauth else "")
        self._oauth_provider_id = oauth.provider if oauth else ""

    def values(self) -> dict[str, object]:
        """The raw values in the form (the password excluded)."""
        panel = self.advanced
        timeout, ca_file, authority = (
            panel.values() if panel is not None else advanced_values(self._loaded)
        )
        return {
            "server": self.serverEdit.text(),
            "user": self.userEdit.text(),
            "from": self.fromEdit.text(),
            "auth": self.authCheck.isChecked(),
            "to": self.testRecipientEdit.text(),
            "timeout": timeout,
            "ca_file": ca_file.strip() or None,
            "oauth": self._oauth_values(authority.strip()),
        }

    def _oauth_values(self, authority: str) -> dict[str, str] | None:
        if not self.uses_oauth():
            return None
        return {**self.ensure_oauth_panel().values(), "authority": authority}

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

    def set_auth_method(self, method: str, *, validate: bool = True) -> None:
        """Choose "password" or "oauth2" (as if picked in the combo box)."""
        self.authMethodCombo.setCurrentIndex(self.authMethodCombo.findData(method))
        self._show_auth_method()
        if validate:
            self.validate()

    def _method_changed(self, *_args: object) -> None:
        self._show_auth_method()
        self.validate()

    def _show_auth_method(self) -> None:
        """The rows of the chosen sign-in method (password or OAuth2), the other hidden."""
        provider = self.oauth_provider()
        if provider is None and self.authMethodCombo.currentData() == "oauth2":
            self.authMethodCombo.setCurrentIndex(self.authMethodCombo.findData("password"))
        available = provider is not None and self.authCheck.isChecked()
        self.form_layout.setRowVisible(self.authMethodCombo, available)  # no empty row left
        oauth = self.uses_oauth()
        if oauth or self.oauthPanel is not None:
            panel = self.ensure_oauth_panel()
            panel.set_provider(provider if oauth else None)
            panel.setVisible(oauth)
        self.form_layout.setRowVisible(self.password_row, not oauth)

    def set_oauth_signed_in(self, signed_in: bool, account: str = "") -> None:
        """Show whether a refresh token is stored for this registration and mailbox."""
        self.oauth_signed_in = signed_in
        self._oauth_account = account
        if self.oauthPanel is not None:
            self.oauthPanel.set_signed_in(signed_in, account)
        self.validate()

    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded (a typed password counts)."""
        return self.values() != self._snapshot or bool(self.passwordEdit.text())

    def current_preset(self) -> Preset | None:
        """The preset chosen in the combo box (None for Custom)."""
        return self.picker.current()

    def settings(self) -> MailSettings:
        """Validated settings from the form, or raise SettingsInvalid.

        Built once per change of the values or of the named CA file on disk (its stat):
        validation, Save and the store questions all ask, and at a click each build would
        hold the GUI thread again (bench_responsiveness.py).
        """
        preset = self.current_preset()
        values = self.values()
        placeholder = (
            preset.placeholder
            if preset
            else stray_placeholder(str(values["server"]), self.picker.presets)
        )
        key = (values, placeholder, ca_file_stamp(values["ca_file"]))
        if self._built is None or self._built[0] != key:
            try:
                built: MailSettings | SettingsInvalid = build_settings(values, placeholder=key[1])
            except SettingsInvalid as invalid:
                built = invalid
            self._built = (key, built)
        built = self._built[1]
        if isinstance(built, SettingsInvalid):
            raise built.with_traceback(None)
        return built

    # -- validation ------------------------------------------------------------------------
    def validate(self) -> bool:
        """Check every field, show messages under touched or non-empty fields, enable Save."""
        errors, address = self._errors()
        self._show_field_states(errors, address)
        valid = not errors
        self.saveButton.setEnabled(valid and not self.running)
        self.checkButton.setEnabled(valid and not self.running)
        self._say_why_blocked(errors)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
        return valid

    def _errors(self) -> tuple[dict[str, FieldError], ServerAddress | None]:
        """What keeps Save disabled, by field; the server address when it is valid."""
        errors: dict[str, FieldError] = {}
        try:
            address: ServerAddress | None = self.settings().server
        except SettingsInvalid as invalid:
            errors = dict(invalid.errors)
            address = None
        if self._password_missing():
            errors["password"] = FieldError("password", "required")
        if self.uses_oauth() and not self.oauth_signed_in and "oauth" not in errors:
            errors["oauth"] = FieldError("oauth", "oauth_sign_in_first")
        return errors, address

    def _show_field_states(
        self, errors: dict[str, FieldError], address: ServerAddress | None
    ) -> None:
        """Each field's message: its error once touched or filled in, else the server's notes."""
        for name, row in self.rows.items():
            error = errors.get(name)
            show = error is not None and (
                row.touched or bool(row.editor.text()) or name == "ca_file"
            )
            if error is not None and error.key == "placeholder" and not row.left:
                show = False  # the provider's notes say it calmly until the user moves on
            if show and error is not None:
                row.set_state("error", error.message(self.lang))
            elif name == "server" and address is not None:
                self._server_notes(address)
            else:
                row.set_state("")

    def _say_why_blocked(self, errors: dict[str, FieldError]) -> None:
        """Name the fields that keep Save disabled, next to the buttons and in its tooltip."""
        ordered = sorted(errors.values(), key=lambda e: _FIELD_ORDER.get(e.field, 99))
        missing = [e for e in ordered if e.key in _MISSING_KEYS]
        wrong = [e for e in ordered if e.key not in _MISSING_KEYS]
        separator = self.tr(", ", "between field names")
        parts = []
        if missing:
            names = separator.join(self._field_name(e.field) for e in missing)
            parts.append(fill(self.tr("Required: %1"), names))
        if wrong:
            names = separator.join(self._field_name(e.field) for e in wrong)
            parts.append(fill(self.tr("To correct: %1"), names))
        self.saveBlockedReason.setText("\n".join(parts))
        self.saveBlockedReason.setVisible(bool(parts) and not self.running)
        self.saveButton.setToolTip(
            "\n".join(f"• {self._field_name(e.field)}: {e.message(self.lang)}" for e in ordered)
            if ordered
            else self.tr("Send a test mail, then store the settings")
        )

    def _field_name(self, key: str) -> str:
        return i18n.text(f"fields.{key}", self.lang)

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
                fill(self.tr("Change to %1"), warning.suggestion),
            )
        elif address.security is Security.PLAIN and self.authCheck.isChecked():
            self._server_fix = ""  # without a login, no password can travel in clear
            self.server_row.set_state(
                "warning",
                self.tr(
                    "Unencrypted connection: mail and password travel in plain text. "
                    "Use ssl:// or tls:// if the server supports it."
                ),
            )
        else:
            self.server_row.set_state("")

    def mark_field(self, name: str, text: str) -> None:
        """Mark the one field a failure points at, with its own short text (the rest is in the
        banner)."""
        row = self.rows.get(name)
        if row is not None:
            row.set_state("error", text)

    def typed_secrets(self) -> list[str]:
        """What the user typed that must never be copied: the password, an OAuth2 client secret."""
        secrets = [self.passwordEdit.text()]
        if self.oauthPanel is not None:
            secrets.append(self.oauthPanel.oauthClientSecretEdit.text())
        return [secret for secret in secrets if secret]

    def open_ca_file(self) -> None:
        """Open the advanced panel at the extra CA file field (a fix offered by the banner)."""
        self.advancedButton.setChecked(True)
        edit = self.ensure_advanced().caFileEdit
        edit.setFocus()
        edit.selectAll()

    # -- behaviour -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in any field of the form (the panels' too) saves, as the Save button does.

        Fields leave Enter to their parents: it ends here, once, whichever field had it. On a
        button, Enter is that button's (not Save's).
        """
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QAbstractSpinBox

        field = (QLineEdit, QAbstractSpinBox, QCheckBox, QComboBox)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.focusWidget(), field
        ):
            self._enter()
            event.accept()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        if self.saveButton.isEnabled() and not self.running:
            self.saveRequested.emit()
        else:
            self.reveal_errors()

    def reveal_errors(self) -> None:
        """Show every field's problem, as after leaving each field (Save asked for)."""
        for row in self.rows.values():
            row.touched = row.left = True
        self.validate()

    def _field_left(self, name: str) -> None:
        """The user moved on from a field: show it normalised (what will be stored), and its
        problem if it has one. Full-width letters and digits of an IME become ASCII."""
        row = self.rows[name]
        text = row.editor.text()
        folded = normalise(text) if name == "server" else unicodedata.normalize("NFKC", text)
        folded = folded.strip()
        row.left = True
        if folded != text and not row.editor.isReadOnly():
            row.editor.setText(folded)  # validates (textChanged)
            if name == "server":
                self.picker.follow(folded)
        else:
            self.validate()

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
        if shown or self.advanced is not None:
            self.ensure_advanced().setVisible(shown)
        set_enum(self.advancedButton, "arrowType", "DownArrow" if shown else "RightArrow")

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
            fill(self.tr("default: %1"), default) if default else "name@example.com"
        )

    def _apply_server_fix(self) -> None:
        if getattr(self, "_server_fix", ""):
            self.serverEdit.setText(self._server_fix)
            self.server_row.touched = True
            self.picker.follow(self._server_fix)

    def set_server(self, server: str) -> None:
        """Replace the server name (a fix offered by the banner)."""
        self.serverEdit.setText(server)
        self.server_row.touched = True
        self.picker.follow(server)

    # -- presets ---------------------------------------------------------------------------
    def _preset_chosen(self) -> None:
        preset = self.current_preset()
        if preset is None:
            previous = self.picker.previous
            server = self.serverEdit.text().strip().lower()
            if previous is not None and server in (s.lower() for s in previous.servers):
                # the preset's own server name (svNNNN and all) is not the user's: Custom
                # starts empty rather than keeping it without a word
                self.serverEdit.clear()
                self.server_row.touched = self.server_row.left = False
                self.serverEdit.setFocus()
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
        self.server_row.left = False  # the preset's value: marked once the user moves on again
        self.validate()
        self.picker.offer.hide()
        if preset.placeholder:
            start = preset.server.find(preset.placeholder)
            self.serverEdit.setFocus()
            self.serverEdit.setSelection(start, len(preset.placeholder))

    def apply_preset(self, preset_id: str) -> None:
        """Choose a preset as if picked in the combo box."""
        self.picker.choose(preset_id)

    def _maybe_offer(self) -> None:
        self.picker.offer_for(self.userEdit.text(), self.fromEdit.text())

    # -- running state ---------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        """Make the form read-only while a test runs (its steps: `show_steps`, a frame later)."""
        self.running = running
        for edit in (
            self.serverEdit,
            self.userEdit,
            self.passwordEdit,
            self.fromEdit,
            self.testRecipientEdit,
        ):
            show_read_only(edit, running)
        if self.oauthPanel is not None:
            self.oauthPanel.set_read_only(running)
        if self.advanced is not None:
            self.advanced.set_read_only(running)
        if self.detectPanel is not None:
            self.detectPanel.set_read_only(running)
        self.picker.set_running(running)
        for widget in (
            self.authMethodCombo,
            self.authCheck,
            self.showPasswordButton,
            self.backButton,
        ):
            widget.setEnabled(not running)
        self.server_row.set_fix_enabled(not running)
        if not running:
            self._auth_toggled(self.authCheck.isChecked())
            self.stepList.stop()  # a stage still "running" (cancelled, crashed) is not
        self.cancelTestButton.setVisible(running)
        self.saveButton.setVisible(not running)
        self.checkButton.setVisible(not running)
        if running:
            self.cancelTestButton.setFocus()
        else:
            self.validate()

    def show_steps(self, settings: MailSettings) -> None:
        """The step list of the test of `settings` that is starting: every step still to do."""
        self.stepList.reset(settings.server.security, settings.auth, settings.timeout)
        self.stepList.show()


def _chain_focus(*widgets: QWidget) -> None:
    """Tab from each widget to the next one."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)
