"""The config file (platformdirs, atomic JSON writes) and the password beside it in keyring."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

from crm_mail_gui import APP_NAME
from crm_mail_gui.core import credentials
from crm_mail_gui.core.records import record
from crm_mail_gui.core.settings import FieldError, MailSettings, SettingsInvalid, build_settings

CONFIG_VERSION = 1
CONFIG_NAME = "settings.json"
EXPORT_FORMAT = "crm-mail-gui-settings"
ENV_CONFIG_DIR = "CRM_MAIL_GUI_CONFIG_DIR"
_KEYS = (
    "server",
    "user",
    "from",
    "auth",
    "to",
    "timeout",
    "ca_file",
    "allow_unencrypted_auth",
    "oauth",
)


class ConfigError(RuntimeError):
    """A config or export file that cannot be read or written; the message says which and why."""


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


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file in the same folder and os.replace (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def settings_from_json(data: object, source: str) -> MailSettings:
    """Validate a JSON object (config or export) into MailSettings or raise ConfigError."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: not a JSON object")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(f'{source}: missing or invalid "version"')
    if version > CONFIG_VERSION:
        raise ConfigError(f"{source}: version {version} is newer than this app understands")
    if not isinstance(data.get("server"), str):
        raise ConfigError(f'{source}: missing "server"')
    for key, kind in (("auth", bool), ("allow_unencrypted_auth", bool)):
        if key in data and not isinstance(data[key], kind):
            raise ConfigError(f'{source}: "{key}" must be true or false')
    for key in ("user", "from", "to"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ConfigError(f'{source}: "{key}" must be a string')
    if "password" in data:
        raise ConfigError(
            f"{source}: contains a password; passwords belong in the credential store"
        )
    values = {k: data[k] for k in _KEYS if k in data}
    try:
        return build_settings(values)
    except SettingsInvalid as error:
        if set(error.errors) != {"ca_file"}:
            raise ConfigError(f"{source}: {error}") from None
    # Only the extra CA file is gone: keep everything else and say so, rather than set it aside.
    settings = build_settings({**values, "ca_file": None})
    return settings.with_changes(extra={"missing_ca_file": str(values.get("ca_file"))})


def settings_to_json(settings: MailSettings, **extra: object) -> str:
    """The JSON text of settings (never a password)."""
    return (
        json.dumps(
            {"version": CONFIG_VERSION, **extra, **settings.to_dict()}, ensure_ascii=False, indent=2
        )
        + "\n"
    )


@record(frozen=False)
class LoadResult:
    """What loading found: settings (or None on first run) and a notice about a set-aside file."""

    settings: MailSettings | None
    notice: str | None = None
    set_aside: Path | None = None


class Store:
    """Settings in a JSON file under `directory`; the password in the credential store."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = config_dir(directory)
        self.path = self.directory / CONFIG_NAME

    def load(self) -> LoadResult:
        """Read the config; a corrupt file is renamed aside and reported, never overwritten."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return LoadResult(None)
        except (OSError, UnicodeDecodeError) as error:
            return self._set_aside(f"cannot be read ({type(error).__name__})")
        try:
            settings = settings_from_json(json.loads(text), str(self.path))
        except json.JSONDecodeError as error:
            return self._set_aside(f"is not valid JSON (line {error.lineno})")
        except ConfigError as error:
            return self._set_aside(str(error).removeprefix(f"{self.path}: "))
        missing = settings.extra.get("missing_ca_file")
        notice = (
            f"The extra CA file {missing} no longer exists; it is ignored." if missing else None
        )
        return LoadResult(settings, notice)

    def _set_aside(self, reason: str) -> LoadResult:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{CONFIG_NAME}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{CONFIG_NAME}.corrupt-{stamp}-{counter}")
        try:
            os.replace(self.path, target)
        except OSError:
            return LoadResult(None, f"{self.path} {reason}; it could not be renamed aside.")
        return LoadResult(None, f"{self.path} {reason}; it was renamed to {target.name}.", target)

    def save(self, settings: MailSettings, password: str | None = None) -> None:
        """Store the password first (so a store failure changes nothing), then the file."""
        if password is not None and settings.auth:
            credentials.set_password(settings.user, settings.server.host, password)
        atomic_write_text(self.path, settings_to_json(settings))

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
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{source}: file not found") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{source}: cannot be read ({type(error).__name__})") from None
        except json.JSONDecodeError as error:
            raise ConfigError(f"{source}: not valid JSON (line {error.lineno})") from None
        if isinstance(data, dict) and data.get("format") not in (None, EXPORT_FORMAT):
            raise ConfigError(f"{source}: not a crm-mail-gui settings file")
        return settings_from_json(data, str(source))


__all__ = ["ConfigError", "FieldError", "LoadResult", "Store", "atomic_write_text", "config_dir"]
