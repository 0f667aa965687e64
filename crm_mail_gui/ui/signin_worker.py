"""OAuth2 sign-in as a job: waits for the browser (or a device code) off the GUI thread."""

from __future__ import annotations

from crm_mail_gui.core import oauth
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.ui.jobs import Job, Report, Task


class SignInJob(Job):
    """Runs one sign-in.

    Progress: ("open_url", url) to open in the system browser, ("device_code", code, url) to show.
    Result: the oauth.Tokens, or an oauth.OAuthError (anything else raised is wrapped in one).
    """

    def __init__(self, client: oauth.Client, login_hint: str, device: bool, lang: str) -> None:
        super().__init__("oauth-sign-in")
        self.client = client
        self.login_hint = login_hint
        self.device = device
        self.lang = lang

    def prepare(self) -> Task:
        """The sign-in's task (values only)."""
        client, hint, device, lang = self.client, self.login_hint, self.device, self.lang

        def task(cancel: CancelToken, report: Report) -> object:
            return _sign_in(client, hint, device, lang, cancel, report)

        return task


def _sign_in(
    client: oauth.Client, hint: str, device: bool, lang: str, cancel: CancelToken, report: Report
) -> object:
    """Sign in; the tokens or the error, never raised."""
    try:
        if device:
            code = oauth.start_device_flow(client)
            report(("device_code", code.user_code, code.verification_uri))
            return oauth.poll_device_flow(client, code, cancel)
        return oauth.sign_in(
            client,
            lambda url: report(("open_url", url)),
            cancel=cancel,
            login_hint=hint,
            lang=lang,
        )
    except oauth.OAuthError as error:
        return error
    except Exception as error:  # the window must survive anything raised here
        return oauth.OAuthError("server_error", f"{type(error).__name__}: {error}")
