"""The main window: summary or edit form, the error banner, and Save = test, then store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.records import record
from crm_mail_gui.core.settings import MailSettings, SettingsInvalid
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui.banner import Banner, BannerKind
from crm_mail_gui.ui.fields import note_label
from crm_mail_gui.ui.jobs import CallJob, Crashed, JobManager
from crm_mail_gui.ui.startup import FirstExposure, schedule_idle_work

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from crm_mail_gui.core.delivery import Outcome
    from crm_mail_gui.core.errors import DeliveryError, Failure
    from crm_mail_gui.core.oauth import Client
    from crm_mail_gui.ui.dialogs import SuccessDialog
    from crm_mail_gui.ui.form import SettingsForm
    from crm_mail_gui.ui.signin_worker import SignInJob
    from crm_mail_gui.ui.summary import SummaryView
    from crm_mail_gui.ui.worker import Deliver, SendJob, SendResult


@record
class StoreState:
    """What the loader thread found: is a store usable, its name, is a secret kept for `settings`."""

    usable: bool
    where: str
    settings: MailSettings | None
    stored: bool


def read_store_state(store: Store, lang: str, settings: MailSettings | None) -> StoreState:
    """Ask the credential store (off the GUI thread!) what the window shows about it."""
    return StoreState(
        credentials.is_usable(),
        credentials.describe_backend(lang),
        settings,
        bool(settings) and store.has_password(settings),
    )


def _open_in_browser(url: str) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl(url))


def _ask(name: str) -> Callable[[QWidget], bool]:
    """A question from ui.dialogs, imported when first asked (keeps start-up short)."""

    def ask(parent: QWidget) -> bool:
        from crm_mail_gui.ui import dialogs

        return getattr(dialogs, name)(parent)

    return ask


class MainWindow(QMainWindow):
    """Outgoing mail server settings, in the two modes of the CRM screen."""

    onScreen = Signal()  # once, when the window is first on screen (its idle work starts then)

    def __init__(
        self,
        store: Store,
        lang: str,
        *,
        deliver_fn: Deliver | None = None,
        confirm_unencrypted: Callable[[QWidget], bool] | None = None,
        confirm_discard: Callable[[QWidget], bool] | None = None,
        open_url: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.lang = lang
        self.deliver_fn = deliver_fn
        self.confirm_unencrypted = confirm_unencrypted or _ask("confirm_unencrypted")
        self.confirm_discard = confirm_discard or _ask("confirm_discard")
        self.settings: MailSettings | None = None
        self.jobs = JobManager(self)  # every thread of this window: send, sign-in, the store
        self.job: SendJob | None = None  # the test running now
        self.success_dialog: SuccessDialog | None = None
        self._pending: tuple[MailSettings, str | None, bool, dict[str, StoreState]] | None = None
        self.sign_in_job: SignInJob | None = None
        self._sign_in_target: tuple[MailSettings, Client] | None = None
        self.open_url: Callable[[str], object] = open_url or _open_in_browser
        self.setWindowTitle(self.tr("Outgoing mail server — crm-mail-gui"))
        self._credentials_known = False
        self._store_state: StoreState | None = None  # None until the loader thread has answered
        self._stored = False  # a password (or OAuth2 sign-in) is kept for self.settings
        self._first_exposure = FirstExposure(self, self._on_screen)  # see ui.startup
        self._store_loader: CallJob | None = None
        self._shut_down = False
        self._build()
        self.reload(defer_credentials=True)

    def _build(self) -> None:
        title = QLabel(self.tr("Outgoing mail server (SMTP)"))
        title.setObjectName("windowHeading")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        subtitle = note_label(
            self.tr(
                "Every mail the CRM sends by itself — workflow notifications, password resets, "
                "quotes — leaves through this server. Saving sends a test mail first."
            )
        )
        subtitle.setObjectName("windowSubtitle")
        subtitle.setStyleSheet("color: #555;")
        self.errorBanner = Banner("errorBanner")
        self.infoBanner = Banner("infoBanner")
        self.stack = QStackedWidget()  # the summary and the form, each built when first shown
        self.summaryView: SummaryView | None = None  # see ensure_summary
        self.form: SettingsForm | None = None  # see ensure_form

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.infoBanner)
        layout.addWidget(self.errorBanner)
        layout.addWidget(self.stack, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        self.setCentralWidget(scroll)
        self.setMinimumSize(640, 560)
        self.resize(760, 720)

        self.errorBanner.fixRequested.connect(self._apply_fix)

    def ensure_summary(self) -> SummaryView:
        """The read-only summary, built when first shown (a first run never shows it)."""
        if self.summaryView is None:
            from crm_mail_gui.ui.summary import SummaryView

            self.summaryView = SummaryView()
            self.summaryView.editRequested.connect(self.edit)
            self.stack.addWidget(self.summaryView)
        return self.summaryView

    def ensure_form(self) -> SettingsForm:
        """The edit form, built when first shown (a start with stored settings shows the summary)."""
        if self.form is None:
            from crm_mail_gui.ui.form import SettingsForm

            form = self.form = SettingsForm(self.lang)
            self.stack.addWidget(form)
            form.saveRequested.connect(lambda: self.start_test(check_only=False))
            form.checkRequested.connect(lambda: self.start_test(check_only=True))
            form.cancelTestRequested.connect(self.cancel_test)
            form.backRequested.connect(self.back_to_summary)
            form.userEdit.editingFinished.connect(self._refresh_password_state)
            form.serverEdit.editingFinished.connect(self._refresh_password_state)
            form.signInRequested.connect(self.start_sign_in)
            form.cancelSignInRequested.connect(self.cancel_sign_in)
            form.signOutRequested.connect(self.sign_out)
            form.authMethodCombo.activated.connect(lambda _i: self._refresh_oauth_state())
            form.oauthClientIdEdited.connect(self._refresh_oauth_state)
            form.userEdit.editingFinished.connect(self._refresh_oauth_state)
        return self.form

    def _showing(self, page: QWidget | None) -> bool:
        return page is not None and self.stack.currentWidget() is page

    # -- modes -----------------------------------------------------------------------------
    def reload(self, *, defer_credentials: bool = False) -> None:
        """Load the stored settings; summary when there are some, the form on first run.

        With `defer_credentials`, the credential store (slow to load) is asked only after the
        window is first on screen (see setVisible); until then the password line reads "…".
        """
        loaded = self.store.load()
        self.settings = loaded.settings
        if loaded.notice:
            title = (
                self.tr("The settings file could not be used and was set aside.")
                if loaded.set_aside or loaded.settings is None
                else self.tr("Part of the stored settings could not be used.")
            )
            self.infoBanner.show_message(BannerKind.WARNING, title, loaded.notice)
        self._credentials_known = not defer_credentials and self._store_state is not None
        if self.settings is None:
            self.edit()
        else:
            self._show_summary()
        if not defer_credentials and self.settings is not None:
            self._ask_whether_stored(self.settings)

    def setVisible(self, visible: bool) -> None:
        """The first time the window is shown, wait for its first paint, then the idle work.

        (Not showEvent: no Python event handler before the first paint, see ui.startup.)
        """
        super().setVisible(visible)
        if visible:
            self._first_exposure.start()

    def _on_screen(self) -> None:
        """The window is on screen: start the work kept off the first paint (ui.startup)."""
        if self._shut_down:
            return
        self.onScreen.emit()
        schedule_idle_work(self, self._start_credential_store_loader, self._prepare_first_test)

    def _prepare_first_test(self) -> None:
        """Idle work after the first paint: what the first Save needs, so the click is quick.

        The worker (with the failure kinds and the delivery engine's records) and the dialogs.
        """
        if self._shut_down:
            return
        import crm_mail_gui.ui.dialogs
        import crm_mail_gui.ui.worker  # noqa: F401

    def _start_credential_store_loader(self) -> None:
        """Loading keyring takes 0.1–0.2 s (longer with a slow D-Bus): on a thread."""
        if self._shut_down:  # closed before its idle work began: start no thread any more
            return
        store, lang, settings = self.store, self.lang, self.settings

        def load() -> StoreState:
            credentials.load()  # import keyring and pick the backend: 0.1-0.2 s, or a slow D-Bus
            return read_store_state(store, lang, settings)

        self._store_loader = self._ask_store(load, self._credentials_loaded, "credential-store")

    def _store_failed_to_load(self, answer: object) -> StoreState:
        """What the window shows when loading the store raised (a broken backend, a hang)."""
        detail = credentials.safe_error_text(answer) if isinstance(answer, Exception) else ""
        return StoreState(False, detail or credentials.describe_backend(self.lang), None, False)

    def _ask_store(
        self,
        question: Callable[[], object],
        then: Callable[[object], None],
        name: str = "credential-store-query",
    ) -> CallJob:
        """Ask the credential store off the GUI thread; `then(answer)` runs on the GUI thread.

        The answer is what `question` returned, or the exception it raised. Every question to
        the store is asked so (or in the send job): a store that takes seconds freezes nothing.
        `question` must not capture the window (see ui.jobs).
        """
        job = CallJob(question, name)
        job.finished.connect(then)
        return self.jobs.start(job)

    def _ask_whether_stored(self, settings: MailSettings) -> None:
        """Find out off the GUI thread whether a secret is kept for `settings`, then show it."""

        def then(answer: object) -> None:
            if self.settings != settings:
                return  # the stored settings changed meanwhile; their own question follows
            self._stored = answer is True
            if self._credentials_known and self._showing(self.summaryView):
                self._show_summary()

        store = self.store  # the question's thread must not hold the window
        self._ask_store(lambda: store.has_password(settings), then)

    def _credentials_loaded(self, answer: object) -> None:
        state = answer if isinstance(answer, StoreState) else self._store_failed_to_load(answer)
        self._store_state = state
        if state.settings == self.settings:
            self._stored = state.stored
        if self._credentials_known:  # a test already used (and showed) the credential store
            return
        self._credentials_known = True
        if self._showing(self.summaryView) and self.settings is not None:
            self._show_summary()
        elif self.form is not None and self.job is None:
            self.form.set_store_note(self._store_note())
            self.form.set_password_stored(bool(self.settings) and self._stored)

    def _store_note(self) -> str:
        state = self._store_state
        if not self._credentials_known or state is None:
            return ""  # the form shows the note once the credential store is loaded
        if not state.usable:
            return self.tr(
                "No credential store is available on this PC, so a password cannot be saved."
            )
        where = state.where
        return self.tr(
            "The password and OAuth2 sign-ins are kept only in %1, never in a file."
        ).replace("%1", where)

    def _show_summary(self) -> None:
        assert self.settings is not None
        state = self._store_state
        if not self._credentials_known or state is None:
            password_text = "…"
        elif self.settings.uses_oauth:
            from crm_mail_gui.core.oauth_providers import load_providers

            assert self.settings.oauth is not None
            provider = load_providers()[self.settings.oauth.provider].name.get(self.lang, "")
            signed_in = self.tr("signed in") if self._stored else self.tr("not signed in")
            password_text = (
                self.tr("OAuth2 (%1): %2").replace("%1", provider).replace("%2", signed_in)
            )
        else:
            password_text = (
                self.tr("stored (%1)").replace("%1", state.where)
                if self._stored
                else self.tr("not stored")
            )
        path_text = self.tr("Settings file: %1").replace("%1", str(self.store.path))
        summary = self.ensure_summary()
        summary.show_settings(self.settings, password_text, path_text)
        self.stack.setCurrentWidget(summary)
        summary.editButton.setFocus()

    def edit(self) -> None:
        """Open the edit form with the stored settings."""
        stored = self._credentials_known and bool(self.settings) and self._stored
        self.ensure_form().load(self.settings, stored, self._store_note())
        if self.settings is not None and self.settings.uses_oauth:
            self.form.set_oauth_signed_in(stored)
        self.errorBanner.clear()
        self.stack.setCurrentWidget(self.form)
        self.form.serverEdit.setFocus()

    def back_to_summary(self) -> None:
        """Leave the form without saving (asks first when something was changed)."""
        if self.settings is None:
            return
        if self.form.is_dirty() and not self.confirm_discard(self):
            return
        self.errorBanner.clear()
        self._show_summary()

    def _refresh_password_state(self) -> None:
        try:
            settings = self.form.settings()
        except SettingsInvalid:
            return

        def then(answer: object) -> None:
            if self._form_account() == (settings.user, settings.server.host):
                self.form.set_password_stored(answer is True)

        store = self.store  # the question's thread must not hold the window
        self._ask_store(lambda: store.has_password(settings), then)

    def _form_account(self) -> tuple[str, str] | None:
        """The user and host in the form now (None when the form does not validate)."""
        try:
            settings = self.form.settings()
        except SettingsInvalid:
            return None
        return settings.user, settings.server.host

    # -- testing ---------------------------------------------------------------------------
    def start_test(self, check_only: bool = False) -> None:
        """Validate, read the password on this thread, confirm if unencrypted, start the worker."""
        if self.job is not None or not self.form.validate():
            return
        self._credentials_known = True  # a test uses the credential store from here on
        self.errorBanner.clear()
        self.infoBanner.clear()
        try:
            settings = self.form.settings()
        except SettingsInvalid:
            return
        typed = self.form.passwordEdit.text() or None
        password: str | Callable[[], str | None] | None = typed
        if settings.auth:
            password = self._secret(settings, typed)  # read on the worker's thread
            if not settings.server.encrypted:
                if not self.confirm_unencrypted(self):
                    return
                settings = settings.with_changes(allow_unencrypted_auth=True)
        from crm_mail_gui.ui.worker import SendJob

        found: dict[str, StoreState] = {}  # filled by `after`, on the worker's thread
        store, lang = self.store, self.lang  # the worker's thread must not hold the window

        def after(_outcome: object) -> None:
            store.save(settings, typed)
            found["state"] = read_store_state(store, lang, settings)

        self._pending = (settings, typed, check_only, found)
        job = SendJob(
            settings,
            password,
            check_only=check_only,
            deliver_fn=self.deliver_fn,
            after=None if check_only else after,
        )
        job.progress.connect(self._step_progress)
        job.finished.connect(self._send_finished)
        self.job = job
        self.form.set_running(True, settings)
        self.jobs.start(job)

    def _secret(self, settings: MailSettings, typed: str | None) -> Callable[[], str | None]:
        """What AUTH needs, as a call for the worker's thread (never the GUI thread's)."""
        store = self.store

        def secret() -> str | None:
            credentials.require_usable()  # Save stores the secret: no store, no test
            return store.session_secret(settings, typed)

        return secret

    # -- OAuth2 sign-in --------------------------------------------------------------------
    def start_sign_in(self, device: bool = False) -> None:
        """Sign in with the provider on a worker thread (browser with PKCE, or a device code)."""
        from crm_mail_gui.core import oauth
        from crm_mail_gui.ui.signin_worker import SignInJob

        if self.sign_in_job is not None:
            return
        self.errorBanner.clear()
        values = self.form.values()
        try:
            settings = self.form.settings()
        except SettingsInvalid as invalid:
            if set(invalid.errors) - {"password"}:
                self.form.validate()
                return
            settings = None
        if settings is None or not settings.uses_oauth:
            return
        secret = self.form.ensure_oauth_panel().oauthClientSecretEdit.text() or None
        client = oauth.client_for(settings, secret)
        if client.provider.needs_secret and not client.client_secret:
            self._show_oauth_error(
                oauth.OAuthError("invalid_client", self.tr("client secret missing"))
            )
            return
        job = SignInJob(client, str(values.get("user", "")), device, self.lang)
        job.progress.connect(self._sign_in_progress)
        job.finished.connect(self._sign_in_finished)
        self._sign_in_target = (settings, client)
        self.sign_in_job = job
        self.jobs.start(job)
        self.form.ensure_oauth_panel().set_waiting(True)

    def cancel_sign_in(self) -> None:
        """Stop waiting for the browser; the form stays as it was."""
        if self.sign_in_job is not None:
            self.sign_in_job.cancel_token.cancel()  # it ends with a "cancelled" error

    def _sign_in_progress(self, report: tuple) -> None:
        """Open the authorization URL in the browser, or show the device code (GUI thread)."""
        if report[0] == "open_url":
            self.open_url(report[1])
        else:
            self._show_device_code(report[1], report[2])

    def _sign_in_finished(self, result: object) -> None:
        """The job's tokens or error, delivered on the GUI thread."""
        from crm_mail_gui.core import oauth

        if isinstance(result, oauth.Tokens):
            target, self._sign_in_target = self._sign_in_target, None
            if target is not None:
                self._signed_in(*target, result)
            return
        if isinstance(result, Crashed):
            result = oauth.OAuthError("server_error", result.text)
        self._sign_in_failed(result)

    def _show_device_code(self, code: str, url: str) -> None:
        text = (
            self.tr("Open %1 on any device and enter the code %2")
            .replace("%1", url)
            .replace("%2", code)
        )
        self.form.ensure_oauth_panel().set_waiting(True, text)

    def _end_sign_in(self) -> None:
        if self.sign_in_job is not None:
            self.jobs.cancel(self.sign_in_job)  # done already, or its results are not wanted
        self.sign_in_job = None
        self._sign_in_target = None
        self.form.ensure_oauth_panel().set_waiting(False)

    def _signed_in(self, settings: MailSettings, client, tokens) -> None:
        from crm_mail_gui.core import oauth

        def keep() -> None:  # on a credential store thread
            if client.client_secret:
                credentials.set_secret(
                    oauth.secret_key(client.provider.id, client.client_id), client.client_secret
                )
            oauth.store_tokens(client, settings.user, tokens)

        def then(answer: object) -> None:
            self._end_sign_in()  # only now: until the tokens are kept, the sign-in goes on
            if isinstance(answer, Exception):  # credentials raise CredentialStoreUnavailable only
                if not isinstance(answer, CredentialStoreUnavailable):
                    secrets = (tokens.refresh_token, tokens.access_token, client.client_secret)
                    text = credentials.safe_error_text(answer, *secrets)
                    answer = CredentialStoreUnavailable("keyring", text)
                self._show_store_failure(answer)
            else:
                self.form.set_oauth_signed_in(True, tokens.account or settings.user)

        self._ask_store(keep, then)

    def _sign_in_failed(self, error) -> None:
        self._end_sign_in()
        self.form.set_oauth_signed_in(self.form.oauth_signed_in)
        if getattr(error, "kind", "") != "cancelled":
            self._show_oauth_error(error)

    def sign_out(self) -> None:
        """Forget the tokens of the mailbox in the form."""
        from crm_mail_gui.core import oauth

        try:
            settings = self.form.settings()
        except SettingsInvalid:
            return
        if settings.uses_oauth:
            client = oauth.client_for(settings)

            def then(answer: object) -> None:
                if isinstance(answer, CredentialStoreUnavailable):
                    self._show_store_failure(answer)

            # on a job's thread: the credential store, then the revocation's HTTP request
            self._ask_store(lambda: oauth.forget_tokens(client, settings.user), then, "sign-out")
        self.form.set_oauth_signed_in(False)

    def _refresh_oauth_state(self) -> None:
        from crm_mail_gui.core import oauth

        try:
            settings = self.form.settings()
        except SettingsInvalid:
            settings = None
        if settings is None or not settings.uses_oauth:
            return

        def then(answer: object) -> None:
            try:
                now = self.form.settings()
            except SettingsInvalid:
                return
            if now.user != settings.user or now.oauth != settings.oauth:
                return  # the form changed meanwhile: its own question follows
            signed_in = answer is True
            if signed_in != self.form.oauth_signed_in:
                self.form.set_oauth_signed_in(signed_in)

        self._ask_store(lambda: oauth.is_signed_in(oauth.client_for(settings), settings.user), then)

    def _show_oauth_error(self, error) -> None:
        needs = getattr(error, "needs_sign_in", False)
        self.errorBanner.show_message(
            BannerKind.ERROR,
            error.message(self.lang),
            self.tr("Sign in with the provider again; nothing else was changed.") if needs else "",
            action="sign_in" if needs else "",
            action_text=self.tr("Sign in again") if needs else "",
        )

    def cancel_test(self) -> None:
        """Cancel a running test: the form is editable again at once."""
        if self.job is None:
            return
        job, self.job = self.job, None
        self.jobs.cancel(job)  # its thread ends soon; nothing it still reports arrives
        self._pending = None
        self.form.set_running(False)
        self.infoBanner.show_message(
            BannerKind.WARNING, self.tr("The test was cancelled. Nothing was saved.")
        )

    def _step_progress(self, report: tuple[str, str]) -> None:
        self.form.stepList.update_step(*report)

    def _send_finished(self, result: SendResult | Crashed) -> None:
        """The one result of the current send job (the manager drops cancelled ones)."""
        from crm_mail_gui.ui.worker import SendEnd

        pending, self._pending, self.job = self._pending, None, None
        self.form.set_running(False)
        if isinstance(result, Crashed):
            self._crashed(result.text)
        elif result.end is SendEnd.SUCCEEDED:
            assert pending is not None
            self._succeeded(result.value, pending)
        elif result.end is SendEnd.FAILED:
            self._failed(result.value)
        elif result.end is SendEnd.NOT_SAVED:
            self._not_saved(result.value)
        else:
            self._crashed(result.value)

    def _succeeded(
        self,
        outcome: Outcome,
        pending: tuple[MailSettings, str | None, bool, dict[str, StoreState]],
    ) -> None:
        settings, _typed, check_only, found = pending
        self.form.stepList.finish(sent=not check_only)
        if check_only:
            self.infoBanner.show_message(
                BannerKind.SUCCESS,
                self.tr("Connection check passed: no mail was sent, nothing was saved."),
                self._outcome_text(outcome),
                transcript="\n".join(outcome.transcript),
            )
            return
        # the worker has stored them (SendWorker's `after`), off the GUI thread
        self.settings = settings
        self._stored = settings.auth
        if "state" in found:
            self._store_state = found["state"]
            self._stored = found["state"].stored
        self._show_summary()
        from crm_mail_gui.ui.dialogs import SuccessDialog

        self.success_dialog = SuccessDialog(settings.recipient, settings.server.canonical(), self)
        self.success_dialog.open()

    def _not_saved(self, text: str) -> None:
        """The test passed, but the settings file could not be written (the worker's `after`)."""
        self.errorBanner.show_message(
            BannerKind.ERROR, self.tr("The settings could not be saved."), text
        )

    def _outcome_text(self, outcome: Outcome) -> str:
        parts = []
        if outcome.tls_version:
            parts.append(f"TLS: {outcome.tls_version}")
        if outcome.auth_mechanism:
            parts.append(self.tr("Authentication: %1").replace("%1", outcome.auth_mechanism))
        parts.append(self.tr("Time: %1 s").replace("%1", f"{outcome.elapsed:.2f}"))
        return " · ".join(parts)

    def _failed(self, error: DeliveryError) -> None:
        from crm_mail_gui.core.errors import Kind  # with the delivery engine, not at start-up

        if error.failure.kind is Kind.SIGN_IN_REQUIRED:
            self.form.set_oauth_signed_in(False)  # the stored sign-in no longer works
        self._show_failure(error.failure, error.transcript)

    def _crashed(self, text: str) -> None:
        self.errorBanner.show_message(
            BannerKind.ERROR,
            self.tr("The test stopped because of an unexpected error. Your input is kept."),
            text,
        )

    def _show_store_failure(
        self, error: CredentialStoreUnavailable, transcript: list[str] | None = None
    ) -> None:
        from crm_mail_gui.ui.worker import store_failure

        self._show_failure(store_failure(error), transcript or [])

    def _show_failure(self, failure: Failure, transcript: list[str]) -> None:
        from crm_mail_gui.ui.failure_view import failure_banner

        shown = failure_banner(
            failure,
            transcript,
            self.lang,
            oauth_available=self.form.oauth_provider() is not None,
            uses_oauth=self.form.uses_oauth(),
        )
        self.errorBanner.show_message(
            shown.kind,
            shown.title,
            shown.body,
            transcript=shown.transcript,
            action=shown.action,
            action_text=shown.action_text,
            failure=failure,
        )
        self.form.mark_fields(failure.fields, self.tr("Check this field (see the message above)."))
        self.form.stepList.show()

    def _apply_fix(self, action: str) -> None:
        if action.startswith("server:"):
            self.form.set_server(action.removeprefix("server:"))
            self.errorBanner.clear()
        elif action == "oauth2":
            self.form.set_auth_method("oauth2")
            self._refresh_oauth_state()
            self.errorBanner.clear()
            self.form.ensure_oauth_panel().oauthClientIdEdit.setFocus()
        elif action == "sign_in":
            self.errorBanner.clear()
            self.start_sign_in()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc cancels a running test, wherever the focus is (keys no widget took end here)."""
        from PySide6.QtGui import QKeySequence

        if self.job is not None and event.matches(QKeySequence.StandardKey.Cancel):
            self.cancel_test()
            return
        super().keyPressEvent(event)

    # -- closing ---------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved changes; cancel a running test and wait for its thread."""
        editing = self._showing(self.form)
        if editing and self.job is None and self.form.is_dirty() and not self.confirm_discard(self):
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Cancel any test or sign-in and wait until every worker thread has ended."""
        self._shut_down = True
        self._first_exposure.cancelled = True
        if self.sign_in_job is not None:
            self._end_sign_in()
        if self.job is not None:
            self.cancel_test()
        self.jobs.shutdown(5000)
