"""Store.save writes the settings and the password as one unit: a failure changes neither.

Real failures only: a keyring backend that refuses to store, a settings.json the new file cannot
replace, and a read-only file system (a private mount namespace, where the system allows one).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.errors
import pytest
from jaraco.classes.properties import classproperty

from crm_mail_gui.cli import main
from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import CredentialStoreUnavailable, MemoryKeyring
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import CONFIG_NAME, Store

ROOT = Path(__file__).resolve().parents[1]
USER, HOST = "taro@example.co.jp", "smtp.example.co.jp"
OLD, NEW = "old-password", "new-untested-password"
VALUES = {"server": f"ssl://{HOST}:465", "user": USER, "from": USER, "auth": True}


class RefusingKeyring(MemoryKeyring):
    """A real backend that reads and deletes, but refuses to store after `allowed` stores."""

    @classproperty
    def priority(cls) -> float:
        """Never auto-detected."""
        return -1

    def __init__(self, allowed: int = 0) -> None:
        super().__init__()
        self.allowed = allowed
        self.stores = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store, or raise PasswordSetError once `allowed` stores were made."""
        if self.stores >= self.allowed:
            raise keyring.errors.PasswordSetError("the keyring is locked")
        self.stores += 1
        super().set_password(service, username, password)


class StoresThenFails(MemoryKeyring):
    """A backend that stores the password and then raises (a half-finished write)."""

    @classproperty
    def priority(cls) -> float:
        """Never auto-detected."""
        return -1

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store, then fail once; later stores (putting the old one back) work."""
        super().set_password(service, username, password)
        if not getattr(self, "failed", False):
            self.failed = True
            raise keyring.errors.PasswordSetError("write interrupted")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "config")


@pytest.fixture
def saved(store: Store) -> tuple[MailSettings, bytes]:
    """Settings saved with the old password: what a failed save must leave as it was."""
    settings = build_settings(VALUES)
    store.save(settings, OLD)
    return settings, store.path.read_bytes()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- the credential store refuses --------------------------------------------------------------


@pytest.mark.parametrize("user", [USER, "hanako@example.co.jp"], ids=["same key", "new key"])
def test_keyring_refusing_to_store_changes_nothing(
    store: Store, saved: tuple[MailSettings, bytes], memory_keyring: MemoryKeyring, user: str
) -> None:
    settings, before = saved
    backend = RefusingKeyring()
    backend.entries = dict(memory_keyring.entries)
    keyring.set_keyring(backend)
    changed = settings.with_changes(user=user, timeout=99.0)
    with pytest.raises(CredentialStoreUnavailable):
        store.save(changed, NEW)
    assert store.path.read_bytes() == before
    assert files_in(store.directory) == [CONFIG_NAME]  # no temp file left behind
    assert credentials.get_password(USER, HOST) == OLD
    assert credentials.get_password(user, HOST) == (OLD if user == USER else None)


def test_keyring_failing_after_storing_gets_the_old_password_back(
    store: Store, saved: tuple[MailSettings, bytes], memory_keyring: MemoryKeyring
) -> None:
    settings, before = saved
    backend = StoresThenFails()
    backend.entries = dict(memory_keyring.entries)
    keyring.set_keyring(backend)
    with pytest.raises(CredentialStoreUnavailable):
        store.save(settings.with_changes(timeout=99.0), NEW)
    assert credentials.get_password(USER, HOST) == OLD
    assert store.path.read_bytes() == before


def test_cli_set_with_a_keyring_refusing_to_store(
    store: Store,
    saved: tuple[MailSettings, bytes],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _settings, before = saved
    backend = RefusingKeyring()
    backend.entries = dict(memory_keyring.entries)
    keyring.set_keyring(backend)
    monkeypatch.setattr(sys, "stdin", io.StringIO(NEW + "\n"))
    argv = ["--config-dir", str(store.directory), "--lang", "en", "set", "--timeout", "99"]
    assert main([*argv, "--password-stdin", "--no-test"]) == 7
    err = capsys.readouterr().err
    assert "credential store" in err and "Traceback" not in err and NEW not in err
    assert store.path.read_bytes() == before
    assert credentials.get_password(USER, HOST) == OLD


# -- the file cannot be put in place after the password was stored -----------------------------


def _block_replace(store: Store) -> None:
    """settings.json becomes a non-empty folder: os.replace of the new file onto it fails."""
    store.path.unlink()
    store.path.mkdir()
    (store.path / "keep").write_text("x", encoding="ascii")


@pytest.mark.parametrize("user", [USER, "hanako@example.co.jp"], ids=["same key", "new key"])
def test_file_failure_after_the_password_restores_the_previous_one(
    store: Store, saved: tuple[MailSettings, bytes], user: str
) -> None:
    settings, _before = saved
    _block_replace(store)
    with pytest.raises(IsADirectoryError):
        store.save(settings.with_changes(user=user), NEW)
    assert credentials.get_password(USER, HOST) == OLD
    assert credentials.get_password(user, HOST) == (OLD if user == USER else None)
    assert files_in(store.directory) == [CONFIG_NAME]
    assert files_in(store.path) == ["keep"]


def test_first_save_failing_leaves_no_password(store: Store) -> None:
    store.directory.mkdir(parents=True)
    store.path.mkdir()
    (store.path / "keep").write_text("x", encoding="ascii")
    with pytest.raises(IsADirectoryError):
        store.save(build_settings(VALUES), NEW)
    assert credentials.get_password(USER, HOST) is None


def test_failed_restore_reports_the_first_failure(
    store: Store, saved: tuple[MailSettings, bytes], memory_keyring: MemoryKeyring
) -> None:
    settings, _before = saved
    backend = RefusingKeyring(allowed=1)  # stores the new password, then cannot put the old back
    backend.entries = dict(memory_keyring.entries)
    keyring.set_keyring(backend)
    _block_replace(store)
    with pytest.raises(IsADirectoryError) as info:
        store.save(settings, NEW)
    assert "The previous password could not be restored." in info.value.__notes__


def test_unwritable_config_folder_never_touches_the_keyring(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="ascii")
    store = Store(blocker / "config")
    credentials.set_password(USER, HOST, OLD)
    with pytest.raises(OSError):
        store.save(build_settings(VALUES), NEW)
    assert credentials.get_password(USER, HOST) == OLD


def test_save_without_failures_stores_both(store: Store, saved: tuple[MailSettings, bytes]) -> None:
    settings, _before = saved
    changed = settings.with_changes(timeout=42.0)
    store.save(changed, NEW)
    assert store.load().settings == changed
    assert credentials.get_password(USER, HOST) == NEW
    assert files_in(store.directory) == [CONFIG_NAME]


# -- a read-only file system -------------------------------------------------------------------

READ_ONLY_SCRIPT = """
import io, json, sys
import keyring
from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.cli import main

