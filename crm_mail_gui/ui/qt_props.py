"""Qt enum and flag properties set by their key names, keeping the `Qt` namespace out of start-up.

PySide6 creates a Python enum class for every enum of a class or namespace the first time that
class is touched; `PySide6.QtCore.Qt` alone has about 95 of them (~50 ms on a 2-core machine),
more than the rest of the window costs to build. Qt converts key names itself (as it does for
Designer's .ui files), so the widgets shown at start-up set such properties through here. Code
that runs later (a failure banner, a key press) imports `Qt` where it needs it; the main window
touches it once while idle after its first paint.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_enum(target: QObject, name: str, keys: str) -> None:
    """Set the enum or flag property `name` from key names, e.g. "AlignRight|AlignVCenter"."""
    if not target.setProperty(name, keys):
        raise ValueError(f"{type(target).__name__}.{name} cannot be set to {keys!r}")
