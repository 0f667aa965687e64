"""The test message and the bytes on the wire (core.message)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_mail_gui import __version__
from crm_mail_gui.core.message import SUBJECT, build_test_message, dot_stuff, envelope
from crm_mail_gui.core.settings import MailSettings, build_settings

WHEN = datetime(2025, 4, 1, 9, 30, 5, tzinfo=timezone(timedelta(hours=9)))


@pytest.fixture
def mail_settings() -> MailSettings:
    return build_settings(
        {
            "server": "ssl://smtp.gmail.com",
            "user": "taro@example.co.jp",
            "from": "noreply@例え.jp",
            "to": "admin@example.co.jp",
        }
    )


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a receiving mail program sees it."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)  # type: ignore[return-value]


def test_subject_is_encoded_and_decodes(mail_settings: MailSettings) -> None:
    message = build_test_message(mail_settings, WHEN)
    raw = message.as_bytes()
    assert raw.isascii()  # every header and the body are 7-bit on the wire
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    subject_raw = head.split("Subject:", 1)[1].split("\r\nFrom:", 1)[0]
    assert "=?utf-8?" in subject_raw.lower()
    assert "テスト" not in subject_raw
    received = parsed(message)
    assert received["Subject"] == SUBJECT
    assert "送信メールサーバー" in SUBJECT and "CRM outgoing mail server test" in SUBJECT


def test_headers(mail_settings: MailSettings) -> None:
    received = parsed(build_test_message(mail_settings, WHEN))
    assert received["From"] == "noreply@xn--r8jz45g.jp"
    assert received["To"] == "admin@example.co.jp"
    assert parsedate_to_datetime(received["Date"]) == WHEN
    assert received["Date"] == "Tue, 01 Apr 2025 09:30:05 +0900"
    message_id = received["Message-ID"].strip()  # a long ID is folded onto its own line
    assert message_id.startswith("<") and message_id.endswith("@xn--r8jz45g.jp>")
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["X-Mailer"] == f"crm-mail-gui {__version__}"
    assert received["MIME-Version"] == "1.0"
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    # no line on the wire is longer than RFC 5322 allows
    assert (
        max(len(line) for line in build_test_message(mail_settings, WHEN).as_bytes().split(b"\r\n"))
        <= 78
    )


def test_message_ids_are_unique(mail_settings: MailSettings) -> None:
    ids = {build_test_message(mail_settings, WHEN)["Message-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_to_falls_back_to_from(mail_settings: MailSettings) -> None:
    message = build_test_message(mail_settings.with_changes(to=""), WHEN)
    assert message["To"] == "noreply@xn--r8jz45g.jp"


def test_body_japanese_first_then_english(mail_settings: MailSettings) -> None:
    body = parsed(build_test_message(mail_settings, WHEN)).get_content()
    ja = body.index("このメールは crm-mail-gui が送信したテストメールです。")
    en = body.index("This is a test message sent by crm-mail-gui.")
    assert ja < en
    japanese, english = body[:en], body[en:]
    for part in (japanese, english):
        assert "ssl://smtp.gmail.com:465" in part
        assert "noreply@xn--r8jz45g.jp" in part
        assert "2025-04-01T09:30:05+09:00" in part
        assert "taro@example.co.jp" in part
    assert "SSL/TLS" in japanese and "最初から暗号化" in japanese
    assert "encrypted from the start" in english
    assert f"crm-mail-gui {__version__}" in body


@pytest.mark.parametrize(
    ("server", "auth", "ja_words", "en_words"),
    [
        ("tls://smtp.office365.com", True, ["STARTTLS", "あり"], ["STARTTLS", "yes (user name:"]),
        (
            "mail.example.jp:25",
            False,
            ["暗号化なし", "認証:     なし"],
            ["none (unencrypted)", "Authentication: no"],
        ),
    ],
)
def test_body_describes_settings(
    mail_settings: MailSettings, server: str, auth: bool, ja_words: list[str], en_words: list[str]
) -> None:
    settings = build_settings({**mail_settings.to_dict(), "server": server, "auth": auth})
    body = parsed(build_test_message(settings, WHEN)).get_content()
    en_start = body.index("This is a test message")
    assert settings.server.canonical() in body[:en_start]
    assert settings.server.canonical() in body[en_start:]
    for word in ja_words:
        assert word in body[:en_start], word
    for word in en_words:
        assert word in body[en_start:], word


def test_default_date_is_now(mail_settings: MailSettings) -> None:
    before = datetime.now().astimezone().replace(microsecond=0)
    date = parsedate_to_datetime(build_test_message(mail_settings)["Date"])
    after = datetime.now().astimezone()
    assert before <= date <= after


# -- envelope ------------------------------------------------------------------------------


def test_envelope_bcc_removed_but_recipient(mail_settings: MailSettings) -> None:
    message = EmailMessage()
    message["From"] = "crm@example.co.jp"
    message["To"] = "山田 太郎 <taro@example.co.jp>, hanako@example.co.jp"
    message["Cc"] = "boss@example.co.jp"
    message["Bcc"] = "secret-archive@example.co.jp"
    message["Subject"] = "見積書"
    message.set_content("本文")
    sender, recipients, data = envelope(message, mail_settings)
    assert sender == "noreply@xn--r8jz45g.jp"
    assert recipients == [
        "taro@example.co.jp",
        "hanako@example.co.jp",
        "boss@example.co.jp",
        "secret-archive@example.co.jp",
    ]
    assert b"secret-archive" not in data
    assert b"\nBcc:" not in data and not data.startswith(b"Bcc:")
    received = message_from_bytes(data, policy=policy.default)
    assert received["Subject"] == "見積書"
    assert received["From"] == "crm@example.co.jp"  # the message's own From is kept
    assert received["Date"] and received["Message-ID"]
    assert received["Message-ID"].strip().endswith("@xn--r8jz45g.jp>")
    # the caller's message is not changed
    assert message["Bcc"] == "secret-archive@example.co.jp"
    assert "Date" not in message


def test_envelope_fills_from_and_keeps_date(mail_settings: MailSettings) -> None:
    message = EmailMessage()
    message["To"] = "a@example.jp"
    message["Date"] = "Tue, 01 Apr 2025 09:30:05 +0900"
    message["Message-ID"] = "<fixed@example.jp>"
    message.set_content("x")
    _sender, recipients, data = envelope(message, mail_settings)
    received = message_from_bytes(data, policy=policy.default)
    assert received["From"] == "noreply@xn--r8jz45g.jp"
    assert received["Date"] == "Tue, 01 Apr 2025 09:30:05 +0900"
    assert received["Message-ID"] == "<fixed@example.jp>"
    assert recipients == ["a@example.jp"]
    assert b"\r\n" in data and b"\r\r" not in data


def test_envelope_of_test_message(mail_settings: MailSettings) -> None:
    message = build_test_message(mail_settings, WHEN)
    sender, recipients, data = envelope(message, mail_settings)
    assert sender == "noreply@xn--r8jz45g.jp"
    assert recipients == ["admin@example.co.jp"]
    assert message_from_bytes(data, policy=policy.default)["Subject"] == SUBJECT


# -- dot stuffing ----------------------------------------------------------------------------

DOT_CASES = [
    (b"hello", b"hello\r\n.\r\n"),
    (b"hello\r\n", b"hello\r\n.\r\n"),
    (b"a\nb\n", b"a\r\nb\r\n.\r\n"),
    (b"a\rb", b"a\r\nb\r\n.\r\n"),
    (b".leading", b"..leading\r\n.\r\n"),
    (b"a\r\n.\r\nb", b"a\r\n..\r\nb\r\n.\r\n"),
    (b"a\n.\nb\n", b"a\r\n..\r\nb\r\n.\r\n"),
    (b"a\r\n..x\r\n", b"a\r\n...x\r\n.\r\n"),
    (b"a.b\r\n", b"a.b\r\n.\r\n"),
    (b".\r\n.\r\n", b"..\r\n..\r\n.\r\n"),
    (b"", b"\r\n.\r\n"),
]


@pytest.mark.parametrize(("data", "expected"), DOT_CASES)
def test_dot_stuff(data: bytes, expected: bytes) -> None:
    assert dot_stuff(data) == expected


def unstuff(wire: bytes) -> list[bytes]:
    assert wire.endswith(b"\r\n.\r\n")
    lines = wire[: -len(b".\r\n")].split(b"\r\n")[:-1]
    return [line[1:] if line.startswith(b".") else line for line in lines]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([b"", b".", b"..", b"a", b".a", b"a.", b"\xe3\x81\x82"]), max_size=8),
    st.sampled_from([b"\r\n", b"\n", b"\r"]),
)
def test_dot_stuff_property(lines: list[bytes], newline: bytes) -> None:
    data = newline.join(lines)
    wire = dot_stuff(data)
    body = wire[: -len(b".\r\n")]
    # only CRLF line ends, and no line that would end the DATA early
    assert b"\r\n.\r\n" not in body and not body.startswith(b".\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    expected = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if expected and expected[-1] == b"":
        expected = expected[:-1]
    assert unstuff(wire) == (expected or [b""])
