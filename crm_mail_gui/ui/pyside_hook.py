"""PySide6's import hook learns whether a module uses PySide6 from its names, not its source.

Start-up rule 6 (see ui.startup): imported before anything else of the window. Once PySide6 is
loaded, its `__feature__` support reads the whole source of every module an import statement
names (the first time) to find the word "PySide6" (`inspect.getsource`, PYSIDE-2029). The answer
matters only to modules that write `from __feature__ import …`; none of ours does.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6  # noqa: F401  (installs the import hook quieted below)


def uses_pyside(module: ModuleType) -> bool:
    """True when `module` holds a PySide6 module, class or function (what PySide6 asks)."""
    for value in list(vars(module).values()):
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
        if isinstance(name, str) and name.startswith("PySide6"):
            return True
    return False


def quiet() -> bool:
    """Replace the hook's source search by `uses_pyside`; False if this PySide6 has none."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    feature._mod_uses_pyside = uses_pyside
    return True


quiet()
