"""The command line against a hostile credential store, hostile standard input and Ctrl-C (issue 11).

In process (`cli.main`) where the outcome is an exit code and a message, in a subprocess where
a real signal or a backend named in PYTHON_KEYRING_BACKEND is needed. Servers on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from cli_support import PASSWORD, RCPT, USER, Cli
from fakes.hostile_keyrings import RELEASE, Hostile
from fakes.smtp_servers import HOST, AioSMTPServer, FaultServer, TestCerts

import crm_mail_gui
from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import SERVICE, MemoryKeyring

pytestmark = pytest.mark.e2e

FaultFactory = Callable[..., FaultServer]
ROOT = Path(crm_mail_gui.__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
STORE_FAULTS = [
    "get:RuntimeError",
    "get:MissingSectionHeaderError",
    "get:KeyringLocked",
    "get:OSError",
    "get:HostileStr",
    "get:escapes",
    "get:SystemExit",
    "get:bytes",
    "get:int",
    "get:object",
]


@pytest.fixture
def cli(cli: Cli) -> Iterator[Cli]:
    """The shared `cli`, and afterwards no "slow" backend call of the test still waiting."""
    RELEASE.clear()
    yield cli
    RELEASE.set()  # a "slow" backend call still waiting returns now
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name == "credential-store-call" for t in threading.enumerate()
    ):
        time.sleep(0.01)


def hostile(spec: str) -> Hostile:
    """Install a Hostile backend (the isolation fixture restores the keyring afterwards)."""
    backend = Hostile(dict(item.split(":", 1) for item in spec.split(",") if item))
    keyring.set_keyring(backend)
    return backend


def write_config(config: Path, server: str, certs: TestCerts, **extra: object) -> None:
    config.mkdir(parents=True, exist_ok=True)
    values = {"version": 1, "server": server, "user": USER, "from": USER, "to": RCPT}
    values |= {"ca_file": certs.ca_file, "timeout": 5, **extra}
    (config / "settings.json").write_text(json.dumps(values), encoding="utf-8")


def assert_store_message(err: str) -> None:
    assert "credential store unavailable" in err
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.isprintable(), line  # nothing the store said can drive the terminal
        assert len(line) < 400
    assert "hunter2" not in err and "12345" not in err


# --------------------------------------------------------------------------- 12. any exception


@pytest.mark.parametrize("fault", STORE_FAULTS)
@pytest.mark.parametrize("command", ["show", "test", "set"])
def test_a_failing_store_is_exit_7_never_a_traceback(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, command: str, fault: str
) -> None:
    write_config(cli.config_dir, f"ssl://{HOST}:{ssl_server.port}", certs)
    before = cli.config_file.read_bytes()
    hostile(fault)
    args = {"show": ["show"], "test": ["test"], "set": ["set", "--timeout", "3"]}[command]
    assert cli(*args) == 7
    assert_store_message(cli.err)
    assert ssl_server.messages == []
    assert cli.config_file.read_bytes() == before


@pytest.mark.parametrize("fault", ["RuntimeError", "MissingSectionHeaderError", "echo", "OSError"])
def test_a_store_that_cannot_write_fails_before_the_test_mail(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts, fault: str
) -> None:
    backend = hostile(f"set:{fault}")
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 7
    assert_store_message(cli.err)
    assert ssl_server.messages == []  # checked before anything went out
    assert not cli.config_file.exists()
    assert backend.entries == {}


def test_a_store_that_fails_on_the_real_write_stores_nothing(
    cli: Cli, ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    backend = hostile("set-after-1:RuntimeError")  # the write check passes, the real write fails
    assert cli.set(f"ssl://{HOST}:{ssl_server.port}", certs, password=PASSWORD) == 7
    assert_store_message(cli.err)
    assert "The test mail was sent, but nothing was saved" in cli.err
    assert len(ssl_server.messages) == 1
    assert not cli.config_file.exists()
    assert backend.entries == {}


def test_no_test_with_a_store_that_cannot_write(cli: Cli, certs: TestCerts) -> None:
    backend = hostile("set:RuntimeError")
    assert cli.set("ssl://smtp.example.com:465", certs, "--no-test", password=PASSWORD) == 7
    assert_store_message(cli.err)
    assert "nothing was saved" in cli.err
    assert not cli.config_file.exists() and backend.entries == {}


# --------------------------------------------------------------------------- 8. a slow store


@pytest.mark.parametrize("command", ["show", "test"])
def test_a_slow_store_is_bounded_and_announced(
    cli: Cli,
    ssl_server: AioSMTPServer,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    monkeypatch.setenv(credentials.ENV_TIMEOUT, "0.8")
    monkeypatch.setattr(credentials, "SLOW_NOTICE_AFTER", 0.2)
    write_config(cli.config_dir, f"ssl://{HOST}:{ssl_server.port}", certs)
    hostile("get:slow")
    started = time.monotonic()
    assert cli(command) == 7
    assert time.monotonic() - started < 2.5
    assert cli.err.count("Waiting for the credential store…") == 1
    assert "did not answer within 0.8 s" in cli.err
    assert_store_message(cli.err)
    assert ssl_server.messages == []


def subprocess_env(**extra: str) -> dict[str, str]:
    path = [str(ROOT), str(TESTS), os.environ.get("PYTHONPATH", "")]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, path)),
        "PYTHON_KEYRING_BACKEND": "fakes.hostile_keyrings.Hostile",
        "PYTHONIOENCODING": "utf-8",
        **extra,
    }


def run_cli(
    config: Path, *args: str, stdin: bytes = b"", **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(config), "--lang", "en", *args],
        input=stdin,
        capture_output=True,
        env=subprocess_env(**env),
        timeout=30,
    )


def test_a_slow_store_in_a_real_process(tmp_path: Path, certs: TestCerts) -> None:
    config = tmp_path / "config"
    write_config(config, "ssl://127.0.0.1:1", certs)
    started = time.monotonic()
    done = run_cli(config, "show", HOSTILE_KEYRING="get:slow", CRM_MAIL_GUI_KEYRING_TIMEOUT="1.5")
    assert time.monotonic() - started < 8
    err = done.stderr.decode("utf-8")
    assert done.returncode == 7, err
    assert "Waiting for the credential store…" in err
    assert "did not answer within 1.5 s" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("init:MissingSectionHeaderError", "MissingSectionHeaderError"),
        ("init:RuntimeError", "RuntimeError"),
        ("set:MissingSectionHeaderError", "MissingSectionHeaderError"),
    ],
)
def test_a_broken_backend_named_in_the_environment(
    tmp_path: Path, certs: TestCerts, spec: str, said: str
) -> None:
    config = tmp_path / "config"
    done = run_cli(
        config,
        "set",
        "--server",
        "ssl://127.0.0.1:1",
        "--user",
        USER,
        "--from",
        USER,
        "--password-stdin",
        stdin=PASSWORD.encode() + b"\n",
        HOSTILE_KEYRING=spec,
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 7, err
    assert said in err and "Traceback" not in err
    assert not (config / "settings.json").exists()


# --------------------------------------------------------------------------- 11. Ctrl-C


def _default_sigint() -> None:
    """In the child: Ctrl-C as on a terminal, even when this run's shell ignores SIGINT.

    A shell starts background jobs (`cmd &`, nohup, some CI runners) with SIGINT ignored, and
    the child inherits that: Python then installs no KeyboardInterrupt handler at all.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("command", ["test", "set"])
