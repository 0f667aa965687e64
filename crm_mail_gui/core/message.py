"""The bilingual test message, and the envelope and bytes of any message to send."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from datetime import datetime
from email import errors as email_errors
from email import message_from_bytes, policy
from email.headerregistry import Address, AddressHeader, Group
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, make_msgid

from crm_mail_gui import __version__
from crm_mail_gui.core import i18n
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import FieldError, MailSettings, check_address

SUBJECT = "【CRM】送信メールサーバー テスト / CRM outgoing mail server test"
RECIPIENT_HEADERS = ("To", "Cc", "Bcc")
_FOLD = re.compile(r"\r\n(?=[ \t])")


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
        return i18n.text(
            f"message.{self.message_key}",
            lang,
            header=self.header,
            address=self.address,
            reason=reason,
        )


def _security_text(settings: MailSettings, lang: str) -> str:
    return i18n.text(f"message.security.{settings.server.security.value}", lang)


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


def wire_policy(utf8: bool) -> policy.EmailPolicy:
    """How the bytes are written: CRLF, and 7-bit headers unless `utf8` (RFC 6532, SMTPUTF8)."""
    return policy.SMTPUTF8 if utf8 else policy.SMTP


def envelope(
    message: EmailMessage, settings: MailSettings, *, utf8: bool = False
) -> tuple[str, list[str], bytes]:
    """Sender, recipients (To, Cc, Bcc) and the bytes to send (Bcc removed, Date/ID filled).

    With `utf8` the headers are written as raw UTF-8 and local parts may be non-ASCII (for an
    SMTPUTF8 session).

    Header and envelope agree by construction: every address in To/Cc/Bcc is validated like the
    settings' fields and To/Cc are rewritten from the validated addresses (display names kept,
    domains in IDNA form); a From filled in here is the MAIL FROM address. The bytes are then
    read back, and any header that a mail program would read differently is refused.
    Raises FieldError (HeaderAddressError for the message's own headers).
    """
    sender = check_address(settings.from_addr, "from")
    wire = wire_policy(utf8)
    rebuilt = {name: _checked_groups(message, name, wire) for name in RECIPIENT_HEADERS}
    for name in dict.fromkeys(message.keys()):  # From, Reply-To, Sender...: readable at least
        if name.title() not in RECIPIENT_HEADERS and _is_address_header(name):
            _checked_groups(message, name, wire, validate=False)
    recipients = [a.addr_spec for name in RECIPIENT_HEADERS for a in _addresses(rebuilt[name])]
    copy = _copy(message, utf8)  # never change the caller's message
    _rewrite_recipients(copy, rebuilt)
    filled_from = _fill_defaults(copy, sender)
    data = copy.as_bytes(policy=wire)
    written = _wire_headers(data)
    for name in ("To", "Cc"):
        _verify(name, written.get(name.lower(), []), _addresses(rebuilt[name]), wire)
    if filled_from:
        _verify("From", written.get("from", []), [mailbox(sender)], wire)
    return sender, recipients, data


def _rewrite_recipients(copy: EmailMessage, rebuilt: dict[str, list[Group]]) -> None:
    """To and Cc from the validated addresses (in place when there was one header); no Bcc."""
    for name in RECIPIENT_HEADERS:
        if name in ("To", "Cc") and rebuilt[name] and len(copy.get_all(name, [])) == 1:
            copy.replace_header(name, rebuilt[name])  # in its place
            continue
        del copy[name]
        if name in ("To", "Cc") and rebuilt[name]:
            copy[name] = rebuilt[name]


def _fill_defaults(copy: EmailMessage, sender: str) -> bool:
    """From (the MAIL FROM address), Date and Message-ID where missing; True if From was filled."""
    filled_from = "From" not in copy
    if filled_from:
        copy["From"] = mailbox(sender)
    if "Date" not in copy:
        copy["Date"] = format_datetime(datetime.now().astimezone())
    if "Message-ID" not in copy:
        copy["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    return filled_from


def _is_address_header(name: str) -> bool:
    return issubclass(policy.default.header_factory[name], AddressHeader)


def _checked_groups(
    message: EmailMessage, name: str, wire: policy.EmailPolicy, *, validate: bool = True
) -> list[Group]:
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
                addr_spec = check_address(written, "to", utf8_local=wire.utf8)
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


def _verify(
    name: str, written: list[str], expected: list[Address], wire: policy.EmailPolicy = policy.SMTP
) -> None:
    """Refuse unless the header as written names exactly the expected addr-specs, verbatim."""
    specs = [address.addr_spec for address in expected]
    try:
        read = [a.addr_spec for raw in written for a in wire.header_factory(name, raw).addresses]
    except (ValueError, TypeError, IndexError, email_errors.MessageError):
        read = None
    raw = " ".join(written)
    if read != specs or not all(spec in raw for spec in specs):
        raise HeaderAddressError(name, "mismatch")


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
        sender, recipients, data = envelope(message, settings, utf8=True)
        recipients = list(dict.fromkeys(recipients))  # To and Cc naming one address: one RCPT
        for address in (sender, *recipients):
            _check_address(address)
        written = message_from_bytes(data, policy=wire_policy(True))  # domains in IDNA form now
        everyone = (sender, *recipients, *_header_addresses(written))
        utf8 = tuple(dict.fromkeys(a for a in everyone if not a.isascii()))
        if not utf8:
            data = envelope(message, settings)[2]  # 7-bit headers where nothing needs UTF-8
    except MessageInvalid:
        raise
    except FieldError as error:  # an address header that cannot be used: says which and why
        raise MessageInvalid(error.message()) from None
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
    wire = wire_policy(utf8)  # UTF-8 headers survive the copy
    return message_from_bytes(message.as_bytes(policy=wire), policy=wire)  # type: ignore[return-value]


def dot_stuff(data: bytes) -> bytes:
    """CRLF line ends, leading dots doubled, and the terminating CRLF.CRLF."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
