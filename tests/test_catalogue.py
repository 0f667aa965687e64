"""The message catalogue of the core (core.messages): complete, consistent, the only one."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from crm_mail_gui.core import i18n, messages

PACKAGE = Path(__file__).resolve().parents[1] / "crm_mail_gui"


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a format string (format specs such as {low:g} count by name)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", messages.all_keys())
def test_every_key_has_both_languages_and_the_same_placeholders(key: str) -> None:
    entry = messages.entry(key)
    assert set(entry) == set(i18n.LANGUAGES), key
    assert entry["ja"].strip() and entry["en"].strip(), key
    assert placeholders(entry["ja"]) == placeholders(entry["en"]), key


def test_every_area_module_is_listed() -> None:
    modules = {p.stem for p in (PACKAGE / "core" / "messages").glob("*.py")} - {"__init__"}
    assert modules == set(messages.AREAS)
    # PyInstaller cannot follow import_module: every area is named in a static import too
    source = (PACKAGE / "core" / "messages" / "__init__.py").read_text("utf-8")
    static = source.split("from crm_mail_gui.core.messages import (", 1)[1].split(")", 1)[0]
    assert set(re.findall(r"[a-z_]+", static.split("\n", 1)[1])) == set(messages.AREAS)


def test_text_fills_parameters_in_each_language() -> None:
    assert i18n.text("cli.saved", "en", path="/x") == "Settings saved: /x"
    assert i18n.text("cli.saved", "ja", path="/x") == "設定を保存しました: /x"
    assert i18n.text("cli.saved", "en") == "Settings saved: {path}"  # a missing one stays visible


def test_unknown_keys_raise() -> None:
    with pytest.raises(KeyError):
        i18n.text("cli.no_such_key")
    with pytest.raises(KeyError):
        i18n.text("no_such_area.key")


LANGUAGE_TEST = re.compile(r"""[=!]=\s*["']ja["']|["']ja["']\s*[=!]=""")


def test_only_the_language_module_compares_languages() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path.parent.name != "ui" and path.name != "i18n.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if LANGUAGE_TEST.search(line)
    ]
    assert offenders == []


INLINE_CATALOGUE = re.compile(r"""\{\s*["']ja["']\s*:\s*["']""")


def test_no_catalogue_outside_core_messages() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "messages" not in path.parts and INLINE_CATALOGUE.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_store_notices_follow_the_callers_language(tmp_path: Path) -> None:
    from crm_mail_gui.core.store import Store

    store = Store(tmp_path)
    store.path.write_text("{ not json", encoding="utf-8")
    loaded = store.load()
    assert loaded.set_aside is not None
    ja, en = loaded.notice_text("ja") or "", loaded.notice_text("en") or ""
    assert (
        "退避" in ja and "JSON として正しくありません" in ja
    )  # the reason too, not only the frame
    assert "not valid JSON" not in ja and "renamed to" not in ja
    assert "renamed to" in en and "not valid JSON (line 1)" in en


@pytest.mark.parametrize(
    ("content", "ja_word"),
    [
        (b'{"version": 1, "server": "s", "server": "t"}', "2 回出てきます"),
        (b'{"version": 1, "server": "s", "auth": "yes"}', "true か false"),
        (b'{"version": 1, "server": "s", "timeout": 1e999999}', "タイムアウトは"),
        (b'{"version": 99, "server": "s"}', "新しい形式"),
        (b"\xff\xfe{}", "UTF-8 のテキストではありません"),
        (b'{"version": 1, "server": "", "from": "x"}', "server:"),
    ],
)
def test_every_set_aside_reason_in_japanese(tmp_path: Path, content: bytes, ja_word: str) -> None:
    from crm_mail_gui.core.store import Store

    store = Store(tmp_path)
    store.path.write_bytes(content)
    loaded = store.load()
    assert loaded.set_aside is not None
    assert ja_word in (loaded.notice_text("ja") or ""), loaded.notice_text("ja")


def test_ca_file_notice_in_the_callers_language(tmp_path: Path) -> None:
    import json

    from crm_mail_gui.core.store import Store

    store = Store(tmp_path)
    gone = tmp_path / "gone.pem"
    data = {"version": 1, "server": "tls://smtp.example.com:587", "from": "a@example.com"}
    data = {**data, "auth": False, "to": "b@example.com"}
    store.path.write_text(json.dumps({**data, "ca_file": str(gone)}), encoding="utf-8")
    loaded = store.load()
    assert loaded.settings is not None and loaded.settings.ca_file is None
    ja, en = loaded.notice_text("ja") or "", loaded.notice_text("en") or ""
    assert "CA ファイル" in ja and "見つかりません" in ja and "does not exist" not in ja
    assert "does not exist" in en and str(gone) in en
