"""The core must be importable without Qt: the CLI and a CRM process use it alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import importlib, json, pkgutil, sys

attempted = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"):
            attempted.append(name)
        return None

sys.meta_path.insert(0, Watch())
import crm_mail_gui.core as core
names = sorted(m.name for m in pkgutil.iter_modules(core.__path__))
for name in names:
    importlib.import_module(f"crm_mail_gui.core.{name}")
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"))
print(json.dumps({"modules": names, "attempted": attempted, "loaded": qt}))
"""


def test_core_imports_no_qt() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {
        "address",
        "credentials",
        "errors",
        "i18n",
        "message",
        "settings",
        "store",
        "transcript",
    }
    assert expected <= set(report["modules"]), report["modules"]
    assert report["attempted"] == []
    assert report["loaded"] == []
