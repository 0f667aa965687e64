"""Child of bench_startup: show our window ("ours") or one QLabel ("bare"), report, exit."""

from __future__ import annotations

import os
import resource
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MAX_EXPOSE_TRIES = 200  # 0 ms timers; the offscreen platform exposes on the first try


def main() -> int:
    """argv: mode ("ours" | "bare") [config dir]; prints "shown <ru_maxrss KiB>" once shown."""
    mode = sys.argv[1]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    app = QApplication(sys.argv[:1])
    window: QWidget
    if mode == "ours":
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sys.path.insert(0, root)
        from crm_mail_gui.ui import create_main_window

        # The real start-up path: the keyring backend comes from PYTHON_KEYRING_BACKEND (set by
        # bench_startup.py) and is loaded only once the window is shown.
        window = create_main_window(sys.argv[2], lang="ja")
    else:
        window = QLabel("crm-mail-gui")
    window.show()
    tries = 0

    def report() -> None:
        nonlocal tries
        app.processEvents()
        handle = window.windowHandle()
        tries += 1
        if (handle is None or not handle.isExposed()) and tries < MAX_EXPOSE_TRIES:
            QTimer.singleShot(0, report)
            return
        rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        exposed = "exposed" if handle is not None and handle.isExposed() else "not-exposed"
        print(f"shown {rss_kib} {exposed}", flush=True)
        app.quit()

    QTimer.singleShot(0, report)
    code = app.exec()
    if mode == "ours":
        window.shutdown()  # type: ignore[attr-defined]
    return code


if __name__ == "__main__":
    raise SystemExit(main())
