"""OAuth2 sign-in off the GUI thread: waits for the browser (or device code), never blocks the UI."""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal, Slot

from crm_mail_gui.core import oauth
from crm_mail_gui.core.connection import CancelToken


class SignInWorker(QObject):
    """Runs one sign-in.

    Signals:
        openUrl(str): open this authorization URL in the system browser (done on the GUI thread).
        deviceCode(str user_code, str url): show this code and URL to the admin.
        succeeded(object tokens): oauth.Tokens.
        failed(object error): an oauth.OAuthError (or another exception, wrapped).
    """

    openUrl = Signal(str)
    deviceCode = Signal(str, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, client: oauth.Client, login_hint: str, device: bool, lang: str) -> None:
        super().__init__()
        self.client = client
        self.login_hint = login_hint
        self.device = device
        self.lang = lang
        self.cancel_token = CancelToken()

    @Slot()
    def run(self) -> None:
        """Sign in and emit succeeded or failed exactly once."""
        try:
            if self.device:
                code = oauth.start_device_flow(self.client)
                self.deviceCode.emit(code.user_code, code.verification_uri)
                tokens = oauth.poll_device_flow(self.client, code, self.cancel_token)
            else:
                tokens = oauth.sign_in(
                    self.client,
                    self.openUrl.emit,
                    cancel=self.cancel_token,
                    login_hint=self.login_hint,
                    lang=self.lang,
                )
        except oauth.OAuthError as error:
            self.failed.emit(error)
        except Exception as error:  # the window must survive anything raised here
            self.failed.emit(oauth.OAuthError("server_error", f"{type(error).__name__}: {error}"))
        else:
            self.succeeded.emit(tokens)


def start_sign_in(worker: SignInWorker, parent: QObject) -> QThread:
    """Move the worker to a new thread and start it; the thread quits when the worker is done."""
    thread = QThread(parent)
    thread.setObjectName("oauth-sign-in")
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    from PySide6.QtCore import Qt

    for signal in (worker.succeeded, worker.failed):
        signal.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.start()
    return thread
