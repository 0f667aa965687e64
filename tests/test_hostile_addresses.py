"""Hostile mail addresses and host names: encoded words, comments, quotes, IDNA 2008 (issue 11.16)."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crm_mail_gui.core.address import AddressError, Security, ServerAddress, parse_server
from crm_mail_gui.core.message import (
    HeaderAddressError,
    _verify,
    build_test_message,
    envelope,
    mailbox,
)
from crm_mail_gui.core.settings import (
    FieldError,
    MailSettings,
    SettingsInvalid,
    build_settings,
    check_address,
    reads_back,
)

CRLF_WORD = base64.b64encode(b"a@b.example\r\nBcc: victim@example.com").decode()
ZWJ, ZWNJ = "\u200d", "\u200c"
DEVANAGARI_ZWJ = "क्\u200dष"  # ZWJ after a virama: IDNA 2008 CONTEXTJ allows it
PERSIAN_ZWNJ = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ between joining letters


def assert_localised(error: FieldError | AddressError) -> None:
    ja, en = error.message("ja"), error.message("en")
    assert ja and en and ja != en
    assert "{" not in ja + en


# -- check_address: refused ------------------------------------------------------------------

HOSTILE_ADDRESSES = [
    # encoded words (RFC 2047): the email package decodes them inside an addr-spec
    (f"=?utf-8?b?{CRLF_WORD}?=@example.com", "address_encoded_word"),
    ("=?utf-8?q?ceo=40bank.example?=@example.com", "address_encoded_word"),
    ("=?UTF-8?Q?ceo=40bank.example?=@example.com", "address_encoded_word"),
    ("=?UTF-8?B?Y2Vv?=@example.com", "address_encoded_word"),
    ("=?iso-2022-jp?b?GyRCJUYlOSVIGyhC?=@example.jp", "address_encoded_word"),
    ("=?utf-8*ja?q?a?=@example.com", "address_encoded_word"),
    ("ceo=?utf-8?q?x?=@example.com", "address_encoded_word"),
    ("a@=?utf-8?q?example.com?=", "address_encoded_word"),
    ("a@b.example=?utf-8?q?x?=", "address_encoded_word"),
    ("＝？utf-8？q？ceo＝40bank.example？＝@example.com", "address_encoded_word"),  # full width
    # comments
    ("a(x)@b.example", "address_display_name"),
    ("(x)a@b.example", "address_display_name"),
    ("a@b.example(c@d.example)", "address_display_name"),
    ("a@(x)b.example", "address_display_name"),
    # quoted strings, with specials
    ('"a@b"@c.example', "address_display_name"),
    ('"a"@b.example', "address_display_name"),
    ('"a\\"b"@c.example', "address_display_name"),
    ('"a b"@c.example', "address_display_name"),
    ("a\\@b@c.example", "address_display_name"),
    # angle brackets, display names, lists, groups, domain literals
    ("<a@b.example>", "address_display_name"),
    ("a@b.example>", "address_display_name"),
    ("Evil <a@b.example>", "address_display_name"),
    ("g: a@b.example;", "address_display_name"),
    ("g:a@b.example;", "address_display_name"),
    ("undisclosed-recipients:;", "address_display_name"),
    ("a@b.example,c@d.example", "address_display_name"),
    ("a@[192.0.2.1]", "address_display_name"),
    ("a@[IPv6:::1]", "address_display_name"),
    # several "@" (also full-width, folded like every other full-width character)
    ("a@b@c.example", "address_local"),
    ("a@b.example@c.example", "address_local"),
    ("a＠b＠c.example", "address_local"),
    ("@@example.com", "address_local"),
    # control characters, line breaks, tabs
    ("a\x00@b.example", "control"),
    ("a@b.example\r", "control"),
    ("a@b.example\n", "control"),
    ("a@b.example\r\nBcc: victim@example.com", "control"),
    ("a\t@b.example", "control"),
    ("a@b.example\x1b[2J", "control"),
    ("a@b.exa\x7fmple", "control"),
    ("a@b.example\x85", "control"),
    ("a@b\u00adexample.com", "control"),  # soft hyphen (Cf)
    ("a\u200b@b.example", "control"),  # zero-width space
    ("a@b.exa\ufeffmple", "control"),
    # line and paragraph separators, other spaces
    ("a\u2028@b.example", "address_spaces"),
    ("a@b.example\u2029x", "address_spaces"),
    ("a\u00a0@b.example", "address_spaces"),
    ("a\u3000@b.example", "address_spaces"),
    # bidi controls and bidi-invalid labels
    ("a@\u202eelpmaxe.com", "control"),
    ("a\u2066@b.example", "control"),
    ("a@b.example\u200e", "control"),
    ("a@b.example\u200f", "control"),
    ("a@a\u05d0.example", "idna"),  # Latin and Hebrew in one label
    ("a@\u05d0b.example", "idna"),  # a right-to-left label with a Latin letter
    ("a@\u0661.example", "idna"),  # a label that is one Arabic-Indic digit
    # over-long labels and parts
    ("a@" + "x" * 64 + ".jp", "address_domain"),
    ("a@" + "ü" * 64 + ".jp", "idna"),
    ("a@" + "ü" * 60 + ".jp", "idna"),  # 60 characters, but 67 once converted
    ("x" * 65 + "@example.jp", "address_local"),
    ("a@" + ".".join(["b" * 60] * 5), "too_long"),
    # punycode-invalid and non-canonical xn-- labels
    ("a@xn--zz.example", "idna"),
    ("a@XN--ZZ.example", "idna"),
    ("a@xn--.example", "idna"),
    ("a@xn--abc-.example", "idna"),
    ("a@xn---bbk.example", "idna"),  # non-canonical spelling of xn--bbk
    ("a@xn--ls8h.example", "idna"),  # valid Punycode of a disallowed character (emoji)
    ("a@xn--a.example", "idna"),
    # other IDNA 2008 refusals
    ("a@💩.example", "idna"),
    ("a@\u0301a.example", "idna"),  # starts with a combining mark
    ("a@ü-.example", "idna"),
    ("a@-ü.example", "idna"),
    ("a@\udc80.example", "control"),  # a lone surrogate: refused before IDNA
    # ZWJ / ZWNJ outside the contexts IDNA 2008 allows, and in the local part
    (f"a@a{ZWJ}b.example", "idna"),
    (f"a@a{ZWNJ}b.example", "idna"),
    (f"a@{ZWJ}b.example", "idna"),
    (f"a{ZWJ}@b.example", "address_local_non_ascii"),
    (f"a{ZWNJ}b@c.example", "address_local_non_ascii"),
    # ASCII-invalid domains
    ("a@example..jp", "address_domain"),
    ("a@.example", "address_domain"),
    ("a@exa_mple.jp", "address_domain"),
    ("a@例え。。jp", "address_domain"),
]


@pytest.mark.parametrize(("value", "key"), HOSTILE_ADDRESSES)
@pytest.mark.parametrize("field", ["from", "to"])
def test_hostile_address_refused(value: str, key: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        check_address(value, field)
    assert (info.value.field, info.value.key) == (field, key)
    assert_localised(info.value)


def test_hostile_address_refused_by_build_settings_as_set_no_test_would() -> None:
    """`set --no-test` validates with build_settings: nothing hostile is stored any more."""
    for value in ("=?utf-8?q?ceo=40bank.example?=@example.com", f"=?utf-8?b?{CRLF_WORD}?=@x.jp"):
        with pytest.raises(SettingsInvalid) as info:
            build_settings({"server": "ssl://smtp.example.com", "user": "u", "from": value})
        assert info.value.errors["from"].key == "address_encoded_word"
        with pytest.raises(SettingsInvalid) as info:
            build_settings(
                {"server": "ssl://smtp.example.com", "user": "u", "from": "a@b.jp", "to": value}
            )
        assert info.value.errors["to"].key == "address_encoded_word"


def test_idna_error_names_the_reason() -> None:
    with pytest.raises(FieldError) as info:
        check_address(f"a@a{ZWJ}b.example")
    assert "U+200D" in info.value.message("en") and "U+200D" in info.value.message("ja")
    with pytest.raises(FieldError) as info:
        check_address("a@xn--zz.example")
    assert "xn--zz" in info.value.message("en") and "Punycode" in info.value.message("ja")
    with pytest.raises(FieldError) as info:
        check_address("a@💩.example")
    assert "U+1F4A9" in info.value.message("en")
    with pytest.raises(FieldError) as info:
        check_address("a@a\u05d0.example")
    assert "right-to-left" in info.value.message("en")


# -- check_address: accepted, in IDNA 2008 form ----------------------------------------------

ACCEPTED_ADDRESSES = [
    ("a@faß.de", "a@xn--fa-hia.de"),  # IDNA 2003 would have made it a@fass.de
    ("a@FASS.de", "a@fass.de"),
    ("a@Faß.DE", "a@xn--fa-hia.de"),
    ("a@ẞ.de", "a@xn--zca.de"),
    ("a@xn--fa-hia.de", "a@xn--fa-hia.de"),
    ("a@XN--FA-HIA.de", "a@xn--fa-hia.de"),
    ("a@ς.example", "a@xn--3xa.example"),  # final sigma stays (non-transitional)
    ("a@例え。jp", "a@xn--r8jz45g.jp"),  # ideographic full stop, as in server names
    ("a@例え｡jp", "a@xn--r8jz45g.jp"),
    ("ａ＠ｂ．ｅｘａｍｐｌｅ", "a@b.example"),  # full-width, folded by NFKC as before
    ("ｎｏｒｅｐｌｙ＠例え．ｊｐ", "noreply@xn--r8jz45g.jp"),
    (f"a@{DEVANAGARI_ZWJ}.example", "a@xn--11b2ezcw70k.example"),
    (f"a@{PERSIAN_ZWNJ}.example", "a@xn--mgbn2ecje63gr19l.example"),
    ("a@\u05d0\u05d1.example", "a@xn--4dbc.example"),  # a right-to-left label on its own
    ("a=b?c@example.com", "a=b?c@example.com"),  # "=" and "?" are atext, just not "=?"
    ("a%b!c@example.com", "a%b!c@example.com"),
    ("o'brien@example.com", "o'brien@example.com"),
    ("a@ab--cd.example", "a@ab--cd.example"),  # an ASCII host name as DNS has them
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED_ADDRESSES)
def test_accepted_address(value: str, expected: str) -> None:
    assert check_address(value) == expected
    assert check_address(expected) == expected  # idempotent: what is stored validates again
    assert reads_back(expected)


@pytest.mark.parametrize(
    "text",
    [
        '"a@b"@c.example',
        "=?utf-8?q?a?=@b.example",
        "a(x)@b.example",
        "<a@b.example>",
        "g: a@b.example;",
        "a@b@c.example",
        "A <a@b.example>",
        "a@b.example, c@d.example",
        "a.@b.example",
        "a @b.example",
        "a@b .example",
        "",
    ],
)
def test_reads_back_refuses_what_the_email_package_reads_differently(text: str) -> None:
    assert not reads_back(text)


ADDRESS_TOKENS = [
    "=?",
    "?=",
    "?q?",
    "utf-8",
    "=40",
    "=0D=0A",
    "ß",
    "例",
    "\u200d",
    "\u202e",
    "xn--",
]
ADDRESS_ALPHABET = st.sampled_from([*"ab.-_+=?@＠()<>\":;,[]\\ \t\r\n\x00'", *ADDRESS_TOKENS])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(ADDRESS_ALPHABET, min_size=1, max_size=10).map("".join),
    st.sampled_from(["", "@b.example", "@faß.de", "@例え。jp"]),
)
@example("=?", "@b.example")
@example("=?utf-8?q?a=40b?=", "@c.example")
@example("a", "@xn--zz")
def test_property_accepted_means_header_equals_envelope(text: str, tail: str) -> None:
    """Whatever is accepted, the From header built from it reads back as that same address."""
    try:
        address = check_address(text + tail)
    except FieldError as error:
        assert_localised(error)
        return
    assert address.isascii() and "=?" not in address
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = mailbox(address)
    received = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert [a.addr_spec for a in received["From"].addresses] == [address]
    assert address in message.as_bytes().decode("ascii")


# -- server names: IDNA 2008 -----------------------------------------------------------------

SERVER_IDNA = [
    ("ssl://faß.de", "xn--fa-hia.de", "faß.de"),
    ("ssl://ＦＡß．ＤＥ", "xn--fa-hia.de", "faß.de"),
    ("ssl://xn--fa-hia.de", "xn--fa-hia.de", "faß.de"),
    ("ς.example", "xn--3xa.example", "ς.example"),
    (f"{DEVANAGARI_ZWJ}.example", "xn--11b2ezcw70k.example", f"{DEVANAGARI_ZWJ}.example"),
    (f"{PERSIAN_ZWNJ}.example", "xn--mgbn2ecje63gr19l.example", f"{PERSIAN_ZWNJ}.example"),
    (f"smtp{ZWJ}.example.com", "smtp.example.com", "smtp.example.com"),  # junk joiner dropped
    (f"sm{ZWNJ}tp.example.com", "smtp.example.com", "smtp.example.com"),
    ("メール。例え。jp", "xn--4dkua4c.xn--r8jz45g.jp", "メール.例え.jp"),
]


@pytest.mark.parametrize(("text", "host", "display"), SERVER_IDNA)
def test_server_idna_2008(text: str, host: str, display: str) -> None:
    address = parse_server(text)
    assert address.host == host
    assert address.display_host == display
    assert parse_server(address.canonical()) == address


HOSTILE_HOSTS = [
    "xn--zz.example",
    "XN--ZZ.example",
    "xn--.example",
    "xn---bbk.example",
    "xn--ls8h.example",
    "💩.example",
    "a\u05d0.example",
    "\u0301a.example",
    "ü-.example",
    "ü" * 64 + ".example",
    "mail.xn--abc-.example",
]


@pytest.mark.parametrize("text", HOSTILE_HOSTS)
def test_hostile_host_refused(text: str) -> None:
    with pytest.raises(AddressError) as info:
        parse_server(f"ssl://{text}:465")
    assert info.value.key == "idna"
    assert_localised(info.value)


def test_stored_host_that_is_not_idna_2008_is_displayed_as_is() -> None:
    assert ServerAddress(Security.SSL, "xn--zz.example", 465).display_host == "xn--zz.example"
    assert ServerAddress(Security.SSL, "::1", 465).display_host == "::1"


# -- envelope(): a CRM's own message ---------------------------------------------------------


@pytest.fixture
def crm_settings() -> MailSettings:
    return build_settings(
        {"server": "ssl://smtp.example.com", "user": "u", "from": "noreply@example.jp"}
    )


def raw_message(headers: str) -> EmailMessage:
    """A message as a CRM might have it: parsed from its own bytes, header text as written."""
    data = (headers.replace("\n", "\r\n") + "\r\nSubject: x\r\n\r\nbody\r\n").encode()
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def built_message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    for name, value in headers.items():
        message[name] = value
    message.set_content("body")
    return message


HOSTILE_HEADERS = [
    # (header block, header named in the error)
    (f"To: =?utf-8?b?{CRLF_WORD}?=@example.com", "To"),
    ("To: =?utf-8?q?victim=40evil.example=0D=0ABcc=3A_x=40y?=@example.com", "To"),
    ("To: =?utf-8?q?ceo=40bank.example?=@example.com", "To"),
    ("To: ok@example.com\nCc: =?utf-8?q?ceo=40bank.example?=@example.com", "Cc"),
    ("To: ok@example.com\nBcc: =?utf-8?q?a=40b.example?=@example.com", "Bcc"),
    ('To: "a b"@example.com', "To"),
    ('To: "a@b"@example.com', "To"),
    ("To: a@b@example.com", "To"),
    ("To: a@xn--zz.example", "To"),
    ("To: a@[192.0.2.1]", "To"),
    ("To: 用户@例子.广告", "To"),
    ("To: a@a\u05d0.example", "To"),
    ("To: a@b.jp\nCC: =?utf-8?q?ceo=40bank.example?=@example.com", "Cc"),
]


@pytest.mark.parametrize(("headers", "name"), HOSTILE_HEADERS)
def test_envelope_refuses_hostile_recipient_headers(
    crm_settings: MailSettings, headers: str, name: str
) -> None:
    with pytest.raises(HeaderAddressError) as info:
        envelope(raw_message(headers), crm_settings)
    assert info.value.field == "to" and info.value.header == name
    assert_localised(info.value)
    assert name in info.value.message("en") and name in info.value.message("ja")


def test_envelope_refuses_hostile_headers_set_through_the_api(crm_settings: MailSettings) -> None:
    message = built_message(To="=?utf-8?q?ceo=40bank.example?=@example.com")
    with pytest.raises(HeaderAddressError):
        envelope(message, crm_settings)


@pytest.mark.parametrize("name", ["From", "Reply-To", "Sender", "Resent-From"])
def test_envelope_refuses_unreadable_sender_headers(crm_settings: MailSettings, name: str) -> None:
    message = raw_message(f"{name}: =?utf-8?b?{CRLF_WORD}?=@example.com\nTo: a@b.jp")
    with pytest.raises(HeaderAddressError) as info:
        envelope(message, crm_settings)
    assert info.value.field == "from" and info.value.header == name
    assert name in info.value.message("en")


def test_envelope_keeps_the_header_order(crm_settings: MailSettings) -> None:
    message = raw_message("From: crm@example.jp\nTo: =?UTF-8?Q?a?=@example.com\nCc: b@例え.jp")
    _sender, _recipients, data = envelope(message, crm_settings)
    names = [line.split(b":")[0] for line in data.split(b"\r\n\r\n")[0].split(b"\r\n")]
    assert names[:4] == [b"From", b"To", b"Cc", b"Subject"]
    assert b"To: a@example.com\r\nCc: b@xn--r8jz45g.jp\r\n" in data


AGREEING_HEADERS = [
    # (header block, expected recipients) — accepted, and the header is rewritten to agree
    ("To: =?UTF-8?Q?a?=@example.com", ["a@example.com"]),
    ("To: =?utf-8?q?a?= @example.com", ["a@example.com"]),
    ("To: a(comment)@example.com", ["a@example.com"]),
    ('To: "john.doe"@example.com', ["john.doe@example.com"]),
    ("To: taro@faß.de", ["taro@xn--fa-hia.de"]),
    ("To: =?utf-8?b?5bGx55Sw?= <taro@例え.jp>", ["taro@xn--r8jz45g.jp"]),
    ("To: g: a@b.example, c@d.example;", ["a@b.example", "c@d.example"]),
    ("To: undisclosed-recipients:;\nBcc: a@b.example", ["a@b.example"]),
    ("To: Mr. Smith <s@example.com>\nCc: 山田 <y@example.jp>", ["s@example.com", "y@example.jp"]),
]


@pytest.mark.parametrize(("headers", "expected"), AGREEING_HEADERS)
def test_envelope_header_agrees_with_rcpt(
    crm_settings: MailSettings, headers: str, expected: list[str]
) -> None:
    sender, recipients, data = envelope(raw_message(headers), crm_settings)
    assert recipients == expected
    assert sender == "noreply@example.jp"
    received = message_from_bytes(data, policy=policy.default)
    on_wire = [
        a.addr_spec
        for name in ("To", "Cc")
        for h in received.get_all(name, [])
        for a in h.addresses
    ]
    assert on_wire == [r for r in recipients if f"Bcc: {r}" not in headers]
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for address in on_wire:
        assert address in head  # verbatim, as a raw-reading mail program sees it
    assert [a.addr_spec for a in received["From"].addresses] == [sender]
    assert "Bcc" not in received


def test_test_message_from_and_to_are_the_envelope() -> None:
    settings = build_settings(
        {
            "server": "ssl://smtp.example.com",
            "user": "u",
            "from": "ｎｏｒｅｐｌｙ＠faß.de",
            "to": "a@例え。jp",
        }
    )
    sender, recipients, data = envelope(build_test_message(settings), settings)
    received = message_from_bytes(data, policy=policy.default)
    assert (
        [a.addr_spec for a in received["From"].addresses] == [sender] == ["noreply@xn--fa-hia.de"]
    )
    assert [a.addr_spec for a in received["To"].addresses] == recipients == ["a@xn--r8jz45g.jp"]


def test_verify_refuses_a_header_that_is_read_differently() -> None:
    """The last guard: the bytes as written must name the envelope's addresses verbatim."""
    expected = [mailbox("a@example.com")]
    _verify("To", ["a@example.com"], expected)
    _verify("To", ["A <a@example.com>"], expected)
    for written in (
        ["=?utf-8?q?a?=@example.com"],
        ["b@example.com"],
        [],
        ["a@example.com, b@x.jp"],
    ):
        with pytest.raises(HeaderAddressError):
            _verify("To", written, expected)


def test_envelope_does_not_change_the_callers_message(crm_settings: MailSettings) -> None:
    message = raw_message("To: =?UTF-8?Q?a?=@example.com\nBcc: b@example.com")
    before = message.as_bytes()
    envelope(message, crm_settings)
    assert message.as_bytes() == before
