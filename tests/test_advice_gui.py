"""Issue 13, advice that agrees with itself (window): one suggestion and its button, the one field
marked with its own text and fix, sentences instead of OpenSSL's English, Copy = helpdesk report,
a step list that never goes stale and counts the seconds, read-only fields that look so, and a
success dialog that says when nothing was encrypted. Against real servers on 127.0.0.1."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import pytest
from fakes.smtp_servers import AioSMTPServer, TestCerts
from gui_support import child, shown, wait_error, wait_success
from gui_window import (
    PASSWORD,
    FaultFactory,
    click_save,
    fill,
    secret_forms,
    wait_running,
)
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from crm_mail_gui.ui import MainWindow
from crm_mail_gui.ui.steps import StepState

pytestmark = [
    pytest.mark.gui,
    pytest.mark.usefixtures("restored_language"),
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

ROWS = ("serverEdit", "userEdit", "passwordEdit", "fromEdit", "testRecipientEdit")
SERVER_NAME = re.compile(r"(?:ssl|tls)://[0-9A-Za-z.\-\[\]:]+[0-9\]]")


def marked(window: MainWindow) -> dict[str, str]:
    """The fields shown in error, with the text under each."""
    rows = {row.editor.objectName(): row for row in window.form.rows.values()}
    return {
        name: row.message.text() if row.message is not None else ""
        for name, row in rows.items()
        if row.state == "error"
    }


def banner_texts(banner) -> tuple[str, str]:
    return child(banner, "bannerTitle", QLabel).text(), child(banner, "bannerBody", QLabel).text()


# --------------------------------------------------------------------------- 1, 4, 6: ssl:// on 587


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_ssl_on_starttls_one_suggestion_then_the_steps_go_away(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    starttls_server: AioSMTPServer,
    lang: str,
) -> None:
    window = make_window(lang)
    fill(window, f"ssl://127.0.0.1:{starttls_server.port}", certs, timeout=2)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    suggestion = f"tls://127.0.0.1:{starttls_server.port}"
    title, body = banner_texts(banner)
    fix = child(banner, "bannerFixButton", QPushButton)
    assert set(SERVER_NAME.findall(body)) == {suggestion}  # the hint names the button's server
    assert set(SERVER_NAME.findall(fix.text())) == {suggestion}
    assert "wrong version" not in (title + body).lower()  # OpenSSL's words stay in Details
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    assert "wrong version number" in transcript
    assert list(marked(window)) == ["serverEdit"]
    assert suggestion in marked(window)["serverEdit"]
    steps = window.form.stepList
    assert steps.isVisible() and StepState.FAIL in steps.states

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert child(window, "serverEdit", QLineEdit).text() == suggestion
    assert not banner.isVisible()
    assert not steps.isVisible()  # no "✗ TLS" left about a server name that is gone
    assert marked(window) == {}


# --------------------------------------------------------------------------- 3, 4: the one field


def test_untrusted_certificate_marks_the_server_and_offers_the_ca_file(
    qtbot: QtBot, make_window: Callable[..., MainWindow], fault_server: FaultFactory
) -> None:
    server = fault_server("starttls_untrusted")
    window = make_window("ja")
    fill(window, f"tls://127.0.0.1:{server.port}", timeout=2)
    child(window, "advancedButton").setChecked(False)  # the CA file field out of sight
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    title, body = banner_texts(banner)
    assert "issuer" not in body and "unable" not in body
    assert "証明書の発行元(CA)がこの PC で信頼されていません。" in body
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", title + body)  # no English sentence
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    assert "unable to get local issuer certificate" in transcript
    notes = marked(window)
    assert list(notes) == ["serverEdit"]
    assert "CA" in notes["serverEdit"] and "上のメッセージ" not in notes["serverEdit"]
    fix = child(banner, "bannerFixButton", QPushButton)
    assert fix.isVisible() and fix.text() == "追加の CA ファイルを選ぶ"
    assert not shown(window, "caFileEdit")

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    ca_edit = child(window, "caFileEdit", QLineEdit)
    qtbot.waitUntil(ca_edit.hasFocus, timeout=1000)
    assert ca_edit.isVisible() and banner.isVisible()  # the reason stays while the file is chosen
    assert window.form.stepList.isVisible()
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)  # ×: the steps go with it
    assert not banner.isVisible() and not window.form.stepList.isVisible()


def test_no_auth_marks_the_server_and_untick_fixes_it(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
) -> None:
    server = fault_server("ok", extensions=["8BITMIME"])
    window = make_window("ja")
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=2)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    assert marked(window) == {"serverEdit": "このサーバーは認証(AUTH)を提供していません。"}
    fix = child(banner, "bannerFixButton", QPushButton)
    assert fix.text() == "「認証を行う」を外す"
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert not child(window, "authCheck", QCheckBox).isChecked()
    assert not banner.isVisible() and marked(window) == {}

    click_save(qtbot, window)  # and now it works
    dialog = wait_success(qtbot, window)
    assert len(server.messages) == 1
    dialog.accept()


# --------------------------------------------------------------------------- 2, 5: 535 elsewhere


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_wrong_password_at_xserver_copy_gives_the_whole_report(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
    lang: str,
) -> None:
    server = fault_server("auth535_xserver")
    window = make_window(lang)
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=2)
    click_save(qtbot, window)
    banner = wait_error(qtbot, window)
    title, body = banner_texts(banner)
    assert "16" not in body and "Google" not in body  # not Gmail's app-password advice
    assert list(marked(window)) == ["passwordEdit"]  # one field, not user and password

    QApplication.clipboard().clear()
    qtbot.mouseClick(child(banner, "bannerCopyButton", QPushButton), Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    failure = banner.failure
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    for part in (
        title,
        failure.step_name(lang),
        "535 5.7.8 Error: authentication failed",
        failure.hint(lang),
        f"Qt {qVersion()}",
        f"Python {sys.version.split()[0]}",
        "crm-mail-gui ",
        f"tls://127.0.0.1:{server.port}",
        transcript,
    ):
        assert part in copied, part
    assert re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d", copied)  # the time
    assert transcript.splitlines()[-1].startswith("=== Failed at the authentication step: ")
    for form in secret_forms():
        assert form not in copied
    assert PASSWORD not in copied


# --------------------------------------------------------------------------- 6: Cancel and time


@pytest.mark.parametrize(
    ("lang", "running"), [("ja", "接続中… 1 / 5 秒"), ("en", "Connecting… 1 / 5 s")]
)
def test_running_step_counts_seconds_and_cancel_leaves_nothing_running(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    fault_server: FaultFactory,
    lang: str,
    running: str,
) -> None:
    server = fault_server("silent")
    window = make_window(lang)
    fill(window, f"tls://127.0.0.1:{server.port}", timeout=5)
    normal_base = child(window, "serverEdit", QLineEdit).palette().color(QPalette.ColorRole.Base)
    click_save(qtbot, window)
    wait_running(qtbot, window)
    steps = window.form.stepList
    label = child(window, "step0", QLabel)
    qtbot.waitUntil(lambda: label.text() == running, timeout=2500)
    # read-only fields look read-only while the test runs
    edit = child(window, "serverEdit", QLineEdit)
    assert edit.isReadOnly()
    assert not edit.isClearButtonEnabled()  # no × offering to clear a read-only field
    palette = edit.palette()
    assert palette.color(QPalette.ColorRole.Base) == palette.color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window
    )
    assert palette.color(QPalette.ColorRole.Base) != normal_base
    assert palette.color(QPalette.ColorRole.Text) == palette.color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
    )

    qtbot.mouseClick(child(window, "cancelTestButton", QPushButton), Qt.MouseButton.LeftButton)
    assert StepState.RUNNING not in steps.states  # no blue "… 接続" after Cancel
    assert "…" not in label.text()
    assert not steps._ticker.isActive()
    assert edit.palette().color(QPalette.ColorRole.Base) == normal_base
    assert edit.isClearButtonEnabled()  # back with the field's editability
    for name in ROWS:
        assert not child(window, name, QLineEdit).isReadOnly()


# --------------------------------------------------------------------------- 7, 8: success dialog


@pytest.mark.parametrize(
    ("lang", "title", "says"),
    [
        ("ja", "テストメール送信完了", "メールは暗号化されずに送られました。"),
        ("en", "Test Mail Sent", "the mail travelled in plain text."),
    ],
)
def test_unencrypted_success_says_so_and_no_password_warning_without_login(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    fault_server: FaultFactory,
    lang: str,
    title: str,
    says: str,
) -> None:
    server = fault_server("ok", tls="none", extensions=["8BITMIME"])
    window = make_window(lang)
    fill(window, f"127.0.0.1:{server.port}", auth=True, timeout=2)
    row = window.form.server_row
    assert row.state == "warning" and (
        "password" in row.message.text() or "パスワード" in row.message.text()
    )
    child(window, "authCheck", QCheckBox).setChecked(False)
    assert row.state == "" and not (row.message is not None and row.message.isVisible())

    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert dialog.windowTitle() == title
    assert child(dialog, "successHeading", QLabel).text() == title
    note = child(dialog, "successUnencrypted", QLabel)
    assert note.isVisible() and says in note.text()
    dialog.accept()


def test_encrypted_success_says_nothing_about_plain_text(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    certs: TestCerts,
    fault_server: FaultFactory,
) -> None:
    server = fault_server("ok")
    window = make_window("ja")
    fill(window, f"tls://127.0.0.1:{server.port}", certs, timeout=2)
    click_save(qtbot, window)
    dialog = wait_success(qtbot, window)
    assert not child(dialog, "successUnencrypted", QLabel).isVisible()
    assert dialog.windowTitle() == "テストメール送信完了"
    dialog.accept()
