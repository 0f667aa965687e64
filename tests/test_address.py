"""Server-name parsing (core.address): accepted forms, rejections with their keys, warnings."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_mail_gui.core.address import (
    DEFAULT_PORTS,
    AddressError,
    Security,
    ServerAddress,
    normalise,
    parse_server,
)

SSL, TLS, PLAIN = Security.SSL, Security.STARTTLS, Security.PLAIN

HOST_253 = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
assert len(HOST_253) == 253


# -- accepted --------------------------------------------------------------------------------

VALID = [
    # (input, security, host, port, canonical)
    ("ssl://smtp.gmail.com", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    ("ssl://smtp.gmail.com:465", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    ("ssl://mail.example.jp:2465", SSL, "mail.example.jp", 2465, "ssl://mail.example.jp:2465"),
    ("tls://smtp.office365.com", TLS, "smtp.office365.com", 587, "tls://smtp.office365.com:587"),
    (
        "tls://smtp.office365.com:587",
        TLS,
        "smtp.office365.com",
        587,
        "tls://smtp.office365.com:587",
    ),
    ("tls://mail.example.jp:25", TLS, "mail.example.jp", 25, "tls://mail.example.jp:25"),
    ("mail.example.jp", PLAIN, "mail.example.jp", 25, "mail.example.jp:25"),
    ("mail.example.jp:25", PLAIN, "mail.example.jp", 25, "mail.example.jp:25"),
    ("mail.example.jp:2525", PLAIN, "mail.example.jp", 2525, "mail.example.jp:2525"),
    ("localhost", PLAIN, "localhost", 25, "localhost:25"),
    ("smtp:1", PLAIN, "smtp", 1, "smtp:1"),
    ("smtp:65535", PLAIN, "smtp", 65535, "smtp:65535"),
    # upper case scheme and host
    ("SSL://SMTP.Gmail.COM:465", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    ("Tls://Smtp.Office365.com", TLS, "smtp.office365.com", 587, "tls://smtp.office365.com:587"),
    # trailing dot (fully qualified) is dropped
    ("smtp.gmail.com.", PLAIN, "smtp.gmail.com", 25, "smtp.gmail.com:25"),
    ("ssl://smtp.gmail.com.:465", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    # IPv4 and IPv6
    ("127.0.0.1", PLAIN, "127.0.0.1", 25, "127.0.0.1:25"),
    ("ssl://192.0.2.10:465", SSL, "192.0.2.10", 465, "ssl://192.0.2.10:465"),
    ("[::1]:2525", PLAIN, "::1", 2525, "[::1]:2525"),
    ("[::1]", PLAIN, "::1", 25, "[::1]:25"),
    ("[0:0:0:0:0:0:0:1]:2525", PLAIN, "::1", 2525, "[::1]:2525"),
    ("ssl://[2001:DB8::1]", SSL, "2001:db8::1", 465, "ssl://[2001:db8::1]:465"),
    ("tls://[2001:db8::25]:587", TLS, "2001:db8::25", 587, "tls://[2001:db8::25]:587"),
    # IDN host names become IDNA
    (
        "ssl://bücher.example:465",
        SSL,
        "xn--bcher-kva.example",
        465,
        "ssl://xn--bcher-kva.example:465",
    ),
    ("メール.例え.jp", PLAIN, "xn--4dkua4c.xn--r8jz45g.jp", 25, "xn--4dkua4c.xn--r8jz45g.jp:25"),
    ("xn--bcher-kva.example", PLAIN, "xn--bcher-kva.example", 25, "xn--bcher-kva.example:25"),
    # what a Japanese IME types
    (
        "ｓｓｌ：／／ｓｍｔｐ．ｇｍａｉｌ．ｃｏｍ：４６５",
        SSL,
        "smtp.gmail.com",
        465,
        "ssl://smtp.gmail.com:465",
    ),
    (
        "ＴＬＳ：／／ｓｍｔｐ。ｏｆｆｉｃｅ３６５。ｃｏｍ",
        TLS,
        "smtp.office365.com",
        587,
        "tls://smtp.office365.com:587",
    ),
    ("smtp.gmail.com：４６５", PLAIN, "smtp.gmail.com", 465, "smtp.gmail.com:465"),
    ("mail｡example｡jp", PLAIN, "mail.example.jp", 25, "mail.example.jp:25"),
    # surrounding blanks and ideographic spaces are trimmed (a tab is a control character)
    ("  ssl://smtp.gmail.com:465  ", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    (
        "\u3000ssl://smtp.gmail.com:465\u3000",
        SSL,
        "smtp.gmail.com",
        465,
        "ssl://smtp.gmail.com:465",
    ),
    (
        "\u3000 \u3000tls://smtp.office365.com \u3000",
        TLS,
        "smtp.office365.com",
        587,
        "tls://smtp.office365.com:587",
    ),
    # zero-width characters pasted from web pages vanish
    ("smtp\u200b.gmail.com", PLAIN, "smtp.gmail.com", 25, "smtp.gmail.com:25"),
    ("\ufeffssl://smtp.gmail.com", SSL, "smtp.gmail.com", 465, "ssl://smtp.gmail.com:465"),
    # the longest host name allowed
    (HOST_253, PLAIN, HOST_253, 25, f"{HOST_253}:25"),
    (HOST_253 + ".", PLAIN, HOST_253, 25, f"{HOST_253}:25"),
]


@pytest.mark.parametrize(("text", "security", "host", "port", "canonical"), VALID)
def test_valid(text: str, security: Security, host: str, port: int, canonical: str) -> None:
    address = parse_server(text)
    assert address == ServerAddress(security, host, port)
    assert address.canonical() == canonical
    assert str(address) == canonical
    assert parse_server(canonical) == address


@pytest.mark.parametrize(("security", "port"), [(SSL, 465), (TLS, 587), (PLAIN, 25)])
def test_default_ports(security: Security, port: int) -> None:
    prefix = "" if security is PLAIN else f"{security.value}://"
    assert parse_server(f"{prefix}smtp.example.com").port == port
    assert DEFAULT_PORTS[security] == port


def test_display_host_decodes_idna() -> None:
    address = parse_server("ssl://bücher.example:465")
    assert address.host == "xn--bcher-kva.example"
    assert address.display_host == "bücher.example"
    assert parse_server("xn--bcher-kva.example").display_host == "bücher.example"
    assert parse_server("メール.例え.jp").display_host == "メール.例え.jp"
    assert parse_server("smtp.gmail.com").display_host == "smtp.gmail.com"
    # IDNA 2008: ß is a letter of its own (IDNA 2003 turned faß.de into fass.de)
    assert parse_server("ssl://faß.de").display_host == "faß.de"
    # an ASCII "xn--" label that is not valid punycode is refused when parsed (it was stored
    # before), and an old stored one is shown as it is, not an exception
    with pytest.raises(AddressError):
        parse_server("xn--zz.example")
    assert ServerAddress(PLAIN, "xn--zz.example", 25).display_host == "xn--zz.example"


def test_address_properties() -> None:
    v6 = parse_server("[2001:db8::1]:25")
    assert v6.is_ipv6
    assert v6.host_for_url == "[2001:db8::1]"
    v4 = parse_server("ssl://192.0.2.1")
    assert not v4.is_ipv6
    assert v4.host_for_url == "192.0.2.1"
    assert v4.encrypted
    assert parse_server("tls://a.example").encrypted
    assert not parse_server("a.example").encrypted
    moved = v4.with_security(TLS, 587)
    assert moved == ServerAddress(TLS, "192.0.2.1", 587)
    assert v4.with_security(PLAIN) == ServerAddress(PLAIN, "192.0.2.1", 465)


def test_normalise_folds_ime_input() -> None:
    assert (
        normalise("ｓｓｌ：／／ｓｍｔｐ．ｇｍａｉｌ．ｃｏｍ：４６５") == "ssl://smtp.gmail.com:465"
    )
    assert normalise("\u3000 ａ。ｂ\u3000") == "a.b"
    assert normalise("a\u200bb\u200c\u200d\u2060\ufeff") == "ab"


# -- rejected --------------------------------------------------------------------------------

INVALID = [
    # (input, key, words both the ja and en message must contain)
    ("", "empty", ["ssl://smtp.gmail.com:465"]),
    ("   ", "empty", ["ssl://smtp.gmail.com:465"]),
    ("\u3000\u3000", "empty", ["ssl://smtp.gmail.com:465"]),
    ("smtps://smtp.gmail.com:465", "unknown_scheme", ["smtps://", "ssl://"]),
    ("SMTPS://smtp.gmail.com", "unknown_scheme", ["smtps://", "ssl://"]),
    ("starttls://smtp.office365.com:587", "unknown_scheme", ["starttls://", "tls://"]),
    ("smtp://smtp.office365.com:587", "unknown_scheme", ["smtp://", "tls://"]),
    ("http://smtp.gmail.com", "unknown_scheme", ["http://", "ssl://", "tls://"]),
    ("https://mail.google.com/", "unknown_scheme", ["https://", "ssl://"]),
    ("ftp://smtp.gmail.com", "unknown_scheme", ["ftp://", "ssl://", "tls://"]),
    ("ｓｍｔｐｓ：／／ｓｍｔｐ．ｇｍａｉｌ．ｃｏｍ", "unknown_scheme", ["smtps://", "ssl://"]),
    ("smtp.gmail.com:abc", "port_not_number", ["abc"]),
    ("smtp.gmail.com:46S", "port_not_number", ["46S"]),
    ("smtp.gmail.com:-1", "port_not_number", ["-1"]),
    ("smtp.gmail.com:+25", "port_not_number", ["+25"]),
    ("smtp.gmail.com:4.5", "port_not_number", ["4.5"]),
    ("smtp.gmail.com:0", "port_range", ["0"]),
    ("smtp.gmail.com:65536", "port_range", ["65536"]),
    ("smtp.gmail.com:99999999999", "port_range", ["99999999999"]),
    ("smtp.gmail.com:", "port_missing", [":"]),
    ("smtp.gmail.com:465:587", "ipv6_brackets", ["[::1]"]),
    ("smtp gmail.com", "spaces", []),
    ("ssl:// smtp.gmail.com", "spaces", []),
    ("smtp.gmail.com :465", "spaces", []),
    ("smtp.gmail.com\u3000:465", "spaces", []),
    ("smtp.gmail.com\u00a0:465", "spaces", []),
    ("smtp.gmail.com\r\n", "control", []),
    ("smtp.gmail.com\n", "control", []),
    ("\rsmtp.gmail.com", "control", []),
    ("smtp.gmail.com\r\nRCPT TO:<x@y>", "control", []),
    ("smtp.gmail\n.com", "control", []),
    ("smtp.gmail.com\t", "control", []),
    ("smtp.gmail.com\x00", "control", []),
    ("smtp.gmail.com\x1b[31m", "control", []),
    ("smtp.gmail.com\x7f", "control", []),
    ("smtp.gmail.com\x85", "control", []),
    ("smtp.gmail.com\u200e", "control", []),  # left-to-right mark (Cf)
    ("ssl://smtp.gmail.com:465/", "path", ["/"]),
    ("smtp.gmail.com/submit", "path", ["/"]),
    ("smtp.gmail.com?x=1", "path", ["/"]),
    ("smtp.gmail.com#x", "path", ["/"]),
    ("ssl://user@smtp.gmail.com:465", "userinfo", ["@"]),
    ("user:pass@smtp.gmail.com", "userinfo", ["@"]),
    ("a" * 254, "host_too_long", ["253"]),
    (HOST_253 + ".x", "host_too_long", ["253"]),
    ("x" * 301, "too_long", ["300"]),
    ("ssl://" + "a" * 300, "too_long", ["300"]),
    ("::1", "ipv6_brackets", ["[::1]"]),
    ("2001:db8::1:25", "ipv6_brackets", ["[::1]"]),
    ("ssl://::1:465", "ipv6_brackets", ["[::1]"]),
    ("[::1", "ipv6_invalid", ["[::1"]),
    ("[::1]x", "ipv6_invalid", []),
    ("[::g]:25", "ipv6_invalid", ["::g"]),
    ("[1.2.3.4]", "ipv6_invalid", ["1.2.3.4"]),
    ("[fe80::1%eth0]:25", "ipv6_zone", ["%"]),
    ("[::1]:", "port_missing", [":"]),
    ("ssl://", "host_missing", []),
    (":25", "host_missing", []),
    ("smtp..gmail.com", "host_invalid", ["smtp..gmail.com"]),
    ("smtp_relay.example", "host_invalid", ["smtp_relay.example"]),
    ("-smtp.example", "host_invalid", ["-smtp.example"]),
    ("smtp-.example", "host_invalid", ["smtp-.example"]),
    ("a" * 64 + ".example", "host_invalid", []),
    ("999.1.1.1", "ipv4_invalid", ["999.1.1.1"]),
    ("01.2.3.4", "ipv4_invalid", ["01.2.3.4"]),
    ("a" * 70 + "ü.example", "idna", []),
]


@pytest.mark.parametrize(("text", "key", "words"), INVALID)
def test_invalid(text: str, key: str, words: list[str]) -> None:
    with pytest.raises(AddressError) as info:
        parse_server(text)
    error = info.value
    assert error.key == key
    ja, en = error.message("ja"), error.message("en")
    assert ja and en
    assert ja != en
    for word in words:
        assert word in ja, (word, ja)
        assert word in en, (word, en)
    # every placeholder was filled in
    assert "{" not in ja and "{" not in en
    assert str(error) == en


def test_scheme_suggestion_names_example() -> None:
    with pytest.raises(AddressError) as info:
        parse_server("smtps://smtp.gmail.com")
    error = info.value
    assert "ssl://smtp.gmail.com:465" in error.message("en")
    with pytest.raises(AddressError) as info:
        parse_server("starttls://x.example")
    error = info.value
    assert "tls://smtp.office365.com:587" in error.message("ja")


def test_error_message_follows_language_in_force() -> None:
    from crm_mail_gui.core import i18n

    previous = i18n.current_language()
    try:
        i18n.set_language("ja")
        assert AddressError("empty").message() == AddressError("empty").message("ja")
        i18n.set_language("en")
        assert AddressError("empty").message() == AddressError("empty").message("en")
    finally:
        i18n.set_language(previous)


# -- warnings --------------------------------------------------------------------------------

WARNINGS = [
    ("ssl://smtp.office365.com:587", "warn_ssl_587", "tls://smtp.office365.com:587"),
    ("tls://smtp.gmail.com:465", "warn_tls_465", "ssl://smtp.gmail.com:465"),
    ("smtp.gmail.com:465", "warn_plain_465", "ssl://smtp.gmail.com:465"),
    ("smtp.office365.com:587", "warn_plain_587", "tls://smtp.office365.com:587"),
    ("[::1]:587", "warn_plain_587", "tls://[::1]:587"),
]


@pytest.mark.parametrize(("text", "key", "suggestion"), WARNINGS)
def test_warnings(text: str, key: str, suggestion: str) -> None:
    address = parse_server(text)  # a warning, not an error
    warnings = address.warnings()
    assert [w.key for w in warnings] == [key]
    assert warnings[0].suggestion == suggestion
    assert warnings[0].message("ja") and warnings[0].message("en")
    assert warnings[0].message("ja") != warnings[0].message("en")
    # the suggestion is itself a clean server name
    assert parse_server(suggestion).warnings() == []


@pytest.mark.parametrize(
    "text",
    [
        "ssl://smtp.gmail.com:465",
        "tls://smtp.office365.com:587",
        "mail.example.jp:25",
        "mail.example.jp:2525",
        "ssl://a.example:2465",
        "tls://a.example:25",
    ],
)
def test_no_warnings(text: str) -> None:
    assert parse_server(text).warnings() == []


# -- property --------------------------------------------------------------------------------

SCHEMES = [
    "",
    "",
    "ssl://",
    "ssl://",
    "tls://",
    "tls://",
    "SSL://",
    "Tls://",
    "ｓｓｌ：／／",
    "ｔｌｓ：／／",
    "smtps://",
    "starttls://",
    "http://",
    "ssl:/",
    "ssl:",
    "://",
    "\u3000",
]
HOSTS = [
    "smtp.gmail.com",
    "smtp.office365.com",
    "ｓｍｔｐ．ｇｍａｉｌ．ｃｏｍ",
    "メール.例え.jp",
    "bücher.example",
    "xn--bcher-kva.example",
    "xn--zz",
    "localhost",
    "127.0.0.1",
    "999.1.1.1",
    "[::1]",
    "[2001:db8::1]",
    "::1",
    "[::ffff:1.2.3.4]",
    "[fe80::1%1]",
    "a..b",
    "a.",
    "a..",
    "-a",
    "a-",
    "straße.de",
    "ＳＭＴＰ。ＥＸＡＭＰＬＥ。ＪＰ",
    "",
    "[",
    "]",
    "1.2.3",
    "a" * 63,
    "a" * 64,
    "İstanbul.example",
]
PORTS = [
    "",
    ":25",
    ":465",
    ":587",
    ":０",
    ":４６５",
    ":65535",
    ":65536",
    ":0",
    ":",
    ":abc",
    ":00025",
    ":-1",
    "::25",
    ":２５",
]
# Mostly harmless surroundings, sometimes a character that breaks the name.
EDGES = [
    "",
    "",
    "",
    "",
    "",
    "",
    " ",
    "\u3000",
    "\u200b",
    "\r\n",
    "\t",
    "\x00",
    "/",
    "@",
    "[",
    "]",
    ":",
    ".",
    "%",
    "ａ",
    "０",
    "-",
    "_",
    "user@",
    "/path",
    "?q",
    "#f",
    "\u2028",
]
LABELS = [
    "smtp",
    "mail",
    "example",
    "jp",
    "co",
    "gmail",
    "com",
    "ｓｍｔｐ",
    "ＭＡＩＬ",
    "例え",
    "メール",
    "bücher",
    "xn--bcher-kva",
    "xn--zz",
    "a-b",
    "-a",
    "a-",
    "0",
    "255",
    "256",
    "1",
    "a" * 63,
    "a" * 64,
    "ü",
    "İ",
    "ß",
    "",
    "UPPER",
    "x_y",
    "١",
]
edge = st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(EDGES))
generated_host = st.lists(st.sampled_from(LABELS), min_size=1, max_size=5).map(".".join)
server_like = st.builds(
    lambda pre, scheme, host, port, post: pre + scheme + host + port + post,
    edge,
    st.sampled_from(SCHEMES),
    st.one_of(st.sampled_from(HOSTS), generated_host),
    st.one_of(st.sampled_from(PORTS), st.integers(-5, 70000).map(lambda n: f":{n}")),
    edge,
)


def check_round_trip(text: str) -> None:
    try:
        address = parse_server(text)
    except AddressError as error:
        for lang in ("ja", "en"):
            message = error.message(lang)
            assert message
            # placeholders are all filled in (user text may contain braces of its own)
            assert all(hole in text for hole in re.findall(r"\{[a-z_]+\}", message)), message
        return
    assert isinstance(address, ServerAddress)
    assert 1 <= address.port <= 65535
    canonical = address.canonical()
    assert canonical.isascii()
    again = parse_server(canonical)
    assert again == address
    assert again.canonical() == canonical
    for warning in address.warnings():
        assert parse_server(warning.suggestion).warnings() == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_property_any_text(text: str) -> None:
    check_round_trip(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(server_like)
def test_property_server_like(text: str) -> None:
    check_round_trip(text)
