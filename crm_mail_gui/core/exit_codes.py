"""The command line's exit codes (DESIGN.md), defined once for the CLI and the failure kinds."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What `crm-mail-gui` returns to the shell."""

    OK = 0
    OTHER = 1
    INVALID = 2
    NETWORK = 3
    AUTH = 4
    REFUSED = 5
    TIMED_OUT = 6
    STORE = 7
    CANCELLED = 130  # 128 + SIGINT, what shells report for Ctrl-C
