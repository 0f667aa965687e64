"""The command line in process for tests: `Cli` runs `main([...])`; the `cli` fixture (a plugin)."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import DEFAULT_USERS, TestCerts

from crm_mail_gui.cli import main
from crm_mail_gui.core.credentials import MemoryKeyring

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
RCPT = "bob@example.org"


class Cli:
    """Runs `main([...])` with --config-dir and --lang en, feeding a password on stdin."""

    def __init__(
        self, config_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.config_dir = config_dir
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.out = self.err = ""

    @property
    def config_file(self) -> Path:
        return self.config_dir / "settings.json"

    def __call__(self, *args: str, password: str | None = None, lang: str = "en") -> int:
        argv = ["--config-dir", str(self.config_dir), "--lang", lang, *args]
        if password is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
            argv.append("--password-stdin")
        self.capsys.readouterr()
        code = main(argv)
        self.out, self.err = self.capsys.readouterr()
        assert_no_secret(self.out, self.err)
        return code

    def set(self, server: str, certs: TestCerts, *extra: str, **kwargs: Any) -> int:
        args = ["set", "--server", server, "--user", USER, "--from", USER, "--to", RCPT]
        args += ["--ca-file", certs.ca_file, "--timeout", "2", *extra]
        return self(*args, **kwargs)


@pytest.fixture
def cli(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> Cli:
    return Cli(tmp_path / "config", capsys, monkeypatch)


def assert_no_secret(*texts: str) -> None:
    alone = base64.b64encode(PASSWORD.encode()).decode()
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    for text in texts:
        for form in (PASSWORD, alone, alone.rstrip("="), plain, plain.rstrip("=")):
            assert form not in text
