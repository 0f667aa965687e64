"""Command line: open the window, or show/set/test/presets/export/import without one."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials, fields, i18n, save
from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.fields import SettingsField
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.save import Plan, Problem
from crm_mail_gui.core.settings import FieldError, MailSettings
from crm_mail_gui.core.store import ConfigError, Store, ca_file_notice
from crm_mail_gui.logsetup import log, setup_logging
from crm_mail_gui.stdin_secret import MAX_STDIN_SECRET, SecretInputInvalid, read_secret

if TYPE_CHECKING:  # the delivery engine and its errors load only when a command needs them
    from crm_mail_gui.core.errors import DeliveryError, Step
    from crm_mail_gui.core.presets import Preset


def _say(key: str, stream=None, **params: object) -> None:
    """Print the catalogue text `key` ("cli.<name>" unless it names its area) in the language."""
    full = key if "." in key else f"cli.{key}"
    print(i18n.text(full, **params), file=stream or sys.stdout)


def _err(key: str, **params: object) -> None:
    _say(key, sys.stderr, **params)


def parse_arguments(words: list[str]) -> argparse.Namespace:
    """Parse the command line; started without arguments, no parser is built (-15 M at start-up)."""
    if not words:  # started from a menu or a double-click: the same result without a parser
        return argparse.Namespace(self_check=False, command=None)
    from crm_mail_gui.cli_parser import build_parser, help_language  # not for the window

    return build_parser(help_language(words)).parse_args(words)


def _print_field_errors(errors: dict[str, FieldError]) -> None:
    for name, field_error in errors.items():
        _err("save.field_error", field=fields.label(name), message=field_error.message())


def _print_transcript(lines: Sequence[str], stream=None) -> None:
    """Print a session transcript, every line escaped (it quotes the server)."""
    from crm_mail_gui.core.printable import printable

    print("\n".join(printable(line) for line in lines), file=stream or sys.stdout)


def _print_failure(error: DeliveryError, verbose: bool) -> int:
    from crm_mail_gui.core.printable import printable, printable_lines

    failure = error.failure
    log.warning(  # the one suggestion, as the hint names it and a window's button applies it
        "session failed: %s at %s: %s; suggested: %s",
        failure.kind,
        failure.step,
        failure.server_reply() or "-",
        printable(failure.suggested_server or "-"),
    )
    print(printable_lines(failure.describe(i18n.current_language())), file=sys.stderr)
    if verbose and error.transcript:
        _print_transcript(error.transcript, sys.stderr)
    return failure.exit_code


def _load(store: Store) -> MailSettings | None:
    loaded = store.load()
    if loaded.notice:
        _err("notice", text=loaded.notice)
    return loaded.settings


def _print_store_failure(error: CredentialStoreUnavailable) -> int:
    if error.detail:
        _err("store_failed", backend=printable(error.backend, 120), detail=error.detail)
    else:
        _err("store_unavailable", backend=printable(error.backend, 120))
    return ExitCode.STORE


def _progress(verbose: bool):
    def report(step: Step, state: str) -> None:
        if verbose and state != "start":
            mark = "✓" if state == "ok" else "✗"
            print(f"{mark} {step.value}", file=sys.stderr)

    return report


def cmd_show(store: Store, args: argparse.Namespace) -> int:
    """Print the stored settings in words (--json: as values); never the password.

    `show --json` with nothing configured prints {} and exits 0 (the hint goes to stderr), so a
    script reads "nothing configured" as an empty object; plain `show` exits 1, and so does
    --json when a settings file was there but could not be used (set aside: said on stderr).
    """
    loaded = store.load()
    if loaded.notice:
        _err("notice", text=loaded.notice)
    settings = loaded.settings
    if settings is None:
        if args.json:
            print("{}")
        _err("not_configured")
        return ExitCode.OK if args.json and not loaded.notice else ExitCode.OTHER
    data = settings.to_dict()
    data.pop("allow_unencrypted_auth", None)
    data["password_stored"] = _password_stored(store, settings)
    last_test = loaded.last_test
    data["last_test"] = last_test.to_dict() if last_test is not None else None
    found = credentials.store_description(i18n.current_language())
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        if found.warning:
            print(found.warning, file=sys.stderr)
        return ExitCode.OK
    for key in fields.SUMMARY_ROWS:  # the window's summary rows, in its order
        if key == "password":
            _say(
                "password_stored" if data["password_stored"] else "password_not_stored",
                where=found.name,
            )
            if found.warning:
                print(found.warning)
        else:
            _say("show_row", label=fields.label(key), value=_shown_value(key, settings))
    if last_test is None:
        tested = i18n.text("cli.last_test_none")
    else:
        tested = i18n.text("cli.last_test_value", at=last_test.local_time(), to=last_test.to)
    _say("show_row", label=i18n.text("cli.last_test"), value=tested)
    _say("config_file", path=store.path)
    return ExitCode.OK


def _shown_value(key: str, settings: MailSettings) -> str:
    """A field's value in words: はい/いいえ, "20 秒", "none", never True or 20.0."""
    if key == "auth":
        return i18n.text("cli.yes" if settings.auth else "cli.no")
    if key == "timeout":
        return i18n.text("cli.seconds", seconds=f"{settings.timeout:g}")
    if key == "to" and not settings.to:
        address = settings.recipient
        return i18n.text("cli.to_default", address=address) if address else _none()
    value = fields.summary_texts(settings).get(key, "")
    return printable(value, 400) if value and value != "—" else _none()


