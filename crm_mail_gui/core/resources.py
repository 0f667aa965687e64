"""Locate data files in resources/ for a source checkout, an installed wheel or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Return the path of a file under resources/, the first location that exists."""
    here = Path(__file__).resolve()
    source = here.parents[2] / "resources"
    candidates: list[Path] = []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", "")) / "crm_mail_gui" / "resources")
    candidates.append(here.parents[1] / "resources")
    candidates.append(source)
    for base in candidates:
        path = base.joinpath(*parts)
        if path.exists():
            return path
    return source.joinpath(*parts)
