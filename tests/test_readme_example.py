"""The pytest-qt example in the README runs as written (so it cannot drift from the code)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crm_mail_gui.core import i18n
from crm_mail_gui.ui import translations

README = Path(__file__).resolve().parents[1] / "README.md"
pytestmark = pytest.mark.gui


def test_readme_pytest_qt_example(
    qtbot: Any, tmp_path: Path, fault_server: Any, certs: Any
) -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(
        r"```python\n(from crm_mail_gui\.core\.credentials import .*?)```", text, re.S
    )
    assert match, "the README lost its pytest-qt example"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), "README.md", "exec"), namespace)
    try:
        namespace["test_wrong_password_shows_banner"](qtbot, tmp_path, fault_server, certs)
    finally:
        translations.install("en")
        i18n.set_language("en")
