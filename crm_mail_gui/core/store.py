"""The config file (platformdirs, atomic JSON writes) and the password beside it in keyring."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import platformdirs

from crm_mail_gui import APP_NAME
from crm_mail_gui.core import credentials, i18n
from crm_mail_gui.core.fields import STORED_KEYS
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.records import field, record
from crm_mail_gui.core.safe_read import FileRefused, format_size, read_regular_file
from crm_mail_gui.core.settings import FieldError, MailSettings, SettingsInvalid, build_settings

if TYPE_CHECKING:
    import datetime

CONFIG_VERSION = 1
CONFIG_NAME = "settings.json"
EXPORT_FORMAT = "crm-mail-gui-settings"
ENV_CONFIG_DIR = "CRM_MAIL_GUI_CONFIG_DIR"
MAX_CONFIG_BYTES = 1 << 20  # settings.json is about 0.4 KiB; an import file the same
MAX_INT_DIGITS = 20  # no field holds a longer integer; int() refuses 4,300 digits with ValueError
_log = logging.getLogger("crm_mail_gui")
_KEYS = STORED_KEYS


class Reason(ValueError):
    """Why a settings file cannot be used: a catalogue key ("config.<key>") and its parameters."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The reason in `lang` (default: the language in force)."""
        return i18n.text(f"config.{self.key}", lang, **self.params)


class ConfigError(RuntimeError):
    """A config or export file that cannot be read or written; says which (source) and why.

    str() is the English text (for logs); message(lang) the text for the user.
    """

    def __init__(self, source: str, key: str, /, **params: object) -> None:
        self.source = source
        self.reason = Reason(key, **params)
        super().__init__(f"{source}: {self.reason.message('en')}")

    def message(self, lang: str | None = None) -> str:
        """File name and reason in `lang`."""
        return f"{self.source}: {self.reason.message(lang)}"


PORTABLE_DIR = "crm-mail-gui-config"


def portable_dir() -> Path | None:
    """A writable `crm-mail-gui-config` folder beside a frozen executable (portable mode)."""
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).resolve().parent / PORTABLE_DIR
    return folder if folder.is_dir() and os.access(folder, os.W_OK) else None


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The one place that decides where the config lives: argument, environment, portable, OS."""
    chosen = override or os.environ.get(ENV_CONFIG_DIR)
    if chosen:
        return Path(chosen).expanduser()
    return portable_dir() or Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


class PendingWrite:
    """New text for `path`, written and synced to a temp file beside it; commit() puts it in place.

    Everything that can fail for want of space or permission fails here, before commit().
    """

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.committed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            if os.name == "posix":
                os.chmod(self.tmp, 0o600)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        """Replace `path` with the new text in one step (os.replace)."""
        os.replace(self.tmp, self.path)
        self.committed = True

    def discard(self) -> None:
        """Remove the temp file unless it was committed (callable more than once)."""
        if not self.committed:
            Path(self.tmp).unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same folder and os.replace (mode 0600)."""
    pending = PendingWrite(path, text)
    try:
        pending.commit()
    finally:
        pending.discard()


def _refuse_constant(name: str) -> object:
    raise Reason("not_a_number", name=name)


def _parse_int(digits: str) -> int:
    count = len(digits.lstrip("-"))
    if count > MAX_INT_DIGITS:
        raise Reason("long_number", count=count, limit=MAX_INT_DIGITS)
    return int(digits)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise Reason("duplicate_key", key=printable(key, 40))
        data[key] = value
    return data


