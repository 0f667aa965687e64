"""Regenerate the Qt Linguist sources from the code (`update`) and compile them (`compile`).

python scripts/translations.py update    # pyside6-lupdate: crm_mail_gui/ui/*.py -> .ts
python scripts/translations.py compile   # pyside6-lrelease: .ts -> .qm (shipped in resources/)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "crm_mail_gui" / "ui").glob("*.py"))
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ("ja",)


def ts_file(lang: str) -> Path:
    """The Linguist source for `lang`."""
    return TRANSLATIONS / f"crm_mail_gui_{lang}.ts"


def tool_folders() -> list[Path]:
    """Where a tool installed with this interpreter lives: beside it (a venv's bin/ or Scripts\\)."""
    here = Path(sys.executable).parent  # not resolved: a venv's python is a symlink out of it
    folders = [here]
    if sys.platform == "win32" and here.name.lower() != "scripts":
        folders.append(here / "Scripts")  # a base installation keeps its tools in Scripts\\
    return folders


def find_tool(name: str) -> str:
    """The path of `name`: beside the running interpreter first, then on PATH; else exit naming both."""
    for folder in tool_folders():
        found = shutil.which(name, path=str(folder))
        if found:
            return found
    found = shutil.which(name)
    if found:
        return found
    looked = ", ".join(str(folder) for folder in tool_folders())
    raise SystemExit(
        f"{name} not found beside the interpreter ({looked}) or on PATH "
        f"({os.environ.get('PATH', '')!r}); it comes with PySide6-Essentials: "
        f"{sys.executable} -m pip install PySide6-Essentials"
    )


def update() -> None:
    """Extract every tr() string into the .ts files, keeping existing translations."""
    for lang in LANGUAGES:
        subprocess.run(
            [
                find_tool("pyside6-lupdate"),
                *map(str, SOURCES),
                "-no-obsolete",
                "-locations",
                "none",
                "-target-language",
                lang,
                "-ts",
                str(ts_file(lang)),
            ],
            check=True,
        )


def compile_qm(target_dir: Path = TRANSLATIONS) -> list[Path]:
    """Compile the .ts files into .qm files in `target_dir`; return their paths."""
    outputs = []
    for lang in LANGUAGES:
        output = target_dir / f"crm_mail_gui_{lang}.qm"
        subprocess.run(
            [find_tool("pyside6-lrelease"), "-silent", str(ts_file(lang)), "-qm", str(output)],
            check=True,
        )
        outputs.append(output)
    return outputs


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_qm()
    else:
        raise SystemExit(__doc__)
