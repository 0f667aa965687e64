"""OAuth2 sign-in and sign-out of the form's mailbox, through jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.settings import MailSettings, SettingsInvalid
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.jobs import Crashed
from crm_mail_gui.ui.translations import fill
from crm_mail_gui.ui.window_view import WindowView

if TYPE_CHECKING:
    from crm_mail_gui.core.oauth import Client
    from crm_mail_gui.ui.signin_worker import SignInJob


class SignInController(WindowView):
    """Signs in (browser with PKCE, or a device code) and out; one sign-in at a time."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.sign_in_job: SignInJob | None = None
        self._sign_in_target: tuple[MailSettings, Client] | None = None

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
        from crm_mail_gui.core import save

        if save.sign_in_problem(client) is not None:  # the rule lives in core.save
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
        text = fill(self.tr("Open %1 on any device and enter the code %2"), url, code)
        self.form.ensure_oauth_panel().set_waiting(True, text)

    def _end_sign_in(self) -> None:
        if self.sign_in_job is not None:
            self.jobs.cancel(self.sign_in_job)  # done already, or its results are not wanted
        self.sign_in_job = None
        self._sign_in_target = None
        self.form.ensure_oauth_panel().set_waiting(False)

    def _signed_in(self, settings: MailSettings, client, tokens) -> None:
        from crm_mail_gui.core import save

        user = settings.user

        def keep() -> None:  # on a credential store thread
            save.keep_sign_in(client, user, tokens)

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
