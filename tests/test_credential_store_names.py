"""The credential store in words people know, and a warning for one that keeps a file.

Real keyring backend classes set with `keyring.set_keyring` (keyring's own Windows, macOS, Secret
Service, libsecret, KWallet, chainer, fail, null); where the real one is not installed or needs
D-Bus, an in-memory fake with the same module and class name (tests/fakes/named_keyrings.py).
Then what the window (store note, summary), `show` and `--self-check` make of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.kwallet
import keyring.backends.libsecret
import keyring.backends.macOS
import keyring.backends.null
import keyring.backends.SecretService
import keyring.backends.Windows
import pytest
from fakes.named_keyrings import (
    CRYPTED_PATH,
    PLAIN_PATH,
    CryptFileKeyring,
    EncryptedKeyring,
    LowPriorityThirdParty,
    PlaintextKeyring,
    RecommendedThirdParty,
    SecretServiceKeyring,
)
from fakes.smtp_servers import HOST
from gui_support import child, window_factory
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crm_mail_gui import cli
from crm_mail_gui.core import credentials
from crm_mail_gui.core.credential_store_names import StoreDescription, describe_store
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store

USER, PASSWORD = "alice@example.com", "s3cret"
CLASS_NAMES = ("Keyring", "Backend", "keyring.", "keyrings.", "WinVault", "DBus", "Plaintext")


def in_force(backend: Any, lang: str) -> StoreDescription:
    """Put `backend` in force as keyring does, then ask what the application calls it."""
    keyring.set_keyring(backend)  # conftest's isolation restores its own afterwards
    return credentials.store_description(lang)


@pytest.mark.parametrize(
    ("backend", "ja", "en"),
    [
        (
            keyring.backends.Windows.WinVaultKeyring,
            "Windows 資格情報マネージャー",
            "Windows Credential Manager",
        ),
        (keyring.backends.macOS.Keyring, "macOS キーチェーン", "macOS Keychain"),
        (
            keyring.backends.SecretService.Keyring,
            "GNOME キーリング(Secret Service)",
            "GNOME Keyring (Secret Service)",
        ),
        (
            keyring.backends.libsecret.Keyring,
            "GNOME キーリング(Secret Service)",
            "GNOME Keyring (Secret Service)",
        ),
        (keyring.backends.kwallet.DBusKeyring, "KWallet", "KWallet"),
        (keyring.backends.kwallet.DBusKeyringKWallet4, "KWallet", "KWallet"),
    ],
)
def test_system_stores_are_named_in_words(backend: type, ja: str, en: str) -> None:
    for lang, name in (("ja", ja), ("en", en)):
        found = in_force(backend(), lang)
        assert (found.name, found.warning, found.usable) == (name, "", True)


def test_a_subclass_of_a_known_store_keeps_its_name() -> None:
    class CompanyVault(keyring.backends.Windows.WinVaultKeyring):
        """A site's own wrapper around the Windows store."""

    assert in_force(CompanyVault(), "en").name == "Windows Credential Manager"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_plaintext_file_is_named_as_one_and_warned_about(lang: str) -> None:
    found = in_force(PlaintextKeyring(), lang)
    assert found.usable and found.weak and found.kind == "plaintext_file"
    assert PLAIN_PATH in found.name  # the warning speaks of "this file"
    assert found.warning.startswith("警告: " if lang == "ja" else "Warning: ")
    assert ("暗号化されずに" if lang == "ja" else "unencrypted") in found.warning
    assert "Windows" in found.warning  # what to prefer
    assert not any(name in found.name for name in CLASS_NAMES)
    # the old note said both "kept only in file PlaintextKeyring" and "never in a file"
    assert "にだけ" not in found.warning and "only in" not in found.warning


