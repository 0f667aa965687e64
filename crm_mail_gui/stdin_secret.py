"""A password or client secret from standard input (or a hidden prompt), exactly as typed."""

from __future__ import annotations

import sys

from crm_mail_gui.core import i18n

MAX_STDIN_SECRET = 4096
"""Bytes of a password or client secret read from standard input, at most."""


class SecretInputInvalid(ValueError):
    """A password or secret on standard input that cannot be what the user typed; key: cli.*."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_secret() -> str:
    """The first line of standard input (or a hidden prompt on a terminal), exactly as typed.

    Bytes are decoded as UTF-8 (one BOM removed) whatever the console's code page; CP932,
    Latin-1 or UTF-16 text, control characters (a NUL breaks AUTH PLAIN) and over-long input
    raise SecretInputInvalid rather than become a different password.
    """
    stream = sys.stdin
    if stream is not None and stream.isatty():
        import getpass

        return _checked_secret(getpass.getpass(i18n.text("cli.password_prompt")))
    if stream is None:
        return ""
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        data = raw.readline(MAX_STDIN_SECRET + 6)  # room for a BOM, CR LF and one byte more
    else:  # a text stream without bytes (e.g. io.StringIO): already decoded
        text = stream.readline(MAX_STDIN_SECRET + 6)
        data = text.encode("utf-8", "surrogateescape")
    return _decoded_secret(data)


def _decoded_secret(data: bytes) -> str:
    """One line of bytes from standard input as the secret: UTF-8, BOM and line end removed."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    line = data.removesuffix(b"\n").removesuffix(b"\r")
    if len(line) > MAX_STDIN_SECRET:
        raise SecretInputInvalid("secret_too_long")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretInputInvalid("secret_not_utf8") from None
    return _checked_secret(text)


def _checked_secret(text: str) -> str:
    import unicodedata

    if any(unicodedata.category(char) == "Cc" for char in text):
        raise SecretInputInvalid("secret_control")
    return text
