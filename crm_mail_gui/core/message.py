"""The bilingual test message, and the envelope and bytes of any message to send."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, make_msgid

from crm_mail_gui import __version__
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import MailSettings

SUBJECT = "【CRM】送信メールサーバー テスト / CRM outgoing mail server test"


def _security_text(settings: MailSettings, lang: str) -> str:
    labels = {
        "ssl": ("SSL/TLS(最初から暗号化)", "SSL/TLS (encrypted from the start)"),
        "tls": ("STARTTLS(暗号化に切り替え)", "STARTTLS (upgraded to encryption)"),
        "plain": ("暗号化なし", "none (unencrypted)"),
    }[settings.server.security.value]
    return labels[0] if lang == "ja" else labels[1]


def build_test_message(settings: MailSettings, when: datetime | None = None) -> EmailMessage:
    """The test mail: UTF-8 MIME, encoded Subject, Date, Message-ID, Auto-Submitted, ja then en."""
    when = when or datetime.now().astimezone()
    server = settings.server.canonical()
    auth_ja = f"あり(ユーザ名: {settings.user})" if settings.auth else "なし"
    auth_en = f"yes (user name: {settings.user})" if settings.auth else "no"
    stamp = when.isoformat(timespec="seconds")
    pc = platform.node() or "-"
    body = "\n".join(
        [
            "このメールは crm-mail-gui が送信したテストメールです。",
            "CRM の送信メールサーバー設定でメールを送信できることを確認しました。",
            "",
            f"  サーバ名: {server}",
            f"  暗号化:   {_security_text(settings, 'ja')}",
            f"  認証:     {auth_ja}",
            f"  差出人:   {settings.from_addr}",
            f"  送信日時: {stamp}",
            f"  送信元 PC: {pc}",
            "",
            "このメールへの返信は不要です。",
            "",
            "-" * 60,
            "",
            "This is a test message sent by crm-mail-gui.",
            "It confirms that the CRM's outgoing mail server settings can send mail.",
            "",
            f"  Server:         {server}",
            f"  Encryption:     {_security_text(settings, 'en')}",
            f"  Authentication: {auth_en}",
            f"  From:           {settings.from_addr}",
            f"  Sent at:        {stamp}",
            f"  Sent from PC:   {pc}",
            "",
            "No reply is needed.",
            "",
            f"crm-mail-gui {__version__}",
        ]
    )
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = SUBJECT
    message["From"] = settings.from_addr
    message["To"] = settings.recipient
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid("crm-mail-gui", domain=settings.from_addr.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message["X-Mailer"] = f"crm-mail-gui {__version__}"
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def envelope(
    message: EmailMessage, settings: MailSettings, *, utf8: bool = False
) -> tuple[str, list[str], bytes]:
    """Sender, recipients (To, Cc, Bcc) and the bytes to send (Bcc removed, Date/ID filled).

    With `utf8` the headers are written as raw UTF-8 (RFC 6532, for an SMTPUTF8 session).
    """
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    recipients = [addr for _name, addr in getaddresses(fields) if addr]
    missing = [name for name in ("From", "Date", "Message-ID") if name not in message]
    if missing or "Bcc" in message:
        message = _copy(message, utf8)  # never change the caller's message
        if "From" in missing:
            message["From"] = settings.from_addr
        if "Date" in missing:
            message["Date"] = format_datetime(datetime.now().astimezone())
        if "Message-ID" in missing:
            message["Message-ID"] = make_msgid(domain=settings.from_addr.rpartition("@")[2])
        del message["Bcc"]
    wire_policy = policy.SMTPUTF8 if utf8 else policy.SMTP
    return settings.from_addr, recipients, message.as_bytes(policy=wire_policy)


class MessageInvalid(ValueError):
    """The message cannot be sent as it is; the text says what is wrong (safe to print)."""


@dataclass(frozen=True)
class Envelope:
    """What one SMTP transaction sends, and which extensions it needs (RFC 6531, RFC 6152)."""

    sender: str
    recipients: list[str]
    data: bytes
    eight_bit: bool  # the data has bytes >= 0x80: MAIL FROM needs BODY=8BITMIME
    utf8_addresses: tuple[str, ...] = ()  # envelope or header addresses that are not ASCII

    @property
    def smtputf8(self) -> bool:
        """True when an address is not ASCII: MAIL FROM needs SMTPUTF8 (RFC 6531)."""
        return bool(self.utf8_addresses)


MAX_ADDRESS = 254  # RFC 5321 path limit less the angle brackets


def prepare(message: object, settings: MailSettings) -> Envelope:
    """The checked envelope of `message`; raise MessageInvalid instead of anything else."""
    if not isinstance(message, Message):
        raise MessageInvalid(f"not an email.message.EmailMessage: {type(message).__name__}")
    try:
        _check_headers(message)
        sender, recipients, data = envelope(message, settings)
        recipients = list(dict.fromkeys(recipients))  # To and Cc naming one address: one RCPT
        for address in (sender, *recipients):
            _check_address(address)
        everyone = (sender, *recipients, *_header_addresses(message))
        utf8 = tuple(dict.fromkeys(a for a in everyone if not a.isascii()))
        if utf8:
            data = envelope(message, settings, utf8=True)[2]
    except MessageInvalid:
        raise
    except UnicodeError as error:
        detail = printable(f"{type(error).__name__}: {error}", 300)
        raise MessageInvalid(f"text that is not valid Unicode ({detail})") from None
    except Exception as error:  # the email package raises many kinds on a broken message
        raise MessageInvalid(printable(f"{type(error).__name__}: {error}", 300)) from None
    return Envelope(sender, recipients, data, not data.isascii(), utf8)


def _header_addresses(message: Message) -> list[str]:
    names = ("From", "Sender", "Reply-To", "To", "Cc")
    fields = [str(value) for name in names for value in message.get_all(name, [])]
    return [addr for _name, addr in getaddresses(fields) if addr]


_BARE_LINE_BREAK = re.compile(r"\r|\n(?![ \t])")  # after CRLF -> LF: not a folding break
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 ftext
_QUOTED_LOCAL = re.compile(r'"(?:[ !#-\[\]-~\x80-\U0010ffff]|\\[ -~])*"@')


def _check_headers(message: Message) -> None:
    """Refuse header names and values that would end the header or start another one."""
    for name, value in message.raw_items():
        if not _FIELD_NAME.fullmatch(name):
            raise MessageInvalid(f"not a valid header name: {printable(name, 80)}")
        text = str(value)
        if "\0" in text or _BARE_LINE_BREAK.search(text.replace("\r\n", "\n")):
            raise MessageInvalid(f"line break or NUL inside the {printable(name, 80)} header")


def _check_address(address: str) -> None:
    """An address that fits in `MAIL FROM:<...>` / `RCPT TO:<...>` as one token, or raise."""
    shown = printable(address, 80)
    if len(address) > MAX_ADDRESS:
        raise MessageInvalid(f"address longer than {MAX_ADDRESS} characters: {shown}")
    quoted = _QUOTED_LOCAL.match(address)  # "john doe"@example.com may hold spaces
    rest = address[quoted.end() - 1 :] if quoted else address
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c in "<>" for c in rest):
        raise MessageInvalid(f"space, control character or angle bracket in address: {shown}")
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        raise MessageInvalid(f"address is not valid Unicode: {shown}") from None
    if "@" not in address.strip("@") and address.lower() != "postmaster":
        raise MessageInvalid(f"not a mail address: {shown}")


def seven_bit(data: bytes) -> bytes | None:
    """`data` with 8-bit text parts re-encoded (base64/QP) for a server without 8BITMIME, or None.

    None when the message cannot be made 7-bit (raw 8-bit headers, 8-bit parts without a charset).
    """
    try:
        parsed = message_from_bytes(data.replace(b"\r\n", b"\n"), policy=policy.SMTP)
        result = parsed.as_bytes(policy=policy.SMTP.clone(cte_type="7bit"))
    except Exception:  # a message the email package cannot re-encode stays 8-bit
        return None
    if not result.isascii() or b"unknown-8bit" in result:
        return None
    return result


def _copy(message: EmailMessage, utf8: bool = False) -> EmailMessage:
    wire_policy = policy.SMTPUTF8 if utf8 else policy.SMTP  # UTF-8 headers survive the copy
    return message_from_bytes(message.as_bytes(policy=wire_policy), policy=wire_policy)  # type: ignore[return-value]


def dot_stuff(data: bytes) -> bytes:
    """CRLF line ends, leading dots doubled, and the terminating CRLF.CRLF."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
