"""Server text cannot act on a terminal, forge a log line or mark up the window.

A real fault server on 127.0.0.1 sends a terminal-escape corpus as its greeting and its replies;
no raw ESC, CR, C1, bidi or other non-printable character may reach `test -v`, the CLI's other
output, the log file, the error banner or the clipboard, and each must be shown escaped.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fakes.smtp_servers import FaultServer, TestCerts
from gui_support import child, restore_language, wait_error, window_factory
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from test_printable import HOSTILE

from crm_mail_gui.cli import main
from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.logsetup import log, setup_logging
from crm_mail_gui.ui import MainWindow

USER, PASSWORD = "alice@example.com", "s3cret-パス"
MORE_HOSTILE = [
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1bP+q544e\x1b\\",  # DCS (XTGETTCAP request)
    "\x1b[6n",  # device status report: the terminal answers on stdin
    "next\x85line",  # C1 NEL
    "bell\x07",
    "rlm\u200fmark",  # right-to-left mark
    "\u2067rli\u2069",  # right-to-left isolate
]
# What can travel in an SMTP reply (a lone surrogate cannot be encoded as UTF-8).
WIRE = [text for text in HOSTILE + MORE_HOSTILE if text.encode("utf-8", "ignore").decode() == text]
MARKUP = ["<b>bold</b>", "<img src=x onerror=alert(1)>", "<a href='https://evil.example'>x</a>"]
UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Where the server puts the hostile text: (FaultServer replies, the exit code of `test -v`).
PLACES: dict[str, tuple[Callable[[str], dict[str, str]], int]] = {
    "greeting": (lambda text: {"GREETING": f"554 5.3.2 {text}"}, 5),
    "greeting_garbage": (lambda text: {"GREETING": f"xx {text}"}, 5),
    "auth": (lambda text: {"AUTH": f"535 5.7.8 {text}"}, 4),
    "mail": (lambda text: {"MAIL": f"553 5.7.1 {text}"}, 5),
    "ehlo": (
        lambda text: {"EHLO": f"250-fault.example {text}\n250-X-{text}\n250 AUTH PLAIN LOGIN"},
        0,
    ),
    "data_end": (lambda text: {"DATA_END": f"250 2.0.0 queued {text}"}, 0),
}


def unsafe_chars(text: str) -> list[str]:
    """The characters of `text` (but the line breaks we print) that could act on a terminal."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in UNSAFE]


def start(certs: TestCerts, replies: dict[str, str]) -> FaultServer:
    return FaultServer(certs, "ok", tls="ssl", replies=replies).start()


def settings_for(server: FaultServer, certs: TestCerts) -> MailSettings:
    return build_settings(
        {
            "server": f"ssl://127.0.0.1:{server.port}",
            "user": USER,
            "from": USER,
            "to": "bob@example.org",
            "ca_file": certs.ca_file,
            "timeout": 3,
        }
    )


@pytest.fixture
def fault(certs: TestCerts) -> Iterator[Callable[[dict[str, str]], FaultServer]]:
    started: list[FaultServer] = []

    def make(replies: dict[str, str]) -> FaultServer:
        started.append(start(certs, replies))
        return started[-1]

    yield make
    for server in started:
        server.stop()


def log_file() -> Path:
    handler = next(h for h in log.handlers if isinstance(h, logging.FileHandler))
    handler.flush()
    return Path(handler.baseFilename)


# --------------------------------------------------------------------------- the command line


@pytest.mark.e2e
@pytest.mark.parametrize("text", WIRE)
@pytest.mark.parametrize("place", list(PLACES))
def test_cli_output_and_log_are_escaped(
    fault,
    certs: TestCerts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    place: str,
    text: str,
) -> None:
    replies, expected_code = PLACES[place]
    server = fault(replies(text))
    config_dir = tmp_path / "config"
    Store(config_dir).save(settings_for(server, certs), PASSWORD)
    setup_logging()
    size = log_file().stat().st_size
    capsys.readouterr()
    code = main(["--config-dir", str(config_dir), "--lang", "en", "test", "-v"])
    out, err = capsys.readouterr()
    with log_file().open(encoding="utf-8") as file:
        file.seek(size)
        logged = file.read()
    assert code == expected_code, err
    for where, output in (("stdout", out), ("stderr", err), ("log", logged)):
        assert unsafe_chars(output) == [], f"{where}: {output!r}"
    assert printable(text) in out + err  # shown, escaped, not dropped
    if expected_code:
        assert "session failed:" in logged and len(logged.strip().splitlines()) == 1


