"""The one table of settings fields (core.fields) drives the store, the CLI and the labels."""

from __future__ import annotations

from crm_mail_gui.cli_parser import build_parser
from crm_mail_gui.core import fields, store
from crm_mail_gui.core.settings import FIELDS, build_settings


def test_the_store_keeps_every_key_of_the_settings() -> None:
    settings = build_settings(
        {
            "server": "tls://smtp.office365.com:587",
            "user": "a@example.com",
            "from": "a@example.com",
            "oauth": {"provider": "microsoft", "client_id": "app"},
        }
    )
    assert set(settings.to_dict()) == set(fields.STORED_KEYS)
    assert store._KEYS == fields.STORED_KEYS


def test_edited_fields_are_the_settings_fields_with_labels() -> None:
    assert FIELDS == fields.FORM_FIELDS
    for key in fields.FORM_FIELDS:
        assert fields.label(key, "ja") != key and fields.label(key, "en") != key
    assert fields.label("oauth", "en") == "oauth"  # no label: the key itself


def test_every_option_of_the_table_is_on_the_command_line() -> None:
    parser = build_parser()
    set_args = parser.parse_args(["set", "--server", "s", "--from", "f", "--ca-file", "c"])
    for option in fields.SET_OPTIONS:
        assert hasattr(set_args, option.dest), option
    assert (set_args.server, set_args.from_addr, set_args.ca_file) == ("s", "f", "c")
    words = [word for o in fields.SIGNIN_OPTIONS for word in (o.option, "v")]
    signin = parser.parse_args(["signin", *words])
    assert all(getattr(signin, o.dest) == "v" for o in fields.SIGNIN_OPTIONS)


def test_summary_rows_and_texts() -> None:
    # issue 13: the summary shows everything stored, the extra CA file too
    assert fields.SUMMARY_ROWS == (
        "server",
        "user",
        "password",
        "from",
        "auth",
        "to",
        "timeout",
        "ca_file",
    )
    settings = build_settings(
        {"server": "tls://smtp.example.com:587", "from": "a@example.com", "auth": False}
    )
    assert fields.summary_texts(settings) == {
        "server": "tls://smtp.example.com:587",
        "user": "—",
        "from": "a@example.com",
        "to": settings.recipient or "—",
        "ca_file": "—",
    }