def test_an_encrypted_file_with_the_default_scheme_is_weak() -> None:
    found = in_force(EncryptedKeyring(), "en")
    assert found.kind == "encrypted_file" and CRYPTED_PATH in found.name
    assert "weak encryption ([PBKDF2] AES256.CFB)" in found.warning
    ja = in_force(EncryptedKeyring(), "ja")
    assert "弱い暗号化([PBKDF2] AES256.CFB)" in ja.warning


def test_any_other_file_backend_is_a_warning_too() -> None:
    found = in_force(CryptFileKeyring(), "en")
    assert found.weak and "[Argon2] AES128.GCM" in found.warning
    assert "not to the system's credential store" in found.warning


def test_a_file_backend_whose_path_fails_still_gets_its_warning() -> None:
    class Broken(PlaintextKeyring):  # type: ignore[misc, valid-type]
        """keyrings.alt's file_path asks the platform for a data folder, which can fail."""

        @property
        def file_path(self) -> str:
            raise OSError("no home folder")

    Broken.__module__ = "keyrings.alt.file"
    found = in_force(Broken(), "en")
    assert found.weak and "(?)" in found.name


def test_an_unknown_store_below_keyrings_recommended_priority_is_a_warning() -> None:
    low = in_force(LowPriorityThirdParty(), "en")
    assert "acme_keyring.backend.AcmeKeyring" in low.name  # no better words exist for it
    assert low.warning.startswith("Warning: keyring does not recommend this store (priority 0.2)")
    high = in_force(RecommendedThirdParty(), "en")
    assert high.usable and not high.warning


def chain_of(monkeypatch: pytest.MonkeyPatch, *children: Any) -> Any:
    """keyring's real ChainerBackend over `children` (as if they were the viable backends)."""
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: list(children))
    return keyring.backends.chainer.ChainerBackend()


def test_the_chainer_is_named_by_what_it_chains_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    chainer = chain_of(monkeypatch, PlaintextKeyring(), SecretServiceKeyring())
    en = in_force(chainer, "en")
    assert en.name == (
        f"GNOME Keyring (Secret Service), then an unencrypted file ({PLAIN_PATH}) "
        "(used in this order)"
    )
    assert en.weak and "unencrypted" in en.warning and en.warning.count("Warning:") == 1
    ja = in_force(chainer, "ja")
    assert ja.name.startswith("GNOME キーリング(Secret Service)、暗号化されていないファイル")
    assert "Chainer" not in en.name + ja.name


def test_a_chainer_of_system_stores_has_no_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    found = in_force(chain_of(monkeypatch, SecretServiceKeyring()), "en")
    assert (found.name, found.warning) == ("GNOME Keyring (Secret Service)", "")


def test_an_empty_chainer_and_keyrings_fail_and_null_are_no_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for backend in (
        chain_of(monkeypatch),
        keyring.backends.fail.Keyring(),
        keyring.backends.null.Keyring(),
    ):
        found = in_force(backend, "ja")
        assert (found.name, found.usable, found.warning) == ("なし", False, "")


def test_the_decision_needs_no_call_into_the_store() -> None:
    """describe_store looks at the backend object only: a locked store cannot hang it."""

    class Locked(PlaintextKeyring):  # type: ignore[misc, valid-type]
        def get_password(self, service: str, username: str) -> str | None:
            raise AssertionError("asked the store")

    Locked.__module__ = "keyrings.alt.file"
    assert describe_store(Locked(), "en").weak


# --------------------------------------------------------------------------- where it is shown


def test_self_check_warns_about_a_plaintext_store(
    qapp: object, capsys: pytest.CaptureFixture[str]
) -> None:
    keyring.set_keyring(PlaintextKeyring())
    assert cli.main(["--self-check"]) == 0  # usable: a warning, not a failure
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("[") and "credential" in line]
    assert line.startswith("[WARN] credential store: ")
    assert f"an unencrypted file ({PLAIN_PATH})" in line
    assert "Warning: the password is written unencrypted" in out


