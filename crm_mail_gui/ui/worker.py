"""The test send on a worker thread: a QObject moved to a QThread, reporting through signals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

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
from crm_mail_gui.core.settings import MailSettings

Deliver = Callable[..., Any]
"""The SMTP engine: crm_mail_gui.core.delivery.deliver unless a test passes another."""


class SendWorker(QObject):
    """Runs one session off the GUI thread.

    Signals:
        progress(str step, str state): a step started ("start"), passed ("ok") or failed ("fail").
        succeeded(object outcome): the session finished; the Outcome.
        failed(object error): a DeliveryError (failure + redacted transcript).
        crashed(str text): something unexpected was raised; its type and text (no secrets).
        notSaved(str text): the session passed, but `after` (storing the settings) raised OSError.

    Exactly one of succeeded, failed, crashed and notSaved is emitted, whatever happens.
    """

    progress = Signal(str, str)
    succeeded = Signal(object)
    failed = Signal(object)
    crashed = Signal(str)
    notSaved = Signal(str)

    def __init__(
        self,
        settings: MailSettings,
        password: str | Callable[[], str | None] | None,
        *,
        check_only: bool = False,
        deliver_fn: Deliver | None = None,
        after: Callable[[Any], None] | None = None,
    ) -> None:
        """`password` may be a call (run on this worker's thread); `after(outcome)` too."""
        super().__init__()
        self.settings = settings
        self._password = password
        self._after = after
        self.check_only = check_only
        self.cancel_token = CancelToken()
        self._deliver = deliver_fn

    @Slot()
    def run(self) -> None:
        """Run the session; emit exactly one of succeeded, failed, crashed, notSaved, whatever happens.

        Nothing escapes this slot: an exception here would leave the job without a result, its
        thread running and the form "running" for ever.
        """
        secret, self._password = self._password, None
        secrets: list[str] = [secret] if isinstance(secret, str) else []
        result: tuple[Any, object] | None = None
        try:
            result = self._session(secret, secrets)
        except BaseException as error:  # anything at all: the job still ends with one result
            result = (self.crashed, safe_error_text(error, *secrets, limit=500))
        finally:
            signal, value = result or (self.crashed, "no result")
            try:
                signal.emit(value)
            finally:
                thread = self.thread()
                app = QCoreApplication.instance()
                if thread is not None and (app is None or thread is not app.thread()):
                    thread.quit()  # thread-safe; the job's thread ends even if a slot failed

    def _session(self, secret: str | Callable[[], str | None] | None, secrets: list[str]) -> tuple:
        """One session: (signal, value) for the expected endings; anything else is raised."""
        if self._deliver is None:
            from crm_mail_gui.core.delivery import deliver

            self._deliver = deliver
        try:
            # OAuth2: the callable refreshes the access token here, off the GUI thread
            password = secret() if callable(secret) else secret
            if isinstance(password, str):
                secrets.append(password)
            outcome = self._deliver(
                self.settings,
                password,
                check_only=self.check_only,
                progress=self._report,
                cancel=self.cancel_token,
            )
        except DeliveryError as error:
            if self.settings.uses_oauth and error.failure.kind is Kind.AUTH_FAILED:
                from crm_mail_gui.core import oauth

                oauth.clear_memory_cache()  # a rejected access token: refresh it next time
            return self.failed, error
        except OAuthError as error:
            failure = Failure(
                Kind.SIGN_IN_REQUIRED if error.needs_sign_in else Kind.AUTH_FAILED,
                Step.AUTH,
                detail=error.detail or error.kind,
                hint_key="oauth_sign_in",
                params={"detail": error.message()},
                fix=Fix.SIGN_IN,
            )
            return self.failed, DeliveryError(failure)
        except CredentialStoreUnavailable as error:  # e.g. a rotated refresh token not kept
            return self.failed, _store_error(error)
        if self._after is not None and not self.cancel_token.cancelled:
            try:
                self._after(outcome)  # e.g. store the settings: the credential store may be slow
            except CredentialStoreUnavailable as error:
                return self.failed, _store_error(error, outcome.transcript)
            except OSError as error:  # e.g. a read-only config folder
                return self.notSaved, safe_error_text(error, *secrets, limit=500)
        return self.succeeded, outcome

    def _report(self, step: Step, state: str) -> None:
        self.progress.emit(step.value, state)


def store_failure(error: CredentialStoreUnavailable) -> Failure:
    """The failure shown for an unusable credential store, with what the store said."""
    return replace(credential_store_failure(error.backend), detail=error.detail or None)


def _store_error(error: CredentialStoreUnavailable, transcript: list[str] | None = None) -> Any:
    return DeliveryError(store_failure(error), transcript)


class SendJob(QObject):
    """Owns a SendWorker and its QThread; `finished` fires after the thread has stopped.

    Signals:
        finished(): the thread has ended and the job may be dropped.
    """

    finished = Signal()

    def __init__(self, worker: SendWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName("smtp-test-send")
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # Direct: quit() is thread-safe, and a queued call would wait for the GUI thread, which
        # blocks in wait() at exit, so closing would hang until the wait timed out.
        for signal in (worker.succeeded, worker.failed, worker.crashed, worker.notSaved):
            signal.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.thread.finished.connect(self.finished)

    def start(self) -> None:
        """Start the thread."""
        self.thread.start()

    def cancel(self) -> None:
        """Ask the session to stop; sockets close at once, the thread ends shortly after."""
        self.worker.cancel_token.cancel()

    def wait(self, milliseconds: int = 3000) -> bool:
        """Block until the thread has ended (used at exit)."""
        return self.thread.wait(milliseconds)

    @property
    def running(self) -> bool:
        """True while the thread runs."""
        return self.thread.isRunning()
