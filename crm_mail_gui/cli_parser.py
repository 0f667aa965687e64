"""The command line's argument parser: global options, the commands and their options.

Every text of `--help` (argparse's own words included) comes from the catalogue area
"cli_help", in the language of `--lang` or else the system's (core.i18n.detect_language), so
`crm-mail-gui --help` on a Japanese PC is Japanese. A command is one `_command(...)` call plus
its options; `COMMAND_HELP_SECTIONS` says which sections follow its options.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from crm_mail_gui import __version__
from crm_mail_gui.core import display_width, fields, i18n
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.fields import SettingsField

PROG = "crm-mail-gui"
FIELD_HELP = {"from": "from", "user": "user", "server": "server", "to": "to"}
"""Field key → cli_help key of its option's help (the rest use the field key itself)."""
COMMAND_HELP_SECTIONS: dict[str, tuple[str, ...]] = {
    "": ("servers", "exit", "examples"),
    "set": ("servers", "exit", "examples_set"),
    "test": ("exit",),
    "detect": ("exit_detect",),
    "signin": ("servers", "exit"),
}
"""Which sections follow the options in each command's --help ("": the program's own)."""
EXAMPLES = {
    "examples": (
        (
            "example.preset",
            f"{PROG} set --preset gmail --user you@gmail.com --from you@gmail.com "
            "--password-stdin < app-password.txt",
        ),
        ("example.test", f"{PROG} test --to you@example.co.jp -v"),
    ),
    "examples_set": (
        (
            "example.server",
            f"{PROG} set --server tls://smtp.example.co.jp:587 --user info@example.co.jp "
            "--from noreply@example.co.jp --password-stdin < password.txt",
        ),
        (
            "example.placeholder",
            f"{PROG} set --preset xserver --server ssl://sv1234.xserver.jp:465 "
            "--user info@example.jp --from info@example.jp --password-stdin < password.txt",
        ),
    ),
}

ARGPARSE_TITLES = {"positional arguments": "positionals", "options": "options"}
"""argparse's own group titles → cli_help keys."""


def help_language(words: Sequence[str]) -> str:
    """The language of the help: `--lang ja|en` among `words`, else the system's."""
    for index, word in enumerate(words):
        value = None
        if word == "--lang" and index + 1 < len(words):
            value = words[index + 1]
        elif word.startswith("--lang="):
            value = word.split("=", 1)[1]
        if value in i18n.LANGUAGES:
            return value
    return i18n.detect_language()


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, with the help's language and wrapping by display width.

    argparse wraps by `len()`, which makes Japanese lines up to twice too wide.
    """

    lang = "en"

    def add_usage(
        self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None
    ) -> None:
        """The usage line, with "usage: " in the help's language."""
        if prefix is None:
            prefix = i18n.text("cli_help.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix)

    def _format_usage(
        self, usage: str | None, actions: Any, groups: Any, prefix: str | None
    ) -> str:
        """argparse indents the usage's next lines by len(prefix): by its display width here."""
        text = super()._format_usage(usage, actions, groups, prefix)
        extra = display_width.width(prefix or "") - len(prefix or "")
        if extra <= 0:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(" " * extra + line if line.strip() else line for line in rest)])

    def _split_lines(self, text: str, width: int) -> list[str]:
        return display_width.wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """Paragraphs wrapped by display width; lines that start with a space are kept as they are."""
        out: list[str] = []
        for line in text.splitlines():
            if line.startswith(" ") or not line.strip():
                out.append(indent + line if line.strip() else "")
            else:
                out.extend(indent + part for part in display_width.wrap(line, width))
        return "\n".join(out)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors and group titles are in the help's language."""

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        self.lang = lang  # before argparse's __init__, which makes the groups
        formatter = type("LocalisedHelpFormatter", (HelpFormatter,), {"lang": lang})
        kwargs.setdefault("formatter_class", formatter)
        super().__init__(*args, **kwargs)
        for action in self._actions:  # argparse's own -h, --help: its text in the language
            if "--help" in action.option_strings:
                action.help = self._text("help")

    def add_argument_group(  # type: ignore[override]
        self, title: str | None = None, *args: Any, **kwargs: Any
    ) -> argparse._ArgumentGroup:
        """A group; argparse's "options" and "positional arguments" get the help's language.

        Also for the groups of `parents`, which argparse matches by title.
        """
        if title in ARGPARSE_TITLES:
            title = self._text(ARGPARSE_TITLES[title])
        return super().add_argument_group(title, *args, **kwargs)

    def _text(self, key: str, **params: object) -> str:
        return i18n.text(f"cli_help.{key}", self.lang, **params)

    def error(self, message: str) -> NoReturn:
        """Print the usage and the mistake (argparse's detail is English), then exit 2."""
        self.print_usage(sys.stderr)
        self.exit(ExitCode.INVALID, self._text("error", prog=self.prog, message=message) + "\n")


def _text_width() -> int:
    """The width argparse wraps the help to: the terminal's, less 2 (at least 40)."""
    return max(shutil.get_terminal_size().columns - 2, 40)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    """Two indented columns; the right one wrapped by display width under itself."""
    column = max(display_width.width(left) for left, _ in rows) + 2
    lines: list[str] = []
    for left, right in rows:
        parts = display_width.wrap(right, max(_text_width() - 2 - column, 20)) or [""]
        lines.append(f"  {display_width.pad(left, column)}{parts[0]}")
        lines.extend(f"  {' ' * column}{part}" for part in parts[1:])
    return lines