def _none() -> str:
    return i18n.text("cli.not_set")


def _password_stored(store: Store, settings: MailSettings) -> bool:
    """Like Store.has_password, but a store that fails or hangs (not: none at all) raises."""
    if settings.auth and settings.user and credentials.is_usable():
        if settings.uses_oauth:
            from crm_mail_gui.core import oauth

            return oauth.is_signed_in(oauth.client_for(settings), settings.user)
        return bool(store.password_for(settings))
    return store.has_password(settings)


def _merged_values(
    store: Store,
    args: argparse.Namespace,
    options: tuple[SettingsField, ...],
    start: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The stored settings as raw values, then `start` (a preset's), then the options given."""
    existing = _load(store)
    values: dict[str, object] = existing.to_dict() if existing else {"auth": True}
    values.update(start or {})
    for option in options:
        value = getattr(args, option.dest, None)
        if value is not None:
            values[option.key] = value
    return values


def _print_problem(problem: Problem) -> int:
    """Print why a command does not start; return its exit code."""
    if problem.field_errors:
        _print_field_errors(problem.field_errors)
    else:
        _err(problem.key.removeprefix("cli."), **problem.params)
    return problem.exit_code


def _test_and_keep(
    store: Store,
    plan: Plan,
    args: argparse.Namespace,
    secret_source: Callable[[], str | None] | None = None,
) -> int:
    """Send the test mail (unless --no-test), then store the settings and password as one unit."""
    if args.no_test:
        _err("no_test")
    else:
        from crm_mail_gui.core.delivery import send_test_mail
        from crm_mail_gui.core.errors import DeliveryError
        from crm_mail_gui.core.oauth import OAuthError

        try:
            secret = (secret_source or plan.secret_source(store))()
            send_test_mail(plan.settings, secret, progress=_progress(args.verbose))
        except OAuthError as error:
            return _print_oauth_error(error)
        except DeliveryError as error:
            code = _print_failure(error, args.verbose)
            _err("not_saved")
            return code
        _say("sent", to=plan.settings.recipient, server=plan.settings.server.canonical())
    try:
        save.keep(plan, store, tested=not args.no_test)
    except CredentialStoreUnavailable as error:
        code = _print_store_failure(error)
        _err("not_saved" if args.no_test else "sent_not_saved")
        return code
    _say("saved", path=store.path)
    return ExitCode.OK


def _start_values(args: argparse.Namespace) -> tuple[dict[str, object], Preset | None] | Problem:
    """What `set` starts from before its options: a preset's server name and authentication."""
    if not args.preset:
        return {}, None
    from crm_mail_gui.core.presets import preset_by_id

    preset = preset_by_id(args.preset)
    if preset is None:
        return Problem("cli.preset_unknown", params={"preset": printable(args.preset, 60)})
    start: dict[str, object] = {"server": preset.server, "auth": preset.auth}
    if preset.username_fixed:  # e.g. SendGrid's "apikey"
        start["user"] = preset.username_fixed
    return start, preset


def _preset_problem(preset: Preset | None, values: Mapping[str, object]) -> Problem | None:
    """A preset whose server name still needs the user's part (svNNNN) or has none (custom)."""
    if preset is None:
        return None
    server = str(values.get("server") or "")
    if not server:
        return Problem("cli.preset_server_needed", params={"preset": preset.id})
    if preset.has_placeholder(server):
        params = {"preset": preset.id, "server": preset.server, "placeholder": preset.placeholder}
        return Problem("cli.preset_placeholder", params=params)
    return None


def cmd_set(store: Store, args: argparse.Namespace) -> int:
    """Like Save in the window: test first, store only on success."""
    started = _start_values(args)
    if isinstance(started, Problem):
        return _print_problem(started)
    start, preset = started
    values = _merged_values(store, args, fields.SET_OPTIONS, start)
    if args.detect:
        from crm_mail_gui.cli_detect import fill_from_detection

        code = fill_from_detection(values, args)
        if code is not None:
            return code
    if args.password_stdin:
        values.pop("oauth", None)  # a password replaces an OAuth2 sign-in
    problem = _preset_problem(preset, values)
    if problem is not None:
        return _print_problem(problem)
    plan = save.plan_from_values(values, None, consent=args.allow_unencrypted_password)
    if not isinstance(plan, Problem):
        plan = save.preflight(plan, store, read_secret if args.password_stdin else None)
    if isinstance(plan, Problem):
        return _print_problem(plan)
    _say_if_reused(plan)
    if not args.no_test:
        save.check_can_keep(plan)  # a store that cannot keep it fails before the mail
    return _test_and_keep(store, plan, args)


def _say_if_reused(plan: Plan) -> None:
    """No password given: say whose stored password is used (a fresh --config-dir finds one)."""
    settings = plan.settings
    if settings.auth and not settings.uses_oauth and not plan.typed:
        where = credentials.describe_backend(i18n.current_language())
        _err("credentials.reused", user=settings.user, server=settings.server.host, where=where)


def cmd_test(store: Store, args: argparse.Namespace) -> int:
    """Send a test mail (or only check the connection) with the stored settings."""
    from crm_mail_gui.core.delivery import deliver
    from crm_mail_gui.core.errors import DeliveryError

    settings = _load(store)
    if settings is None:
        _err("not_configured")
        return ExitCode.INVALID
    if args.to:
        plan = save.plan_from_values({**settings.to_dict(), "to": args.to}, None)
    else:
        plan = save.plan_for(settings, None)
    if isinstance(plan, Problem):
        return _print_problem(plan)
    settings = plan.settings
    from crm_mail_gui.core.oauth import OAuthError

    try:
        outcome = deliver(
            settings,
            plan.secret_source(store)(),
            check_only=args.check,
            progress=_progress(args.verbose),
        )
    except OAuthError as error:
        return _print_oauth_error(error)
    except DeliveryError as error:
        return _print_failure(error, args.verbose)
    if args.verbose:
        _print_transcript(outcome.transcript)
    server = settings.server.canonical()
    if args.check:
        _say("checked", server=server)
    else:
        _say("sent", to=settings.recipient, server=server)
        store.note_test(settings)  # as Send test again: noted while these are the stored ones
    return ExitCode.OK


def _print_oauth_error(error: Exception) -> int:
    print(error.message(i18n.current_language()), file=sys.stderr)  # type: ignore[attr-defined]
    log.warning("OAuth2: %s", getattr(error, "kind", "error"))
    return ExitCode.AUTH


def open_browser(url: str) -> None:
    """Open the sign-in page in the system browser (and print it, for headless PCs)."""
    import webbrowser

    _err("open_url", url=url)
    webbrowser.open(url)


def cmd_signin(store: Store, args: argparse.Namespace) -> int:
    """Sign in with OAuth2 (browser with PKCE, or device code), test, then store the settings."""
    from crm_mail_gui.core import oauth

    values = _merged_values(store, args, fields.SIGNIN_OPTIONS)
    registration = {
        "provider": args.provider or None,
        "client_id": args.client_id or None,
        "tenant": args.tenant,
        "authority": args.authority,
    }
    plan = save.sign_in_settings(values, registration)
    if isinstance(plan, Problem):
        return _print_problem(plan)
    if not credentials.is_usable():
        _err("store_unavailable", backend=credentials.backend_name())
        return ExitCode.STORE
    secret = read_secret() if args.client_secret_stdin else None
    settings = plan.settings
    client = oauth.client_for(settings, secret)
    problem = save.sign_in_problem(client)
    if problem is not None:
        return _print_problem(problem)
    try:
        if args.device_code:
            device = oauth.start_device_flow(client)
            _err("device_code", code=device.user_code, url=device.verification_uri)
            tokens = oauth.poll_device_flow(client, device)
        else:
            tokens = oauth.sign_in(
                client, open_browser, login_hint=settings.user, lang=i18n.current_language()
            )
    except oauth.OAuthError as error:
        return _print_oauth_error(error)
    save.keep_sign_in(client, settings.user, tokens)
    _say("signed_in", account=tokens.account or settings.user)
    return _test_and_keep(store, plan, args, lambda: tokens.access_token)


def cmd_signout(store: Store, _args: argparse.Namespace) -> int:
    """Forget the OAuth2 tokens of the stored settings (revoking them where the provider can)."""
    from crm_mail_gui.core import oauth

    settings = _load(store)
    if settings is None or not settings.uses_oauth:
        _err("not_oauth")
        return ExitCode.INVALID
    oauth.forget_tokens(oauth.client_for(settings), settings.user)
    _say("signed_out")
    return ExitCode.OK


def cmd_presets(_store: Store, args: argparse.Namespace) -> int:
    """List the provider presets."""
    from crm_mail_gui.core.presets import load_presets

    lang = i18n.current_language()
    presets = load_presets()
    if args.json:
        rows = [
            {"id": p.id, "name": p.text("name", lang), "server": p.server, "auth": p.auth}
            for p in presets
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return ExitCode.OK
    header = tuple(i18n.text(f"cli.presets_{column}") for column in ("id", "name", "server"))
    rows = [header] + [(p.id, p.text("name", lang), p.server or "-") for p in presets]
    print_table(rows)
    return ExitCode.OK


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """Print columns padded to the widest cell by display width (a Japanese letter is 2 wide)."""
    cells = [[printable(cell, 200) for cell in row] for row in rows]
    from crm_mail_gui.core import display_width

    widths = [max(display_width.width(row[i]) for row in cells) for i in range(len(cells[0]))]
    for row in cells:
        padded = [display_width.pad(cell, width) for cell, width in zip(row, widths, strict=True)]
        print("  ".join(padded).rstrip())


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    """Write the settings, without the password, to a file for other PCs."""
    settings = _load(store)
    if settings is None:
        _err("not_configured")
        return ExitCode.OTHER
    store.export_to(settings, args.file)
    _say("exported", path=args.file)
    return ExitCode.OK


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    """Validate an export file and store its settings; a bad file changes nothing."""
    try:
        settings = Store.read_export(args.file)
    except ConfigError as error:
        print(error.message(), file=sys.stderr)
        return ExitCode.INVALID
    store.save(settings.with_changes(extra={}))
    _say("imported", path=args.file)
    notice = ca_file_notice(settings)
    if notice:
        _err("notice", text=notice)
    if settings.auth and not store.has_password(settings):
        _err("import_password")
    return ExitCode.OK


def cmd_detect(store: Store, args: argparse.Namespace) -> int:
    """Detect the outgoing server from a mail address (crm_mail_gui.cli_detect)."""
    from crm_mail_gui.cli_detect import cmd_detect as run

    return run(store, args)


COMMANDS = {
    "show": cmd_show,
    "detect": cmd_detect,
    "set": cmd_set,
    "test": cmd_test,
    "presets": cmd_presets,
    "signin": cmd_signin,
    "signout": cmd_signout,
    "export": cmd_export,
    "import": cmd_import,
}


def _fix_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")


def _open_window(config_dir: str | None) -> int:
    try:
        from crm_mail_gui.ui.app import run_app
    except ImportError as error:
        _err("no_gui", error=error)
        return ExitCode.OTHER
    return run_app(config_dir=config_dir, lang=i18n.current_language())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `crm-mail-gui`; returns the exit code (130 after Ctrl-C, no traceback)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C, wherever it lands: a word, not a traceback
        with contextlib.suppress(OSError, ValueError):
            _err("cancelled")
        return ExitCode.CANCELLED


def _main(argv: Sequence[str] | None) -> int:
    setup_logging()
    _fix_streams()
    args = parse_arguments(sys.argv[1:] if argv is None else list(argv))
    i18n.set_language(getattr(args, "lang", None))
    config_dir = getattr(args, "config_dir", None)
    if args.self_check:
        from crm_mail_gui.selfcheck import run_self_check

        return run_self_check()
    if not args.command:
        gc.disable()  # until the window is on screen: see ui.app.resume_garbage_collection
        try:
            return _open_window(config_dir)
        finally:
            gc.enable()  # in case the window never got on screen
    store = Store(config_dir)
    credentials.set_waiting_notice(lambda: _err("store_waiting"))
    try:
        return COMMANDS[args.command](store, args)
    except CredentialStoreUnavailable as error:
        return _print_store_failure(error)
    except SecretInputInvalid as error:
        _err(error.key, limit=MAX_STDIN_SECRET)
        return ExitCode.INVALID
    except ConfigError as error:
        print(error.message(), file=sys.stderr)
        return ExitCode.OTHER
    except OSError as error:  # e.g. an unwritable config folder or export file
        print(str(error), file=sys.stderr)
        return ExitCode.OTHER
    finally:
        credentials.set_waiting_notice(None)


if __name__ == "__main__":
    sys.exit(main())
