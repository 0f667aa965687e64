"""Untrusted text is escaped before it reaches a terminal, a log or the window."""

from __future__ import annotations

import pytest

from crm_mail_gui.core.printable import printable, printable_lines

# A terminal-escape corpus: each of these changes what a terminal shows if printed raw.
HOSTILE = [
    "\x1b[2J",  # clear screen
    "\x1b]0;owned\x07",  # OSC 0: window title
    "\x1b]52;c;RkFLRQ==\x07",  # OSC 52: write the clipboard
    "\x9b2J",  # 8-bit CSI
    "ok\rFAKE: Test Mail Sent.",  # bare CR overwrites the line
    "abc\u202edcba",  # right-to-left override
    "\u2066isolate\u2069",  # left-to-right isolate
    "zero\u200bwidth",  # zero-width space (format character)
    "line\u2028separator",
    "\x00nul",
    "\x7fdel",
    "tag\U000e0041",  # tag character
    "\ud800",  # lone surrogate
    "a\xa0@example.com",  # no-break space: an invisible look-alike
]


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_unsafe_survives(text: str) -> None:
    result = printable(text)
    assert all(char.isprintable() for char in result), repr(result)
    assert "\\" in result  # the unsafe character is shown, not dropped


def test_ordinary_text_is_unchanged() -> None:
    for text in ["250 2.0.0 Ok: queued as 4F2A", "認証に失敗しました", "Grüße, José"]:
        assert printable(text) == text


def test_escapes_are_readable() -> None:
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("x\ry") == "x\\ry"
    assert printable("\u202e") == "\\u202e"


def test_limit_cuts_and_marks() -> None:
    assert printable("a" * 10, limit=4) == "aaaa…"
    assert printable("abc", limit=4) == "abc"


def test_lines_keep_their_breaks() -> None:
    assert printable_lines("one\x1b[1m\ntwo\r") == "one\\x1b[1m\ntwo\\r"
