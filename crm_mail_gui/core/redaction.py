"""Hide credentials in any text: passwords, tokens and AUTH payloads, exactly, never inside words."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from crm_mail_gui.core.printable import printable

MASK = "********"
SHORT = 4  # secrets shorter than this are masked only as whole tokens, never inside a word

_MECHANISMS = (
    r"PLAIN|LOGIN|XOAUTH2?|OAUTHBEARER|CRAM-MD5|DIGEST-MD5|GSSAPI|NTLM|ANONYMOUS|EXTERNAL"
    r"|SCRAM-[A-Z0-9-]+"
)
# The argument of an AUTH command, wherever it appears (a server may echo the client's line):
# "AUTH PLAIN <payload>", not the mechanism list of an EHLO reply ("AUTH PLAIN LOGIN").
_AUTH_PAYLOAD = re.compile(
    rf"(?i)(\bAUTH[ \t]+[A-Z0-9_-]{{1,20}}[ \t]+)(?!(?:{_MECHANISMS})(?![A-Za-z0-9+/=-]))"
    r"[A-Za-z0-9+/]+=*"
)
# A run of base64 characters: a payload (or a secret's base64 form) stands as one such token.
_BASE64_TOKEN = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{2,}={0,2}(?![A-Za-z0-9+/=])")
_FIELDS = re.compile(r"[\0\x01 :=]+")  # separators inside a decoded payload: user:password…
_MISALIGNED = 8  # tokens this long are also decoded from offsets 1..3 (a payload cut at the front)
_FRAGMENT = 6  # a decoded token this long that is part of a secret is a cut-off copy of it


class Redactor:
    """Knows the secrets of one session and replaces every form of them with the mask.

    Exact forms: the secret, its base64 with and without padding, any base64 token that decodes
    to a text holding the secret (at any alignment, also cut off), and every AUTH payload (PLAIN
    `\\0user\\0password`, LOGIN lines, XOAUTH2 `user=…^Aauth=Bearer …`), echoed or not. A secret
    shorter than SHORT characters is masked only where it stands as a whole token.
    """

    def __init__(self) -> None:
        self._long: list[str] = []
        self._whole: list[str] = []  # long secrets that are not composed (no \0 or ^A inside)
        self._short: list[str] = []
        self._short_pattern: re.Pattern[str] | None = None
        self._padded: list[str] = []  # base64 of short secrets that ends in padding: "ZQ=="
        self._padded_pattern: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        """True once a secret is known."""
        return bool(self._long or self._short)

    def add(self, secret: str) -> None:
        """Mask `secret`, its escaped form and its base64 forms wherever they would appear."""
        if not secret:
            return
        encoded = base64.b64encode(secret.encode("utf-8", "surrogatepass")).decode("ascii")
        if len(secret) < SHORT:
            if secret not in self._short:
                self._short.append(secret)
                self._short_pattern = re.compile(rf"(?<![\w-])(?:{_either(self._short)})(?![\w-])")
            if encoded.endswith("=") and encoded not in self._padded:
                # padding marks the end of a payload: the form is exact even glued behind others
                self._padded.append(encoded)
                self._padded_pattern = re.compile(rf"(?:{_either(self._padded)})(?![A-Za-z0-9+/])")
            return
        if "\0" not in secret and "\x01" not in secret and secret not in self._whole:
            self._whole.append(secret)
        for form in (secret, printable(secret), encoded, encoded.rstrip("=")):
            if form not in self._long:
                self._long.append(form)
        self._long.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return `text` with every form of every known secret replaced by the mask."""
        if not self or not text:
            return text
        for secret in self._long:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _AUTH_PAYLOAD.sub(lambda match: match.group(1) + MASK, text)
        text = _BASE64_TOKEN.sub(self._mask_token, text)
        if self._padded_pattern is not None:
            text = self._padded_pattern.sub(MASK, text)
        if self._short_pattern is not None:
            text = self._short_pattern.sub(MASK, text)
        return text

    def _mask_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        for offset, data in _decodings(token):
            text = _utf8(data)
            if offset == 0 and text is not None and _is_auth_payload(text):
                return MASK
            if self._holds_secret(data.decode("utf-8", errors="replace")):
                return MASK
            if offset == 0 and self._is_short_secret(token, data):
                return MASK
        return token

    def _holds_secret(self, text: str) -> bool:
        """True if decoded bytes hold a long secret, or a long enough piece of a password/token."""
        if any(secret in text for secret in self._long):
            return True
        fragment = text.strip("\ufffd")
        return len(fragment) >= _FRAGMENT and any(fragment in secret for secret in self._whole)

    def _is_short_secret(self, token: str, data: bytes) -> bool:
        """True if a token is the exact base64 of a short secret, alone or as one field of it."""
        if not self._short or base64.b64encode(data).decode().rstrip("=") != token.rstrip("="):
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return any(part in self._short for part in _FIELDS.split(text))


def _either(texts: list[str]) -> str:
    """A regular expression that matches any of `texts`, the longest first."""
    return "|".join(re.escape(text) for text in sorted(texts, key=len, reverse=True))


def _decodings(token: str) -> Iterator[tuple[int, bytes]]:
    """The bytes a base64 token stands for, from offset 0 and (long tokens) offsets 1..3."""
    core = token.rstrip("=")
    for offset in range(4) if len(core) >= _MISALIGNED else (0,):
        chunk = core[offset:]
        chunk = chunk[: len(chunk) - (len(chunk) % 4 == 1)]
        if len(chunk) < 2:
            continue
        try:
            yield offset, base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue


def _is_auth_payload(text: str) -> bool:
    """True for a decoded SASL payload: PLAIN `authzid\\0user\\0pass` or XOAUTH2 `user=…^Aauth=…`."""
    if "\x01auth=" in text or (text.startswith("user=") and "\x01" in text):
        return True
    rest = text.replace("\0", "")
    return text.count("\0") == 2 and len(rest) >= 2 and rest.isprintable()


def _utf8(data: bytes) -> str | None:
    """`data` as UTF-8, allowing a character cut off at the end; None if it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(data) - 3 or error.reason != "unexpected end of data":
            return None
        return data[: error.start].decode("utf-8", errors="replace")
