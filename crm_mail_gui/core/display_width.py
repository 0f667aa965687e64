"""How wide text is on a terminal: East-Asian wide and full-width characters take two columns.

`len("サーバ名")` is 4 but a terminal draws it 8 columns wide; tables and wrapped help padded by
`len` come out ragged in Japanese. `width`, `pad` and `wrap` count display columns instead
(unicodedata.east_asian_width: W and F are two columns, combining marks none).
"""

from __future__ import annotations

import unicodedata

NO_LINE_START = set("、。，．・：；？！」』）】〉》〕］｝ー々ゝゞ,.:;?!)]}")
"""Characters a line should not begin with (kinsoku): they stay with what precedes them."""


def char_width(char: str) -> int:
    """The columns one character takes: 2 for wide/full-width, 0 for combining marks, else 1."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """The columns `text` (one line) takes on a terminal."""
    return sum(char_width(char) for char in text)


def pad(text: str, columns: int) -> str:
    """`text` followed by spaces up to `columns` display columns (unchanged if already wider)."""
    return text + " " * max(columns - width(text), 0)


def _tokens(text: str) -> list[str]:
    """Break opportunities: words of narrow text, each wide character alone, runs of spaces."""
    tokens: list[str] = []
    for char in text:
        if char.isspace():
            if tokens and tokens[-1].isspace():
                tokens[-1] += " "
            else:
                tokens.append(" ")
        elif char in NO_LINE_START and tokens and not tokens[-1].isspace():
            tokens[-1] += char
        elif char_width(char) == 2:
            tokens.append(char)
        elif tokens and not tokens[-1].isspace() and char_width(tokens[-1][-1]) != 2:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def wrap(text: str, columns: int) -> list[str]:
    """Split `text` into lines of at most `columns` display columns (a longer word stays whole)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split())):
        if token.isspace():
            if line:
                line += " "
            continue
        if line.strip() and width(line + token) > columns:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


__all__ = ["char_width", "pad", "width", "wrap"]