@pytest.mark.e2e
@pytest.mark.parametrize("place", ["greeting", "greeting_garbage", "auth", "mail"])
def test_failure_fields_are_escaped_at_the_source(fault, certs: TestCerts, place: str) -> None:
    """Escaped where the text enters our data (Transcript, Failure), not only when printed."""
    text = "".join(WIRE)[:60]
    server = fault(PLACES[place][0](text))
    with pytest.raises(DeliveryError) as caught:
        deliver(settings_for(server, certs), PASSWORD)
    failure = caught.value.failure
    fields = [failure.reply or "", failure.detail or "", *caught.value.transcript]
    for field in fields:
        assert unsafe_chars(field) == [], repr(field)
    assert any(printable(text)[:40] in field for field in fields)


@pytest.mark.e2e
def test_outcome_reply_is_escaped(fault, certs: TestCerts) -> None:
    """A CRM reading Outcome.reply after a real send gets the server's words escaped."""
    text = "".join(WIRE)[:60]
    server = fault(PLACES["data_end"][0](text))
    outcome = deliver(settings_for(server, certs), PASSWORD)
    assert unsafe_chars(outcome.reply) == [] and printable(text) in outcome.reply
    assert all(unsafe_chars(line) == [] for line in outcome.transcript)


def test_log_formatter_keeps_one_record_on_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CRM_MAIL_GUI_LOG_DIR", str(tmp_path / "logs"))
    saved = list(log.handlers)
    log.handlers.clear()
    try:
        path = setup_logging()
        assert path is not None
        log.warning("reply: %s", "ok\n2026-01-01 INFO crm_mail_gui: FAKE\x1b[2J\r")
        try:
            raise ValueError("bad \x1b]0;title\x07 value")
        except ValueError:
            log.exception("crash \u202e")
        for handler in log.handlers:
            handler.flush()
        logged = path.read_text(encoding="utf-8")
    finally:
        for handler in log.handlers:
            handler.close()
        log.handlers[:] = saved
    assert unsafe_chars(logged) == []
    lines = logged.splitlines()
    assert lines[0].endswith("reply: ok\\n2026-01-01 INFO crm_mail_gui: FAKE\\x1b[2J\\r")
    assert lines[1].endswith("crash \\u202e") and "Traceback" in lines[2]
    assert "ValueError: bad \\x1b]0;title\\x07 value" in logged


# --------------------------------------------------------------------------- the window


@pytest.fixture
def make_window(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., MainWindow]]:
    language = restore_language(monkeypatch)
    next(language)
    yield window_factory(
        qtbot, tmp_path / "config", memory_keyring, "en", confirm_discard=lambda parent: True
    )
    next(language, None)


@pytest.mark.gui
@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
@pytest.mark.parametrize("text", WIRE + MARKUP)
@pytest.mark.parametrize("place", ["greeting", "auth"])
def test_banner_and_clipboard_are_escaped_plain_text(
    qtbot: QtBot, make_window, certs: TestCerts, fault, place: str, text: str
) -> None:
    server = fault(PLACES[place][0](text))
    window = make_window()
    child(window, "authCheck", QCheckBox).setChecked(True)
    child(window, "serverEdit", QLineEdit).setText(f"ssl://127.0.0.1:{server.port}")
    child(window, "userEdit", QLineEdit).setText(USER)
    child(window, "passwordEdit", QLineEdit).setText(PASSWORD)
    child(window, "fromEdit", QLineEdit).setText(USER)
    child(window, "advancedButton").setChecked(True)
    child(window, "caFileEdit", QLineEdit).setText(certs.ca_file)
    qtbot.mouseClick(child(window, "saveButton", QPushButton), Qt.MouseButton.LeftButton)
    banner = wait_error(qtbot, window)
    title = child(banner, "bannerTitle", QLabel)
    body = child(banner, "bannerBody", QLabel)
    transcript = child(banner, "bannerTranscript", QPlainTextEdit).toPlainText()
    QApplication.clipboard().clear()
    qtbot.mouseClick(child(banner, "bannerCopyButton", QPushButton), Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert title.textFormat() == body.textFormat() == Qt.TextFormat.PlainText
    for where, shown in (("title", title.text()), ("body", body.text()), ("copy", copied)):
        assert unsafe_chars(shown) == [], f"{where}: {shown!r}"
    assert printable(text) in body.text() and printable(text) in transcript
    assert transcript in copied  # Copy: the whole report, the transcript at its end (issue 13)
