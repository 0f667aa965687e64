"""The bilingual test message, and the envelope and bytes of any message to send."""

from __future__ import annotations

import platform
import re
from datetime import datetime
from email import errors as email_errors
from email import message_from_bytes, policy
from email.headerregistry import Address, AddressHeader, Group
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from crm_mail_gui import __version__
from crm_mail_gui.core.i18n import tr
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import FieldError, MailSettings, check_address

SUBJECT = "【CRM】送信メールサーバー テスト / CRM outgoing mail server test"
RECIPIENT_HEADERS = ("To", "Cc", "Bcc")
_WIRE = policy.SMTP  # how the bytes are written: 7-bit headers, CRLF
_FOLD = re.compile(r"\r\n(?=[ \t])")

MESSAGES: dict[str, dict[str, str]] = {
    "in_header": {
        "ja": "{header} ヘッダのアドレス「{address}」: {reason}",
        "en": "The address “{address}” in the {header} header: {reason}",
    },
    "unreadable": {
        "ja": "{header} ヘッダを安全に読めません(改行やエンコードされた文字列を含むアドレス)。",
        "en": "The {header} header cannot be read safely (an address with a line break or an "
        "encoded word).",
    },
    "mismatch": {
        "ja": "{header} ヘッダのアドレスが送信先(エンベロープ)と一致しません。",
        "en": "The addresses in the {header} header do not match the envelope.",
    },
}


class HeaderAddressError(FieldError):
    """An address header of a message to send that cannot be used; names the header."""

    def __init__(
        self, header: str, key: str, address: str = "", reason: FieldError | None = None
    ) -> None:
        self.header = header
        self.address = printable(address, 80)
        self.reason = reason
        self.message_key = key
        field_name = "to" if header.title() in RECIPIENT_HEADERS else "from"
        super().__init__(field_name, reason.key if reason else key)

    def message(self, lang: str | None = None) -> str:
        """The localised explanation, naming the header (and the address and why)."""
        reason = self.reason.message(lang) if self.reason else ""
        return tr(
            MESSAGES,
            self.message_key,
            lang,
            header=self.header,
            address=self.address,
            reason=reason,
        )


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
    sender = check_address(settings.from_addr, "from")
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = SUBJECT
    message["From"] = mailbox(sender)
    if settings.recipient:  # none: the session reports the missing recipient
        message["To"] = mailbox(check_address(settings.recipient, "to"))
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid("crm-mail-gui", domain=sender.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message["X-Mailer"] = f"crm-mail-gui {__version__}"
    message.set_content(body, charset="utf-8", cte="base64")
    return message


def mailbox(addr_spec: str, display_name: str = "") -> Address:
    """The header value for an address that check_address returned: built, never re-parsed."""
    local, _, domain = addr_spec.rpartition("@")
    return Address(display_name=display_name, username=local, domain=domain)


def envelope(message: EmailMessage, settings: MailSettings) -> tuple[str, list[str], bytes]:
    """Sender, recipients (To, Cc, Bcc) and the bytes to send (Bcc removed, Date/ID filled).

    Header and envelope agree by construction: every address in To/Cc/Bcc is validated like the
    settings' fields and To/Cc are rewritten from the validated addresses (display names kept,
    domains in IDNA form); a From filled in here is the MAIL FROM address. The bytes are then
    read back, and any header that a mail program would read differently is refused.
    Raises FieldError (HeaderAddressError for the message's own headers).
    """
    sender = check_address(settings.from_addr, "from")
    rebuilt = {name: _checked_groups(message, name) for name in RECIPIENT_HEADERS}
    for name in dict.fromkeys(message.keys()):  # From, Reply-To, Sender...: readable at least
        if name.title() not in RECIPIENT_HEADERS and _is_address_header(name):
            _checked_groups(message, name, validate=False)
    recipients = [a.addr_spec for name in RECIPIENT_HEADERS for a in _addresses(rebuilt[name])]
    copy = _copy(message)  # never change the caller's message
    for name in RECIPIENT_HEADERS:
        if name in ("To", "Cc") and rebuilt[name] and len(copy.get_all(name, [])) == 1:
            copy.replace_header(name, rebuilt[name])  # in its place
            continue
        del copy[name]
        if name in ("To", "Cc") and rebuilt[name]:
            copy[name] = rebuilt[name]
    filled_from = "From" not in copy
    if filled_from:
        copy["From"] = mailbox(sender)
    if "Date" not in copy:
        copy["Date"] = format_datetime(datetime.now().astimezone())
    if "Message-ID" not in copy:
        copy["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    data = copy.as_bytes(policy=_WIRE)
    wire = _wire_headers(data)
    for name in ("To", "Cc"):
        _verify(name, wire.get(name.lower(), []), _addresses(rebuilt[name]))
    if filled_from:
        _verify("From", wire.get("from", []), [mailbox(sender)])
    return sender, recipients, data


def _is_address_header(name: str) -> bool:
    return issubclass(policy.default.header_factory[name], AddressHeader)


def _checked_groups(message: EmailMessage, name: str, *, validate: bool = True) -> list[Group]:
    """The groups of every `name` header, each address validated (a Group per bare address)."""
    try:
        headers = message.get_all(name, [])
        groups = [group for header in headers for group in header.groups]
    except (ValueError, TypeError, AttributeError, IndexError, email_errors.MessageError):
        raise HeaderAddressError(name, "unreadable") from None
    if not validate:
        return groups
    checked = []
    for group in groups:
        addresses = []
        for address in group.addresses:
            written = _utf8(f"{address.username}@{address.domain}")
            try:
                addr_spec = check_address(written, "to", utf8_local=_WIRE.utf8)
            except FieldError as error:
                raise HeaderAddressError(name, "in_header", written, error) from None
            addresses.append(mailbox(addr_spec, _utf8(address.display_name)))
        name_text = None if group.display_name is None else _utf8(group.display_name)
        checked.append(Group(name_text, addresses))
    return checked


def _utf8(text: str) -> str:
    """Header text parsed from raw 8-bit bytes (surrogate escapes) as UTF-8, when it is UTF-8."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


def _addresses(groups: list[Group]) -> list[Address]:
    return [address for group in groups for address in group.addresses]


def _wire_headers(data: bytes) -> dict[str, list[str]]:
    """The header fields of `data` as written (unfolded, not decoded), by lower-case name."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "surrogateescape")
    fields: dict[str, list[str]] = {}
    for line in _FOLD.sub("", head).split("\r\n"):
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return fields


def _verify(name: str, written: list[str], expected: list[Address]) -> None:
    """Refuse unless the header as written names exactly the expected addr-specs, verbatim."""
    specs = [address.addr_spec for address in expected]
    try:
        read = [a.addr_spec for raw in written for a in _WIRE.header_factory(name, raw).addresses]
    except (ValueError, TypeError, IndexError, email_errors.MessageError):
        read = None
    raw = " ".join(written)
    if read != specs or not all(spec in raw for spec in specs):
        raise HeaderAddressError(name, "mismatch")


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
