"""The command line's argument parser: global options, the commands and their options."""

from __future__ import annotations

import argparse
from pathlib import Path

from crm_mail_gui import __version__, cli_detect
from crm_mail_gui.core import fields, i18n
from crm_mail_gui.core.fields import SettingsField


def _add_field_options(parser: argparse.ArgumentParser, options: tuple[SettingsField, ...]) -> None:
    """One option per settings field (from core.fields); auth is the --auth/--no-auth pair."""
    for option in options:
        if option.key == "auth":
            auth = parser.add_mutually_exclusive_group()
            auth.add_argument("--auth", dest="auth", action="store_true", default=None)
            auth.add_argument("--no-auth", dest="auth", action="store_false")
        else:
            parser.add_argument(option.option, dest=option.dest, metavar=option.metavar)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with the global options on every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config-dir", metavar="DIR", default=argparse.SUPPRESS)
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="crm-mail-gui",
        parents=[common],
        description="Set up and test the CRM's outgoing mail server (SMTP). "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"crm-mail-gui {__version__}")
    parser.add_argument(
        "--self-check", action="store_true", help="check that this installation is usable"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    show = commands.add_parser("show", parents=[common], help="show the stored settings")
    show.add_argument("--json", action="store_true")

    setp = commands.add_parser("set", parents=[common], help="test, then store settings")
    _add_field_options(setp, fields.SET_OPTIONS)
    setp.add_argument("--password-stdin", action="store_true")
    setp.add_argument("--no-test", action="store_true")
    setp.add_argument("--allow-unencrypted-password", action="store_true")
    setp.add_argument("-v", "--verbose", action="store_true")
    setp.add_argument("--detect", metavar="ADDRESS", help="start from the best detected server")

    test = commands.add_parser("test", parents=[common], help="send a test mail")
    test.add_argument("--to", metavar="ADDR")
    test.add_argument("--check", action="store_true", help="check up to RCPT; send no mail")
    test.add_argument("-v", "--verbose", action="store_true", help="print the transcript")

    signin = commands.add_parser(
        "signin", parents=[common], help="sign in with OAuth2 (XOAUTH2), test, then store"
    )
    signin.add_argument("--provider", choices=("microsoft", "microsoft_consumer", "google"))
    signin.add_argument("--client-id", metavar="ID")
    signin.add_argument("--tenant", metavar="TENANT")
    signin.add_argument("--authority", metavar="URL", help=argparse.SUPPRESS)
    signin.add_argument("--client-secret-stdin", action="store_true")
    signin.add_argument("--device-code", action="store_true", help="sign in on another device")
    _add_field_options(signin, fields.SIGNIN_OPTIONS)
    signin.add_argument("--no-test", action="store_true")
    signin.add_argument("-v", "--verbose", action="store_true")
    commands.add_parser("signout", parents=[common], help="forget the OAuth2 tokens")

    cli_detect.add_parser(commands, common)

    presets = commands.add_parser("presets", parents=[common], help="list provider presets")
    presets.add_argument("--json", action="store_true")

    export = commands.add_parser("export", parents=[common], help="write settings to FILE")
    export.add_argument("file", type=Path)
    imp = commands.add_parser("import", parents=[common], help="read settings from FILE")
    imp.add_argument("file", type=Path)
    return parser
