"""The test send (Save and Check connection) as a job: one SMTP session off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import Any

from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.credentials import CredentialStoreUnavailable, safe_error_text
from crm_mail_gui.core.errors import (
    DeliveryError,
    Failure,
    Fix,
    Kind,
    Step,
    credential_store_failure,
)
from crm_mail_gui.core.oauth import OAuthError
from crm_mail_gui.core.records import record
from crm_mail_gui.core.settings import MailSettings
from crm_mail_gui.ui.jobs import Job, Report, Secret, Task, secret_of

Deliver = Callable[..., Any]
"""The SMTP engine: crm_mail_gui.core.delivery.deliver unless a test passes another."""


class SendEnd(Enum):
    """How a send ended: exactly one of these per job."""

    SUCCEEDED = "succeeded"  # value: the Outcome
    FAILED = "failed"  # value: a DeliveryError (failure + redacted transcript)
    CRASHED = "crashed"  # value: the type and text of what was raised (no secrets)
    NOT_SAVED = "notSaved"  # value: why `after` (storing the settings) raised OSError


@record
class SendResult:
    """The one result of a SendJob."""

    end: SendEnd
    value: Any


class SendJob(Job):
    """One session: progress reports (step value, "start"/"ok"/"fail"), then one SendResult.

    `secret` is read on the job's thread; `after(outcome)` (storing the settings) runs there too.
    """

    def __init__(
        self,
        settings: MailSettings,
        secret: str | Secret | None,
        *,
        check_only: bool = False,
        deliver_fn: Deliver | None = None,
        after: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__("smtp-test-send")
        self.settings = settings
        self.check_only = check_only
        self._secret: Secret | None = secret_of(secret)
        self._after = after
        self._deliver = deliver_fn

    def prepare(self) -> Task:
        """The session's task; the job keeps neither the secret nor `after` afterwards."""
        settings, check_only, deliver = self.settings, self.check_only, self._deliver
        secret, after, self._secret, self._after = self._secret, self._after, None, None
        assert secret is not None, "a job is started once"

        def task(cancel: CancelToken, report: Report) -> SendResult:
            return _send(settings, secret, check_only, deliver, after, cancel, report)

        return task


def _send(
    settings: MailSettings,
    secret: Secret,
    check_only: bool,
    deliver: Deliver | None,
    after: Callable[[Any], None] | None,
    cancel: CancelToken,
    report: Report,
) -> SendResult:
    """Run the session; return exactly one result, whatever happens (nothing escapes)."""
    secrets: list[str] = []
    try:
        return _session(settings, secret, check_only, deliver, after, cancel, report, secrets)
    except BaseException as error:  # anything at all: the job still ends with one result
        return SendResult(SendEnd.CRASHED, safe_error_text(error, *secrets, limit=500))


def _session(
    settings: MailSettings,
    secret: Secret,
    check_only: bool,
    deliver: Deliver | None,
    after: Callable[[Any], None] | None,
    cancel: CancelToken,
    report: Report,
    secrets: list[str],
) -> SendResult:
    """One session: the result for the expected endings; anything else is raised."""
    if deliver is None:
        from crm_mail_gui.core.delivery import deliver

    def progress(step: Step, state: str) -> None:
        report((step.value, state))

    try:
        # OAuth2: the call refreshes the access token here, off the GUI thread
        password = secret()
        if isinstance(password, str):
            secrets.append(password)
        outcome = deliver(
            settings, password, check_only=check_only, progress=progress, cancel=cancel
        )
    except DeliveryError as error:
        if settings.uses_oauth and error.failure.kind is Kind.AUTH_FAILED:
            from crm_mail_gui.core import oauth

            oauth.clear_memory_cache()  # a rejected access token: refresh it next time
        return SendResult(SendEnd.FAILED, error)
    except OAuthError as error:
        failure = Failure(
            Kind.SIGN_IN_REQUIRED if error.needs_sign_in else Kind.AUTH_FAILED,
            Step.AUTH,
            detail=error.detail or error.kind,
            hint_key="oauth_sign_in",
            params={"detail": error.message()},
            fix=Fix.SIGN_IN,
        )
        return SendResult(SendEnd.FAILED, DeliveryError(failure))
    except CredentialStoreUnavailable as error:  # e.g. a rotated refresh token not kept
        return SendResult(SendEnd.FAILED, _store_error(error))
    if after is not None and not cancel.cancelled:
        try:
            after(outcome)  # e.g. store the settings: the credential store may be slow
        except CredentialStoreUnavailable as error:
            return SendResult(SendEnd.FAILED, _store_error(error, outcome.transcript))
        except OSError as error:  # e.g. a read-only config folder
            return SendResult(SendEnd.NOT_SAVED, safe_error_text(error, *secrets, limit=500))
    return SendResult(SendEnd.SUCCEEDED, outcome)


def store_failure(error: CredentialStoreUnavailable) -> Failure:
    """The failure shown for an unusable credential store, with what the store said."""
    return replace(credential_store_failure(error.backend), detail=error.detail or None)


def _store_error(error: CredentialStoreUnavailable, transcript: list[str] | None = None) -> Any:
    return DeliveryError(store_failure(error), transcript)
