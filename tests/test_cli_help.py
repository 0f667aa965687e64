"""`crm-mail-gui --help` and `set --help`, run as a user runs them: `python -m crm_mail_gui`.

Each run is a real subprocess with an isolated --config-dir, an in-memory keyring named in the
environment and a chosen locale (LANG=ja_JP.UTF-8 or C.UTF-8): the help is Japanese with
`--lang ja` or a Japanese locale, English otherwise, and describes every option, the server-name
format, the exit codes and two examples.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import crm_mail_gui
from crm_mail_gui.cli_parser import build_parser
from crm_mail_gui.core import display_width, i18n
from crm_mail_gui.core.exit_codes import ExitCode

ROOT = Path(crm_mail_gui.__file__).resolve().parent.parent
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
COLUMNS = 80


def run(tmp_path: Path, *args: str, locale: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    """Run `python -m crm_mail_gui --config-dir <tmp> ARGS` under `locale`, 80 columns wide."""
    env = {key: value for key, value in os.environ.items() if key not in LOCALE_VARIABLES}
    env.update(
        LANG=locale,
        COLUMNS=str(COLUMNS),
        PYTHONIOENCODING="utf-8",
        PYTHON_KEYRING_BACKEND="crm_mail_gui.core.credentials.MemoryKeyring",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    config = tmp_path / "config"
    return subprocess.run(
        [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(config), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=30,
    )


def options_of(words: list[str]) -> set[str]:
    """Every option string the parser of `words` (a command or none) accepts, but hidden ones."""
    parser = build_parser("en")
    if words:
        parser = parser._subparsers._group_actions[0].choices[words[0]]  # type: ignore[union-attr]
    return {
        option
        for action in parser._actions
        if action.help != "==SUPPRESS==" and action.option_strings
        for option in action.option_strings
    }


def assert_complete(out: str, words: list[str], lang: str) -> None:
    """Every option, the three server-name forms, every exit code and two examples."""
    for option in options_of(words):
        assert re.search(rf"(^|[\s\[,]){re.escape(option)}\b", out), option
    for form in ("ssl://", "tls://", i18n.text("cli_help.host_port", lang)):
        assert re.search(rf"^  {re.escape(form)}", out, re.MULTILINE), form
    assert "[::1]:2525" in out
    exit_section = out.split(i18n.text("cli_help.exit_title", lang), 1)[1]
    for code in ExitCode:
        assert re.search(rf"^\s+{int(code)}  \S", exit_section, re.MULTILINE), code
    examples = out.split(i18n.text("cli_help.examples_title", lang), 1)[1]
    assert len(re.findall(r"^    crm-mail-gui ", examples, re.MULTILINE)) == 2


def assert_fits(out: str) -> None:
    """Wrapped by display width: no prose line wider than the terminal (examples aside)."""
    for line in out.splitlines():
        if not line.lstrip().startswith(("crm-mail-gui ", "使い方:", "usage:", "[")):
            assert display_width.width(line) <= COLUMNS, line


def test_help_in_english(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("usage: crm-mail-gui")
    assert_complete(out, [], "en")
    assert "Set up and test the CRM's outgoing mail server" in out
    for command in ("show", "set", "test", "presets", "export", "import"):
        assert re.search(rf"^    {command}\s+\S", out, re.MULTILINE), command
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", out)  # no Japanese in the English help
    assert_fits(out)


@pytest.mark.parametrize(
    ("args", "locale"),
    [(("--lang", "ja", "--help"), "C.UTF-8"), (("--help",), "ja_JP.UTF-8")],
    ids=["--lang ja", "LANG=ja_JP.UTF-8"],
)
def test_help_in_japanese(tmp_path: Path, args: tuple[str, ...], locale: str) -> None:
    result = run(tmp_path, *args, locale=locale)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("使い方: crm-mail-gui")
    assert_complete(out, [], "ja")
    for word in ("オプション:", "コマンド:", "サーバ名の書き方:", "終了コード:", "例:"):
        assert word in out
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in out
    assert "このヘルプを表示して終了します" in out
    assert_fits(out)


def test_set_help_in_both_languages(tmp_path: Path) -> None:
    english = run(tmp_path, "set", "--help")
    japanese = run(tmp_path, "set", "--help", locale="ja_JP.UTF-8")
    assert english.returncode == japanese.returncode == 0
    assert_complete(english.stdout, ["set"], "en")
    assert_complete(japanese.stdout, ["set"], "ja")
    assert "--preset ID" in english.stdout and "svNNNN" in english.stdout
    assert "crm-mail-gui set --preset xserver --server ssl://sv1234.xserver.jp:465" in (
        english.stdout
    )
    assert "パスワードを標準入力から 1 行読みます" in japanese.stdout
    assert "the password already stored for the same user and server is used" in " ".join(
        english.stdout.split()
    )
    assert_fits(english.stdout)
    assert_fits(japanese.stdout)
    # --lang en wins over a Japanese locale
    forced = run(tmp_path, "set", "--help", "--lang", "en", locale="ja_JP.UTF-8")
    assert forced.stdout.startswith("usage: crm-mail-gui set")


def test_japanese_usage_lines_line_up_under_the_program_name(tmp_path: Path) -> None:
    out = run(tmp_path, "set", "--help", locale="ja_JP.UTF-8").stdout
    first, second = out.splitlines()[:2]
    after_prog = display_width.width(first[: first.index("[")])  # "使い方: crm-mail-gui set "
    assert display_width.width(second) - len(second.lstrip()) == after_prog


def test_a_mistake_in_japanese(tmp_path: Path) -> None:
    result = run(tmp_path, "sett", locale="ja_JP.UTF-8")
    assert result.returncode == 2
    assert result.stderr.startswith("使い方: crm-mail-gui")
    assert "crm-mail-gui: エラー: " in result.stderr and "'sett'" in result.stderr
    assert "crm-mail-gui --help" in result.stderr


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("サーバ名", 8),
        ("Gmail", 5),
        ("Microsoft 365\uff08Office 365\uff09", 27),
        ("Microsoft 365 (Office 365)", 26),
        ("é", 1),
        ("e\u0301", 1),
    ],
)
def test_display_width_counts_terminal_columns(text: str, columns: int) -> None:
    assert display_width.width(text) == columns
    assert display_width.width(display_width.pad(text, 30)) == 30


def test_wrap_breaks_japanese_between_letters_and_english_at_spaces() -> None:
    text = "パスワードを標準入力から 1 行読みます(UTF-8)。省略すると保存済みのパスワードを使います"
    lines = display_width.wrap(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width.width(line) <= 20 for line in lines)
    assert not any(line.startswith(("。", "、", ")")) for line in lines)  # kinsoku
    assert display_width.wrap("send a test mail, then store", 12) == [
        "send a test",
        "mail, then",
        "store",
    ]
