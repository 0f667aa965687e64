"""Config storage (core.store) with real files, and the password in keyring (core.credentials).

`memory_keyring` comes from conftest.py (autouse isolation: an in-memory keyring per test).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import platformdirs
import pytest
from fakes.smtp_servers import TestCerts

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import CredentialStoreUnavailable, MemoryKeyring
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import (
    CONFIG_NAME,
    CONFIG_VERSION,
    ENV_CONFIG_DIR,
    EXPORT_FORMAT,
    ConfigError,
    Store,
    atomic_write_text,
    config_dir,
)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "S3cret-パスワード!"
VALUES = {
    "server": "ssl://smtp.gmail.com:465",
    "user": "taro@example.co.jp",
    "from": "noreply@example.co.jp",
    "auth": True,
    "to": "admin@example.co.jp",
    "timeout": 30,
}
CORRUPT_NAME = re.compile(re.escape(CONFIG_NAME) + r"\.corrupt-\d{8}-\d{6}(-\d+)?$")


@pytest.fixture
def failing_keyring() -> Iterator[keyring.backends.fail.Keyring]:
    previous = keyring.get_keyring()
    backend = keyring.backends.fail.Keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    # the environment points elsewhere: the argument must win
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "from-env"))
    return Store(tmp_path / "config")


@pytest.fixture
def settings() -> MailSettings:
    return build_settings(VALUES)


def leftovers(directory: Path) -> list[str]:
    """Files other than settings.json (temp files, set-aside files)."""
    return sorted(p.name for p in directory.iterdir() if p.name != CONFIG_NAME)


# -- round trip ------------------------------------------------------------------------------


def test_first_run_has_no_settings(store: Store) -> None:
    result = store.load()
    assert result.settings is None
    assert result.notice is None
    assert result.set_aside is None
    assert not store.directory.exists()  # loading creates nothing


def test_save_load_round_trip(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, PASSWORD)
    assert store.path == store.directory / CONFIG_NAME
    result = store.load()
    assert result.settings == settings
    assert result.notice is None
    assert store.password_for(settings) == PASSWORD
    assert store.has_password(settings)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["version"] == CONFIG_VERSION
    assert data["server"] == "ssl://smtp.gmail.com:465"
    assert data["from"] == "noreply@example.co.jp"
    assert data["timeout"] == 30.0
    assert leftovers(store.directory) == []


def test_password_never_in_file(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, PASSWORD)
    raw = store.path.read_bytes()
    text = raw.decode("utf-8")
    assert "password" not in text.lower()
    assert PASSWORD not in text
    assert PASSWORD.encode("utf-8") not in raw
    # it is in the credential store, keyed by user and host
    assert memory_keyring.entries == {
        (credentials.SERVICE, "taro@example.co.jp@smtp.gmail.com"): PASSWORD
    }


def test_save_without_password_keeps_stored_one(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, PASSWORD)
    store.save(settings.with_changes(timeout=10.0))
    assert store.load().settings == settings.with_changes(timeout=10.0)
    assert store.password_for(settings) == PASSWORD


def test_no_auth_stores_no_password(store: Store, memory_keyring: MemoryKeyring) -> None:
    settings = build_settings({**VALUES, "auth": False, "user": ""})
    store.save(settings, PASSWORD)
    assert memory_keyring.entries == {}
    assert store.password_for(settings) is None
    assert not store.has_password(settings)
    assert store.load().settings == settings


def test_password_per_user_and_host(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, PASSWORD)
    other_host = settings.with_changes(
        server=build_settings({**VALUES, "server": "tls://b.example"}).server
    )
    other_user = settings.with_changes(user="hanako@example.co.jp")
    assert store.password_for(other_host) is None
    assert store.password_for(other_user) is None
    assert not store.has_password(other_user)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_mode_0600(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, PASSWORD)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    target = store.directory / "export.json"
    store.export_to(settings, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_json_is_readable_utf8(store: Store, memory_keyring: MemoryKeyring) -> None:
    settings = build_settings({**VALUES, "user": "山田太郎"})
    store.save(settings)
    text = store.path.read_text(encoding="utf-8")
    assert "山田太郎" in text  # not \\u escapes: an administrator may open the file
    assert text.endswith("\n")


# -- atomic writes ---------------------------------------------------------------------------


def test_atomic_write_keeps_old_file_when_replace_fails(
    store: Store,
    settings: MailSettings,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.save(settings)
    before = store.path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(PermissionError):
        store.save(settings.with_changes(timeout=99.0))
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert leftovers(store.directory) == []
    assert store.load().settings == settings


def test_atomic_write_keeps_old_file_when_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "sub" / "file.json"
    atomic_write_text(target, "old\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(target, "new\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]


def test_atomic_write_creates_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "settings.json"
    atomic_write_text(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"


# -- corrupt files ---------------------------------------------------------------------------

GOOD_JSON = {"version": 1, **VALUES}
CORRUPT = [
    ("not json", b"{ this is not json", "not valid JSON"),
    ("empty", b"", "not valid JSON"),
    ("truncated", json.dumps(GOOD_JSON).encode()[:-5], "not valid JSON"),
    ("not utf-8", b'{"version": 1, "server": "\xff\xfe"}', "not UTF-8"),
    ("a list", b"[1, 2, 3]", "not a JSON object"),
    ("no version", json.dumps(VALUES).encode(), "version"),
    ("version string", json.dumps({**GOOD_JSON, "version": "1"}).encode(), "version"),
    ("version bool", json.dumps({**GOOD_JSON, "version": True}).encode(), "version"),
    ("version zero", json.dumps({**GOOD_JSON, "version": 0}).encode(), "version"),
    ("version too new", json.dumps({**GOOD_JSON, "version": 99}).encode(), "newer"),
    ("server missing", json.dumps({"version": 1}).encode(), "server"),
    ("server number", json.dumps({**GOOD_JSON, "server": 465}).encode(), "server"),
    ("auth string", json.dumps({**GOOD_JSON, "auth": "yes"}).encode(), "auth"),
    ("user number", json.dumps({**GOOD_JSON, "user": 1}).encode(), "user"),
    ("from list", json.dumps({**GOOD_JSON, "from": ["a@b.c"]}).encode(), "from"),
    ("timeout bool", json.dumps({**GOOD_JSON, "timeout": True}).encode(), "timeout"),
    ("timeout list", json.dumps({**GOOD_JSON, "timeout": [1]}).encode(), "timeout"),
    ("bad server", json.dumps({**GOOD_JSON, "server": "smtps://x"}).encode(), "server"),
    ("bad from", json.dumps({**GOOD_JSON, "from": "a@b\r\nBcc: c@d"}).encode(), "from"),
    ("password", json.dumps({**GOOD_JSON, "password": "hunter2"}).encode(), "password"),
]


@pytest.mark.parametrize(
    ("content", "problem"), [c[1:] for c in CORRUPT], ids=[c[0] for c in CORRUPT]
)
def test_corrupt_file_set_aside(store: Store, content: bytes, problem: str) -> None:
    store.directory.mkdir(parents=True)
    store.path.write_bytes(content)
    result = store.load()
    assert result.settings is None
    assert result.notice is not None
    assert problem in result.notice
    assert result.set_aside is not None
    assert CORRUPT_NAME.match(result.set_aside.name), result.set_aside.name
    assert result.set_aside.parent == store.directory
    assert result.set_aside.name in result.notice
    assert str(store.path) in result.notice
    # moved, not copied, and byte for byte what was there
    assert not store.path.exists()
    assert result.set_aside.read_bytes() == content
    assert "hunter2" not in result.notice
    # the next load is a clean first run
    assert store.load().settings is None
    assert store.load().notice is None


def test_corrupt_twice_keeps_both(store: Store) -> None:
    store.directory.mkdir(parents=True)
    names = set()
    for content in (b"first", b"second", b"third"):
        store.path.write_bytes(content)
        result = store.load()
        assert result.set_aside is not None
        names.add(result.set_aside.name)
    assert len(names) == 3
    kept = sorted((store.directory / n).read_bytes() for n in names)
    assert kept == [b"first", b"second", b"third"]


def test_save_after_corrupt_does_not_touch_set_aside(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.directory.mkdir(parents=True)
    store.path.write_text("{broken", encoding="utf-8")
    result = store.load()
    store.save(settings)
    assert result.set_aside is not None
    assert result.set_aside.read_text(encoding="utf-8") == "{broken"
    assert store.load().settings == settings


def test_unreadable_file_cannot_be_renamed(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.directory.mkdir(parents=True)
    store.path.write_text("{broken", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = store.load()
    monkeypatch.undo()
    assert result.settings is None
    assert result.set_aside is None
    assert result.notice is not None and "could not be renamed" in result.notice
    assert store.path.read_text(encoding="utf-8") == "{broken"


# -- where the config lives ------------------------------------------------------------------


def test_config_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argument, env = tmp_path / "arg", tmp_path / "env"
    monkeypatch.setenv(ENV_CONFIG_DIR, str(env))
    assert config_dir(argument) == argument
    assert config_dir(str(argument)) == argument
    assert config_dir() == env
    assert config_dir(None) == env
    assert Store().path == env / CONFIG_NAME
    assert Store(argument).path == argument / CONFIG_NAME
    monkeypatch.delenv(ENV_CONFIG_DIR)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    expected = Path(platformdirs.user_config_dir("crm-mail-gui", appauthor=False))
    assert config_dir() == expected
    assert expected.name == "crm-mail-gui"
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "xdg" / "crm-mail-gui"


def test_config_dir_expands_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setenv(ENV_CONFIG_DIR, "~/crm")
    assert config_dir() == tmp_path / "crm"


def test_env_dir_is_used_by_store(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: MailSettings,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "env"))
    Store().save(settings)
    assert (tmp_path / "env" / CONFIG_NAME).is_file()
    assert Store().load().settings == settings


# -- export / import -------------------------------------------------------------------------


def test_export_import_round_trip(
    store: Store, tmp_path: Path, memory_keyring: MemoryKeyring, certs: TestCerts
) -> None:
    ca = tmp_path / "ca.pem"
    shutil.copy(certs.ca_file, ca)
    settings = build_settings({**VALUES, "ca_file": str(ca), "server": "tls://[::1]:2525"})
    store.save(settings, PASSWORD)
    target = tmp_path / "share" / "crm-mail.json"
    store.export_to(settings, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == EXPORT_FORMAT
    assert data["version"] == CONFIG_VERSION
    assert data["server"] == "tls://[::1]:2525"
    assert "password" not in data
    assert PASSWORD not in target.read_text(encoding="utf-8")
    assert Store.read_export(target) == settings


def test_import_accepts_a_config_file(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings)
    assert Store.read_export(store.path) == settings


BAD_EXPORTS = [
    ("missing", None, "file not found"),
    ("not json", b"{nope", "not valid JSON"),
    ("not utf-8", b"\xff\xfe{}", "not UTF-8"),
    (
        "other format",
        json.dumps({**GOOD_JSON, "format": "thunderbird"}).encode(),
        "not a crm-mail-gui",
    ),
    ("too new", json.dumps({**GOOD_JSON, "format": EXPORT_FORMAT, "version": 2}).encode(), "newer"),
    ("password", json.dumps({**GOOD_JSON, "password": "hunter2"}).encode(), "password"),
    ("a string", b'"ssl://smtp.gmail.com"', "not a JSON object"),
    ("bad port", json.dumps({**GOOD_JSON, "server": "smtp.gmail.com:0"}).encode(), "server"),
    ("auth string", json.dumps({**GOOD_JSON, "auth": "false"}).encode(), "auth"),
]


@pytest.mark.parametrize(
    ("content", "problem"), [b[1:] for b in BAD_EXPORTS], ids=[b[0] for b in BAD_EXPORTS]
)
def test_read_export_refuses(tmp_path: Path, content: bytes | None, problem: str) -> None:
    source = tmp_path / "import.json"
    if content is not None:
        source.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        Store.read_export(source)
    message = str(info.value)
    assert str(source) in message
    assert problem in message
    assert "hunter2" not in message
    if content is not None:
        assert source.read_bytes() == content  # import never changes the file it reads


# -- credential store ------------------------------------------------------------------------


def test_memory_keyring_basics(memory_keyring: MemoryKeyring) -> None:
    assert credentials.is_usable()
    assert credentials.get_password("u", "h") is None
    assert not credentials.has_password("u", "h")
    credentials.set_password("u", "h", "p")
    assert credentials.get_password("u", "h") == "p"
    assert credentials.has_password("u", "h")
    credentials.delete_password("u", "h")
    credentials.delete_password("u", "h")  # no error the second time
    assert credentials.get_password("u", "h") is None
    assert (
        credentials.account_key("u@example.jp", "smtp.example.jp") == "u@example.jp@smtp.example.jp"
    )


def test_memory_keyring_never_auto_selected() -> None:
    # auto-detection takes the highest priority: the in-memory store must lose even to `fail`
    assert MemoryKeyring.priority < keyring.backends.fail.Keyring.priority


def test_fail_backend_is_unavailable(failing_keyring: keyring.backends.fail.Keyring) -> None:
    assert not credentials.is_usable()
    for call in (
        lambda: credentials.set_password("u", "h", "p"),
        lambda: credentials.get_password("u", "h"),
        lambda: credentials.delete_password("u", "h"),
    ):
        with pytest.raises(CredentialStoreUnavailable) as info:
            call()
        # the backend is named so that an administrator can act on it
        assert info.value.backend == "keyring.backends.fail.Keyring"
        assert info.value.backend in str(info.value)
        assert "credential store unavailable" in str(info.value)
    assert credentials.has_password("u", "h") is False
    assert credentials.describe_backend("en") == "none"
    assert credentials.describe_backend("ja") == "なし"


def test_null_backend_is_unavailable() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        assert not credentials.is_usable()
        with pytest.raises(CredentialStoreUnavailable):
            credentials.set_password("u", "h", "p")
    finally:
        keyring.set_keyring(previous)


def test_backend_error_becomes_unavailable(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object) -> None:
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(CredentialStoreUnavailable) as info:
        credentials.set_password("u", "h", PASSWORD)
    assert info.value.detail == "KeyringLocked: locked"  # what the store said (issue 11.12)
    assert PASSWORD not in str(info.value)
    assert credentials.has_password("u", "h") is False


def test_save_with_password_and_no_store_writes_nothing(
    store: Store, settings: MailSettings, memory_keyring: MemoryKeyring
) -> None:
    store.save(settings, "old-password")
    before = store.path.read_bytes()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the fixture restores the previous one
    changed = settings.with_changes(timeout=99.0, user="hanako@example.co.jp")
    with pytest.raises(CredentialStoreUnavailable):
        store.save(changed, PASSWORD)
    assert store.path.read_bytes() == before
    assert leftovers(store.directory) == []
    assert PASSWORD not in before.decode("utf-8")


def test_save_with_password_and_no_store_on_first_run(
    store: Store, settings: MailSettings, failing_keyring: keyring.backends.fail.Keyring
) -> None:
    with pytest.raises(CredentialStoreUnavailable):
        store.save(settings, PASSWORD)
    assert not store.path.exists()
    # without a password (auth off) saving still works: the file holds no secret
    no_auth = build_settings({**VALUES, "auth": False})
    store.save(no_auth)
    assert store.load().settings == no_auth
    assert store.password_for(no_auth) is None
    assert not store.has_password(settings)


KEYRING_SCRIPT = """
import keyring
from crm_mail_gui.core import credentials
print(credentials.backend_name())
try:
    credentials.set_password("u", "h", "p")
    print("stored", credentials.get_password("u", "h"))
except credentials.CredentialStoreUnavailable as error:
    print("unavailable", error.backend)
"""


def test_python_keyring_backend_env_respected(tmp_path: Path) -> None:
    # (loading MemoryKeyring by name is covered in test_cli.py)
    backend = "keyring.backends.fail.Keyring"
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": backend,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", KEYRING_SCRIPT], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [backend, f"unavailable {backend}"]


def test_deleted_ca_file_keeps_the_rest_of_the_settings(
    store: Store, tmp_path: Path, certs: TestCerts
) -> None:
    ca = tmp_path / "in-house-ca.pem"
    shutil.copy(certs.ca_file, ca)
    settings = build_settings(
        {
            "server": "tls://mail.example.jp:587",
            "user": "a@example.jp",
            "from": "a@example.jp",
            "ca_file": str(ca),
        }
    )
    store.save(settings)
    ca.unlink()
    loaded = store.load()
    assert loaded.settings is not None
    assert loaded.settings.server.canonical() == "tls://mail.example.jp:587"
    assert loaded.settings.ca_file is None
    assert loaded.set_aside is None
    assert loaded.notice is not None and str(ca) in loaded.notice
    assert store.path.exists() and not list(store.path.parent.glob("*.corrupt-*"))
