"""Child of bench_startup: one program that opens a window, prints "shown" once it is, then exits.

Modes: "bare" (one QLabel), "window" (our `create_main_window`, as tests build it) and "command"
(the real `crm-mail-gui` entry point: arguments, logging, QApplication, window).
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MAX_EXPOSE_TRIES = 200  # 0 ms timers; the offscreen platform exposes on the first try


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _show_and_report(window: object) -> int:
    """Show `window`, print "shown <exposed> cpu_ms=N" once it is on screen, quit; the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    window.show()  # type: ignore[attr-defined]
    tries = 0

    def report() -> None:
        nonlocal tries
        app.processEvents()
        handle = window.windowHandle()  # type: ignore[attr-defined]
        tries += 1
        if (handle is None or not handle.isExposed()) and tries < MAX_EXPOSE_TRIES:
            QTimer.singleShot(0, report)
            return
        exposed = "exposed" if handle is not None and handle.isExposed() else "not-exposed"
        print(f"shown {exposed} cpu_ms={time.process_time() * 1000:.0f}", flush=True)  # as the app
        app.quit()

    QTimer.singleShot(0, report)
    return app.exec()


class _EndAtShown(io.TextIOWrapper):
    """stdout that ends the process right after the "shown" line (nothing after it counts)."""

    def write(self, text: str) -> int:
        written = super().write(text)
        if text.startswith("shown"):
            super().write("" if text.endswith("\n") else "\n")
            self.flush()
            os._exit(0)
        return written


def main() -> int:
    """argv: mode, config home; prints "shown …" when shown, "rss <KiB>" at exit.

    The config home plays XDG_CONFIG_HOME: the app's folder is `<config home>/crm-mail-gui`.

    With STARTUP_CHILD_END_AT_SHOWN=1 the process ends at "shown" (for instruction counts).
    """
    mode, config_home = sys.argv[1:3]
    if os.environ.get("STARTUP_CHILD_END_AT_SHOWN"):
        sys.stdout = _EndAtShown(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    lang = "ja" if os.environ.get("LANG", "").startswith("ja") else "en"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, root)
    if mode == "command":
        from crm_mail_gui.cli import main as command

        # The app's own seam prints "shown exposed cpu_ms=N" once its window is exposed.
        os.environ["CRM_MAIL_GUI_EXIT_WHEN_SHOWN"] = "1"
        os.environ["XDG_CONFIG_HOME"] = config_home  # platformdirs finds the config there
        code = command([])  # as users start it: no arguments, the language from LANG
    else:
        from PySide6.QtWidgets import QApplication, QLabel

        app = QApplication(sys.argv[:1])  # noqa: F841  (kept alive until the end)
        if mode == "window":
            from crm_mail_gui.ui import create_main_window

            # The keyring backend comes from PYTHON_KEYRING_BACKEND (set by bench_startup.py)
            # and is loaded only once the window is shown.
            window = create_main_window(os.path.join(config_home, "crm-mail-gui"))
            code = _show_and_report(window)
            window.shutdown()
        else:
            code = _show_and_report(
                QLabel("送信メールサーバー" if lang == "ja" else "crm-mail-gui")
            )
    print(f"rss {_rss_kib()}", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