def parse_json_bytes(raw: bytes) -> object:
    """Strict JSON from a file's bytes, or raise Reason (a ValueError; no file name).

    UTF-8 with or without a BOM; no NaN or Infinity, no duplicate keys, no integer longer than
    MAX_INT_DIGITS; nesting too deep for the parser is a reason like any other.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Reason("not_utf8", byte=error.start + 1) from None
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_parse_int,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        raise Reason("not_json", line=error.lineno) from None
    except RecursionError:
        raise Reason("too_deep") from None
    except Reason as reason:
        raise Reason("not_settings", why=reason) from None
    except ValueError as error:  # int() and float() of a number json accepted
        raise Reason("not_settings", why=printable(str(error), 100)) from None


def read_json_file(path: Path) -> object:
    """Parse the regular file `path` (at most MAX_CONFIG_BYTES) as JSON, or raise ConfigError.

    FileNotFoundError is let through: a missing file is no error for the config.
    """
    name = printable(str(path))
    try:
        raw = read_regular_file(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise
    except FileRefused as refused:
        if refused.reason == "too_large":
            raise ConfigError(name, "too_large", limit=format_size(MAX_CONFIG_BYTES)) from None
        raise ConfigError(name, "not_regular", kind=refused.params["kind"]) from None
    except OSError as error:
        detail = error.strerror or type(error).__name__
        raise ConfigError(name, "unreadable", detail=printable(detail)) from None
    try:
        return parse_json_bytes(raw)
    except Reason as reason:
        raise ConfigError(name, reason.key, **reason.params) from None


_STRING_FIELDS = ("user", "from", "to", "ca_file", "format")
_BOOL_FIELDS = ("auth", "allow_unencrypted_auth")
_OAUTH_FIELDS = ("provider", "client_id", "tenant", "authority")


def _check_types(data: dict[str, object], source: str) -> None:
    """Every known field of the wrong JSON type is a ConfigError, never a traceback later."""
    wrong_bool = [key for key in _BOOL_FIELDS if key in data and not isinstance(data[key], bool)]
    if wrong_bool:
        raise ConfigError(source, "not_bool", key=wrong_bool[0])
    _check_strings(data, _STRING_FIELDS, source)
    timeout = data.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        raise ConfigError(source, "timeout_type")
    oauth = data.get("oauth")
    if oauth is not None:
        if not isinstance(oauth, dict):
            raise ConfigError(source, "oauth_type")
        _check_strings(oauth, _OAUTH_FIELDS, source, "oauth.")


def _check_strings(data: dict, keys: tuple[str, ...], source: str, prefix: str = "") -> None:
    """A ConfigError for the first of `keys` present, not null and not a string."""
    for key in keys:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ConfigError(source, "not_string", key=prefix + key)


def _checked_frame(data: object, source: str) -> dict[str, object]:
    """`data` if it is a JSON object with a version this app reads, a server, and no password."""
    if not isinstance(data, dict):
        raise ConfigError(source, "not_object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(source, "version")
    if version > CONFIG_VERSION:
        raise ConfigError(source, "version_newer", version=version)
    if not isinstance(data.get("server"), str):
        raise ConfigError(source, "no_server")
    if "password" in data:
        raise ConfigError(source, "password")
    return data


def settings_from_json(data: object, source: str) -> MailSettings:
    """Validate a JSON object (config or export) into MailSettings or raise ConfigError.

    The extra CA file is the one field that can be left out (gone, unusable, or stored as a
    relative path, which is never resolved against the current folder): the settings then carry
    extra["ca_file_problem"], shown by ca_file_notice().
    """
    source = printable(source)
    data = _checked_frame(data, source)
    _check_types(data, source)
    values = {k: data[k] for k in _KEYS if k in data}
    ca_file = str(values.get("ca_file") or "").strip()
    problem: FieldError | None = None
    if ca_file and not PurePath(os.path.expanduser(ca_file)).is_absolute():
        problem = FieldError("ca_file", "ca_relative", path=printable(ca_file))
        values["ca_file"] = None
    try:
        settings = build_settings(values)
    except SettingsInvalid as error:
        if set(error.errors) != {"ca_file"}:
            raise ConfigError(source, "fields", errors=error) from None
        problem = error.errors["ca_file"]
        settings = build_settings({**values, "ca_file": None})
    if problem is None:
        return settings
    # Only the extra CA file is unusable: keep everything else and say so, rather than set it aside.
    return settings.with_changes(extra={"ca_file_problem": (problem.key, dict(problem.params))})


def ca_file_notice(settings: MailSettings, lang: str | None = None) -> str | None:
    """The notice for settings read without their extra CA file, or None; in `lang`."""
    notice = _ca_file_notice(settings)
    return notice.text(lang) if notice else None


def _ca_file_notice(settings: MailSettings) -> Notice | None:
    problem = settings.extra.get("ca_file_problem")
    if not problem:
        return None
    key, params = problem
    return Notice("store.ca_ignored", {"problem": FieldError("ca_file", key, **params)})


@record(frozen=True)
class Notice:
    """A notice for the user: a catalogue key and parameters, rendered in the caller's language.

    A parameter with a `message(lang)` method (a FieldError, a Reason) is rendered in that
    language too (see i18n.text).
    """

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The notice in `lang` (default: the language in force)."""
        return i18n.text(self.key, lang, **self.params)


