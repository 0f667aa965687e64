"""Language choice and message lookup of the Qt-free core (core.i18n)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm_mail_gui.core import i18n

LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    previous = i18n._current["lang"]
    yield
    i18n._current["lang"] = previous


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ja_JP.eucJP", "LANG": "en_US"}, "ja"),
        ({"LANGUAGE": "ja"}, "ja"),
    ],
)
def test_detect_language(clean_env: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for var, value in env.items():
        clean_env.setenv(var, value)
    assert i18n.detect_language() == expected


def test_set_language(clean_env: pytest.MonkeyPatch) -> None:
    assert i18n.set_language("ja") == "ja"
    assert i18n.current_language() == "ja"
    assert i18n.set_language("en") == "en"
    assert i18n.current_language() == "en"
    clean_env.setenv("LANG", "ja_JP.UTF-8")
    assert i18n.set_language(None) == "ja"
    assert i18n.set_language("") == "ja"
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        i18n.set_language("fr")
    assert i18n.current_language() == "ja"  # unchanged by the refused call


def test_current_language_detects_on_first_use(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("LANG", "ja_JP.UTF-8")
    i18n._current["lang"] = ""
    assert i18n.current_language() == "ja"


def test_tr() -> None:
    catalogue = {
        "greet": {"ja": "こんにちは {name} さん", "en": "Hello {name}"},
        "only_en": {"en": "English only"},
    }
    assert i18n.tr(catalogue, "greet", "ja", name="太郎") == "こんにちは 太郎 さん"
    assert i18n.tr(catalogue, "greet", "en", name="Taro") == "Hello Taro"
    assert i18n.tr(catalogue, "only_en", "ja") == "English only"
    # a missing parameter stays visible instead of raising
    assert i18n.tr(catalogue, "greet", "en", other=1) == "Hello {name}"
    i18n.set_language("ja")
    assert i18n.tr(catalogue, "greet", name="x") == "こんにちは x さん"


def _translations_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "translations_tools", Path(__file__).resolve().parents[1] / "scripts" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tools_are_found_beside_the_interpreter_without_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A venv that nobody activated: PATH has only system folders, the tool is in .venv/bin."""
    monkeypatch.setenv("PATH", "/nonexistent")
    script = _translations_script()
    found = Path(script.find_tool("pyside6-lupdate"))
    assert found.parent == Path(sys.executable).parent


def test_missing_tool_names_where_it_looked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nowhere-on-path")
    script = _translations_script()
    with pytest.raises(SystemExit) as raised:
        script.find_tool("no-such-tool-xyz")
    message = str(raised.value)
    assert str(Path(sys.executable).parent) in message
    assert "/nowhere-on-path" in message


def test_fill_places_every_argument_once() -> None:
    """One pass, as QString.arg: an argument's own "%2" (a percent-encoded URL) is kept."""
    from crm_mail_gui.ui.translations import fill

    text = fill("Open %1 on any device and enter the code %2", "https://x.example/a%2Fb", "AB-CD")
    assert text == "Open https://x.example/a%2Fb on any device and enter the code AB-CD"
    assert fill("“%1” is a %2 address. Use the %2 settings?", "a.jp", "Gmail") == (
        "“a.jp” is a Gmail address. Use the Gmail settings?"
    )
    assert fill("%1 s", 20) == "20 s"
    assert fill("missing %2", "x") == "missing %2"
