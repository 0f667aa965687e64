"""Save and Check connection: from the click to what the window shows, through one send job."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from crm_mail_gui.core.settings import MailSettings, SettingsInvalid
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.jobs import Crashed
from crm_mail_gui.ui.store_state import read_store_state
from crm_mail_gui.ui.translations import fill
from crm_mail_gui.ui.window_view import WindowView

if TYPE_CHECKING:
    from crm_mail_gui.core.delivery import Outcome
    from crm_mail_gui.core.errors import DeliveryError
    from crm_mail_gui.core.save import Plan
    from crm_mail_gui.ui.dialogs import SuccessDialog
    from crm_mail_gui.ui.form import SettingsForm
    from crm_mail_gui.ui.steps import StepList
    from crm_mail_gui.ui.summary import SummaryView
    from crm_mail_gui.ui.worker import SendJob, SendResult


FRAME_MS = 16  # one frame at 60 Hz: the result's parts are shown a frame apart
PREPARE_AFTER_MS = 100  # the result's parts are prepared then: the job waits for the server


class SendController(WindowView):
    """Runs the test of Save and Check connection; one at a time, cancellable."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.job: SendJob | None = None  # the test running now
        self._pending: tuple[MailSettings, str | None, bool, dict[str, Any]] | None = None
        self.again = False  # the running test is "Send test again" from the summary
        self._dialog: SuccessDialog | None = None  # prepared while the test runs

    def send_again(self) -> None:
        """Send the test mail with the stored settings, from the summary (nothing is changed
        but the note of the last successful test); the outcome is shown as Save shows it."""
        settings = self.window.settings
        if self.job is not None or settings is None:
            return
        from crm_mail_gui.core import save

        # (the credential store's loader still fills in the summary's password line)
        self.errorBanner.clear()
        self.infoBanner.clear()
        plan = save.plan_for(settings, None)
        if plan.consent_needed:
            if not self.confirm_unencrypted(self):
                return
            plan = plan.with_consent()
        from crm_mail_gui.ui.worker import SendJob

        found: dict[str, Any] = {}  # filled by `after`, on the worker's thread
        store, stored = self.store, settings

        def after(_outcome: object) -> None:
            last_test = store.note_test(stored)  # never raises for the file: only a note
            if last_test is not None:
                found["last_test"] = last_test

        job = SendJob(
            plan.settings,
            self._secret(plan) if plan.settings.auth else None,
            deliver_fn=self.deliver_fn,
            after=after,
        )
        job.progress.connect(self._step_progress)
        job.finished.connect(self._send_finished)
        self._pending = (plan.settings, None, False, found)
        self.job, self.again = job, True
        self._forget_last_dialog()
        self.window.ensure_summary().set_running(True)
        self._start_in_frames(job, plan.settings, saved=False)

    def _set_running(self, running: bool) -> None:
        self._steps_owner().set_running(running)

    def _steps_owner(self) -> SettingsForm | SummaryView:
        """The page whose test runs: the summary for Send test again, else the form."""
        return self.window.ensure_summary() if self.again else self.form

    def _steps(self) -> StepList:
        summary = self.window.summaryView
        if self.again and summary is not None:
            return summary.ensure_step_list()
        return self.form.stepList

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
        from crm_mail_gui.core import save

        typed = self.form.passwordEdit.text() or None
        plan = save.plan_for(settings, typed, check_only=check_only)
        if plan.consent_needed:
            if not self.confirm_unencrypted(self):
                return
            plan = plan.with_consent()
        settings = plan.settings
        password: str | Callable[[], str | None] | None = typed
        if settings.auth:
            password = self._secret(plan)  # read on the worker's thread
        from crm_mail_gui.ui.worker import SendJob

        found: dict[str, Any] = {}  # filled by `after`, on the worker's thread
        store, lang = self.store, self.lang  # the worker's thread must not hold the window

        def after(_outcome: object) -> None:
            # settings and password as one unit, with the note of this test (when, to whom)
            found["last_test"] = save.keep(plan, store, tested=True)
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
        self.job, self.again = job, False
        self._forget_last_dialog()
        self.form.set_running(True)
        self._start_in_frames(job, settings, saved=None if check_only else True)

    def _start_in_frames(self, job: SendJob, settings: MailSettings, *, saved: bool | None) -> None:
        """After the click's frame, the step list of `settings`; a frame later, start `job`.

        The click makes the form read-only; the step list and its layout in the same frame held
        the GUI thread 9-12 ms (bench_responsiveness.py, GUI-thread CPU between two ticks); a
        frame apart, the click takes 5-7 ms and the step list 6-8. The job's first work is
        Python (the test message and its checks, the TLS context): started at once, it shares
        the GIL with the click's layout and paint, which then held the window for two frames
        (the click's gap 10–44 ms, 8–17 ms with the job a frame later). Cancelled in the
        meantime, it never starts.

        Unless `saved` is None (a check shows no dialog), what a pass shows is prepared while
        the job waits for the server (`_prepare_result`); `saved` says whether the pass stores
        the settings.
        """

        def show_steps() -> None:
            if self.job is job:
                self._steps_owner().show_steps(settings)
                QTimer.singleShot(FRAME_MS, self.window, start)

        def start() -> None:
            if self.job is not job:
                return
            self.jobs.start(job)
            if saved is not None:
                self._prepare_result(job, settings, saved)

        QTimer.singleShot(FRAME_MS, self.window, show_steps)

    def _prepare_result(self, job: SendJob, settings: MailSettings, saved: bool) -> None:
        """While `job` waits for the server, prepare what its pass shows, one part per slot,
        two frames apart: the success dialog built, then laid out; with `saved`, the hidden
        summary filled in as the pass will leave it, then drawn once (ui.startup.draw_once).

        Built at the result, the dialog held the GUI thread 2-7 ms more in the frame that shows
        the summary, and a first summary 4-8 ms more (bench_responsiveness.py). The result then
        fills in again only what differs. A part whose job has ended does nothing.
        """
        parts = [lambda: self._build_dialog(settings, saved), self._lay_out_dialog]
        if saved:
            parts += [lambda: self._fill_hidden_summary(settings), self._draw_hidden_summary]

        def when_running(part: Callable[[], None]) -> Callable[[], None]:
            return lambda: part() if self.job is job else None

        for number, part in enumerate(parts):
            delay = PREPARE_AFTER_MS + number * 2 * FRAME_MS
            QTimer.singleShot(delay, self.window, when_running(part))

    def _build_dialog(self, settings: MailSettings, saved: bool) -> None:
        self._drop_dialog()
        self._dialog = self._new_dialog(settings, saved=saved, encrypted=True)

    def _lay_out_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.prepare()

    def _hidden_summary(self) -> SummaryView | None:
        summary = self.window.summaryView
        return None if summary is None or self.window._showing(summary) else summary

    def _fill_hidden_summary(self, settings: MailSettings) -> None:
        from crm_mail_gui.core.store import LastTest

        summary = self._hidden_summary()
        if summary is not None:
            self.window.fill_summary(settings, stored=settings.auth)
            summary.show_last_test(LastTest.now(settings.recipient))

    def _draw_hidden_summary(self) -> None:
        from crm_mail_gui.ui.startup import draw_once

        summary = self._hidden_summary()
        if summary is not None:
            draw_once(summary, self.window.stack.width())

    def _new_dialog(self, settings: MailSettings, *, saved: bool, encrypted: bool) -> SuccessDialog:
        from crm_mail_gui.ui.dialogs import SuccessDialog

        return SuccessDialog(
            settings.recipient,
            settings.server.canonical(),
            self.window,
            saved=saved,
            encrypted=encrypted,
            logged_in=settings.auth,
        )

    def _forget_last_dialog(self) -> None:
        """A new test starts: the last one's dialog (closed by now) goes, one per window."""
        last, self.window.success_dialog = self.window.success_dialog, None
        if last is not None:
            last.deleteLater()

    def _drop_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None

    def _secret(self, plan: Plan) -> Callable[[], str | None]:
        """What AUTH needs, as a call for the worker's thread (never the GUI thread's)."""
        return plan.secret_source(self.store)  # holds the store, not the window

    def cancel_test(self) -> None:
        """Cancel a running test: the form is editable again at once."""
        if self.job is None:
            return
        job, self.job = self.job, None
        self.jobs.cancel(job)  # its thread ends soon; nothing it still reports arrives
        self._pending = None
        self._drop_dialog()
        self._set_running(False)
        self.infoBanner.show_message(
            BannerKind.WARNING, self.tr("The test was cancelled. Nothing was saved.")
        )

    def _step_progress(self, report: tuple[str, str]) -> None:
        self._steps().update_step(*report)

    def _send_finished(self, result: SendResult | Crashed) -> None:
        """The one result of the current send job (the manager drops cancelled ones)."""
        from crm_mail_gui.ui.worker import SendEnd

        pending, self._pending, self.job = self._pending, None, None
        dialog, self._dialog = self._dialog, None
        if self._saved_from_form(result, pending):
            # the summary replaces the form, which becomes editable again a frame later
            QTimer.singleShot(FRAME_MS, self.window, lambda: self.form.set_running(False))
        else:
            self._set_running(False)
        if not isinstance(result, Crashed) and result.end is SendEnd.SUCCEEDED:
            assert pending is not None
            self._succeeded(result.value, pending, dialog)
            return
        if dialog is not None:
            dialog.deleteLater()
        if isinstance(result, Crashed):
            self._crashed(result.text)
        elif result.end is SendEnd.FAILED:
            self._failed(result.value)
        elif result.end is SendEnd.NOT_SAVED:
            self._not_saved(result.value)
        else:
            self._crashed(result.value)

    def _saved_from_form(self, result: SendResult | Crashed, pending: tuple | None) -> bool:
        """True for a test of Save from the form (not a check, not Send test again) that passed."""
        from crm_mail_gui.ui.worker import SendEnd

        succeeded = not isinstance(result, Crashed) and result.end is SendEnd.SUCCEEDED
        return succeeded and pending is not None and not (self.again or pending[2])

    def _succeeded(
        self,
        outcome: Outcome,
        pending: tuple[MailSettings, str | None, bool, dict[str, Any]],
        dialog: SuccessDialog | None,
    ) -> None:
        settings, _typed, check_only, found = pending
        self._steps().finish(sent=not check_only)
        encrypted = outcome.tls_version is not None
        if self.again:
            if "last_test" in found:
                self.window.last_test = found["last_test"]
                self.window.ensure_summary().show_last_test(found["last_test"])
            QTimer.singleShot(
                FRAME_MS,
                self.window,
                lambda: self._open_success_dialog(settings, encrypted, dialog, saved=False),
            )
            return
        if check_only:
            self.infoBanner.show_message(
                BannerKind.SUCCESS,
                self.tr("Connection check passed: no mail was sent, nothing was saved."),
                self._outcome_text(outcome),
                transcript="\n".join(outcome.transcript),
            )
            return
        # the worker has stored them (SendWorker's `after`), off the GUI thread
        self.window.settings = settings
        self.window.last_test = found.get("last_test")
        self.window._stored = settings.auth
        if "state" in found:
            self.window._store_state = found["state"]
            self.window._stored = found["state"].stored
        self.window._show_summary()
        # the dialog in a frame of its own, after the form's: the summary's layout and the
        # dialog together would hold the GUI thread for more than a frame (bench_responsiveness)
        QTimer.singleShot(
            2 * FRAME_MS,
            self.window,
            lambda: self._open_success_dialog(settings, encrypted, dialog),
        )

    def _open_success_dialog(
        self,
        settings: MailSettings,
        encrypted: bool,
        dialog: SuccessDialog | None,
        *,
        saved: bool = True,
    ) -> None:
        """Open the dialog prepared during the test (or build it, after a very quick test)."""
        if dialog is None:
            dialog = self._new_dialog(settings, saved=saved, encrypted=encrypted)
        else:
            dialog.set_encrypted(encrypted)
        self.window.success_dialog = dialog
        dialog.open()

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
            parts.append(fill(self.tr("Authentication: %1"), outcome.auth_mechanism))
        parts.append(fill(self.tr("Time: %1 s"), f"{outcome.elapsed:.2f}"))
        return " · ".join(parts)

    def _failed(self, error: DeliveryError) -> None:
        from crm_mail_gui.core.errors import Kind  # with the delivery engine, not at start-up

        if error.failure.kind is Kind.SIGN_IN_REQUIRED and self.form is not None:
            self.form.set_oauth_signed_in(False)  # the stored sign-in no longer works
        self.window._show_failure(error.failure, error.transcript)

    def _crashed(self, text: str) -> None:
        self.errorBanner.show_message(
            BannerKind.ERROR,
            self.tr("The test stopped because of an unexpected error. Your input is kept."),
            text,
        )
