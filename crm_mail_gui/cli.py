"""Command line: open the window, or show/set/test/presets/export/import without one."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crm_mail_gui import __version__
from crm_mail_gui.core import credentials, i18n
from crm_mail_gui.core.credentials import CredentialStoreUnavailable
from crm_mail_gui.core.i18n import tr
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.settings import MailSettings, SettingsInvalid, build_settings
from crm_mail_gui.core.store import ConfigError, Store, ca_file_notice
from crm_mail_gui.logsetup import log, setup_logging

if TYPE_CHECKING:  # the delivery engine and its errors load only when a command needs them
    from crm_mail_gui.core.errors import DeliveryError, Step

EXIT_OK, EXIT_OTHER, EXIT_INVALID, EXIT_AUTH, EXIT_STORE = 0, 1, 2, 4, 7
EXIT_CANCELLED = 130  # 128 + SIGINT, what shells report for Ctrl-C
MAX_STDIN_SECRET = 4096
"""Bytes of a password or client secret read from standard input, at most."""

MESSAGES: dict[str, dict[str, str]] = {
    "sent": {
        "ja": "テストメールが送信されました。受信トレイを確認してください。(宛先: {to}、サーバ: {server})",
        "en": "Test Mail Sent. Check the inbox. (to {to}, server {server})",
    },
    "checked": {
        "ja": "接続テストに成功しました(メールは送信していません)。サーバ: {server}",
        "en": "Connection check passed (no mail was sent). Server: {server}",
    },
    "saved": {"ja": "設定を保存しました: {path}", "en": "Settings saved: {path}"},
    "not_saved": {
        "ja": "テストに失敗したため、設定は保存していません。",
        "en": "The test failed, so nothing was saved.",
    },
    "no_test": {
        "ja": "警告: テストせずに保存します。メールが届くかは確認されていません。",
        "en": "Warning: saving without a test. Delivery has not been checked.",
    },
    "not_configured": {
        "ja": "送信メールサーバーはまだ設定されていません(crm-mail-gui set --server …)。",
        "en": "No outgoing mail server is set up yet (crm-mail-gui set --server …).",
    },
    "password_needed": {
        "ja": "パスワードがありません。--password-stdin で入力してください。",
        "en": "No password: give one with --password-stdin.",
    },
    "password_prompt": {"ja": "パスワード: ", "en": "Password: "},
    "password_empty": {"ja": "パスワードが空です。", "en": "The password is empty."},
    "unencrypted": {
        "ja": "暗号化されていない接続でパスワードを送ることになります。"
        "本当に送る場合は --allow-unencrypted-password を付けてください。",
        "en": "The password would be sent unencrypted. Add --allow-unencrypted-password "
        "to accept that.",
    },
    "field_error": {"ja": "{field}: {message}", "en": "{field}: {message}"},
    "exported": {
        "ja": "設定をパスワードなしで書き出しました: {path}",
        "en": "Settings exported without the password: {path}",
    },
    "imported": {"ja": "設定を読み込みました: {path}", "en": "Settings imported: {path}"},
    "import_password": {
        "ja": "パスワードは含まれていません。crm-mail-gui set --password-stdin で設定するか、"
        "画面を開いて入力してください。",
        "en": "The file has no password: set it with crm-mail-gui set --password-stdin "
        "or in the window.",
    },
    "store_unavailable": {
        "ja": "資格情報ストアが使えません({backend})。パスワードを保存できません。",
        "en": "No credential store is available ({backend}); the password cannot be stored.",
    },
    "store_failed": {
        "ja": "資格情報ストアが使えません({backend}): {detail}",
        "en": "Error: credential store unavailable ({backend}): {detail}",
    },
    "store_waiting": {
        "ja": "資格情報ストアの応答を待っています…",
        "en": "Waiting for the credential store…",
    },
    "sent_not_saved": {
        "ja": "テストメールは送信されましたが、設定は保存していません(パスワードを保存できません)。",
        "en": "The test mail was sent, but nothing was saved (the password cannot be stored).",
    },
    "cancelled": {"ja": "中止しました。", "en": "Cancelled."},
    "secret_not_utf8": {
        "ja": "標準入力の内容が UTF-8 ではありません。ファイルを UTF-8 で保存してください"
        "(メモ帳: 名前を付けて保存 → 文字コード: UTF-8)。何も送信・保存していません。",
        "en": "Standard input is not UTF-8 text. Save the file as UTF-8 (Notepad: Save as → "
        "Encoding: UTF-8). Nothing was sent or saved.",
    },
    "secret_control": {
        "ja": "標準入力のパスワードに制御文字(NUL、タブ、途中の改行など)が含まれています。"
        "何も送信・保存していません。",
        "en": "The password on standard input contains a control character (NUL, tab, a line "
        "break inside it, …). Nothing was sent or saved.",
    },
    "secret_too_long": {
        "ja": "標準入力のパスワードが長すぎます({limit} バイトまで)。",
        "en": "The password on standard input is too long (at most {limit} bytes).",
    },
    "notice": {"ja": "注意: {text}", "en": "Notice: {text}"},
    "open_url": {
        "ja": "ブラウザでサインインしてください: {url}",
        "en": "Sign in in the browser: {url}",
    },
    "device_code": {
        "ja": "{url} を開き、コード {code} を入力してください。",
        "en": "Open {url} and enter the code {code}.",
    },
    "signed_in": {"ja": "サインインしました: {account}", "en": "Signed in: {account}"},
    "signed_out": {
        "ja": "サインアウトしました(トークンを削除しました)。",
        "en": "Signed out (the tokens were deleted).",
    },
    "not_oauth": {
        "ja": "OAuth2 でサインインした設定はありません。",
        "en": "The stored settings do not use an OAuth2 sign-in.",
    },
    "client_secret_needed": {
        "ja": "Google のデスクトップ クライアントにはクライアント シークレットが必要です(--client-secret-stdin)。",
        "en": "Google desktop clients need their client secret (--client-secret-stdin).",
    },
    "no_gui": {
        "ja": "画面を開けません({error})。コマンドの一覧は crm-mail-gui --help を参照してください。",
        "en": "Cannot open the window ({error}). See crm-mail-gui --help for the commands.",
    },
}

FIELD_LABELS = {
    "server": {"ja": "サーバ名", "en": "Server name"},
    "user": {"ja": "ユーザ名", "en": "User name"},
    "from": {"ja": "差出人", "en": "From"},
    "to": {"ja": "テストメールの送信先", "en": "Test recipient"},
    "timeout": {"ja": "タイムアウト", "en": "Timeout"},
    "ca_file": {"ja": "追加の CA ファイル", "en": "Extra CA file"},
    "auth": {"ja": "認証を行う", "en": "Requires authentication"},
}


def _say(key: str, stream=None, **params: object) -> None:
    print(tr(MESSAGES, key, **params), file=stream or sys.stdout)


def _err(key: str, **params: object) -> None:
    _say(key, sys.stderr, **params)


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser with the global options on every command (or without the commands)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config-dir", metavar="DIR", default=argparse.SUPPRESS)
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="crm-mail-gui",
        parents=[common],
        exit_on_error=with_commands,  # without: mistakes go to the full parser's message
        description="Set up and test the CRM's outgoing mail server (SMTP). "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"crm-mail-gui {__version__}")
    parser.add_argument(
        "--self-check", action="store_true", help="check that this installation is usable"
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    show = commands.add_parser("show", parents=[common], help="show the stored settings")
    show.add_argument("--json", action="store_true")

    setp = commands.add_parser("set", parents=[common], help="test, then store settings")
    setp.add_argument("--server")
    setp.add_argument("--user")
    setp.add_argument("--from", dest="from_addr", metavar="FROM")
    auth = setp.add_mutually_exclusive_group()
    auth.add_argument("--auth", dest="auth", action="store_true", default=None)
    auth.add_argument("--no-auth", dest="auth", action="store_false")
    setp.add_argument("--password-stdin", action="store_true")
    setp.add_argument("--to", metavar="ADDR")
    setp.add_argument("--timeout", metavar="SECONDS")
    setp.add_argument("--ca-file", metavar="FILE")
    setp.add_argument("--no-test", action="store_true")
    setp.add_argument("--allow-unencrypted-password", action="store_true")
    setp.add_argument("-v", "--verbose", action="store_true")

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
    signin.add_argument("--server")
    signin.add_argument("--user")
    signin.add_argument("--from", dest="from_addr", metavar="FROM")
    signin.add_argument("--ca-file", metavar="FILE")
    signin.add_argument("--no-test", action="store_true")
    signin.add_argument("-v", "--verbose", action="store_true")
    commands.add_parser("signout", parents=[common], help="forget the OAuth2 tokens")

    presets = commands.add_parser("presets", parents=[common], help="list provider presets")
    presets.add_argument("--json", action="store_true")

    export = commands.add_parser("export", parents=[common], help="write settings to FILE")
    export.add_argument("file", type=Path)
    imp = commands.add_parser("import", parents=[common], help="read settings from FILE")
    imp.add_argument("file", type=Path)
    return parser


def parse_arguments(words: list[str]) -> argparse.Namespace:
    """Parse the command line; opening the window skips building the commands' parsers."""
    if not words:  # started from a menu or a double-click: the same result without a parser
        return argparse.Namespace(self_check=False, command=None)
    if not any(word in COMMANDS or word in ("-h", "--help") for word in words):
        try:
            args, extra = build_parser(with_commands=False).parse_known_args(words)
        except argparse.ArgumentError:
            extra = words
        if not extra:
            return args
    return build_parser().parse_args(words)  # also reports a mistyped command properly