def _epilog(sections: tuple[str, ...], lang: str) -> str:
    """The sections after the options: server-name format, exit codes, examples."""

    def text(key: str) -> str:
        return i18n.text(f"cli_help.{key}", lang)

    blocks: list[str] = []
    for section in sections:
        if section == "servers":
            host_port = text("host_port")
            rows = [
                (f"ssl://{host_port}", text("server.ssl")),
                (f"tls://{host_port}", text("server.tls")),
                (host_port, text("server.plain")),
            ]
            notes = display_width.wrap(text("server.notes"), _text_width() - 2)
            blocks.append(
                "\n".join([text("servers_title"), *_table(rows), *(f"  {n}" for n in notes)])
            )
        elif section == "exit":
            rows = [(f"{int(code):>3}", text(f"exit.{int(code)}")) for code in ExitCode]
            blocks.append("\n".join([text("exit_title"), *_table(rows)]))
        elif section == "exit_detect":
            rows = [(f"{code:>3}", text(f"exit_detect.{code}")) for code in (0, 2, 3)]
            blocks.append("\n".join([text("exit_title"), *_table(rows)]))
        else:
            lines = [text("examples_title")]
            for key, command in EXAMPLES[section]:
                lines += [f"  {text(key)}", f"    {command}"]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _add_field_options(
    parser: argparse.ArgumentParser, options: tuple[SettingsField, ...], lang: str
) -> None:
    """One option per settings field (from core.fields); auth is the --auth/--no-auth pair."""

    def text(key: str) -> str:
        return i18n.text(f"cli_help.{key}", lang)

    for option in options:
        if option.key == "auth":
            auth = parser.add_mutually_exclusive_group()
            auth.add_argument(
                "--auth", dest="auth", action="store_true", default=None, help=text("auth")
            )
            auth.add_argument("--no-auth", dest="auth", action="store_false", help=text("no_auth"))
        else:
            parser.add_argument(
                option.option,
                dest=option.dest,
                metavar=option.metavar,
                help=text(FIELD_HELP.get(option.key, option.key)),
            )


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with the global options on every command, its help in `lang`."""
    lang = lang or i18n.current_language()

    def text(key: str) -> str:
        return i18n.text(f"cli_help.{key}", lang)

    common = Parser(
        lang=lang, add_help=False
    )  # its group titles match the commands' (see add_argument_group)
    common.add_argument(
        "--config-dir", metavar="DIR", default=argparse.SUPPRESS, help=text("config_dir")
    )
    common.add_argument(
        "--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS, help=text("lang")
    )
    parser = Parser(
        prog=PROG,
        parents=[common],
        description=text("description"),
        epilog=_epilog(COMMAND_HELP_SECTIONS[""], lang),
        lang=lang,
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__}", help=text("version")
    )
    parser.add_argument("--self-check", action="store_true", help=text("self_check"))
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title=text("commands_title")
    )

    def command(name: str) -> argparse.ArgumentParser:
        sections = COMMAND_HELP_SECTIONS.get(name, ())
        sub = commands.add_parser(
            name,
            parents=[common],
            help=text(f"cmd.{name}"),
            description=text(f"cmd.{name}"),
            epilog=_epilog(sections, lang) if sections else None,
            lang=lang,
        )
        return sub

    show = command("show")
    show.add_argument("--json", action="store_true", help=text("json"))

    setp = command("set")
    setp.add_argument("--preset", metavar="ID", help=text("preset"))
    _add_field_options(setp, fields.SET_OPTIONS, lang)
    setp.add_argument("--password-stdin", action="store_true", help=text("password_stdin"))
    setp.add_argument("--no-test", action="store_true", help=text("no_test"))
    setp.add_argument(
        "--allow-unencrypted-password", action="store_true", help=text("allow_unencrypted")
    )
    setp.add_argument("-v", "--verbose", action="store_true", help=text("verbose"))
    setp.add_argument("--detect", metavar="ADDRESS", help=text("set_detect"))
    setp.add_argument("--no-ispdb", action="store_true", help=text("no_ispdb"))

    test = command("test")
    test.add_argument("--to", metavar="ADDR", help=text("test_to"))
    test.add_argument("--check", action="store_true", help=text("check"))
    test.add_argument("-v", "--verbose", action="store_true", help=text("verbose"))

    signin = command("signin")
    signin.add_argument(
        "--provider", choices=("microsoft", "microsoft_consumer", "google"), help=text("provider")
    )
    signin.add_argument("--client-id", metavar="ID", help=text("client_id"))
    signin.add_argument("--tenant", metavar="TENANT", help=text("tenant"))
    signin.add_argument("--authority", metavar="URL", help=argparse.SUPPRESS)
    signin.add_argument(
        "--client-secret-stdin", action="store_true", help=text("client_secret_stdin")
    )
    signin.add_argument("--device-code", action="store_true", help=text("device_code"))
    _add_field_options(signin, fields.SIGNIN_OPTIONS, lang)
    signin.add_argument("--no-test", action="store_true", help=text("no_test"))
    signin.add_argument("-v", "--verbose", action="store_true", help=text("verbose"))
    command("signout")

    detect = command("detect")
    detect.add_argument("address", metavar="ADDRESS", help=text("detect_address"))
    detect.add_argument("--json", action="store_true", help=text("json"))
    detect.add_argument("--no-ispdb", action="store_true", help=text("no_ispdb"))
    detect.add_argument("--allow-http", action="store_true", help=text("allow_http"))
    detect.add_argument("--ca-file", metavar="FILE", help=text("detect_ca_file"))
    detect.add_argument(
        "--deadline", metavar="SECONDS", type=float, default=10.0, help=text("deadline")
    )

    presets = command("presets")
    presets.add_argument("--json", action="store_true", help=text("json"))

    export = command("export")
    export.add_argument("file", type=Path, metavar="FILE", help=text("export_file"))
    imp = command("import")
    imp.add_argument("file", type=Path, metavar="FILE", help=text("import_file"))
    return parser
