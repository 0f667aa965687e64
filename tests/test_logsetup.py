"""The log file: written under the log folder, rotated at start, never holding a password."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from crm_mail_gui import logsetup
from crm_mail_gui.logsetup import BACKUPS, LOG_NAME, log, rotate, setup_logging


@pytest.fixture
def fresh_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """setup_logging() into tmp_path/logs, with the handlers of other tests set aside."""
    monkeypatch.setenv("CRM_MAIL_GUI_LOG_DIR", str(tmp_path / "logs"))
    saved = list(log.handlers)
    log.handlers.clear()
    yield tmp_path / "logs" / LOG_NAME
    for handler in log.handlers:
        handler.close()
    log.handlers[:] = saved


def test_log_lines_reach_the_file(fresh_log: Path) -> None:
    assert setup_logging() == fresh_log
    assert setup_logging() == fresh_log  # a second call adds no second handler
    log.info("test mail sent to %s", "alice@example.com")
    for handler in log.handlers:
        handler.flush()
    text = fresh_log.read_text(encoding="utf-8")
    assert "INFO crm_mail_gui: test mail sent to alice@example.com" in text
    assert len([h for h in log.handlers if isinstance(h, logging.FileHandler)]) == 1


def test_a_full_log_is_rotated_at_start(fresh_log: Path) -> None:
    fresh_log.parent.mkdir(parents=True)
    fresh_log.write_bytes(b"x" * logsetup.MAX_BYTES)
    setup_logging()
    log.warning("after rotation")
    for handler in log.handlers:
        handler.flush()
    assert fresh_log.read_text(encoding="utf-8").count("\n") == 1  # only the new line
    assert fresh_log.with_name(f"{LOG_NAME}.1").read_bytes() == b"x" * logsetup.MAX_BYTES


def test_rotation_keeps_at_most_the_backups(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    for generation in range(BACKUPS + 3):
        path.write_text(f"generation {generation}\n" + "." * 100)
        rotate(path, max_bytes=100)
        assert not path.exists()
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1)]
    newest_first = [
        tmp_path.joinpath(f"{LOG_NAME}.{n}").read_text().split("\n")[0]
        for n in range(1, BACKUPS + 1)
    ]
    assert newest_first == [f"generation {BACKUPS + 2 - n}" for n in range(BACKUPS)]


def test_a_small_log_is_kept(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    path.write_text("short\n")
    rotate(path, max_bytes=100)
    assert path.read_text() == "short\n" and list(tmp_path.iterdir()) == [path]
    rotate(tmp_path / "missing.log")  # nothing to rotate: no error
