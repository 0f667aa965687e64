"""Save screenshots of every state of the window: ja/en × light/dark × 100 %/200 %.

    python scripts/screenshots.py [OUTPUT_DIR]          (default: docs/screenshots)

States: first run (the empty form), a test running, a failure with the banner and its details
open, the success dialog, the summary after it (and the OAuth2 form). Files are named
`{lang}-{scheme}-{scale}-{number}-{state}.png`, e.g. `ja-dark-200-3-failed.png`.

Each scale runs in a child process of its own (QT_SCALE_FACTOR is read when Qt starts) on an
offscreen screen of a laptop's size. Offscreen Qt ignores `styleHints().setColorScheme()`, so
the scheme is forced with `ui.theme.force_scheme` (Fusion with a light or dark palette). Real local
SMTP servers (tests/fakes/smtp_servers.py) answer the test sends; nothing leaves this machine.
Japanese needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALES = {"100": (1, 1920, 1080), "200": (2, 2560, 1440)}  # factor, screen width and height (px)
SCHEMES = ("light", "dark")
LANGS = ("ja", "en")
CHILD = "--child"


def main(out: Path) -> int:
    """Run one child process per scale; return the first failing exit code (0: all taken)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for scale, (factor, width, height) in SCALES.items():
            screen = Path(tmp) / f"screen-{scale}.json"
            screens = [{"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}]
            screen.write_text(json.dumps({"screens": screens}), encoding="utf-8")
            env = {
                **os.environ,
                "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
                "QT_SCALE_FACTOR": str(factor),
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            }
            code = subprocess.call([sys.executable, __file__, CHILD, str(out), scale], env=env)
            if code:
                return code
    return 0


# --------------------------------------------------------------------------- the child process


def child(out: Path, scale: str) -> None:
    """Take every screenshot at one scale (QT_SCALE_FACTOR is set by the parent)."""
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from fakes.smtp_servers import TestCerts
    from PySide6.QtWidgets import QApplication

    from crm_mail_gui.ui import theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        certs = TestCerts(tmp)
        for scheme in SCHEMES:
            theme.force_scheme(scheme, app)  # Fusion with its light or dark palette
            for lang in LANGS:
                Shots(app, out, f"{lang}-{scheme}-{scale}", Path(tmp) / f"{lang}-{scheme}").run(
                    lang, certs
                )


class Shots:
    """One window in one language and scheme, walked through its states."""

    def __init__(self, app, out: Path, prefix: str, config: Path) -> None:
        self.app = app
        self.out = out
        self.prefix = prefix
        self.config = config
        self.window = None

    def run(self, lang: str, certs) -> None:
        """First run, running, failed, success dialog, summary, the OAuth2 form."""
        from fakes.smtp_servers import DEFAULT_USERS, FaultServer

        from crm_mail_gui.core.credentials import MemoryKeyring
        from crm_mail_gui.ui import create_main_window

        window = self.window = create_main_window(
            self.config, keyring_backend=MemoryKeyring(), lang=lang, confirm_discard=lambda _: True
        )
        window.show()  # at the size it picks for the screen
        self.wait(lambda: bool(window.form.storeNote and window.form.storeNote.isVisible()))
        self.shoot(window, "1-first-run")

        with FaultServer(certs, "slow", delay=0.6, users=DEFAULT_USERS) as slow:
            self.fill(f"tls://127.0.0.1:{slow.port}", certs.ca_file)
            window.form.saveButton.click()
            self.wait(lambda: window.form.stepList.states[1] == "running")
            self.shoot(window, "2-running")
            window.cancel_test()

        with FaultServer(certs, "auth535") as bad:
            self.fill(f"tls://127.0.0.1:{bad.port}", certs.ca_file)
            window.form.saveButton.click()
            self.wait(lambda: window.errorBanner.isVisible() and window.sending.job is None)
            window.errorBanner.details_button.setChecked(True)
            self.shoot(window, "3-failed")

        with FaultServer(certs, "ok", users=DEFAULT_USERS) as good:
            self.fill(f"tls://127.0.0.1:{good.port}", certs.ca_file)
            window.form.saveButton.click()
            self.wait(lambda: window.success_dialog is not None)
            self.shoot(window.success_dialog, "4-success-dialog")
            window.success_dialog.accept()
            self.shoot(window, "5-summary")

        window.edit()
        window.form.apply_preset("microsoft365")
        window.form.userEdit.setText("taro@contoso.co.jp")
        window.form.ensure_oauth_panel().oauthClientIdEdit.setText(
            "3f2a9c1e-5b7d-4e8a-9c0f-1d2e3f4a5b6c"
        )
        self.shoot(window, "6-oauth2")
        window.shutdown()
        window.close()

    def fill(self, server: str, ca_file: str) -> None:
        """Type a complete form."""
        from fakes.smtp_servers import DEFAULT_USERS

        user, password = next(iter(DEFAULT_USERS.items()))
        form = self.window.form
        form.serverEdit.setText(server)
        form.userEdit.setText(user)
        form.passwordEdit.setText(password)
        form.fromEdit.setText(user)
        form.advancedButton.setChecked(True)  # builds the advanced panel, as a click does
        form.ensure_advanced().caFileEdit.setText(ca_file)

    def wait(self, condition, seconds: float = 10.0) -> None:
        """Process events until `condition()` holds."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.prefix}: condition not met")
            self.app.processEvents()
            time.sleep(0.01)

    def shoot(self, widget, state: str) -> None:
        """Settle the layout and save a PNG."""
        for _ in range(5):
            self.app.processEvents()
            time.sleep(0.01)
        path = self.out / f"{self.prefix}-{state}.png"
        widget.grab().save(str(path))
        print(path)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(Path(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
