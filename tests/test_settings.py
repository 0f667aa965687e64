"""Settings validation (core.settings): one message per field, IDNA domains, recipient fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fakes.smtp_servers import TestCerts

from crm_mail_gui.core.address import Security, ServerAddress
from crm_mail_gui.core.settings import (
    DEFAULT_TIMEOUT,
    FIELDS,
    AddressFieldError,
    FieldError,
    MailSettings,
    SettingsInvalid,
    build_settings,
    check_address,
    check_ca_file,
    check_server,
    check_timeout,
    check_user,
)

GOOD = {
    "server": "ssl://smtp.gmail.com:465",
    "user": "taro@example.co.jp",
    "from": "noreply@example.co.jp",
    "auth": True,
}


def errors_of(values: dict[str, object], **kwargs: object) -> dict[str, FieldError]:
    with pytest.raises(SettingsInvalid) as info:
        build_settings(values, **kwargs)  # type: ignore[arg-type]
    return info.value.errors


def assert_localised(error: FieldError) -> None:
    ja, en = error.message("ja"), error.message("en")
    assert ja and en and ja != en
    assert "{" not in ja + en


# -- addresses -------------------------------------------------------------------------------

VALID_ADDRESSES = [
    ("noreply@example.co.jp", "noreply@example.co.jp"),
    ("  noreply@example.co.jp  ", "noreply@example.co.jp"),
    ("\u3000noreply@example.co.jp\u3000", "noreply@example.co.jp"),
    ("Taro.Yamada+crm@Example.CO.JP", "Taro.Yamada+crm@example.co.jp"),
    ("noreply@example.co.jp.", "noreply@example.co.jp"),
    ("ｎｏｒｅｐｌｙ＠ｅｘａｍｐｌｅ．ｊｐ", "noreply@example.jp"),
    ("info@bücher.example", "info@xn--bcher-kva.example"),
    ("info@例え.jp", "info@xn--r8jz45g.jp"),
    ("o'brien@example.com", "o'brien@example.com"),
    ("a@localhost", "a@localhost"),
]


@pytest.mark.parametrize(("value", "expected"), VALID_ADDRESSES)
def test_valid_address(value: str, expected: str) -> None:
    assert check_address(value) == expected


INVALID_ADDRESSES = [
    ("noreply@example.jp\r\nBcc: victim@example.com", "control"),
    ("noreply@example.jp\n", "control"),
    ("\rnoreply@example.jp", "control"),
    ("noreply@exa\x00mple.jp", "control"),
    ("noreply\u2028@example.jp", "address_spaces"),
    ("Evil <a@b.example>", "address_display_name"),
    ("<a@b.example>", "address_display_name"),
    ("a@b.example>", "address_display_name"),
    ('"Evil" a@b.example', "address_display_name"),
    ("a@b.example, c@d.example", "address_display_name"),
    ("a@b.example,c@d.example", "address_display_name"),
    ("a@b.example;c@d.example", "address_display_name"),
    ("a@[192.0.2.1]", "address_display_name"),
    ("a(comment)@b.example", "address_display_name"),
    ("no reply@example.jp", "address_spaces"),
    ("noreply@example.jp x", "address_spaces"),
    ("noreply\u3000@example.jp", "address_spaces"),
    ("noreply", "address_no_at"),
    ("noreply.example.jp", "address_no_at"),
    ("@example.jp", "address_no_at"),
    ("noreply@", "address_no_at"),
    ("山田@example.jp", "address_local_non_ascii"),
    ("taró@example.jp", "address_local_non_ascii"),
    ("a..b@example.jp", "address_local"),
    (".a@example.jp", "address_local"),
    ("a.@example.jp", "address_local"),
    ("a@b@example.jp", "address_local"),
    ("x" * 65 + "@example.jp", "address_local"),
    ("a@example..jp", "address_domain"),
    ("a@-example.jp", "address_domain"),
    ("a@example-.jp", "address_domain"),
    ("a@exa_mple.jp", "address_domain"),
    ("a@.", "address_domain"),
    ("a@" + "x" * 64 + ".jp", "address_domain"),
    ("a@" + "b" * 250 + ".jp", "too_long"),
]


@pytest.mark.parametrize(("value", "key"), INVALID_ADDRESSES)
@pytest.mark.parametrize("field", ["from", "to"])
def test_invalid_address(value: str, key: str, field: str) -> None:
    with pytest.raises(FieldError) as info:
        check_address(value, field)
    assert info.value.field == field
    assert info.value.key == key
    assert_localised(info.value)
    assert str(info.value).startswith(f"{field}: ")


def test_address_required_unless_optional() -> None:
    with pytest.raises(FieldError) as info:
        check_address("   ", "from")
    assert info.value.key == "required"
    assert check_address("", "to", required=False) == ""
    assert check_address(" \u3000", "to", required=False) == ""


# -- build_settings: one error per field -----------------------------------------------------


def test_build_settings_good() -> None:
    settings = build_settings(GOOD)
    assert settings.server == ServerAddress(Security.SSL, "smtp.gmail.com", 465)
    assert settings.user == "taro@example.co.jp"
    assert settings.from_addr == "noreply@example.co.jp"
    assert settings.auth is True
    assert settings.to == ""
    assert settings.timeout == DEFAULT_TIMEOUT == 20.0
    assert settings.ca_file is None
    assert settings.allow_unencrypted_auth is False


def test_build_settings_normalises_fields() -> None:
    settings = build_settings(
        {
            "server": "ｔｌｓ：／／ｓｍｔｐ．ｏｆｆｉｃｅ３６５．ｃｏｍ",
            "user": "  taro@example.co.jp ",
            "from": "info@例え.jp",
            "to": " Admin@Bücher.example ",
            "timeout": "45",
        }
    )
    assert settings.server.canonical() == "tls://smtp.office365.com:587"
    assert settings.user == "taro@example.co.jp"
    assert settings.from_addr == "info@xn--r8jz45g.jp"
    assert settings.to == "Admin@xn--bcher-kva.example"
    assert settings.timeout == 45.0


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("server", "", "empty"),
        ("server", "smtps://smtp.gmail.com", "unknown_scheme"),
        ("server", "smtp.gmail.com:70000", "port_range"),
        ("server", "smtp.gmail.com\r\nQUIT", "control"),
        ("user", "taro\r\n@example.co.jp", "control"),
        ("user", "u" * 257, "too_long"),
        ("user", "", "user_required"),
        ("user", " \u3000 ", "user_required"),
        ("from", "", "required"),
        ("from", "Evil <a@b.example>", "address_display_name"),
        ("from", "a@b.example\r\nBcc: c@d.example", "control"),
        ("from", "a@b.example>", "address_display_name"),
        ("to", "x@y.example, z@w.example", "address_display_name"),
        ("to", "x@y.example\nBcc: z@w.example", "control"),
        ("to", "nobody", "address_no_at"),
        ("timeout", "abc", "timeout_number"),
        ("timeout", "0.5", "timeout_range"),
        ("timeout", 301, "timeout_range"),
        ("timeout", "-5", "timeout_range"),
        ("ca_file", "/nonexistent/ca.pem", "ca_missing"),
    ],
)
def test_one_error_per_field(field: str, value: object, key: str) -> None:
    errors = errors_of({**GOOD, field: value})
    assert list(errors) == [field]
    assert errors[field].field == field
    assert errors[field].key == key
    assert_localised(errors[field])


def test_server_error_keeps_address_message() -> None:
    errors = errors_of({**GOOD, "server": "starttls://smtp.office365.com"})
    error = errors["server"]
    assert isinstance(error, AddressFieldError)
    assert "tls://" in error.message("en") and "starttls://" in error.message("en")
    assert "tls://" in error.message("ja")
    assert error.message("ja") == error.address_error.message("ja")


def test_all_errors_reported_at_once() -> None:
    errors = errors_of({"server": "", "user": "", "from": "x", "to": "y", "timeout": "z"})
    assert set(errors) == {"server", "user", "from", "to", "timeout"}
    assert errors["server"].key == "empty"
    assert errors["user"].key == "user_required"
    assert errors["from"].key == "address_no_at"
    assert errors["to"].key == "address_no_at"
    assert errors["timeout"].key == "timeout_number"


def test_settings_invalid_message_names_fields() -> None:
    with pytest.raises(SettingsInvalid) as info:
        build_settings({**GOOD, "from": "", "timeout": "abc"})
    text = str(info.value)
    assert "from: This field is required." in text
    assert "timeout: Enter the timeout in seconds." in text


def test_user_required_only_with_auth() -> None:
    settings = build_settings({**GOOD, "user": "", "auth": False})
    assert settings.auth is False
    assert settings.user == ""
    assert check_user("", auth=False) == ""
    with pytest.raises(FieldError) as info:
        check_user("", auth=True)
    assert info.value.key == "user_required"
    # a user name that is not a mail address is fine (some servers use plain account names)
    assert check_user("crm-relay", auth=True) == "crm-relay"


def test_auth_defaults_to_true() -> None:
    values = {k: v for k, v in GOOD.items() if k != "auth"}
    assert build_settings(values).auth is True
    assert "user" in errors_of({**values, "user": ""})


# -- timeout ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20, 20.0),
        ("20", 20.0),
        (" 5 ", 5.0),
        ("1", 1.0),
        (300, 300.0),
        (2.5, 2.5),
        ("1e1", 10.0),
        ("３０", 30.0),
    ],
)
def test_timeout_valid(value: object, expected: float) -> None:
    assert check_timeout(value) == expected


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("abc", "timeout_number"),
        ("", "timeout_number"),
        (None, "timeout_number"),
        (True, "timeout_number"),
        ("20s", "timeout_number"),
        (0, "timeout_range"),
        (0.99, "timeout_range"),
        (300.5, "timeout_range"),
        ("nan", "timeout_range"),
        ("inf", "timeout_range"),
        ("-1", "timeout_range"),
    ],
)
def test_timeout_invalid(value: object, key: str) -> None:
    with pytest.raises(FieldError) as info:
        check_timeout(value)
    assert info.value.field == "timeout"
    assert info.value.key == key
    assert_localised(info.value)


def test_timeout_range_message_names_limits() -> None:
    with pytest.raises(FieldError) as info:
        check_timeout(0)
    error = info.value
    assert "1" in error.message("en") and "300" in error.message("en")
    assert "1〜300" in error.message("ja")


@pytest.mark.parametrize("blank", [None, ""])
def test_timeout_blank_means_default(blank: object) -> None:
    assert build_settings({**GOOD, "timeout": blank}).timeout == DEFAULT_TIMEOUT


def test_timeout_zero_is_an_error_not_the_default() -> None:
    # 0 seconds typed on the command line or stored in a file is out of range, not "use 20 s"
    errors = errors_of({**GOOD, "timeout": 0})
    assert errors["timeout"].key == "timeout_range"


# -- CA file ---------------------------------------------------------------------------------


def test_ca_file_must_exist(tmp_path: Path, certs: TestCerts) -> None:
    ca = tmp_path / "ca.pem"
    missing = tmp_path / "missing.pem"
    with pytest.raises(FieldError) as info:
        check_ca_file(str(missing))
    assert info.value.key == "ca_missing"
    assert str(missing) in info.value.message("en")
    assert str(missing) in info.value.message("ja")
    with pytest.raises(FieldError) as info:
        check_ca_file(str(tmp_path))  # a folder is not a file
    assert info.value.key == "ca_not_file"
    shutil.copy(certs.ca_file, ca)
    assert check_ca_file(str(ca)) == str(ca)
    assert check_ca_file(f"  {ca}  ") == str(ca)
    assert check_ca_file(None) is None
    assert check_ca_file("  ") is None
    assert build_settings({**GOOD, "ca_file": str(ca)}).ca_file == str(ca)


def test_ca_file_control_characters(tmp_path: Path) -> None:
    with pytest.raises(FieldError) as info:
        check_ca_file(f"{tmp_path}/ca.pem\n")
    assert info.value.key == "control"


# -- server placeholder ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ssl://svNNNN.example.jp:465", "ssl://SVNNNN.example.jp", "svnnnn.xserver.jp"]
)
def test_placeholder_refused(value: str) -> None:
    with pytest.raises(FieldError) as info:
        check_server(value, placeholder="svNNNN")
    assert info.value.field == "server"
    assert info.value.key == "placeholder"
    assert "svNNNN" in info.value.message("ja")
    assert "svNNNN" in info.value.message("en")


def test_placeholder_replaced_is_fine() -> None:
    address = check_server("ssl://sv1234.example.jp", placeholder="svNNNN")
    assert address.host == "sv1234.example.jp"
    assert check_server("ssl://svNNNN.example.jp").host == "svnnnn.example.jp"  # no preset
    errors = errors_of({**GOOD, "server": "ssl://svNNNN.xserver.jp"}, placeholder="svNNNN")
    assert errors["server"].key == "placeholder"


# -- value object ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "from_addr", "user", "expected"),
    [
        ("admin@example.jp", "noreply@example.jp", "taro@example.jp", "admin@example.jp"),
        ("", "noreply@example.jp", "taro@example.jp", "noreply@example.jp"),
        ("", "", "taro@example.jp", "taro@example.jp"),
        ("", "", "taro", ""),
        ("", "", "", ""),
    ],
)
def test_recipient_fallback(to: str, from_addr: str, user: str, expected: str) -> None:
    settings = MailSettings(
        ServerAddress(Security.SSL, "smtp.example.jp", 465), user=user, from_addr=from_addr, to=to
    )
    assert settings.recipient == expected


def test_recipient_fallback_via_build_settings() -> None:
    assert build_settings(GOOD).recipient == "noreply@example.co.jp"
    assert build_settings({**GOOD, "to": "admin@example.co.jp"}).recipient == "admin@example.co.jp"


def test_to_dict_keys_and_values() -> None:
    settings = build_settings({**GOOD, "to": "admin@example.co.jp", "timeout": 30})
    data = settings.to_dict()
    assert set(data) == {*FIELDS, "allow_unencrypted_auth"}
    assert data == {
        "server": "ssl://smtp.gmail.com:465",
        "user": "taro@example.co.jp",
        "from": "noreply@example.co.jp",
        "auth": True,
        "to": "admin@example.co.jp",
        "timeout": 30.0,
        "ca_file": None,
        "allow_unencrypted_auth": False,
    }
    assert "password" not in data
    assert "from_addr" not in data and "extra" not in data


def test_to_dict_round_trips_through_build_settings() -> None:
    settings = build_settings({**GOOD, "server": "[::1]:2525", "auth": False, "timeout": 7})
    assert build_settings(settings.to_dict()) == settings


def test_with_changes_and_frozen() -> None:
    settings = build_settings(GOOD)
    changed = settings.with_changes(timeout=5.0, to="x@example.jp")
    assert changed.timeout == 5.0 and changed.to == "x@example.jp"
    assert settings.timeout == DEFAULT_TIMEOUT
    with pytest.raises(AttributeError):
        settings.user = "other"  # type: ignore[misc]
