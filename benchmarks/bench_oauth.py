"""Time from the loopback redirect answered to "Signed in" shown in the window (offscreen).

The window signs in against the local authorization server (tests/fakes/oauth_server.py). The browser
seam plays the browser on a background thread and notes the time right after the app's loopback
listener has answered the redirect; the end is the first paint of the account label showing
"Signed in" (the code exchange over HTTPS, the keyring write and the repaint lie in between).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # oauth_server
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

from fakes.oauth_server import AuthorizationServer, play_browser
from fakes.smtp_servers import TestCerts
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from crm_mail_gui.core import oauth
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow, create_main_window

USER = "alice@example.com"
SIGNED_IN = "Signed in: "


class Browser:
    """The `open_url` seam: plays the browser on a thread; notes when the redirect was answered."""

    def __init__(self, ca_file: str) -> None:
        self.ca_file = ca_file
        self.answered: list[float] = []
        self.errors: list[BaseException] = []

    def __call__(self, url: str) -> None:
        threading.Thread(target=self._play, args=(url,), daemon=True).start()

    def _play(self, url: str) -> None:
        try:
            play_browser(url, self.ca_file)
        except BaseException as error:
            self.errors.append(error)
            return
        self.answered.append(time.perf_counter())


class PaintWatch(QObject):
    """Notes the first paint of the account label once it reads "Signed in"."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.label = window.form.oauthPanel.accountLabel
        self.shown: list[float] = []
        self.loop: QEventLoop | None = None
        self.label.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Record the paint; the label still paints itself."""
        if (
            watched is self.label
            and event.type() == QEvent.Type.Paint
            and SIGNED_IN in self.label.text()
            and not self.shown
        ):
            self.shown.append(time.perf_counter())
            if self.loop is not None:
                QTimer.singleShot(0, self.loop.quit)
        return False


def fill_form(window: MainWindow, base_url: str, ca_file: str) -> None:
    """Microsoft 365 with OAuth2, the local authorization server as the authority."""
    form = window.form
    form.apply_preset("microsoft365")
    form.serverEdit.setText("ssl://127.0.0.1:465")  # not contacted: only the sign-in is timed
    form.userEdit.setText(USER)
    form.fromEdit.setText(USER)
    form.oauthPanel.oauthClientIdEdit.setText("test-client")
    form.advancedButton.setChecked(True)  # builds the advanced panel, as a click does
    advanced = form.ensure_advanced()
    advanced.caFileEdit.setText(ca_file)
    advanced.oauthAuthorityEdit.setText(base_url)


def one_sign_in(window: MainWindow, browser: Browser, deadline_s: float) -> float | None:
    """Click "Sign in with Microsoft"; return redirect-answered → "Signed in" painted, in s."""
    if window.form.oauthPanel.signOutButton.isVisible():
        window.form.oauthPanel.signOutButton.click()
    oauth.clear_memory_cache()
    browser.answered.clear()
    watch = PaintWatch(window)
    loop = QEventLoop()
    watch.loop = loop
    QTimer.singleShot(int(deadline_s * 1000), loop.quit)
    QTimer.singleShot(0, window.form.oauthPanel.signInButton.click)
    loop.exec()
    watch.label.removeEventFilter(watch)
    watch.deleteLater()
    if not watch.shown or not browser.answered:
        return None
    return watch.shown[0] - browser.answered[0]


def main() -> int:
    """Sign in `--runs` times and print each time, the median and the maximum."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="sign-ins (default 10)")
    parser.add_argument("--deadline", type=float, default=15.0, help="give up a run after, s")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CRM_MAIL_GUI_CONFIG_DIR"] = str(Path(tmp) / "config-env")
        certs = TestCerts(tmp)
        with AuthorizationServer(certs) as server:
            browser = Browser(certs.ca_file)
            window = create_main_window(
                Path(tmp) / "config",
                keyring_backend=MemoryKeyring(),
                lang="en",
                confirm_discard=lambda parent: True,
                open_url=browser,
            )
            window.show()
            QTest.qWaitForWindowExposed(window)
            fill_form(window, server.base_url, certs.ca_file)
            app.processEvents()
            for number in range(args.runs):
                elapsed = one_sign_in(window, browser, args.deadline)
                if elapsed is None:
                    print(f"sign-in {number + 1}: no result; {browser.errors or 'deadline'}")
                    return 1
                times.append(elapsed)
                print(f"sign-in {number + 1:2}: {elapsed * 1000:7.1f} ms")
            window.shutdown()
            window.close()
            window.deleteLater()
            app.processEvents()
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"redirect to signed-in: median {median:.1f} ms, max {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
