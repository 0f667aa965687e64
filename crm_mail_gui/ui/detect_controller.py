"""Detect from address: from the click to the filled form, through one detection job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_mail_gui.ui.translations import fill
from crm_mail_gui.ui.window_view import WindowView

if TYPE_CHECKING:
    from crm_mail_gui.core.discovery.model import Candidate, Detection, Event
    from crm_mail_gui.ui.detect_job import DetectJob
    from crm_mail_gui.ui.detect_panel import DetectPanel
    from crm_mail_gui.ui.detect_view import Row

DEADLINE = 10.0  # seconds for the whole detection (the core's default)
PASSWORD_METHODS = frozenset({"password-cleartext", "password-encrypted", "plain", "login"})


class DetectController(WindowView):
    """Runs detection for the address in the form (one at a time, cancellable) and applies a
    chosen candidate: preset, server name, authentication and user name. Nothing is stored:
    Save still tests first.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.job: DetectJob | None = None
        self.events: list[Event] = []
        self.deadline = DEADLINE
        self._wired: DetectPanel | None = None

    @property
    def panel(self) -> DetectPanel:
        """The form's detection panel (built with the first detection)."""
        panel = self.form.ensure_detect_panel(self._ispdb_preference)
        if panel is not self._wired:
            self._wired = panel
            panel.useRequested.connect(self.use)
            panel.ispdbToggled.connect(self._remember_ispdb)
        return panel

    def _ispdb_preference(self) -> bool:
        from crm_mail_gui.ui.preferences import load_preferences

        return load_preferences(self.store.directory)["detect_ispdb"]

    def _remember_ispdb(self, on: bool) -> None:
        """Keep the ISPDB switch in the app's preferences (written off the GUI thread)."""
        from crm_mail_gui.ui.jobs import CallJob
        from crm_mail_gui.ui.preferences import save_preference

        directory = self.store.directory  # the job's thread must not hold the window
        self.jobs.start(CallJob(lambda: save_preference(directory, "detect_ispdb", on), "prefs"))

    def address(self) -> str:
        """The address to detect from: the user name if it is an address, else From."""
        for text in (self.form.userEdit.text(), self.form.fromEdit.text()):
            text = text.strip()
            local, at, domain = text.rpartition("@")
            if at and local and domain and " " not in text:
                return text
        return ""

    # -- running -------------------------------------------------------------------------
    def toggle(self) -> None:
        """The detect button: start, or cancel the detection that runs."""
        if self.job is not None:
            self.cancel()
        else:
            self.start()

    def start(self) -> None:
        """Start detecting for the address in the form (the list fills as sources answer)."""
        from crm_mail_gui.ui.detect_job import DetectJob

        panel = self.panel
        panel.show()
        address = self.address()
        if not address:
            panel.reset(self.tr("Type the mail address in User name (or From) first."))
            return
        panel.reset(panel.view.progress_text(()))
        self.events = []
        values = self.form.values()
        job = DetectJob(
            address,
            ispdb=panel.ispdb,
            allow_http=panel.begin_lookup(),  # this lookup only: unticked when it ends
            deadline=self.deadline,
            ca_file=values["ca_file"],  # type: ignore[arg-type]
            detector=self.window.detector,
            lang=self.lang,
        )
        job.progress.connect(self._event)
        job.finished.connect(self._finished)
        self.job = job
        self._set_running(True)
        self.jobs.start(job)

    def cancel(self) -> None:
        """Stop detecting: the button returns at once, the list keeps what had answered."""
        if self.job is None:
            return
        job, self.job = self.job, None
        self.jobs.cancel(job)  # nothing it still reports arrives
        self._set_running(False)
        self.panel.end_lookup()
        self.panel.set_status(self.tr("Detection was cancelled."))

    def reset(self) -> None:
        """A new visit of the form: no detection runs, the panel is hidden."""
        if self.job is not None:
            job, self.job = self.job, None
            self.jobs.cancel(job)
            self._set_running(False)
        if self.form is not None and self.form.detectPanel is not None:
            self.form.detectPanel.reset()
            self.form.detectPanel.end_lookup()
            self.form.detectPanel.hide()

    def _set_running(self, running: bool) -> None:
        button = self.form.detectButton
        button.setText(self.tr("Stop") if running else self.form.detect_button_text())
        button.setToolTip(
            self.tr("Stop detecting") if running else self.form.detect_button_tooltip()
        )

    def _event(self, event: Event) -> None:
        """One answer of a source or a probe, on the GUI thread, in the order of answers."""
        self.events.append(event)
        panel = self.panel
        panel.show_rows(panel.view.rows(self.events))
        panel.set_status(panel.view.progress_text(self.events))

    def _finished(self, result: object) -> None:
        """The one result: the Detection, the core's refusal of the address, or Crashed."""
        from crm_mail_gui.ui.detect_job import Refused
        from crm_mail_gui.ui.jobs import Crashed

        self.job = None
        self._set_running(False)
        panel = self.panel
        panel.end_lookup()
        if isinstance(result, Refused):
            panel.set_status(result.text)
            return
        if isinstance(result, Crashed) or not hasattr(result, "ranked"):
            text = result.text if isinstance(result, Crashed) else type(result).__name__
            panel.set_status(self.tr("Detection stopped because of an unexpected error: ") + text)
            return
        detection: Detection = result  # type: ignore[assignment]
        panel.show_rows(panel.view.rows(self.events, detection))
        panel.set_status(panel.view.summary(detection))
        if detection.best is not None and panel.current() is None:
            panel.select(("candidate", *detection.best.candidate.key))

    # -- using a candidate ---------------------------------------------------------------
    def use(self, row: Row) -> None:
        """Fill the form from the chosen candidate and say where it came from."""
        candidate = row.candidate
        if candidate is None or self.form.running:
            return
        form = self.form
        if candidate.preset_id and form.picker.presetCombo.findData(candidate.preset_id) >= 0:
            form.apply_preset(candidate.preset_id)  # authentication and method as the preset says
            form.serverEdit.setText(candidate.server)  # the real host in the placeholder's place
            form.server_row.touched = True
        else:
            form.set_server(candidate.server)  # the preset follows the server name
        self._apply_auth(candidate)
        from crm_mail_gui.core.discovery.providers import user_to_type

        to_type = user_to_type(candidate)  # e.g. Yahoo! JAPAN: the Yahoo ID, not the address
        if to_type is None:
            user = candidate.username or (form.userEdit.text().strip() or self.address())
            if user:
                form.userEdit.setText(user)
        form.validate()
        self.window._refresh_password_state()
        self.window.signing_in._refresh_oauth_state()
        panel = self.panel
        parts = [panel.view.origin_text(candidate)]
        if to_type is not None:  # the field is left as it is: the user types the name
            hint = to_type.text("user_hint", self.lang)
            parts.append(fill(self.tr("Type the user name yourself: %1."), hint))
            form.userEdit.setFocus()
            form.userEdit.selectAll()
        parts.append(self.tr("Save sends a test mail before anything is stored."))
        panel.show_origin(" ".join(parts))

    def _apply_auth(self, candidate: Candidate) -> None:
        """Authentication on or off and the method (OAuth2 where the candidate says so)."""
        form = self.form
        methods = {method.lower() for method in candidate.auth}
        if "none" in methods and len(methods) == 1:
            form.authCheck.setChecked(False)
            return
        form.authCheck.setChecked(True)
        oauth = "oauth2" in methods
        password = bool(methods & PASSWORD_METHODS)
        if oauth and not password and form.oauth_provider() is not None:
            form.set_auth_method("oauth2")
        elif password and not oauth:
            form.set_auth_method("password")
