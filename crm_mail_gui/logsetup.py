"""Logging to a file under platformdirs.user_log_dir, rotated at start; safe without stdout/stderr."""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path

import platformdirs

from crm_mail_gui import APP_NAME

LOG_NAME = "crm-mail-gui.log"
MAX_BYTES = 512 * 1024
BACKUPS = 3
log = logging.getLogger("crm_mail_gui")


class PrintableFormatter(logging.Formatter):
    """A formatter that escapes control characters: no forged lines, no terminal escapes.

    Log records quote servers (replies, OAuth errors); a CR or LF in them would start a fake log
    line and an ESC sequence would act on the terminal of whoever runs `tail -f` on the file.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The record's line, with every non-printable character (also CR and LF) escaped."""
        from crm_mail_gui.core.printable import printable

        return printable(super().formatMessage(record))

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]
        """The traceback, its line breaks kept and everything else escaped."""
        from crm_mail_gui.core.printable import printable_lines

        return printable_lines(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        """The stack, its line breaks kept and everything else escaped."""
        from crm_mail_gui.core.printable import printable_lines

        return printable_lines(super().formatStack(stack_info))


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
    """Log to a file (rotated at start, 3 × 512 KiB kept) and replace missing std streams.

    Returns the log path. Rotating when the program starts, rather than with
    logging.handlers.RotatingFileHandler while it runs, keeps logging.handlers (and the socket,
    pickle and queue modules it imports, ~10 ms) out of every start; one session of this tool
    writes a few kilobytes.
    """
    for handler in log.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    path: Path | None = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        rotate(path)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    if sys.stdout is None:
        sys.stdout = _LogStream(logging.INFO)
    if sys.stderr is None:
        sys.stderr = _LogStream(logging.WARNING)
    return path


def rotate(path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
    """Shift path → path.1 → … → path.<backups> (the oldest dropped) once it reaches max_bytes."""
    try:
        if path.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    for number in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{number + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))
