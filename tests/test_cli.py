"""The command line, in process (`crm_mail_gui.cli.main`) against real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.core
import pytest
from cli_support import PASSWORD, RCPT, USER, Cli, assert_no_secret
from fakes.smtp_servers import DEFAULT_USERS, HOST, AioSMTPServer, FaultServer, TestCerts

import crm_mail_gui
from crm_mail_gui.cli import parse_arguments
from crm_mail_gui.cli_parser import build_parser
from crm_mail_gui.core.credentials import SERVICE, MemoryKeyring

pytestmark = pytest.mark.e2e

FaultFactory = Callable[..., FaultServer]
SHOW_KEYS = {
    "server",
    "user",
    "from",
    "auth",
    "to",
    "timeout",
    "ca_file",
    "password_stored",
    "last_test",
}


def closed_port() -> int:
    probe = socket.socket()
    probe.bind((HOST, 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


# --------------------------------------------------------------------------- set


def test_set_tests_then_stores(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    server = f"ssl://{HOST}:{ssl_server.port}"
    assert cli.set(server, certs, password=PASSWORD) == 0
    assert "Test Mail Sent" in cli.out
    assert RCPT in cli.out
    [received] = ssl_server.messages
    assert received.rcpt_tos == [RCPT] and received.auth_login == USER

    text = cli.config_file.read_text(encoding="utf-8")
    assert_no_secret(text)
    data = json.loads(text)
    assert "password" not in json.dumps(data).lower().replace("password_stored", "")
    assert data["server"] == server
    assert data["user"] == USER and data["from"] == USER and data["to"] == RCPT
    assert data["auth"] is True
    assert memory_keyring.entries == {(SERVICE, f"{USER}@{HOST}"): PASSWORD}
    assert SERVICE == "crm-mail-gui"


def test_set_in_japanese(cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD, lang="ja") == 0
    assert "テストメールが送信されました" in cli.out
    assert "設定を保存しました" in cli.out


def test_set_with_wrong_password_stores_nothing(
    cli: Cli,
    ssl_server: AioSMTPServer,
    fault_server: FaultFactory,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    before = cli.config_file.read_bytes()
    entries = dict(memory_keyring.entries)

    bad = fault_server("auth535")
    code = cli.set(f"tls://{HOST}:{bad.port}", certs, password="wrong-password")
    assert code == 4
    assert "535" in cli.err and "5.7.8" in cli.err
    assert "nothing was saved" in cli.err
    assert "wrong-password" not in cli.err + cli.out
    assert cli.config_file.read_bytes() == before
    assert memory_keyring.entries == entries
    assert sorted(p.name for p in cli.config_dir.iterdir()) == ["settings.json"]


def test_first_set_with_wrong_password_creates_no_config(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    bad = fault_server("auth535")
    assert cli.set(f"tls://{HOST}:{bad.port}", certs, password=PASSWORD) == 4
    assert not cli.config_file.exists()
    assert memory_keyring.entries == {}


def test_set_no_test_warns_and_stores(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    server = fault_server("ok")
    assert cli.set(f"tls://{HOST}:{server.port}", certs, "--no-test", password=PASSWORD) == 0
    assert "Warning" in cli.err and "without a test" in cli.err
    assert server.connections == 0
    assert json.loads(cli.config_file.read_text(encoding="utf-8"))["server"] == (
        f"tls://{HOST}:{server.port}"
    )
    assert memory_keyring.entries == {(SERVICE, f"{USER}@{HOST}"): PASSWORD}


def test_set_invalid_server_exits_2(cli: Cli, certs: TestCerts) -> None:
    assert cli.set("ftp://mail.example.com:21", certs, password=PASSWORD) == 2
    assert "Server name" in cli.err
    assert not cli.config_file.exists()


def test_set_port_out_of_range_exits_2(cli: Cli, certs: TestCerts) -> None:
    assert cli.set("ssl://mail.example.com:70000", certs, password=PASSWORD) == 2
    assert not cli.config_file.exists()


def test_set_connection_refused_exits_3(cli: Cli, certs: TestCerts) -> None:
    assert cli.set(f"ssl://{HOST}:{closed_port()}", certs, password=PASSWORD) == 3
    assert "refused" in cli.err
    assert not cli.config_file.exists()


def test_set_recipient_refused_exits_5(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("rcpt550")
    assert cli.set(f"tls://{HOST}:{server.port}", certs, password=PASSWORD) == 5
    assert "550 5.1.1" in cli.err
    assert not cli.config_file.exists()


def test_set_silent_server_times_out_exits_6(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("silent")
    code = cli.set(f"tls://{HOST}:{server.port}", certs, "--timeout", "1", password=PASSWORD)
    assert code == 6
    assert not cli.config_file.exists()


def test_set_without_credential_store_exits_7(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the fixture restores the previous one
    server = fault_server("ok")
    assert cli.set(f"tls://{HOST}:{server.port}", certs, password=PASSWORD) == 7
    assert "credential store" in cli.err
    assert server.connections == 0
    assert not cli.config_file.exists()


def test_set_plain_with_auth_needs_explicit_consent(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    server = fault_server("ok", tls="none", users=DEFAULT_USERS)
    assert cli.set(f"{HOST}:{server.port}", certs, password=PASSWORD) == 2
    assert "--allow-unencrypted-password" in cli.err
    assert server.connections == 0
    assert not cli.config_file.exists()
    assert memory_keyring.entries == {}

    code = cli.set(
        f"{HOST}:{server.port}", certs, "--allow-unencrypted-password", password=PASSWORD
    )
    assert code == 0
    assert len(server.messages) == 1


def test_set_password_required(cli: Cli, fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok")
    assert cli.set(f"tls://{HOST}:{server.port}", certs) == 2
    assert "--password-stdin" in cli.err
    assert server.connections == 0


# --------------------------------------------------------------------------- show / test


def test_show_json(cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    server = f"ssl://{HOST}:{ssl_server.port}"
    assert cli.set(server, certs, password=PASSWORD) == 0
    assert cli("show", "--json") == 0
    data = json.loads(cli.out)
    assert set(data) == SHOW_KEYS
    assert data.pop("last_test")["to"] == RCPT  # set's test (tests/test_cli_show.py: the rest)
    assert data == {
        "server": server,
        "user": USER,
        "from": USER,
        "auth": True,
        "to": RCPT,
        "timeout": 2.0,
        "ca_file": certs.ca_file,
        "password_stored": True,
    }


def test_show_text_never_shows_the_password(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show") == 0
    assert USER in cli.out
    assert "Password: stored" in cli.out


def test_show_when_not_configured(cli: Cli) -> None:
    assert cli("show") == 1
    assert "No outgoing mail server" in cli.err


def test_test_verbose_prints_masked_transcript(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("test", "-v") == 0
    assert "AUTH PLAIN ********" in cli.out
    assert "MAIL FROM:<alice@example.com>" in cli.out
    assert "Test Mail Sent" in cli.out
    assert len(ssl_server.messages) == 2


def test_test_verbose_failure_prints_masked_transcript(
    cli: Cli, fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("auth535")
    assert cli.set(f"tls://{HOST}:{server.port}", certs, "--no-test", password=PASSWORD) == 0
    assert cli("test", "-v") == 4
    assert "AUTH PLAIN ********" in cli.err
    assert "Authentication failed" in cli.err


def test_test_check_sends_no_mail(cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert len(ssl_server.messages) == 1
    assert cli("test", "--check") == 0
    assert "no mail was sent" in cli.out
    assert len(ssl_server.messages) == 1
    assert len(ssl_server.auth_attempts) == 2


def test_test_to_another_recipient(cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("test", "--to", "carol@example.net") == 0
    assert ssl_server.messages[-1].rcpt_tos == ["carol@example.net"]
    assert json.loads(cli.config_file.read_text(encoding="utf-8"))["to"] == RCPT


def test_test_when_not_configured(cli: Cli) -> None:
    assert cli("test") == 2


# --------------------------------------------------------------------------- presets


def test_presets_lists_gmail(cli: Cli) -> None:
    assert cli("presets") == 0
    [line] = [line for line in cli.out.splitlines() if line.startswith("gmail ")]
    assert "ssl://smtp.gmail.com:465" in line


def test_presets_json(cli: Cli) -> None:
    assert cli("presets", "--json") == 0
    rows = {row["id"]: row for row in json.loads(cli.out)}
    assert rows["gmail"]["server"] == "ssl://smtp.gmail.com:465"
    assert rows["microsoft365"]["server"] == "tls://smtp.office365.com:587"


# --------------------------------------------------------------------------- export / import


def test_export_import_round_trip(
    cli: Cli,
    ssl_server: AioSMTPServer,
    certs: TestCerts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    assert cli("show", "--json") == 0
    original = json.loads(cli.out)

    exported = tmp_path / "exported.json"
    assert cli("export", str(exported)) == 0
    text = exported.read_text(encoding="utf-8")
    assert_no_secret(text)
    assert "password" not in json.loads(text)

    other = Cli(tmp_path / "other-pc", capsys, monkeypatch)
    assert other("import", str(exported)) == 0
    assert other("show", "--json") == 0
    imported = json.loads(other.out)
    assert imported.pop("last_test") is None  # a test on this PC, not the other one's
    assert original.pop("last_test")["to"] == RCPT
    assert imported == original


def test_import_bad_file_changes_nothing(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, tmp_path: Path
) -> None:
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 0
    before = cli.config_file.read_bytes()

    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1, "server": ', encoding="utf-8")
    assert cli("import", str(broken)) == 2
    assert "not valid JSON" in cli.err

    with_password = tmp_path / "with-password.json"
    with_password.write_text(
        json.dumps({"version": 1, "server": "ssl://smtp.example.com:465", "password": "x"}),
        encoding="utf-8",
    )
    assert cli("import", str(with_password)) == 2

    bad_server = tmp_path / "bad-server.json"
    bad_server.write_text(json.dumps({"version": 1, "server": "ssl://:0"}), encoding="utf-8")
    assert cli("import", str(bad_server)) == 2

    assert cli("import", str(tmp_path / "missing.json")) == 2
    assert cli.config_file.read_bytes() == before


# --------------------------------------------------------------------------- entry point


def test_keyring_honours_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "crm_mail_gui.core.credentials.MemoryKeyring")
    assert isinstance(keyring.core.load_env(), MemoryKeyring)


def test_module_entry_point(tmp_path: Path) -> None:
    root = Path(crm_mail_gui.__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps(
            {"version": 1, "server": "ssl://smtp.example.com:465", "user": USER, "from": USER}
        ),
        encoding="utf-8",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(config), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=tmp_path,
            timeout=30,
        )

    presets = run("--lang", "en", "presets")
    assert presets.returncode == 0, presets.stderr
    assert "ssl://smtp.gmail.com:465" in presets.stdout
    # show asks the credential store: it must be the in-memory one named in the environment
    show = run("show", "--json")
    assert show.returncode == 0, show.stderr
    assert json.loads(show.stdout)["password_stored"] is False


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["--lang", "ja"],
        ["--config-dir", "/tmp/x", "--lang", "en"],
        ["--self-check"],
        ["--config-dir", "show"],  # a folder named like a command
        ["show", "--json"],
        ["set", "--server", "ssl://smtp.example.com:465", "--lang", "ja"],
    ],
)
def test_window_launch_parses_like_the_full_parser(words: list[str]) -> None:
    """Opening the window with options parses them like any command line."""
    full = vars(build_parser().parse_args(words))
    assert vars(parse_arguments(words)) == {"command": None, **full}


@pytest.mark.parametrize("words", [["sett"], ["--lang", "xx"], ["--bogus"]])
def test_mistakes_get_the_full_parsers_message(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_arguments(words)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "usage: crm-mail-gui" in error and "COMMAND" in error
    if words == ["sett"]:
        assert "invalid choice: 'sett'" in error
