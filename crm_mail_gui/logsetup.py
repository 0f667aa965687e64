"""Logging to a rotating file under platformdirs.user_log_dir; safe without stdout/stderr."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path

import platformdirs

from crm_mail_gui import APP_NAME

LOG_NAME = "crm-mail-gui.log"
log = logging.getLogger("crm_mail_gui")


class _LogStream(io.TextIOBase):
    """Stands in for a missing stdout/stderr (windowed builds): lines go to the log file."""

    def __init__(self, level: int) -> None:
        self.level = level
        self._buffer = ""

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, text: str) -> int:
        """Log complete lines."""
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            if line.strip():
                log.log(self.level, "%s", line)
        return len(text)


def log_dir() -> Path:
    """Where the log file lives (CRM_MAIL_GUI_LOG_DIR overrides)."""
    override = os.environ.get("CRM_MAIL_GUI_LOG_DIR")
    return (
        Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    )


def setup_logging() -> Path | None:
    """Log to a rotating file (3 × 512 KiB) and replace missing std streams; return the log path."""
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    path: Path | None = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=512 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    if sys.stdout is None:
        sys.stdout = _LogStream(logging.INFO)
    if sys.stderr is None:
        sys.stderr = _LogStream(logging.WARNING)
    return path
