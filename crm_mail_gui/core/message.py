"""The bilingual test message, and the envelope and bytes of any message to send."""

from __future__ import annotations

import platform
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from crm_mail_gui import __version__
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


def envelope(message: EmailMessage, settings: MailSettings) -> tuple[str, list[str], bytes]:
    """Sender, recipients (To, Cc, Bcc) and the bytes to send (Bcc removed, Date/ID filled)."""
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    recipients = [addr for _name, addr in getaddresses(fields) if addr]
    missing = [name for name in ("From", "Date", "Message-ID") if name not in message]
    if missing or "Bcc" in message:
        message = _copy(message)  # never change the caller's message
        if "From" in missing:
            message["From"] = settings.from_addr
        if "Date" in missing:
            message["Date"] = format_datetime(datetime.now().astimezone())
        if "Message-ID" in missing:
            message["Message-ID"] = make_msgid(domain=settings.from_addr.rpartition("@")[2])
        del message["Bcc"]
    return settings.from_addr, recipients, message.as_bytes(policy=policy.SMTP)


def _copy(message: EmailMessage) -> EmailMessage:
    return message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.SMTP)  # type: ignore[return-value]


def dot_stuff(data: bytes) -> bytes:
    """CRLF line ends, leading dots doubled, and the terminating CRLF.CRLF."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
