"""Make untrusted text (server replies, HTTP bodies, file contents) safe to print, log or show."""

from __future__ import annotations

import unicodedata

# Control characters, format characters (bidi overrides U+202A..U+202E, isolates U+2066..U+2069,
# zero-width joiners), surrogates, private use, unassigned, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}
ELLIPSIS = "…"


def is_safe(char: str) -> bool:
    """True if `char` prints as itself and cannot move the cursor, recolour or reorder text.

    Spaces other than U+0020 (no-break, en, ideographic...) are escaped too: invisible look-alikes
    that make an address or a host name seem to be what it is not (as `str.isprintable` sees them).
    """
    category = unicodedata.category(char)
    return category not in _UNSAFE_CATEGORIES and (category != "Zs" or char == " ")


def escape_char(char: str) -> str:
    """The visible escape for one unsafe character: `\\t`, `\\x1b`, `\\u202e`, `\\U000e0001`."""
    if char in _NAMED:
        return _NAMED[char]
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def printable(text: str, limit: int | None = None) -> str:
    """`text` with every non-printable character escaped (like Postfix's printable()).

    Nothing in the result can reach a terminal as an escape sequence (CSI, OSC 0/52), overwrite a
    line (bare CR), or reorder the text around it (bidi overrides and isolates). With `limit`, at
    most that many characters of `text` are kept and an ellipsis marks the cut.
    """
    if not isinstance(text, str):
        text = str(text)
    cut = limit is not None and len(text) > limit
    if cut:
        text = text[:limit]
    if text.isascii() and text.isprintable():
        safe = text
    else:
        safe = "".join(char if is_safe(char) else escape_char(char) for char in text)
    return safe + ELLIPSIS if cut else safe


def printable_lines(text: str, limit: int | None = None) -> str:
    """Like `printable`, but keeps line breaks (`\\n`) as they are: for multi-line texts."""
    return "\n".join(printable(line, limit) for line in text.split("\n"))
