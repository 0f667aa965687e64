"""The session transcript (core.transcript): passwords and AUTH payloads never appear."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_mail_gui.core.transcript import MASK, Transcript

USER = "taro@example.co.jp"


def b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8")).decode("ascii")


def session(password: str) -> Transcript:
    """A transcript set up the way the delivery engine does: the password and the PLAIN blob."""
    transcript = Transcript()
    transcript.add_secret(password)
    transcript.add_secret(f"\0{USER}\0{password}")
    return transcript


def forms(password: str) -> list[str]:
    blob = f"\0{USER}\0{password}"
    return [password, b64(password), b64(password).rstrip("="), b64(blob), b64(blob).rstrip("=")]


@pytest.mark.parametrize(
    "password", ["hunter22", "S3cret-パスワード!", "パスワード123", "abc", "p@ss word"]
)
def test_password_and_base64_forms_masked(password: str) -> None:
    transcript = session(password)
    blob = b64(f"\0{USER}\0{password}")
    transcript.server("250-AUTH PLAIN LOGIN")
    transcript.client(f"AUTH PLAIN {blob}")
    transcript.server(f"535 5.7.8 bad credentials {password}")
    transcript.client("AUTH LOGIN")
    transcript.server("334 VXNlcm5hbWU6")
    transcript.client(b64(USER))
    transcript.server("334 UGFzc3dvcmQ6")
    transcript.client(b64(password))
    transcript.client(f"AUTH PLAIN {blob.rstrip('=')}")
    transcript.event(f"Failed with {password}")
    text = transcript.text()
    for form in forms(password):
        assert form not in text, form
    assert f"AUTH PLAIN {MASK}" in text
    assert text.count(MASK) == 5
    assert "250-AUTH PLAIN LOGIN" in text  # ordinary lines are untouched


def test_auth_plain_blob_masked_even_though_password_form_differs() -> None:
    # base64(b"\0user1\0password") does not contain base64(b"password") (the password does not
    # start on a 3-byte boundary); the blob is still masked, because it decodes to a text that
    # holds the password (and is a PLAIN payload), with or without the blob as a secret of its own
    password = "password"
    blob = base64.b64encode(b"\0user1\0password").decode("ascii")
    assert b64(password) not in blob and b64(password).rstrip("=") not in blob
    transcript = Transcript()
    transcript.add_secret(password)
    transcript.client(f"AUTH PLAIN {blob}")
    transcript.server(f"500 unknown {blob}")
    assert transcript.lines == [f" -> AUTH PLAIN {MASK}", f"<- 500 unknown {MASK}"]
    transcript = Transcript()
    transcript.add_secret(password)
    transcript.add_secret("\0user1\0password")
    transcript.client(f"AUTH PLAIN {blob}")
    assert transcript.lines == [f" -> AUTH PLAIN {MASK}"]


def test_secret_lines_hidden_entirely() -> None:
    transcript = Transcript()
    transcript.client("dGFybw==", secret=True)
    assert transcript.lines == [f" -> {MASK}"]


def test_direction_markers() -> None:
    transcript = Transcript()
    transcript.server("220 mail.example.jp ESMTP")
    transcript.client("EHLO [127.0.0.1]")
    transcript.event("TLS started")
    transcript.encrypted = True
    transcript.client("EHLO [127.0.0.1]")
    transcript.server("250 OK")
    lines = transcript.lines
    assert lines[0] == "<- 220 mail.example.jp ESMTP"
    assert lines[1] == " -> EHLO [127.0.0.1]"
    assert re.fullmatch(r"=== TLS started \(\d+\.\d{3} s\)", lines[2])
    assert lines[3] == " ~> EHLO [127.0.0.1]"
    assert lines[4] == "<~ 250 OK"
    assert transcript.text() == "\n".join(lines)


def test_empty_secret_is_ignored() -> None:
    transcript = Transcript()
    transcript.add_secret("")
    transcript.client("EHLO x")
    assert transcript.lines == [" -> EHLO x"]


def test_longer_secret_masked_whole() -> None:
    transcript = Transcript()
    transcript.add_secret("abcd")
    transcript.add_secret("abcdefgh")
    assert transcript.redact("xx abcdefgh yy") == f"xx {MASK} yy"


@settings(max_examples=150, deadline=None)
@given(
    password=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="*"),
        min_size=4,
        max_size=24,
    ),
    user=st.sampled_from([USER, "u", "山田"]),
)
def test_property_password_never_in_transcript(password: str, user: str) -> None:
    transcript = Transcript()
    transcript.add_secret(password)
    transcript.add_secret(f"\0{user}\0{password}")
    blob = b64(f"\0{user}\0{password}")
    transcript.client(f"AUTH PLAIN {blob}")
    transcript.client(b64(password))
    transcript.server(f"535 5.7.8 {password} rejected")
    transcript.event(f"password was {password}")
    text = transcript.text()
    for form in (password, b64(password), blob):
        assert form not in text
