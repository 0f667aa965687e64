"""The start-up rules of ui.startup that fail a test when broken (each measured in instructions)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[1]

# Builds the window as the app does, waits until it is exposed (its first paint), and reports
# which of PySide6's lazily built types exist by then. Nothing but the window runs Python code.
FIRST_PAINT = """
import sys
import PySide6.QtCore as core
import PySide6.QtWidgets as widgets
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from crm_mail_gui.ui import create_main_window
window = create_main_window(sys.argv[1], lang=sys.argv[2])
window.show()
for _ in range(500):
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        break
    app.processEvents()
app.processEvents()
qevent = vars(core).get("QEvent")
print("exposed" if window.windowHandle().isExposed() else "not-exposed")
print("Qt" in vars(core), qevent is not None and "Type" in vars(qevent))
print("QSpinBox" in vars(widgets), "email" in sys.modules)
print(*(name in sys.modules for name in ("idna", "datetime", "crm_mail_gui.cli_parser")))
print(*sorted(w.objectName() or type(w).__name__ for w in app.allWidgets()
              if w.styleSheet() and not w.isVisible()))
"""


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("configured", [False, True], ids=["first-run", "stored-settings"])
def test_first_paint_builds_no_qt_namespace(tmp_path: Path, lang: str, configured: bool) -> None:
    """Rules 1 and 2: `Qt` (+115 M instructions) and `QEvent.Type` (+12 M) wait for the idle work.

    Rules 8 and 9, first run: the advanced panel (QSpinBox, +5 M) waits until it is opened, the
    email package (+52 M) until an address that is not plain is checked. Rule 10: no IDNA tables,
    dates or argument parser. Rule 12: no style sheet on a hidden widget.
    """
    if configured:
        settings = '{"server": "tls://smtp.example.co.jp:587", "user": "a@example.jp"}'
        (tmp_path / "settings.json").write_text(settings, encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
    }
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, str(tmp_path), lang],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    exposed, built, loaded, modules, hidden_styled = result.stdout.split("\n")[:5]
    qt_built, qevent_built = built.split()
    spin_box_built, email_loaded = loaded.split()
    assert exposed == "exposed", result.stderr
    assert qt_built == "False"
    assert email_loaded == "False"  # plain addresses (rule 9), in the stored settings too
    assert modules.split() == ["False", "False", "False"]  # idna, datetime, cli_parser: rule 10
    assert hidden_styled.split() == []  # rule 12: style sheets only on what is shown
    if not configured:  # with stored settings, QEvent.Type is built at show() (known, open)
        assert qevent_built == "False"
        assert spin_box_built == "False"


SOURCE_READS = """
import inspect, sys
read = []
original = inspect.getsource
inspect.getsource = lambda thing: read.append(getattr(thing, "__name__", "?")) or original(thing)
import crm_mail_gui.cli
from crm_mail_gui.ui import create_main_window
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
window = create_main_window(sys.argv[1], lang="ja")
window.show()
app.processEvents()
print(" ".join(read))
"""


def test_the_import_hook_reads_no_source(tmp_path: Path) -> None:
    """Rule 6: PySide6's import hook reads no module's source (it read ~570 kB at each start)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
    }
    result = subprocess.run(
        [sys.executable, "-c", SOURCE_READS, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    read = result.stdout.split()
    # PySide6's own first imports come before the hook can be quieted
    assert set(read) <= {"shiboken6", "enum", "PySide6"}, read
