"""End to end on 127.0.0.1: the From/To headers received name the MAIL FROM / RCPT TO addresses."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from fakes.smtp_servers import HOST, AioSMTPServer, Received, TestCerts

from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError
from crm_mail_gui.core.settings import FieldError, MailSettings, build_settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def open_server(certs: TestCerts) -> Iterator[AioSMTPServer]:
    """One plain server without authentication for the whole module (cleared per test)."""
    with AioSMTPServer(certs, mode="plain", users=None) as server:
        yield server


@pytest.fixture
def server(open_server: AioSMTPServer) -> AioSMTPServer:
    open_server.messages.clear()
    return open_server


def settings_for(server: AioSMTPServer, sender: str, to: str = "") -> MailSettings:
    return build_settings(
        {"server": f"{HOST}:{server.port}", "auth": False, "from": sender, "to": to, "timeout": 5}
    )


def header_specs(received: Received, *names: str) -> list[str]:
    return [
        address.addr_spec
        for name in names
        for header in received.message.get_all(name, [])
        for address in header.addresses
    ]


def assert_agree(received: Received, bcc: tuple[str, ...] = ()) -> None:
    """The received headers name exactly the envelope, verbatim in the raw header text."""
    assert header_specs(received, "From") == [received.mail_from]
    assert header_specs(received, "To", "Cc") + list(bcc) == received.rcpt_tos
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for address in [received.mail_from, *received.rcpt_tos]:
        assert address.isascii() and "=?" not in address
        assert address in head or address in bcc
    assert "Bcc" not in received.message


ACCEPTED = [
    # (From typed, test recipient typed, MAIL FROM, RCPT TO)
    ("noreply@example.jp", "admin@example.jp", "noreply@example.jp", "admin@example.jp"),
    ("noreply@faß.de", "a@bücher.example", "noreply@xn--fa-hia.de", "a@xn--bcher-kva.example"),
    ("ｎｏｒｅｐｌｙ＠例え．ｊｐ", "a@例え。jp", "noreply@xn--r8jz45g.jp", "a@xn--r8jz45g.jp"),
    ("Taro.Yamada+crm@Example.CO.JP", "", "Taro.Yamada+crm@example.co.jp", ""),
    ("o'brien@example.com", "a=b?c@example.com", "o'brien@example.com", "a=b?c@example.com"),
]


@pytest.mark.parametrize(("sender", "to", "mail_from", "rcpt"), ACCEPTED)
def test_test_mail_headers_equal_envelope(
    server: AioSMTPServer, sender: str, to: str, mail_from: str, rcpt: str
) -> None:
    outcome = deliver(settings_for(server, sender, to), None)
    [received] = server.messages
    assert received.mail_from == mail_from
    assert received.rcpt_tos == [rcpt or mail_from] == outcome.recipients
    assert_agree(received)


def crm_message(headers: str) -> EmailMessage:
    data = (headers.replace("\n", "\r\n") + "\r\nSubject: x\r\n\r\nbody\r\n").encode()
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


AGREEING = [
    ("To: =?UTF-8?Q?a?=@example.com", ["a@example.com"], ()),
    (
        'To: a(comment)@example.com\nCc: "john.doe"@example.com',
        ["a@example.com", "john.doe@example.com"],
        (),
    ),
    ("To: =?utf-8?b?5bGx55Sw?= <taro@faß.de>", ["taro@xn--fa-hia.de"], ()),
    (
        "From: crm@example.jp\nTo: undisclosed-recipients:;\nBcc: b@example.jp",
        ["b@example.jp"],
        ("b@example.jp",),
    ),
]


@pytest.mark.parametrize(("headers", "rcpts", "bcc"), AGREEING)
def test_crm_message_headers_equal_envelope(
    server: AioSMTPServer, headers: str, rcpts: list[str], bcc: tuple[str, ...]
) -> None:
    settings = settings_for(server, "noreply@example.jp")
    deliver(settings, None, crm_message(headers))
    [received] = server.messages
    assert received.rcpt_tos == rcpts
    if "From:" in headers:  # the CRM's own From is kept; MAIL FROM is the settings' sender
        assert received.mail_from == "noreply@example.jp"
        assert header_specs(received, "From") == ["crm@example.jp"]
        assert header_specs(received, "To", "Cc") + list(bcc) == received.rcpt_tos
    else:
        assert_agree(received, bcc)


@pytest.mark.parametrize(
    "headers",
    [
        "To: =?utf-8?q?victim=40evil.example=0D=0ABcc=3A_x=40y?=@example.com",
        "To: =?utf-8?q?ceo=40bank.example?=@example.com",
        "To: ok@example.jp\nBcc: =?utf-8?q?archive=40evil.example?=@example.jp",
    ],
)
def test_crm_message_with_hostile_recipient_sends_nothing(
    server: AioSMTPServer, headers: str
) -> None:
    settings = settings_for(server, "noreply@example.jp")
    with pytest.raises((FieldError, DeliveryError)) as info:
        deliver(settings, None, crm_message(headers))
    assert server.messages == []
    text = info.value.message("en") if isinstance(info.value, FieldError) else str(info.value)
    assert "\r" not in text and "\n" not in text