def settings_to_json(settings: MailSettings, **extra: object) -> str:
    """The JSON text of settings (never a password)."""
    return (
        json.dumps(
            {"version": CONFIG_VERSION, **extra, **settings.to_dict()}, ensure_ascii=False, indent=2
        )
        + "\n"
    )


@record(frozen=True)
class LastTest:
    """When and to whom the last successful test mail went (kept in settings.json, no secret)."""

    at: datetime.datetime  # aware (UTC when recorded)
    to: str

    @classmethod
    def now(cls, to: str) -> LastTest:
        """A test mail accepted just now for `to`."""
        import datetime  # here: a first run's window starts without it (bench_startup.py)

        return cls(datetime.datetime.now(datetime.UTC).replace(microsecond=0), to)

    def local_time(self) -> str:
        """When, in this PC's time zone, as the summary and `show` say it: 2026-12-01 16:20."""
        return self.at.astimezone().strftime("%Y-%m-%d %H:%M")

    def to_dict(self) -> dict[str, str]:
        """The JSON form: {"at": ISO 8601 with offset, "to": address}."""
        return {"at": self.at.isoformat(), "to": self.to}

    @classmethod
    def from_json(cls, value: object) -> LastTest | None:
        """The record read back, or None for a missing or unusable one (it is only a note)."""
        if not isinstance(value, dict) or not isinstance(value.get("to"), str):
            return None
        at, to = value.get("at"), value["to"]
        import datetime  # only when a record is stored (never on a first run)

        try:
            moment = datetime.datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            return None
        if moment is None or moment.tzinfo is None or len(to) > 254:
            return None
        return cls(moment, printable(to, 254))


@record(frozen=False)
class LoadResult:
    """What loading found: settings (or None on first run) and a notice about a set-aside file."""

    settings: MailSettings | None
    found: Notice | None = None
    set_aside: Path | None = None
    last_test: LastTest | None = None

    @property
    def notice(self) -> str | None:
        """The notice in the language in force (None without one); see notice_text()."""
        return self.notice_text()

    def notice_text(self, lang: str | None = None) -> str | None:
        """The notice about what was set aside or left out, in `lang`, or None."""
        return self.found.text(lang) if self.found else None