keyring.set_keyring(MemoryKeyring())
credentials.set_password(sys.argv[2], sys.argv[3], sys.argv[4])
sys.stdin = io.StringIO(sys.argv[5] + "\\n")
code = main(["--config-dir", sys.argv[1], "--lang", "en", "set", "--timeout", "99",
             "--password-stdin", "--no-test"])
print(json.dumps({"code": code, "password": credentials.get_password(sys.argv[2], sys.argv[3])}))
"""


def _mount_namespaces() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _mount_namespaces(), reason="needs unshare -rm (a private mount namespace)")
def test_cli_set_on_a_read_only_file_system_changes_nothing(store: Store, tmp_path: Path) -> None:
    store.save(build_settings(VALUES))
    before = store.path.read_bytes()
    folder = str(store.directory)
    mount = f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}'"
    script = tmp_path / "set_read_only.py"
    script.write_text(READ_ONLY_SCRIPT, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "CRM_MAIL_GUI_LOG_DIR": str(tmp_path / "logs"),
    }
    command = f'{mount} && exec "$0" "$@"'
    script_args = [str(script), folder, USER, HOST, OLD, NEW]
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command, sys.executable, *script_args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert "Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr
    assert outcome == {"code": 1, "password": OLD}
    assert store.path.read_bytes() == before
    assert files_in(store.directory) == [CONFIG_NAME]
