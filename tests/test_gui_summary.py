"""The summary (issue 13): everything stored, the last successful test, "Send test again"."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes.smtp_servers import AioSMTPServer, TestCerts
from gui_support import child, wait_error, wait_success
from gui_window import PASSWORD, RCPT, USER, FaultFactory, click_save, fill, plain, stored_json
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import LastTest, Store
from crm_mail_gui.ui import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
    pytest.mark.usefixtures("restored_language"),
]


def store_settings(config_dir: Path, server: str, certs: TestCerts, **extra: object) -> None:
    """Stored settings (and password) as an earlier Save left them."""
    values = {"server": server, "user": USER, "from": USER, "to": RCPT, "ca_file": certs.ca_file}
    Store(config_dir).save(build_settings({**values, **extra}), PASSWORD)


def summary_text(window: MainWindow, key: str) -> str:
    return child(window, f"summary_{key}", QLabel).text()


def test_summary_shows_everything_stored(
    qtbot: QtBot, make_window: Callable[..., MainWindow], certs: TestCerts, config_dir: Path
) -> None:
    store_settings(config_dir, "ssl://smtp.example.com:465", certs, timeout=7)
    window = make_window("ja")
    assert window.stack.currentWidget() is child(window, "summaryView")
    assert summary_text(window, "server") == "ssl://smtp.example.com:465"
    assert summary_text(window, "ca_file") == certs.ca_file  # missing before issue 13
    assert summary_text(window, "timeout") == "7 秒"
    assert summary_text(window, "to") == RCPT
    assert summary_text(window, "last_test") == "記録なし"  # no test noted with these settings
    button = child(window, "sendTestAgainButton", QPushButton)
    assert button.isVisible() and plain(button.text()) == "テストメールを再送信(T)"


def test_save_notes_when_and_to_whom_the_test_went(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
) -> None:
    window = make_window("en")
    fill(window, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert dialog.isVisible()
    data = stored_json(config_dir)  # also: no password in any form
    assert set(data["last_test"]) == {"at", "to"} and data["last_test"]["to"] == RCPT
    at = datetime.datetime.fromisoformat(data["last_test"]["at"])
    assert before <= at <= datetime.datetime.now(datetime.UTC)
    shown = summary_text(window, "last_test")
    assert RCPT in shown and at.astimezone().strftime("%Y-%m-%d %H:%M") in shown
    dialog.accept()

    # read back by a new window, and by the store
    assert Store(config_dir).load().last_test == LastTest(at, RCPT)


def test_a_save_without_a_test_drops_the_old_note(config_dir: Path, certs: TestCerts) -> None:
    store = Store(config_dir)
    settings = build_settings({"server": "ssl://smtp.example.com:465", "from": USER, "auth": False})
    store.save(settings, last_test=LastTest.now(RCPT))
    assert store.load().last_test is not None
    store.save(settings)  # e.g. `set --no-test` or import: the note was for other settings
    assert store.load().last_test is None
    assert "last_test" not in json.loads(store.path.read_text("utf-8"))


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        {"at": "not a date", "to": RCPT},
        {"at": "2026-12-01T10:00:00", "to": RCPT},  # no time zone
        {"at": "2026-12-01T10:00:00+00:00", "to": 5},
    ],
)
def test_an_unusable_note_is_left_out_not_the_settings(config_dir: Path, value: object) -> None:
    store = Store(config_dir)
    store.save(
        build_settings({"server": "ssl://smtp.example.com:465", "from": USER, "auth": False})
    )
    data = json.loads(store.path.read_text("utf-8"))
    store.path.write_text(json.dumps({**data, "last_test": value}), "utf-8")
    loaded = store.load()
    assert loaded.settings is not None and loaded.found is None and loaded.last_test is None


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_send_test_again_uses_the_stored_settings_and_stays_on_the_summary(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
    memory_keyring: MemoryKeyring,
    lang: str,
) -> None:
    store_settings(config_dir, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    before = json.loads((config_dir / "settings.json").read_text("utf-8"))
    window = make_window(lang)
    summary = child(window, "summaryView")
    button = child(window, "sendTestAgainButton", QPushButton)
    assert plain(button.text()) == {"ja": "テストメールを再送信(T)", "en": "Send test again"}[lang]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = wait_success(qtbot, window)

    assert len(ssl_server.messages) == 1
    assert ssl_server.messages[0].rcpt_tos == [RCPT]
    assert ssl_server.messages[0].auth_login == USER  # the stored password from the keyring
    assert window.stack.currentWidget() is summary
    saved_note = {"ja": "設定を保存しました。", "en": "The settings have been saved."}[lang]
    visible = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert saved_note not in visible  # nothing was saved but the note of the test
    assert RCPT in summary_text(window, "last_test")
    after = json.loads((config_dir / "settings.json").read_text("utf-8"))
    assert after.pop("last_test")["to"] == RCPT
    assert after == before  # the settings themselves are unchanged
    assert child(summary, "summaryStepList").isVisible()
    dialog.accept()
    assert button.isEnabled() and child(window, "editButton", QPushButton).isEnabled()


def test_send_test_again_failure_shows_the_banner_on_the_summary(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    ssl_server: AioSMTPServer,
    config_dir: Path,
) -> None:
    store_settings(config_dir, f"ssl://127.0.0.1:{ssl_server.port}", certs)
    ssl_server.stop()  # nothing listens any more: connection refused
    window = make_window("ja")
    summary = child(window, "summaryView")
    qtbot.mouseClick(child(window, "sendTestAgainButton", QPushButton), Qt.MouseButton.LeftButton)
    banner = wait_error(qtbot, window)
    assert banner.isVisible()
    assert window.stack.currentWidget() is summary  # not the form: the user did not edit
    assert window.success_dialog is None
    assert summary_text(window, "last_test") == "記録なし"
    assert "last_test" not in stored_json(config_dir)
    assert child(window, "sendTestAgainButton", QPushButton).isEnabled()
    qtbot.mouseClick(child(window, "editButton", QPushButton), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.form


def test_send_test_again_can_be_cancelled(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    config_dir: Path,
) -> None:
    server = fault_server("silent")
    store_settings(config_dir, f"ssl://127.0.0.1:{server.port}", certs, timeout=20)
    window = make_window("en")
    qtbot.mouseClick(child(window, "sendTestAgainButton", QPushButton), Qt.MouseButton.LeftButton)
    cancel = child(window, "summaryCancelButton", QPushButton)
    qtbot.waitUntil(cancel.isVisible, timeout=2000)
    assert not child(window, "sendTestAgainButton", QPushButton).isEnabled()
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert window.sending.job is None and not cancel.isVisible()
    assert child(window, "sendTestAgainButton", QPushButton).isEnabled()
    assert window.stack.currentWidget() is child(window, "summaryView")


def test_a_fix_offered_after_send_test_again_opens_the_form_with_it(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    starttls_server: AioSMTPServer,
    config_dir: Path,
) -> None:
    """ssl:// on a STARTTLS port: the banner's fix changes the settings, so it opens the form."""
    store_settings(config_dir, f"ssl://127.0.0.1:{starttls_server.port}", certs, timeout=5)
    window = make_window("en")
    qtbot.mouseClick(child(window, "sendTestAgainButton", QPushButton), Qt.MouseButton.LeftButton)
    banner = wait_error(qtbot, window)
    fix = child(banner, "bannerFixButton", QPushButton)
    assert fix.isVisible() and f"tls://127.0.0.1:{starttls_server.port}" in fix.text()
    assert window.stack.currentWidget() is child(window, "summaryView")
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.form
    assert window.form.serverEdit.text() == f"tls://127.0.0.1:{starttls_server.port}"
    assert window.form.is_dirty()  # nothing stored until Save
    assert Store(config_dir).load().settings.server.canonical().startswith("ssl://")