def test_self_check_of_a_system_store_is_ok(
    qapp: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(chain_of(monkeypatch, SecretServiceKeyring()))
    assert cli.main(["--self-check"]) == 0
    out = capsys.readouterr().out
    assert "[ok] credential store: keyring.backends.chainer.ChainerBackend (GNOME Keyring" in out
    assert "Warning" not in out


@pytest.fixture
def plaintext_window(
    qtbot: QtBot, tmp_path: Path
) -> tuple[Callable[..., Any], PlaintextKeyring, Path]:
    backend = PlaintextKeyring()
    config = tmp_path / "config"
    return window_factory(qtbot, config, backend, "ja"), backend, config


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_store_note_warns_and_no_longer_contradicts_itself(
    qtbot: QtBot,
    plaintext_window: tuple[Callable[..., Any], PlaintextKeyring, Path],
    restored_language: None,
    lang: str,
) -> None:
    make, _backend, _config = plaintext_window
    window = make(lang)
    qtbot.waitUntil(lambda: window.findChild(QLabel, "storeNote") is not None, timeout=3000)
    note = child(window, "storeNote", QLabel).text()
    assert PLAIN_PATH in note
    assert ("警告: " if lang == "ja" else "Warning: ") in note
    assert "ファイルには書き込まれません" not in note and "never in" not in note
    assert "PlaintextKeyring" not in note


def test_the_summary_warns_about_a_plaintext_store(
    qtbot: QtBot,
    plaintext_window: tuple[Callable[..., Any], PlaintextKeyring, Path],
    restored_language: None,
) -> None:
    make, backend, config = plaintext_window
    settings = build_settings({"server": "ssl://smtp.example.com:465", "user": USER, "from": USER})
    keyring.set_keyring(backend)
    Store(config).save(settings, PASSWORD)
    window = make("ja")
    password = child(window, "summary_password", QLabel)
    qtbot.waitUntil(lambda: "警告:" in password.text(), timeout=3000)
    assert password.text().startswith(f"保存済み(暗号化されていないファイル({PLAIN_PATH}))")


def test_a_system_store_note_says_never_in_the_settings_file(
    qtbot: QtBot, tmp_path: Path, restored_language: None
) -> None:
    backend = SecretServiceKeyring()
    window = window_factory(qtbot, tmp_path / "config", backend, "ja")()
    qtbot.waitUntil(lambda: window.findChild(QLabel, "storeNote") is not None, timeout=3000)
    note = child(window, "storeNote", QLabel).text()
    assert note == (
        "パスワードと OAuth2 のサインイン情報は GNOME キーリング(Secret Service) にだけ保存され、"
        "設定ファイルには書き込まれません。"
    )


def test_the_window_says_when_it_finds_a_stored_password_for_a_fresh_config(
    qtbot: QtBot, tmp_path: Path, restored_language: None
) -> None:
    """The store is per user and server: a fresh config folder finds a password typed before."""
    from crm_mail_gui.core.credentials import MemoryKeyring

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    credentials.set_password(USER, HOST, PASSWORD)  # kept by an earlier setup elsewhere
    window = window_factory(qtbot, tmp_path / "fresh", backend, "en")()
    qtbot.waitUntil(lambda: window.findChild(QLabel, "storeNote") is not None, timeout=3000)
    note = child(window, "storeNote", QLabel)
    assert "Using the password" not in note.text()
    window.form.serverEdit.setText(f"ssl://{HOST}:465")
    window.form.userEdit.setText(USER)
    window.form.fromEdit.setText(USER)
    window.form.userEdit.editingFinished.emit()
    expected = (
        f"Using the password stored for {USER} at {HOST} (an in-memory store (for tests)), "
        "unless you type another."
    )
    qtbot.waitUntil(lambda: expected in note.text(), timeout=3000)
    window.form.userEdit.setText("carol@example.com")  # nothing stored for her
    window.form.userEdit.editingFinished.emit()
    qtbot.waitUntil(lambda: "Using the password" not in note.text(), timeout=3000)
