"""Reading Thunderbird's config-v1.1.xml (issue 14): the values, the placeholders, and hostile
bodies (XML bombs, external entities, absurd values) refused or skipped with a printable reason."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fakes.autoconfig_files import (
    BILLION_LAUGHS,
    EXTERNAL_DTD,
    EXTERNAL_ENTITY,
    INTERNAL_ENTITY,
    QUADRATIC_BLOWUP,
    config,
    server,
)

from crm_mail_gui.core import i18n
from crm_mail_gui.core.discovery.autoconfig import (
    MAX_CONFIG_BYTES,
    MAX_SERVERS,
    ConfigError,
    parse_config,
    read_config,
)
from crm_mail_gui.core.discovery.model import Security, Source
from crm_mail_gui.core.printable import is_safe

ADDRESS = "taro.yamada@example.jp"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)


def parse(body: bytes, address: str = ADDRESS) -> list:
    return parse_config(body, address, source=Source.AUTOCONFIG, origin="autoconfig.example.jp")


def skipped(body: bytes) -> list[str]:
    read = read_config(body, ADDRESS, source=Source.AUTOCONFIG, origin="autoconfig.example.jp")
    assert not read.candidates
    return [skip.message() for skip in read.skipped]


def test_values_are_read_as_thunderbird_reads_them() -> None:
    body = config(
        server("SMTP.Example.JP", "465", "SSL", ["password-cleartext", "OAuth2"]),
        server("smtp.example.jp", "587", "STARTTLS", "password-encrypted", "%EMAILLOCALPART%"),
        server("mail.example.jp", "25", "plain", "none", None),
        server("imap.example.jp", "993", kind="imap"),  # not an outgoing SMTP server
    )
    found = parse(body)
    assert [(c.host, c.port, c.security) for c in found] == [
        ("smtp.example.jp", 465, Security.SSL),
        ("smtp.example.jp", 587, Security.STARTTLS),
        ("mail.example.jp", 25, Security.PLAIN),
    ]
    assert [c.auth for c in found] == [
        ("password-cleartext", "OAuth2"),
        ("password-encrypted",),
        ("none",),
    ]
    assert [c.username for c in found] == [ADDRESS, "taro.yamada", None]
    assert {(c.source, c.origin, c.foreign) for c in found} == {
        (Source.AUTOCONFIG, "autoconfig.example.jp", False)
    }


def test_placeholders_are_filled_in_host_names_and_user_names() -> None:
    body = config(
        server("smtp.%EMAILDOMAIN%", username="%EMAILLOCALPART%.%EMAILDOMAIN%"),
        server("%EMAILDOMAIN%", port="587", socket="STARTTLS", username="%EMAILADDRESS%"),
    )
    found = parse(body, "hanako@example.co.jp")
    assert [(c.host, c.username) for c in found] == [
        ("smtp.example.co.jp", "hanako.example.co.jp"),
        ("example.co.jp", "hanako@example.co.jp"),
    ]


def test_an_unknown_placeholder_leaves_the_user_name_to_the_user() -> None:
    assert parse(config(server(username="%REALNAME%")))[0].username is None


def test_deprecated_and_unknown_authentication_values() -> None:
    body = config(server(auth=["kerberos-magic", "plain", "secure", "password-cleartext"]))
    assert parse(body)[0].auth == ("password-cleartext", "password-encrypted")


def test_the_first_known_socket_type_is_taken() -> None:
    body = config(server(socket=["TLS1.3-only", "STARTTLS", "SSL"], port="587"))
    assert parse(body)[0].security is Security.STARTTLS


def test_the_same_server_twice_is_one_candidate() -> None:
    body = config(server(), server(auth="OAuth2"))
    assert [c.auth for c in parse(body)] == [("password-cleartext",)]


def test_a_trailing_dot_and_spaces_around_values_are_accepted() -> None:
    body = config(server(" smtp.example.jp. ", " 465 ", " SSL "))
    assert parse(body)[0].server == "ssl://smtp.example.jp:465"


def test_an_idn_host_name_becomes_its_ascii_form() -> None:
    assert parse(config(server("smtp.例え.jp")))[0].host == "smtp.xn--r8jz45g.jp"


# --------------------------------------------------------------------------- hostile entries


ABSURD = {
    "port_0": (server(port="0"), "port 0 is not a number from 1 to 65535"),
    "port_65536": (server(port="65536"), "port 65536"),
    "port_negative": (server(port="-25"), "port -25"),
    "port_huge": (server(port="9" * 5000), "port 99999999999999999999…"),
    "port_full_width": (server(port="４６５"), "port ４６５"),
    "no_port": (server(port=""), "port  is not"),
    "hostname_100kb": (server("a" * 100_000), "host name aaaa"),
    "hostname_c1_csi": (server("smtp.exa\x9b2Jmple.jp"), "smtp.exa\\x9b2Jmple.jp"),
    "hostname_tab": (server("smtp&#9;.example.jp"), "smtp\\t.example.jp"),
    "hostname_del": (server("smtp\x7f.example.jp"), "smtp\\x7f.example.jp"),
    "hostname_bidi": (server("smtp.\u202eexample.jp"), "\\u202e"),
    "hostname_url": (server("https://evil.example.net/"), "host name"),
    "hostname_space": (server("smtp example.jp"), "host name"),
    "hostname_empty": (server(""), "host name"),
    "socket_unknown": (server(socket="TLS"), "unusable socketType TLS"),
    "socket_control": (server(socket="S\x85SL"), "S\\x85SL"),
    "auth_unknown": (server(auth="magic"), "no known authentication (magic)"),
    "auth_missing": (server(auth=[]), "no known authentication"),
    "username_crlf": (server(username="taro&#13;&#10;RCPT TO:&lt;x&gt;"), "taro\\r\\nRCPT"),
    "username_huge": (server(username="u" * 5000), "unusable user name uuu"),
}


@pytest.mark.parametrize("entry, reason", ABSURD.values(), ids=ABSURD.keys())
def test_an_absurd_entry_is_skipped_with_a_printable_reason(entry: str, reason: str) -> None:
    reasons = skipped(config(entry))
    assert len(reasons) == 1 and reason in reasons[0], reasons
    assert all(is_safe(char) for char in reasons[0])
    assert len(reasons[0]) < 400  # a 100 kB value is not repeated in full


def test_one_bad_entry_does_not_spoil_the_good_ones() -> None:
    read = read_config(
        config(server(port="0"), server(port="587", socket="STARTTLS")),
        ADDRESS,
        source=Source.ISPDB,
        origin="autoconfig.thunderbird.net",
    )
    assert [c.server for c in read.candidates] == ["tls://smtp.example.jp:587"]
    assert [skip.key for skip in read.skipped] == ["port"]


def test_many_servers_are_read_up_to_the_limit_quickly() -> None:
    entries = [server(f"s{index}.example.jp") for index in range(1000)]
    body = config(*entries)
    assert len(body) < MAX_CONFIG_BYTES
    start = time.monotonic()
    read = read_config(body, ADDRESS, source=Source.AUTOCONFIG, origin="example.jp")
    assert time.monotonic() - start < 1.0
    assert len(read.candidates) == MAX_SERVERS
    assert [skip.key for skip in read.skipped] == ["too_many"]


def test_a_million_servers_are_refused_without_being_parsed() -> None:
    one = config(server())
    head, tail = one.split(b"<outgoingServer", 1)[0], b"</emailProvider></clientConfig>"
    body = head + server().encode() * 1_000_000 + tail  # ~180 MB
    start = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        parse(body)
    assert time.monotonic() - start < 0.5
    assert caught.value.key == "too_big"


# --------------------------------------------------------------------------- hostile documents


HOSTILE_DOCUMENTS = {
    "billion_laughs": (BILLION_LAUGHS, "xml_forbidden"),
    "external_entity": (EXTERNAL_ENTITY, "xml_forbidden"),
    "external_dtd": (EXTERNAL_DTD, "xml_forbidden"),
    "internal_entity": (INTERNAL_ENTITY, "xml_forbidden"),
    "quadratic_blowup": (QUADRATIC_BLOWUP, "xml_forbidden"),
    "not_xml": (b"<html><body>Welcome to nginx!", "xml_malformed"),
    "truncated_xml": (config(server())[:-20], "xml_malformed"),
    "binary": (bytes(range(256)) * 4, "xml_malformed"),
    "empty": (b"", "xml_malformed"),
    "wrong_root": (b"<html><emailProvider/></html>", "not_config"),
    "no_provider": (b"<clientConfig/>", "not_config"),
    "too_big": (b" " * (MAX_CONFIG_BYTES + 1), "too_big"),
}


@pytest.mark.parametrize("body, key", HOSTILE_DOCUMENTS.values(), ids=HOSTILE_DOCUMENTS.keys())
def test_a_hostile_document_is_refused_quickly_with_a_printable_reason(
    body: bytes, key: str
) -> None:
    start = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        parse(body)
    assert time.monotonic() - start < 0.5
    assert caught.value.key == key
    for lang in i18n.LANGUAGES:
        text = caught.value.message(lang)
        assert text and all(is_safe(char) for char in text)
        assert "passwd" not in text and "root:" not in text
