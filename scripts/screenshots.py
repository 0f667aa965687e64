"""Save screenshots of the window (ja and en: idle, running, failed, succeeded) into docs/.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [OUTPUT_DIR]

Real local SMTP servers (from tests/fakes/smtp_servers.py) answer the test sends; nothing leaves
this machine. Japanese needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from fakes.smtp_servers import DEFAULT_USERS, FaultServer, TestCerts  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from crm_mail_gui.core.credentials import MemoryKeyring  # noqa: E402
from crm_mail_gui.ui import create_main_window  # noqa: E402

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))


def wait_until(app: QApplication, condition, seconds: float = 10.0) -> None:
    """Process events until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met: {_state()}")
        app.processEvents()
        time.sleep(0.01)


_windows: list = []


def _state() -> str:
    w = _windows[-1]
    return f"job={w.sending.job} banner={w.errorBanner.kind!r} save={w.form.saveButton.isEnabled()}"


def fill(window, server: str, ca_file: str) -> None:
    """Type a complete form."""
    form = window.form
    form.serverEdit.setText(server)
    form.userEdit.setText(USER)
    form.passwordEdit.setText(PASSWORD)
    form.fromEdit.setText(USER)
    form.advancedButton.setChecked(True)  # builds the advanced panel, as a click does
    form.ensure_advanced().caFileEdit.setText(ca_file)


def shoot(app: QApplication, widget, path: Path) -> None:
    """Settle the layout and save a PNG."""
    for _ in range(5):
        app.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(out: Path) -> None:
    """Take every screenshot in both languages."""
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        certs = TestCerts(tmp)
        for lang in ("ja", "en"):
            config = Path(tmp) / f"config-{lang}"
            window = create_main_window(
                config, keyring_backend=MemoryKeyring(), lang=lang, confirm_discard=lambda _: True
            )
            _windows.append(window)
            window.resize(780, 760)
            window.show()
            wait_until(
                app, lambda w=window: bool(w.form.storeNote and w.form.storeNote.isVisible())
            )  # keyring loaded
            shoot(app, window, out / f"{lang}-1-idle.png")

            with FaultServer(certs, "slow", delay=0.6, users=DEFAULT_USERS) as slow:
                fill(window, f"tls://127.0.0.1:{slow.port}", certs.ca_file)
                window.form.saveButton.click()
                wait_until(app, lambda w=window: w.form.stepList.states[1] == "running")
                shoot(app, window, out / f"{lang}-2-running.png")
                window.cancel_test()

            with FaultServer(certs, "auth535") as bad:
                fill(window, f"tls://127.0.0.1:{bad.port}", certs.ca_file)
                window.form.saveButton.click()
                wait_until(app, lambda w=window: w.errorBanner.isVisible())
                window.errorBanner.details_button.setChecked(True)
                shoot(app, window, out / f"{lang}-3-failed.png")

            with FaultServer(certs, "ok", users=DEFAULT_USERS) as good:
                fill(window, f"tls://127.0.0.1:{good.port}", certs.ca_file)
                window.form.saveButton.click()
                wait_until(app, lambda w=window: w.success_dialog is not None)
                shoot(app, window.success_dialog, out / f"{lang}-4-success-dialog.png")
                window.success_dialog.accept()
                shoot(app, window, out / f"{lang}-5-summary.png")
            window.edit()
            window.form.apply_preset("microsoft365")
            window.form.userEdit.setText("taro@contoso.co.jp")
            window.form.ensure_oauth_panel().oauthClientIdEdit.setText(
                "3f2a9c1e-5b7d-4e8a-9c0f-1d2e3f4a5b6c"
            )
            window.resize(780, 1040)
            shoot(app, window, out / f"{lang}-6-oauth2.png")
            window.shutdown()
            window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