def test_ctrl_c_is_a_word_and_130(
    tmp_path: Path, certs: TestCerts, fault_server: FaultFactory, command: str
) -> None:
    server = fault_server("silent", timeout=30)
    config = tmp_path / "config"
    target = f"{HOST}:{server.port}"
    write_config(config, target, certs, auth=False, timeout=30)
    args = ["test"] if command == "test" else ["set", "--server", target, "--no-auth"]
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(config), "--lang", "en", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
        env=subprocess_env(PYTHON_KEYRING_BACKEND="crm_mail_gui.core.credentials.MemoryKeyring"),
    )
    try:
        deadline = time.monotonic() + 15
        while server.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.connections == 1
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()
    text = err.decode("utf-8")
    assert process.returncode == 130, text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert text.strip() == "Cancelled."
    assert out == b""


# --------------------------------------------------------------------------- 15. stdin


def feed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="cp1252"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PASSWORD.encode("utf-8").replace(b"s3", b"\xff"), "is not UTF-8"),
        ("s3cret-パス".encode("cp932") + b"\r\n", "is not UTF-8"),
        ("pässwörd".encode("latin-1") + b"\n", "is not UTF-8"),
        (PASSWORD.encode("utf-16"), "is not UTF-8"),  # Notepad's "Unicode"
        (b"\xef\xbb\xbf" + PASSWORD.encode("utf-16-le"), "is not UTF-8"),
        (b"pa\x00ss\n", "control character"),
        (b"\xef\xbb\xbf\x00" + PASSWORD.encode() + b"\n", "control character"),
        (b"pass\tword\n", "control character"),
        (b"pass\rword\n", "control character"),
        (b"\x1b[2Jpassword\n", "control character"),
        ("pass\u0085word\n".encode(), "control character"),  # C1 NEL
        (b"\xef\xbb\xbf\xef\xbb\xbf" + PASSWORD.encode() + b"\n", None),  # a second BOM stays
        (b"x" * 5000 + b"\n", "too long"),
    ],
)
def test_a_password_that_is_not_what_was_typed_is_refused(
    cli: Cli,
    fault_server: FaultFactory,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    message: str | None,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("ok", users={USER: PASSWORD})
    feed(monkeypatch, data)
    code = cli.set(f"tls://{HOST}:{server.port}", certs, "--password-stdin")
    if message is None:  # U+FEFF inside is a character the user typed: sent as typed, rejected
        assert code == 4
        assert len(server.auth_attempts) == 1
    else:
        assert code == 2, cli.err
        assert message in cli.err and "Traceback" not in cli.err
        assert server.connections == 0  # nothing was sent
    assert not cli.config_file.exists()
    assert memory_keyring.entries == {}


@pytest.mark.parametrize(
    "data",
    [
        PASSWORD.encode() + b"\n",
        PASSWORD.encode() + b"\r\n",
        PASSWORD.encode(),
        b"\xef\xbb\xbf" + PASSWORD.encode() + b"\r\n",  # Notepad's "UTF-8 with BOM"
        PASSWORD.encode() + b"\nsecond line is not read\n",
    ],
)
def test_a_utf8_password_is_sent_exactly(
    cli: Cli,
    fault_server: FaultFactory,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    memory_keyring: MemoryKeyring,
) -> None:
    server = fault_server("ok", users={USER: PASSWORD})
    feed(monkeypatch, data)
    assert cli.set(f"tls://{HOST}:{server.port}", certs, "--password-stdin") == 0, cli.err
    assert len(server.auth_attempts) == 1  # accepted: the server checks USER and PASSWORD
    assert memory_keyring.entries[(SERVICE, f"{USER}@127.0.0.1")] == PASSWORD


@pytest.mark.parametrize(
    ("size", "bom", "code"), [(4096, True, 0), (4096, False, 0), (4097, True, 2), (4097, False, 2)]
)
def test_a_long_password_is_kept_whole_or_refused(
    cli: Cli,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    size: int,
    bom: bool,
    code: int,
) -> None:
    feed(monkeypatch, (b"\xef\xbb\xbf" if bom else b"") + b"p" * size + b"\r\n")
    assert cli.set("ssl://smtp.example.com:465", certs, "--no-test", "--password-stdin") == code
    stored = list(memory_keyring.entries.values())
    assert stored == ([] if code else ["p" * size])  # never a cut-off password


def test_stdin_refusal_in_japanese(
    cli: Cli, certs: TestCerts, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, "パスワード".encode("cp932"))
    assert cli.set("ssl://smtp.example.com:465", certs, "--password-stdin", lang="ja") == 2
    assert "UTF-8 ではありません" in cli.err


def test_stdin_refusal_in_a_real_process(tmp_path: Path) -> None:
    done = run_cli(
        tmp_path / "config",
        "set",
        "--server",
        "ssl://127.0.0.1:1",
        "--user",
        USER,
        "--from",
        USER,
        "--password-stdin",
        stdin="パスワード\r\n".encode("cp932"),
        PYTHON_KEYRING_BACKEND="crm_mail_gui.core.credentials.MemoryKeyring",
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "is not UTF-8" in err and "Traceback" not in err


def test_ctrl_c_while_waiting_for_the_credential_store(tmp_path: Path, certs: TestCerts) -> None:
    config = tmp_path / "config"
    write_config(config, "ssl://127.0.0.1:1", certs)
    process = subprocess.Popen(
        [sys.executable, "-m", "crm_mail_gui", "--config-dir", str(config), "--lang", "en", "show"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
        env=subprocess_env(HOSTILE_KEYRING="get:slow", CRM_MAIL_GUI_KEYRING_TIMEOUT="30"),
    )
    try:
        assert process.stderr is not None
        first = process.stderr.readline().decode("utf-8")  # blocks until the notice
        assert first.strip() == "Waiting for the credential store…"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert err.decode("utf-8").strip() == "Cancelled."
    assert out == b""
