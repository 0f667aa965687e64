"""Languages of the window and the shipped translations."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import TestCerts
from gui_support import (
    child,
)
from gui_window import (
    PASSWORD,
    QM_FILE,
    RCPT,
    ROOT,
    TS_FILE,
    USER,
    choose_preset,
    plain,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.presets import load_presets
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin (headless runs) says this when a shown dialog's minimum
    # size changes; real platforms implement it. Every other Qt warning still fails a test.
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


ALLOWED_WORDS = {
    "smtp",
    "auth",
    "tls",
    "ssl",
    "starttls",
    "oauth",
    "gmail",
    "google",
    "workspace",
    "microsoft",
    "office",
    "outlook",
    "hotmail",
    "icloud",
    "yahoo",
    "japan",
    "xserver",
    "sendgrid",
    "amazon",
    "ses",
    "tokyo",
    "zoho",
    "conoha",
    "wing",
    "test",
    "mail",
    "sent",
    "crm",
    "gui",
    # names shown in English in the providers' own Japanese consoles (OAuth2 registration help)
    "entra",
    "exchange",
    "online",
    "api",
    "uri",
    "azure",
    "cloud",
}


PLACEHOLDERS = {preset.placeholder for preset in load_presets() if preset.placeholder}


def english_words(text: str) -> list[str]:
    """English words of 3+ letters left after dropping addresses, server names and paths.

    Japanese text has no spaces, so a "token" is a run of printable ASCII: tokens with "://",
    "@", a path separator, a digit or a dotted name (".sakura.ne.jp") are data, not words.
    """
    text = re.sub(r"<code>.*?</code>", " ", text)  # literal values (scopes, URIs) stay English
    text = re.sub(r"<[^>]+>", " ", text)  # rich text markup
    for placeholder in PLACEHOLDERS:  # parts of server names, e.g. "svNNNN" (Xserver)
        text = text.replace(placeholder, " ")
    text = plain(text).replace("&nbsp;", " ").replace("&amp;", "&")
    kept = [
        token
        for token in re.findall(r"[\x21-\x7e]+", text)
        if not any(mark in token for mark in ("://", "@", "/", "\\"))
        and not any(ch.isdigit() for ch in token)
        and not re.search(r"[A-Za-z0-9-]\.[A-Za-z]", token)
    ]
    words = re.findall(r"[A-Za-z]{3,}", " ".join(kept))
    return [word for word in words if word.lower() not in ALLOWED_WORDS]


def test_english_words_filter() -> None:
    assert english_words("サーバ名の「.sakura.ne.jp」より前") == []
    assert english_words("保存済み(Gmail / Google Workspace)ssl://smtp.gmail.com:465") == []
    assert english_words("<i>User name:</i> メールアドレス全体(例: taro@gmail.com)") == [
        "User",
        "name",
    ]
    assert english_words("保存(&S)") == []
    assert english_words("&Save") == ["Save"]


def visible_texts(root: QWidget) -> list[str]:
    texts = []
    for cls in (QLabel, QAbstractButton, QGroupBox):
        for widget in root.findChildren(cls):
            if not widget.isVisible():
                continue
            if isinstance(widget, QGroupBox):
                texts.append(widget.title())
            else:
                texts.append(widget.text())
                texts.append(widget.toolTip())
    return [text for text in texts if text]


def test_japanese_labels(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("ja")
    assert "保存" in child(window, "saveButton", QPushButton).text()
    labels = [plain(label.text()) for label in window.form.findChildren(QLabel)]
    for text in ("サーバ名", "ユーザ名", "パスワード", "差出人"):
        assert any(label.startswith(text) for label in labels), text
    assert "認証を行う" in child(window, "authCheck", QCheckBox).text()
    assert "編集" in window.ensure_summary().editButton.text()  # built when first shown
    assert "テストを中止" in child(window, "cancelTestButton", QPushButton).text()


def test_english_labels(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    window = make_window("en")
    assert plain(child(window, "saveButton", QPushButton).text()) == "Save"
    labels = [plain(label.text()) for label in window.form.findChildren(QLabel)]
    assert "Server name:" in labels and "User name:" in labels and "Password:" in labels
    assert "Requires authentication" in plain(child(window, "authCheck", QCheckBox).text())
    assert plain(window.ensure_summary().editButton.text()) == "Edit"


def test_no_english_left_in_japanese_window(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    config_dir: Path,
) -> None:
    settings = build_settings(
        {
            "server": "ssl://smtp.example.com:465",
            "user": USER,
            "from": USER,
            "to": RCPT,
            "ca_file": certs.ca_file,
        }
    )
    Store(config_dir).save(settings, PASSWORD)
    window = make_window("ja")
    found: dict[str, list[str]] = {}

    def check(where: str, root: QWidget) -> None:
        for text in visible_texts(root):
            words = english_words(text)
            if words:
                found.setdefault(where, []).append(f"{text!r}: {words}")

    check("summary", window)
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    child(window, "advancedButton").setChecked(True)
    check("form", window)
    for preset_id in ("gmail", "microsoft365", "xserver", "sakura", "custom"):
        choose_preset(window, preset_id)
        check(f"form with preset {preset_id}", window)
    assert found == {}, "\n".join(f"{k}: {v}" for k, vs in found.items() for v in vs)


# --------------------------------------------------------------------------- 9. translations


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "translations_script", ROOT / "scripts" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_translation_is_finished() -> None:
    root = ET.parse(TS_FILE).getroot()
    assert root.get("language", "").startswith("ja")
    problems = []
    count = 0
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            count += 1
            source = message.findtext("source")
            translation = message.find("translation")
            if translation is None:
                problems.append(f"{name}: {source!r} has no <translation>")
                continue
            kind = translation.get("type")
            forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
            if kind in ("unfinished", "vanished", "obsolete"):
                problems.append(f"{name}: {source!r} is {kind}")
            if not all(form and form.strip() for form in forms):
                problems.append(f"{name}: {source!r} is empty")
    assert count > 50
    assert problems == []


def test_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    script = _load_script()
    outputs = script.compile_qm(tmp_path)
    assert outputs == [tmp_path / QM_FILE.name]
    assert outputs[0].read_bytes() == QM_FILE.read_bytes(), (
        "resources/translations/crm_mail_gui_ja.qm is stale: run scripts/translations.py compile"
    )


def test_ts_has_every_string_of_the_code(tmp_path: Path) -> None:
    """Extraction in a copy of the .ts adds nothing: `translations.py update` was run."""
    import shutil
    import subprocess

    copy = tmp_path / TS_FILE.name
    shutil.copy(TS_FILE, copy)
    script = _load_script()
    subprocess.run(
        [
            script.find_tool("pyside6-lupdate"),
            *map(str, script.SOURCES),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            "ja",
            "-ts",
            str(copy),
        ],
        check=True,
        capture_output=True,
    )

    def sources(path: Path) -> set[tuple[str, str]]:
        root = ET.parse(path).getroot()
        return {
            (context.findtext("name") or "", message.findtext("source") or "")
            for context in root.iter("context")
            for message in context.iter("message")
        }

    assert sources(copy) == sources(TS_FILE)


# --------------------------------------------------------------------------- 10. closing