def _print_field_errors(error: SettingsInvalid) -> None:
    lang = i18n.current_language()
    for name, field_error in error.errors.items():
        label = FIELD_LABELS.get(name, {}).get(lang, name)
        _err("field_error", field=label, message=field_error.message(lang))


def _print_transcript(lines: Sequence[str], stream=None) -> None:
    """Print a session transcript, every line escaped (it quotes the server)."""
    from crm_mail_gui.core.printable import printable

    print("\n".join(printable(line) for line in lines), file=stream or sys.stdout)


def _print_failure(error: DeliveryError, verbose: bool) -> int:
    from crm_mail_gui.core.printable import printable_lines

    failure = error.failure
    log.warning(
        "session failed: %s at %s: %s", failure.kind, failure.step, failure.server_reply() or "-"
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


class SecretInputInvalid(ValueError):
    """A password or secret on standard input that cannot be what the user typed; key: MESSAGES."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _read_password() -> str:
    """The first line of standard input (or a hidden prompt on a terminal), exactly as typed.

    Bytes are decoded as UTF-8 (one BOM removed) whatever the console's code page; CP932,
    Latin-1 or UTF-16 text, control characters (a NUL breaks AUTH PLAIN) and over-long input
    raise SecretInputInvalid rather than become a different password.
    """
    stream = sys.stdin
    if stream is not None and stream.isatty():
        import getpass

        return _checked_secret(getpass.getpass(tr(MESSAGES, "password_prompt")))
    if stream is None:
        return ""
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        data = raw.readline(MAX_STDIN_SECRET + 6)  # room for a BOM, CR LF and one byte more
    else:  # a text stream without bytes (e.g. io.StringIO): already decoded
        text = stream.readline(MAX_STDIN_SECRET + 6)
        data = text.encode("utf-8", "surrogateescape")
    return _decoded_secret(data)


def _decoded_secret(data: bytes) -> str:
    """One line of bytes from standard input as the secret: UTF-8, BOM and line end removed."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    line = data.removesuffix(b"\n").removesuffix(b"\r")
    if len(line) > MAX_STDIN_SECRET:
        raise SecretInputInvalid("secret_too_long")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretInputInvalid("secret_not_utf8") from None
    return _checked_secret(text)


def _checked_secret(text: str) -> str:
    import unicodedata

    if any(unicodedata.category(char) == "Cc" for char in text):
        raise SecretInputInvalid("secret_control")
    return text


def _print_store_failure(error: CredentialStoreUnavailable) -> int:
    if error.detail:
        _err("store_failed", backend=printable(error.backend, 120), detail=error.detail)
    else:
        _err("store_unavailable", backend=printable(error.backend, 120))
    return EXIT_STORE


def _progress(verbose: bool):
    def report(step: Step, state: str) -> None:
        if verbose and state != "start":
            mark = "✓" if state == "ok" else "✗"
            print(f"{mark} {step.value}", file=sys.stderr)

    return report


def cmd_show(store: Store, args: argparse.Namespace) -> int:
    """Print the stored settings; never the password."""
    settings = _load(store)
    if settings is None:
        if args.json:
            print("{}")
        _err("not_configured")
        return EXIT_OTHER
    data = settings.to_dict()
    data.pop("allow_unencrypted_auth", None)
    data["password_stored"] = _password_stored(store, settings)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    lang = i18n.current_language()
    for key in ("server", "user", "from", "auth", "to", "timeout", "ca_file"):
        label = FIELD_LABELS[key][lang]
        print(f"{label}: {data[key] if data[key] not in (None, '') else '-'}")
    stored = data["password_stored"]
    where = credentials.describe_backend(lang)
    if lang == "ja":
        print(f"パスワード: {'保存済み(' + where + ')' if stored else '未保存'}")
    else:
        print(f"Password: {'stored (' + where + ')' if stored else 'not stored'}")
    print(f"{'設定ファイル' if lang == 'ja' else 'Config file'}: {store.path}")
    return EXIT_OK


def _password_stored(store: Store, settings: MailSettings) -> bool:
    """Like Store.has_password, but a store that fails or hangs (not: none at all) raises."""
    if settings.auth and settings.user and credentials.is_usable():
        if settings.uses_oauth:
            from crm_mail_gui.core import oauth

            return oauth.is_signed_in(oauth.client_for(settings), settings.user)
        return bool(store.password_for(settings))
    return store.has_password(settings)


def _merged_values(store: Store, args: argparse.Namespace, *keys: str) -> dict[str, object]:
    """The stored settings as raw values, overridden by the options given on the command line."""
    existing = _load(store)
    values: dict[str, object] = existing.to_dict() if existing else {"auth": True}
    for key in keys:
        value = getattr(args, "from_addr" if key == "from" else key)
        if value is not None:
            values[key] = value
    return values


def cmd_set(store: Store, args: argparse.Namespace) -> int:
    """Like Save in the window: test first, store only on success."""
    values = _merged_values(
        store, args, "server", "user", "from", "auth", "to", "timeout", "ca_file"
    )
    if args.allow_unencrypted_password:
        values["allow_unencrypted_auth"] = True
    if args.password_stdin:
        values.pop("oauth", None)  # a password replaces an OAuth2 sign-in
    try:
        settings = build_settings(values)
    except SettingsInvalid as error:
        _print_field_errors(error)
        return EXIT_INVALID
    if settings.auth and not settings.server.encrypted and not settings.allow_unencrypted_auth:
        _err("unencrypted")
        return EXIT_INVALID
    password: str | None = None
    if settings.uses_oauth:
        credentials.require_usable()
    elif settings.auth:
        credentials.require_usable()
        if args.password_stdin:
            password = _read_password()
            if not password:
                _err("password_empty")
                return EXIT_INVALID
        stored = store.password_for(settings)
        if not password and not stored:
            _err("password_needed")
            return EXIT_INVALID
        if password and not args.no_test:
            credentials.check_writable()  # a store that cannot keep it fails before the mail
    if args.no_test:
        _err("no_test")
    else:
        from crm_mail_gui.core.delivery import send_test_mail
        from crm_mail_gui.core.errors import DeliveryError
        from crm_mail_gui.core.oauth import OAuthError

        try:
            secret = store.session_secret(settings, password)
            send_test_mail(settings, secret, progress=_progress(args.verbose))
        except OAuthError as error:
            return _print_oauth_error(error)
        except DeliveryError as error:
            code = _print_failure(error, args.verbose)
            _err("not_saved")
            return code
        _say("sent", to=settings.recipient, server=settings.server.canonical())
    try:
        store.save(settings, password)
    except CredentialStoreUnavailable as error:
        code = _print_store_failure(error)
        _err("not_saved" if args.no_test else "sent_not_saved")
        return code
    _say("saved", path=store.path)
    return EXIT_OK


def cmd_test(store: Store, args: argparse.Namespace) -> int:
    """Send a test mail (or only check the connection) with the stored settings."""
    from crm_mail_gui.core.delivery import deliver
    from crm_mail_gui.core.errors import DeliveryError

    settings = _load(store)
    if settings is None:
        _err("not_configured")
        return EXIT_INVALID
    if args.to:
        try:
            settings = build_settings({**settings.to_dict(), "to": args.to})
        except SettingsInvalid as error:
            _print_field_errors(error)
            return EXIT_INVALID
    from crm_mail_gui.core.oauth import OAuthError

    try:
        outcome = deliver(
            settings,
            store.session_secret(settings),
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
    return EXIT_OK


def _print_oauth_error(error: Exception) -> int:
    print(error.message(i18n.current_language()), file=sys.stderr)  # type: ignore[attr-defined]
    log.warning("OAuth2: %s", getattr(error, "kind", "error"))
    return EXIT_AUTH


def open_browser(url: str) -> None:
    """Open the sign-in page in the system browser (and print it, for headless PCs)."""
    import webbrowser

    _err("open_url", url=url)
    webbrowser.open(url)


def cmd_signin(store: Store, args: argparse.Namespace) -> int:
    """Sign in with OAuth2 (browser with PKCE, or device code), test, then store the settings."""
    from crm_mail_gui.core import oauth

    values = _merged_values(store, args, "server", "user", "from", "ca_file")
    values["auth"] = True
    previous = values.get("oauth") if isinstance(values.get("oauth"), dict) else {}
    values["oauth"] = {
        "provider": args.provider or previous.get("provider", ""),
        "client_id": args.client_id or previous.get("client_id", ""),
        "tenant": args.tenant if args.tenant is not None else previous.get("tenant", ""),
        "authority": args.authority
        if args.authority is not None
        else previous.get("authority", ""),
    }
    try:
        settings = build_settings(values)
    except SettingsInvalid as error:
        _print_field_errors(error)
        return EXIT_INVALID
    if not credentials.is_usable():
        _err("store_unavailable", backend=credentials.backend_name())
        return EXIT_STORE
    secret = _read_password() if args.client_secret_stdin else None
    client = oauth.client_for(settings, secret)
    if client.provider.needs_secret and not client.client_secret:
        _err("client_secret_needed")
        return EXIT_INVALID
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
    if secret:
        credentials.set_secret(oauth.secret_key(client.provider.id, client.client_id), secret)
    oauth.store_tokens(client, settings.user, tokens)
    _say("signed_in", account=tokens.account or settings.user)
    if not args.no_test:
        from crm_mail_gui.core.delivery import send_test_mail
        from crm_mail_gui.core.errors import DeliveryError

        try:
            send_test_mail(settings, tokens.access_token, progress=_progress(args.verbose))
        except DeliveryError as error:
            code = _print_failure(error, args.verbose)
            _err("not_saved")
            return code
        _say("sent", to=settings.recipient, server=settings.server.canonical())
    store.save(settings)
    _say("saved", path=store.path)
    return EXIT_OK


def cmd_signout(store: Store, _args: argparse.Namespace) -> int:
    """Forget the OAuth2 tokens of the stored settings (revoking them where the provider can)."""
    from crm_mail_gui.core import oauth

    settings = _load(store)
    if settings is None or not settings.uses_oauth:
        _err("not_oauth")
        return EXIT_INVALID
    oauth.forget_tokens(oauth.client_for(settings), settings.user)
    _say("signed_out")
    return EXIT_OK


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
        return EXIT_OK
    width = max(len(p.id) for p in presets)
    for preset in presets:
        print(f"{preset.id:<{width}}  {preset.server or '-':<45}  {preset.text('name', lang)}")
    return EXIT_OK


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    """Write the settings, without the password, to a file for other PCs."""
    settings = _load(store)
    if settings is None:
        _err("not_configured")
        return EXIT_OTHER
    store.export_to(settings, args.file)
    _say("exported", path=args.file)
    return EXIT_OK


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    """Validate an export file and store its settings; a bad file changes nothing."""
    try:
        settings = Store.read_export(args.file)
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    store.save(settings.with_changes(extra={}))
    _say("imported", path=args.file)
    notice = ca_file_notice(settings)
    if notice:
        _err("notice", text=notice)
    if settings.auth and not store.has_password(settings):
        _err("import_password")
    return EXIT_OK


COMMANDS = {
    "show": cmd_show,
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
        return EXIT_OTHER
    return run_app(config_dir=config_dir, lang=i18n.current_language())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `crm-mail-gui`; returns the exit code (130 after Ctrl-C, no traceback)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C, wherever it lands: a word, not a traceback
        with contextlib.suppress(OSError, ValueError):
            _err("cancelled")
        return EXIT_CANCELLED


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
        return EXIT_INVALID
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_OTHER
    except OSError as error:  # e.g. an unwritable config folder or export file
        print(str(error), file=sys.stderr)
        return EXIT_OTHER
    finally:
        credentials.set_waiting_notice(None)


if __name__ == "__main__":
    sys.exit(main())
