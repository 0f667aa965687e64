"""Is the installed Qt binding safe to pump events with? (PySide6 6.12.0 frees `None` on 3.11.)"""

from __future__ import annotations

import functools
import subprocess
import sys

CALLS = 1000
# A healthy binding moves None's reference count by a handful either way over 1,000 calls
# (6.11.3: +9); 6.12.0 loses one per call (-990). Anything past this is a leak of references.
TOLERANCE = 100

_MEASURE = f"""
import sys
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
for _ in range(10):
    app.processEvents()
before = sys.getrefcount(None)
for _ in range({CALLS}):
    app.processEvents()
print(sys.getrefcount(None) - before, flush=True)
import os
os._exit(0)  # a broken binding may already have freed None: finalizing would abort
"""


@functools.cache
def none_refcount_drift() -> int:
    """Change of `None`'s reference count over CALLS processEvents() calls, in a clean process."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )
    if result.returncode != 0:
        raise RuntimeError(f"measuring the Qt binding failed: {result.stderr[-2000:]}")
    return int(result.stdout.split()[-1])


def binding_problem() -> str | None:
    """A clear message if the binding loses references to None, else None."""
    if sys.version_info >= (3, 12):
        return None  # None is immortal: its count does not move, and a lost reference is harmless
    import PySide6

    drift = none_refcount_drift()
    if drift >= -TOLERANCE:
        return None
    return (
        f"PySide6 {PySide6.__version__} loses references to None in processEvents() "
        f"({drift:+d} over {CALLS} calls). On Python {sys.version.split()[0]} that frees None "
        "and aborts the interpreter part-way through the suite (Fatal Python error: none_dealloc "
        "or a segmentation fault). Install another release, e.g. "
        f"{sys.executable} -m pip install 'PySide6-Essentials!=6.12.0'"
    )
