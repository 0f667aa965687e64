"""`show` in words, `show --json` on an empty config, and `set` saying whose stored password it uses.

In process (`cli.main`) against real SMTP servers on 127.0.0.1, like tests/test_cli.py, with a
subprocess run where the exit code and the two streams matter.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import PASSWORD, RCPT, USER, Cli
from fakes.smtp_servers import HOST, AioSMTPServer, TestCerts

import crm_mail_gui

pytestmark = pytest.mark.e2e
ROOT = Path(crm_mail_gui.__file__).resolve().parent.parent


def rows(out: str) -> dict[str, str]:
    """`Label: value` lines as a mapping."""
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            {
                "Requires authentication": "Yes",
                "Timeout": "2 s",
                "Extra CA file": "{ca}",
                "Password": "stored (an in-memory store (for tests))",
                "Settings file": "{path}",
            },
        ),
        (
            "ja",
            {
                "認証を行う": "はい",
                "タイムアウト": "2 秒",
                "追加の CA ファイル": "{ca}",
                "パスワード": "保存済み(メモリ内の一時ストア(テスト用))",
                "設定ファイル": "{path}",
            },
        ),
    ],
)
def test_show_prints_words_not_program_values(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, lang: str, expected: dict[str, str]
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show", lang=lang) == 0
    shown = rows(cli.out)
    for label, value in expected.items():
        value = value.format(ca=certs.ca_file, path=cli.config_file)
        assert shown.get(label) == value, (label, cli.out)
    for program_value in ("True", "False", "None", "2.0", "Config file"):
        assert program_value not in cli.out
    assert PASSWORD not in cli.out


def test_show_without_authentication_says_no(cli: Cli) -> None:
    args = ["set", "--server", "mail.example.jp:25", "--no-auth", "--from", USER, "--no-test"]
    assert cli(*args) == 0
    assert cli("show", lang="ja") == 0
    shown = rows(cli.out)
    assert shown["認証を行う"] == "いいえ"
    assert shown["タイムアウト"] == "20 秒"
    assert shown["テストメールの送信先"] == f"なし(テストメールは {USER} に送ります)"


def test_show_json_on_an_empty_config_is_an_empty_object(tmp_path: Path) -> None:
    """A script gets {} and exit 0; the hint goes to stderr, in the language asked for."""
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(tmp_path / "none")]
    for lang, hint in (("en", "No outgoing mail server is set up yet"), ("ja", "まだ設定されて")):
        result = subprocess.run(
            [*command, "--lang", lang, "show", "--json"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=30,
        )
        assert result.returncode == 0
        assert json.loads(result.stdout) == {}
        assert hint in result.stderr
    assert not (tmp_path / "none" / "settings.json").exists()


def test_a_fresh_config_dir_says_it_uses_the_stored_password(
    cli: Cli,
    ssl_server: AioSMTPServer,
    certs: TestCerts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The credential store is per user and server, not per folder: say when it is reused."""
    server = f"ssl://{HOST}:{ssl_server.port}"
    assert cli.set(server, certs, password=PASSWORD) == 0
    assert "stored for" not in cli.err  # a password was given: nothing reused

    fresh = Cli(tmp_path / "fresh", capsys, monkeypatch)
    assert fresh.set(server, certs) == 0  # no --password-stdin
    expected = f"Using the password stored for {USER} at {HOST} (an in-memory store (for tests))."
    assert expected in fresh.err
    assert ssl_server.auth_attempts[-1][1] == USER
    assert len(ssl_server.messages) == 2  # the stored password did sign in

    again = Cli(tmp_path / "fresh-ja", capsys, monkeypatch)
    assert again.set(server, certs, lang="ja") == 0
    assert (
        f"{USER}({HOST})用に メモリ内の一時ストア(テスト用) に保存済みのパスワードを使います"
        in (again.err)
    )


def test_show_names_a_plaintext_store_and_warns(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    import keyring
    from fakes.named_keyrings import PLAIN_PATH, PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())  # conftest's isolation restores the previous one
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show", lang="ja") == 0
    assert f"パスワード: 保存済み(暗号化されていないファイル({PLAIN_PATH}))" in cli.out
    assert "警告: パスワードは暗号化されずにこのファイルに書き込まれます。" in cli.out
    assert "PlaintextKeyring" not in cli.out
    assert cli("show", "--json") == 0
    assert json.loads(cli.out)["password_stored"] is True  # stdout stays JSON
    assert cli.err.startswith("Warning: the password is written unencrypted to this file")


def test_show_of_a_system_store_has_no_warning(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show") == 0
    assert "Warning" not in cli.out and "Warning" not in cli.err
    assert RCPT in cli.out


def last_test_row(out: str, lang: str) -> str:
    return rows(out)["最後に成功したテスト" if lang == "ja" else "Last successful test"]


@pytest.mark.parametrize(
    ("lang", "none", "sent"),
    [("en", "none recorded", "{at}, to {to}"), ("ja", "記録なし", "{at}、送信先 {to}")],
)
def test_show_says_when_and_to_whom_the_last_test_went(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, lang: str, none: str, sent: str
) -> None:
    """Saved without a test: none; `test` with the stored settings notes it, as Send test again
    does; `test --check` (no mail) and `test --to` another address (not the stored settings) not."""
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, "--no-test", password=PASSWORD) == 0
    assert cli("show", lang=lang) == 0
    assert last_test_row(cli.out, lang) == none
    assert cli("show", "--json") == 0
    assert json.loads(cli.out)["last_test"] is None

    assert cli("test", "--check") == 0
    assert cli("test", "--to", "carol@example.net") == 0
    assert cli("show", "--json") == 0
    assert json.loads(cli.out)["last_test"] is None

    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    assert cli("test") == 0
    after = datetime.datetime.now(datetime.UTC)
    assert ssl_server.messages[-1].rcpt_tos == [RCPT]
    assert cli("show", "--json") == 0
    noted = json.loads(cli.out)["last_test"]
    assert set(noted) == {"at", "to"} and noted["to"] == RCPT
    at = datetime.datetime.fromisoformat(noted["at"])
    assert at.tzinfo is not None and before <= at <= after
    assert cli("show", lang=lang) == 0
    local = at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert last_test_row(cli.out, lang) == sent.format(at=local, to=RCPT)
    # the settings file holds it next to the settings, as the window's Save writes it
    assert json.loads(cli.config_file.read_text(encoding="utf-8"))["last_test"] == noted


def test_set_notes_its_test_for_show(cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show", "--json") == 0
    assert json.loads(cli.out)["last_test"]["to"] == RCPT
