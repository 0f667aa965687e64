"""Bounded reads of local regular files: no hang on a FIFO, no flood from /dev/zero."""

from __future__ import annotations

import os
import stat

# O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
# O_NOCTTY: a terminal device never becomes the controlling terminal by being opened.
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


class FileRefused(OSError):
    """A file that is not read: not a regular file, or larger than the limit; `reason` says which."""

    def __init__(self, path: str | os.PathLike[str], reason: str, **params: object) -> None:
        self.path = os.fspath(path)
        self.reason = reason  # "not_regular" (params: kind) or "too_large" (params: limit)
        self.params = params
        super().__init__(self.describe())

    def describe(self) -> str:
        """An English explanation without the path: "is a named pipe (FIFO), not a regular file"."""
        if self.reason == "too_large":
            return f"is larger than {format_size(int(self.params['limit']))}"  # type: ignore[call-overload]
        return f"is {self.params['kind']}, not a regular file"


def format_size(size: int) -> str:
    """A byte count for a message: "1 MiB", "512 KiB", "100 bytes"."""
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them, or raise.

    Raises FileRefused for anything but a regular file (folder, FIFO, device, socket; a symbolic
    link counts as what it points to) and for a file larger than `limit`, and OSError
    (FileNotFoundError, PermissionError, …) when it cannot be opened.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        if os.path.isdir(path):  # Windows refuses to open a folder with "Permission denied"
            raise FileRefused(path, "not_regular", kind=_kind(stat.S_IFDIR)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, "not_regular", kind=_kind(info.st_mode))
        if info.st_size > limit:
            raise FileRefused(path, "too_large", limit=limit)
        chunks: list[bytes] = []
        remaining = limit + 1  # one byte more than allowed tells a file that grew past the limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            raise FileRefused(path, "too_large", limit=limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


__all__ = ["FileRefused", "format_size", "read_regular_file"]
