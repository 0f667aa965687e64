"""The main window: summary or edit form, the error banner, and Save = test, then store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from crm_mail_gui.core import credentials, i18n
from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import MailSettings, SettingsInvalid
from crm_mail_gui.core.store import LastTest, Store
from crm_mail_gui.ui import accessibility, theme
from crm_mail_gui.ui.banner import Banner, BannerKind
from crm_mail_gui.ui.detect_controller import DetectController
from crm_mail_gui.ui.fields import NoteLabel
from crm_mail_gui.ui.jobs import CallJob, JobManager
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.send_controller import SendController
from crm_mail_gui.ui.signin_controller import SignInController
from crm_mail_gui.ui.startup import FirstExposure, schedule_idle_work
from crm_mail_gui.ui.store_state import StoreState, read_store_state
from crm_mail_gui.ui.translations import fill
from crm_mail_gui.ui.window_geometry import apply_geometry, geometry_path, write_geometry

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QKeyEvent

    from crm_mail_gui.core.errors import Failure
    from crm_mail_gui.ui.detect_job import Detector
    from crm_mail_gui.ui.dialogs import SuccessDialog
    from crm_mail_gui.ui.form import SettingsForm
    from crm_mail_gui.ui.summary import SummaryView
    from crm_mail_gui.ui.worker import Deliver


SLACK_LINES = 8  # the first size's room for what the form shows later (see _contents_size)


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
        detector: Detector | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.lang = lang
        self.deliver_fn = deliver_fn
        self.confirm_unencrypted = confirm_unencrypted or _ask("confirm_unencrypted")
        self.confirm_discard = confirm_discard or _ask("confirm_discard")
        self.settings: MailSettings | None = None
        self.last_test: LastTest | None = None  # the last successful test of self.settings
        self.jobs = JobManager(self)  # every thread of this window: send, sign-in, the store
        self.sending = SendController(self)  # Save and Check connection
        self.signing_in = SignInController(self)  # OAuth2 sign-in and sign-out
        self.detector = detector  # core.discovery.detect unless a test passes another
        self.detecting = DetectController(self)  # Detect from address
        self.success_dialog: SuccessDialog | None = None
        self.open_url: Callable[[str], object] = open_url or _open_in_browser
        self.setWindowTitle(self.tr("Outgoing mail server — crm-mail-gui"))
        self._credentials_known = False
        self._store_state: StoreState | None = None  # None until the loader thread has answered
        self._stored = False  # a password (or OAuth2 sign-in) is kept for self.settings
        self._reused: tuple[str, str] | None = None  # (user, host) in the form whose password
        # is already in the store, though not for the stored settings (e.g. a fresh config)
        self._first_exposure = FirstExposure(self, self._on_screen)  # see ui.startup
        self._store_loader: CallJob | None = None
        self._shut_down = False
        self.palette_watcher: theme.PaletteWatcher | None = None  # after the first paint
        self._build()
        self.reload(defer_credentials=True)
        apply_geometry(self, geometry_path(self.store.directory), self._contents_size())

    def _build(self) -> None:
        title = QLabel(self.tr("Outgoing mail server (SMTP)"))
        title.setObjectName("windowHeading")
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        subtitle = NoteLabel(
            self.tr(
                "Every mail the CRM sends by itself — workflow notifications, password resets, "
                "quotes — leaves through this server. Saving first sends a test mail and stores "
                "the settings once the server has accepted it for delivery."
            )
        )
        subtitle.setObjectName("windowSubtitle")
        theme.set_style(subtitle, "color: {muted};")
        self.errorBanner = Banner("errorBanner")
        self.infoBanner = Banner("infoBanner")
        self.stack = QStackedWidget()  # the summary and the form, each built when first shown
        self.summaryView: SummaryView | None = None  # see ensure_summary
        self.form: SettingsForm | None = None  # see ensure_form

        content = QWidget()
        content.setObjectName("scrolledContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.infoBanner)
        layout.addWidget(self.errorBanner)
        layout.addWidget(self.stack)
        layout.addStretch(1)  # the page at the top; what is left goes below it
        self.scroll = QScrollArea()
        self.scroll.setObjectName("contentScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        set_enum(self.scroll, "focusPolicy", "NoFocus")  # no invisible tab stop: Tab goes to fields
        self.scroll.setWidget(content)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.scroll, 1)
        # The form's footer (step list, why Save is blocked, the buttons) goes here, outside the
        # scrolling area: always in view, however long the banner and the form are.
        self.footer_layout = outer
        self.setCentralWidget(central)
        self.stack.currentChanged.connect(self._page_changed)
        for banner in (self.infoBanner, self.errorBanner):  # a new message is never out of view
            banner.shown.connect(self._scroll_to_top)

        self.errorBanner.fixRequested.connect(self._apply_fix)
        self.errorBanner.closed.connect(self._failure_cleared)

    def ensure_summary(self) -> SummaryView:
        """The read-only summary, built when first shown (a first run never shows it)."""
        if self.summaryView is None:
            from crm_mail_gui.ui.summary import SummaryView

            self.summaryView = SummaryView()
            self.summaryView.editRequested.connect(self.edit)
            self.summaryView.sendAgainRequested.connect(self.sending.send_again)
            self.summaryView.cancelRequested.connect(self.cancel_test)
            self.stack.addWidget(self.summaryView)
        return self.summaryView

    def ensure_form(self) -> SettingsForm:
        """The edit form, built when first shown (a start with stored settings shows the summary)."""
        if self.form is None:
            from crm_mail_gui.ui.form import SettingsForm

            form = self.form = SettingsForm(self.lang)
            self.stack.addWidget(form)
            form.place_footer(self.footer_layout)
            self._page_changed(self.stack.currentIndex())
            form.saveRequested.connect(lambda: self.start_test(check_only=False))
            form.checkRequested.connect(lambda: self.start_test(check_only=True))
            form.cancelTestRequested.connect(self.cancel_test)
            form.helpLinkRequested.connect(lambda url: self.open_url(url))
            form.backRequested.connect(self.back_to_summary)
            form.userEdit.editingFinished.connect(self._refresh_password_state)
            form.serverEdit.editingFinished.connect(self._refresh_password_state)
            signing_in = self.signing_in
            form.signInRequested.connect(signing_in.start_sign_in)
            form.cancelSignInRequested.connect(signing_in.cancel_sign_in)
            form.signOutRequested.connect(signing_in.sign_out)
            form.authMethodCombo.activated.connect(lambda _i: signing_in._refresh_oauth_state())
            form.oauthClientIdEdited.connect(signing_in._refresh_oauth_state)
            form.userEdit.editingFinished.connect(signing_in._refresh_oauth_state)
            form.detectRequested.connect(self.detecting.toggle)
        return self.form

    def _page_changed(self, _index: int) -> None:
        """The form's footer shows with the form only."""
        if self.form is not None and self.form.footer.parentWidget() is not None:
            self.form.footer.setVisible(self._showing(self.form))

    def _scroll_to_top(self) -> None:
        """Scroll the banners (above the page) into view."""
        self.scroll.verticalScrollBar().setValue(0)

    def _contents_size(self) -> QSize:
        """What the window needs to show its page without scrolling (for its first size).

        Room for SLACK_LINES more lines is kept: the note on where the password is kept comes
        once the credential store is known, a preset's notes when one is chosen.
        """
        self.stack.updateGeometry()  # its hint was cached while it was empty
        content = self.scroll.widget().sizeHint()
        footer = self.form.footer.sizeHint() if self._showing(self.form) else QSize(0, 0)
        slack = self.fontMetrics().lineSpacing() * SLACK_LINES
        return QSize(content.width(), content.height() + footer.height() + slack)

    def _show_page(self, page: QWidget) -> None:
        """Make `page` (the summary or the form) current, the window laid out for it at once.

        The switch shows or hides the form's footer, which resizes the scrolling area, whose
        scroll bar then comes or goes. Qt settles that in layout requests it posts while it lays
        out, after the frame's paint: the labels were laid out twice and the window painted
        twice in one frame, ~1.5 ms more of the result's frame (bench_responsiveness.py, GUI
        CPU). Before the first paint it settles anyway, and QEvent waits (ui.startup, rule 2).
        """
        self.stack.setCurrentWidget(page)  # _page_changed shows or hides the footer
        if not self.isVisible():
            return
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        self.centralWidget().layout().activate()  # the scrolling area gets the footer's room
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)  # its scroll bar

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
        self.last_test = loaded.last_test
        if loaded.notice:
            title = (
                self.tr("The settings file could not be used and was set aside.")
                if loaded.set_aside or loaded.settings is None
                else self.tr("Part of the stored settings could not be used.")
            )
            self.infoBanner.show_message(BannerKind.WARNING, title, loaded.notice_text(self.lang))
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
        """The window is on screen: start the work kept off the first paint (ui.startup).

        A window whose Python state is gone counts as shut down: in two of about twenty full
        runs, a test's window reached this (its first-exposure poll) during that test's teardown
        without `_shut_down` on it (cause not found; see the closing note of issue 12).
        """
        if getattr(self, "_shut_down", True):
            return
        self.onScreen.emit()
        schedule_idle_work(
            self,
            self._start_credential_store_loader,
            self._prepare_first_test,
            self._draw_hidden_parts,
            self._follow_colour_scheme,
            accessibility.install_roles,
        )

    def _follow_colour_scheme(self) -> None:
        """Idle work: follow the system's colour scheme and palette changes (ui.theme)."""
        if not self._shut_down and self.palette_watcher is None:
            self.palette_watcher = theme.follow_system_scheme(self)

    def _prepare_first_test(self) -> None:
        """Idle work after the first paint: what the first Save needs, so the click is quick.

        The worker with the delivery engine and the message builder (else the worker's thread
        imports them during the first Save), the rules of Save (core.save), the dialogs, the
        email package of the address checks (ui.startup, rule 9) and the summary page (hidden
        until shown).
        """
        if self._shut_down:
            return
        import email.generator
        import email.policy  # noqa: F401
        import encodings.idna  # noqa: F401  (the socket module's host names)

        import crm_mail_gui.core.delivery
        import crm_mail_gui.core.message
        import crm_mail_gui.core.save
        import crm_mail_gui.ui.dialogs
        import crm_mail_gui.ui.worker  # noqa: F401

        self.ensure_summary()  # hidden; a first Save's result then only fills it

    def _draw_hidden_parts(self) -> None:
        """Idle work: draw what the first test shows, still hidden, once (ui.startup.draw_once).

        The form's step list with its icons, and the summary a first Save opens: the first
        click's work fell from 8-10 ms to 2-3 ms, the first result's from ~5.5 to ~3 ms
        (measured in a harness around `set_running` and `_show_summary`).
        """
        if self._shut_down:
            return
        from crm_mail_gui.core.address import Security
        from crm_mail_gui.ui.startup import draw_once

        width = self.stack.width()
        if self.form is not None and not self.form.stepList.isVisible():
            steps = self.form.stepList
            steps.reset(Security.STARTTLS, True)  # every stage's icon drawn once (ui.icons)
            draw_once(steps, width)
        summary = self.ensure_summary()
        if not self._showing(summary):
            draw_once(summary, width)

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
        elif self.form is not None and self.sending.job is None:
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
        if state.warning:  # a file: "kept only in %1" would hide the risk
            kept = fill(self.tr("The password and OAuth2 sign-ins are kept in %1."), state.where)
            lines = [kept, state.warning]
        else:
            lines = [
                fill(
                    self.tr(
                        "The password and OAuth2 sign-ins are kept only in %1, never in the settings file."
                    ),
                    state.where,
                )
            ]
        if self._reused is not None:
            user, host = self._reused
            reused = i18n.text(
                "credentials.reused_unless_typed",
                self.lang,
                user=user,
                server=host,
                where=state.where,
            )
            lines.append(printable(reused, 400))
        return "\n".join(lines)

    def _show_summary(self) -> None:
        assert self.settings is not None
        summary = self.fill_summary(self.settings)
        summary.show_last_test(self.last_test)
        self._show_page(summary)
        summary.editButton.setFocus()

    def fill_summary(self, settings: MailSettings, *, stored: bool | None = None) -> SummaryView:
        """Put `settings` into the summary, with what is known of the stored password; with
        `stored`, as a passed Save will leave it (the send controller fills the hidden summary
        that way while the test of a Save runs)."""
        password_text = self._password_text(settings, self._stored if stored is None else stored)
        path_text = fill(self.tr("Settings file: %1"), str(self.store.path))
        summary = self.ensure_summary()
        summary.show_settings(settings, password_text, path_text)
        return summary

    def _password_text(self, settings: MailSettings, stored: bool) -> str:
        """The summary's password line: stored where, signed in or not, or "…" until known."""
        state = self._store_state
        if not self._credentials_known or state is None:
            return "…"
        if settings.uses_oauth:
            from crm_mail_gui.core.oauth_providers import load_providers

            assert settings.oauth is not None
            provider = load_providers()[settings.oauth.provider].name.get(self.lang, "")
            signed_in = self.tr("signed in") if stored else self.tr("not signed in")
            text = fill(self.tr("OAuth2 (%1): %2"), provider, signed_in)
        else:
            text = fill(self.tr("stored (%1)"), state.where) if stored else self.tr("not stored")
        if state.warning:
            text = f"{text}\n{state.warning}"  # a plain or weak file
        return text

    def edit(self) -> None:
        """Open the edit form with the stored settings."""
        stored = self._credentials_known and bool(self.settings) and self._stored
        self._reused = None  # the stored settings' own password is no surprise
        self.ensure_form().load(self.settings, stored, self._store_note())
        if self.settings is not None and self.settings.uses_oauth:
            self.form.set_oauth_signed_in(stored)
        self.detecting.reset()
        self.errorBanner.clear()
        self._show_page(self.form)
        self.form.presetCombo.setFocus()  # the first field: where Tab starts

    def back_to_summary(self) -> None:
        """Leave the form without saving (asks first when something was changed)."""
        if self.settings is None:
            return
        if self.form.is_dirty() and not self.confirm_discard(self):
            return
        self.errorBanner.clear()
        self._show_summary()

    def _refresh_password_state(self) -> None:
        if not self._showing(self.form):
            return  # e.g. the form lost focus to the summary after a Save: nothing to show
        try:
            settings = self.form.settings()
        except SettingsInvalid:
            return

        def then(answer: object) -> None:
            account = (settings.user, settings.server.host)
            if self._form_account() == account:
                self.form.set_password_stored(answer is True)
                own = self.settings is not None and account == (
                    self.settings.user,
                    self.settings.server.host,
                )
                reused = account if answer is True and not own and not settings.uses_oauth else None
                if reused != self._reused:
                    self._reused = reused
                    self.form.set_store_note(self._store_note())

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
        """Save (test, then store) or Check connection: see SendController."""
        self.sending.start_test(check_only)

    def cancel_test(self) -> None:
        """Cancel a running test: the form is editable again at once."""
        self.sending.cancel_test()

    def _show_store_failure(
        self, error: CredentialStoreUnavailable, transcript: list[str] | None = None
    ) -> None:
        from crm_mail_gui.ui.worker import store_failure

        self._show_failure(store_failure(error), transcript or [])

    def _show_failure(self, failure: Failure, transcript: list[str]) -> None:
        from crm_mail_gui.ui.failure_view import failure_banner, failure_report_text

        on_summary = not self._showing(self.form)
        if on_summary:  # a test of the stored settings (Send test again)
            oauth_available, uses_oauth = self._stored_oauth()
        else:
            oauth_available = self.form.oauth_provider() is not None
            uses_oauth = self.form.uses_oauth()
        shown = failure_banner(
            failure,
            transcript,
            self.lang,
            oauth_available=oauth_available,
            uses_oauth=uses_oauth,
        )
        form, lang = self.form, self.lang
        if on_summary and self.settings is not None:
            server = self.settings.server.canonical()
        else:
            server = form.serverEdit.text() if form is not None else ""

        def report() -> str:  # made when Copy is clicked (the OS version takes ~50 ms to learn)
            # what the form holds then: never on the clipboard
            secrets = form.typed_secrets() if form is not None else []
            return failure_report_text(failure, transcript, lang, server=server, secrets=secrets)

        self.errorBanner.show_message(
            shown.kind,
            shown.title,
            shown.body,
            transcript=shown.transcript,
            action=shown.action,
            action_text=shown.action_text,
            failure=failure,
            report=report,
        )
        if on_summary:
            return  # the fields are marked when the user opens the form (a fix or Edit)
        if shown.field:
            self.form.mark_field(shown.field, shown.field_note)
        self.form.stepList.show()

    def _failure_cleared(self) -> None:
        """The error banner went away: the last test's steps no longer describe the form."""
        if self.form is not None:
            self.form.stepList.hide()

    def _clear_failure(self) -> None:
        self.errorBanner.clear()
        self._failure_cleared()

    def _stored_oauth(self) -> tuple[bool, bool]:
        """(OAuth2 offered for the stored server, the stored settings sign in with it)."""
        from crm_mail_gui.core.oauth_providers import provider_for_preset
        from crm_mail_gui.core.presets import preset_for_server

        settings = self.settings
        if settings is None:
            return False, False
        preset = preset_for_server(settings.server.canonical())
        available = settings.uses_oauth or provider_for_preset(preset.id if preset else None)
        return bool(available), settings.uses_oauth

    def _apply_fix(self, action: str) -> None:
        if not self._showing(self.form) and self.settings is not None:
            self.edit()  # a fix offered after Send test again changes the settings: the form
        if action.startswith("server:"):
            self.form.set_server(action.removeprefix("server:"))
            self._clear_failure()
        elif action == "oauth2":
            self.form.set_auth_method("oauth2")
            self.signing_in._refresh_oauth_state()
            self._clear_failure()
            self.form.ensure_oauth_panel().oauthClientIdEdit.setFocus()
        elif action == "sign_in":
            self._clear_failure()
            self.signing_in.start_sign_in()
        elif action == "auth_off":
            self.form.authCheck.setChecked(False)
            self._clear_failure()
            self.form.saveButton.setFocus()
        elif action == "ca_file":  # the banner stays: it says why while the file is chosen
            self.form.open_ca_file()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys no widget took end here, wherever the focus is.

        Esc cancels a running test, or else leaves the form for the summary when settings are
        stored (asking about unsaved changes; on first run there is nothing to go back to).
        Ctrl+W and Ctrl+Q close the window (asking about unsaved changes, see closeEvent).
        """
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence

        if event.matches(QKeySequence.StandardKey.Cancel):
            if self.sending.job is not None:
                self.cancel_test()
            elif self._showing(self.form) and self.settings is not None:
                self.back_to_summary()
            return
        control = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if control == Qt.KeyboardModifier.ControlModifier and event.key() in (
            Qt.Key.Key_W,
            Qt.Key.Key_Q,
        ):
            self.close()
            return
        super().keyPressEvent(event)

    # -- closing ---------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved changes; cancel a running test and wait for its thread."""
        editing = self._showing(self.form)
        if (
            editing
            and self.sending.job is None
            and self.form.is_dirty()
            and not self.confirm_discard(self)
        ):
            event.ignore()
            return
        if self.store.path.exists():  # before a first successful Save nothing is stored at all
            write_geometry(geometry_path(self.store.directory), self)
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Cancel any test or sign-in and wait until every worker thread has ended."""
        self._shut_down = True
        self._first_exposure.cancelled = True
        if self.signing_in.sign_in_job is not None:
            self.signing_in._end_sign_in()
        if self.sending.job is not None:
            self.cancel_test()
        self.jobs.shutdown(5000)