class Store:
    """Settings in a JSON file under `directory`; the password in the credential store."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = config_dir(directory)
        self.path = self.directory / CONFIG_NAME

    def load(self) -> LoadResult:
        """Read the config; a corrupt file is renamed aside and reported, never overwritten."""
        try:
            data = read_json_file(self.path)
            settings = settings_from_json(data, str(self.path))
        except FileNotFoundError:
            return LoadResult(None)
        except ConfigError as error:
            return self._set_aside(error.reason)
        assert isinstance(data, dict)  # settings_from_json checked it
        last_test = LastTest.from_json(data.get("last_test"))
        return LoadResult(settings, _ca_file_notice(settings), last_test=last_test)

    def _set_aside(self, reason: Reason) -> LoadResult:
        name = printable(str(self.path))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{CONFIG_NAME}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{CONFIG_NAME}.corrupt-{stamp}-{counter}")
        params = {"name": name, "reason": reason}
        try:
            os.replace(self.path, target)
        except OSError:
            return LoadResult(None, Notice("store.not_renamed", params))
        return LoadResult(
            None, Notice("store.set_aside", {**params, "target": target.name}), target
        )

    def save(
        self,
        settings: MailSettings,
        password: str | None = None,
        *,
        last_test: LastTest | None = None,
    ) -> None:
        """Store the settings and the password as one unit: after a failure, neither changed.

        The new file is written and synced to a temp file first (a read-only or full disk fails
        here, before the credential store is touched); then the password is stored; then the
        file is renamed into place, and if that fails the previous password is put back.
        `last_test` is the test these settings just passed (None: no record, e.g. no test).
        """
        pending = PendingWrite(self.path, self._config_text(settings, last_test))
        try:
            undo = self._store_password(settings, password)
            try:
                pending.commit()
            except BaseException as error:
                try:
                    undo()
                except Exception as undo_error:  # the original failure is the one to report
                    _log.warning("previous password not restored: %s", type(undo_error).__name__)
                    error.add_note("The previous password could not be restored.")
                raise
        finally:
            pending.discard()

    @staticmethod
    def _config_text(settings: MailSettings, last_test: LastTest | None) -> str:
        extra = {} if last_test is None else {"last_test": last_test.to_dict()}
        return settings_to_json(settings, **extra)

    def record_test(self, settings: MailSettings, last_test: LastTest) -> bool:
        """Note a successful test of the stored settings (Send test again); the settings file
        is rewritten atomically, and only while it still holds these settings. True if noted."""
        loaded = self.load()
        if loaded.settings is None or loaded.settings != settings or loaded.found is not None:
            return False
        atomic_write_text(self.path, self._config_text(loaded.settings, last_test))
        return True

    def note_test(self, settings: MailSettings) -> LastTest | None:
        """A test mail with these (stored) settings was just accepted: note it (Send test again,
        `test`). The note, or None when not noted (other settings stored, or the file could not
        be written: only the note is lost, the mail went)."""
        last_test = LastTest.now(settings.recipient)
        try:
            return last_test if self.record_test(settings, last_test) else None
        except OSError as error:
            _log.warning("last test not noted: %s", type(error).__name__)
            return None

    @staticmethod
    def _store_password(settings: MailSettings, password: str | None) -> Callable[[], None]:
        """Store the password (if one is given and used); return what puts the old one back."""
        if password is None or not settings.auth:
            return lambda: None
        user, host = settings.user, settings.server.host
        previous = credentials.get_password(user, host)

        def put_back() -> None:
            if previous is None:
                credentials.delete_password(user, host)
            else:
                credentials.set_password(user, host, previous)

        try:
            credentials.set_password(user, host, password)
        except BaseException:
            with contextlib.suppress(Exception):  # a backend may fail after storing part of it
                put_back()
            raise
        return put_back

    def password_for(self, settings: MailSettings) -> str | None:
        """The stored password for these settings' user and host, or None."""
        if not settings.auth or not settings.user:
            return None
        return credentials.get_password(settings.user, settings.server.host)

    def has_password(self, settings: MailSettings) -> bool:
        """True when a password (or, with OAuth2, a refresh token) is stored for these settings."""
        if settings.uses_oauth:
            from crm_mail_gui.core import oauth

            try:
                return oauth.is_signed_in(oauth.client_for(settings), settings.user)
            except credentials.CredentialStoreUnavailable:
                return False
        return bool(settings.auth and settings.user) and credentials.has_password(
            settings.user, settings.server.host
        )

    def session_secret(
        self, settings: MailSettings, typed_password: str | None = None
    ) -> str | None:
        """What AUTH needs: the typed or stored password, or a fresh OAuth2 access token.

        May refresh the access token over the network (raises oauth.OAuthError).
        """
        if not settings.auth:
            return None
        if settings.uses_oauth:
            from crm_mail_gui.core import oauth

            return oauth.access_token(oauth.client_for(settings), settings.user)
        return typed_password or self.password_for(settings)

    def export_to(self, settings: MailSettings, target: Path) -> None:
        """Write settings without the password to an export file for other PCs."""
        atomic_write_text(Path(target), settings_to_json(settings, format=EXPORT_FORMAT))

    @staticmethod
    def read_export(source: Path) -> MailSettings:
        """Read and validate an export file; raise ConfigError naming what is wrong."""
        try:
            data = read_json_file(Path(source))
        except FileNotFoundError:
            raise ConfigError(printable(str(source)), "not_found") from None
        kind = data.get("format") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind != EXPORT_FORMAT:
            raise ConfigError(printable(str(source)), "not_export")
        return settings_from_json(data, str(source))


__all__ = [
    "ConfigError",
    "FieldError",
    "LastTest",
    "LoadResult",
    "Notice",
    "PendingWrite",
    "Reason",
    "Store",
    "atomic_write_text",
    "ca_file_notice",
    "config_dir",
    "read_json_file",
]
