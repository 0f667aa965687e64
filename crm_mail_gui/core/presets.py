"""Provider presets (server name, user hint, guidance) read and validated from providers.json."""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crm_mail_gui.core.address import AddressError, normalise, parse_server
from crm_mail_gui.core.i18n import current_language
from crm_mail_gui.core.records import field, record
from crm_mail_gui.core.resources import resource_path

FORMAT_VERSION = 1
CUSTOM_ID = "custom"
TEXT_FIELDS = ("name", "user_hint", "guidance")
REQUIRED_LANGUAGES = ("ja", "en")
FIELDS = (
    "id",
    "name",
    "server",
    "placeholder",
    "alternatives",
    "auth",
    "user_hint",
    "username_fixed",
    "username_is_address",
    "domains",
    "guidance",
    "verified",
    "source",
    "oauth2",
    "links",
)
LINK_FIELDS = ("title", "url")
_ID = re.compile(r"^[a-z0-9_]+$")
_PLACEHOLDER = re.compile(r"^[A-Za-z0-9-]+$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]!$&'()*+,;=%]+$")


class PresetsError(ValueError):
    """The presets file cannot be read, is not JSON, or has a missing or wrong field."""


@record(frozen=True)
class HelpLink:
    """A page of the provider's own help, with its title in each language."""

    title: dict[str, str] = field(hash=False)
    url: str

    def text(self, lang: str | None = None) -> str:
        """The title in `lang` (default: in force), else English."""
        return _in_language(self.title, lang)


def _in_language(texts: dict[str, str], lang: str | None) -> str:
    code = (lang or current_language()).replace("-", "_").split("_")[0].lower()
    return texts.get(code) or texts["en"]


@record
class Preset:
    """One provider preset; `name`, `user_hint` and `guidance` map a language to a text."""

    id: str
    name: dict[str, str] = field(hash=False)
    server: str
    placeholder: str | None
    alternatives: tuple[str, ...]
    auth: bool
    user_hint: dict[str, str] = field(hash=False)
    username_fixed: str | None
    username_is_address: bool  # False: another name (Yahoo! JAPAN ID, SES SMTP user, "apikey")
    domains: tuple[str, ...]
    guidance: dict[str, str] = field(hash=False)
    verified: bool
    source: str
    oauth2: bool
    links: tuple[HelpLink, ...] = field(default=(), hash=False)

    def text(self, field_name: str, lang: str | None = None) -> str:
        """Return `name`, `user_hint` or `guidance` in `lang` (default: in force), else English."""
        if field_name not in TEXT_FIELDS:
            raise ValueError(f"{field_name!r} is not a text field: use one of {TEXT_FIELDS}")
        return _in_language(getattr(self, field_name), lang)

    def username_for(self, address: str) -> str | None:
        """The user name for `address`: the fixed one, the address itself, or None (to be typed:
        the preset's `user_hint` says what, e.g. the Yahoo! JAPAN ID)."""
        if self.username_fixed is not None:
            return self.username_fixed
        return address if self.username_is_address else None

    @property
    def servers(self) -> tuple[str, ...]:
        """The main server name followed by the alternatives (empty for custom)."""
        return (self.server, *self.alternatives) if self.server else self.alternatives

    def has_placeholder(self, server: str) -> bool:
        """True while `server` still contains this preset's placeholder (any letter case)."""
        return self.placeholder is not None and self.placeholder.lower() in server.lower()

    def fits_host(self, host: str) -> bool:
        """True when `host` is one of this preset's hosts (the placeholder standing for a name)."""
        return any(_host_fits(host, pattern, self.placeholder) for pattern in self._hosts())

    def claims_host(self, host: str) -> bool:
        """True when `host` tells this preset apart from every other: a fixed host, or a host
        with the placeholder in front of the provider's own domain (sv1234.xserver.jp)."""
        for pattern in self._hosts():
            _prefix, found, suffix = _split_pattern(pattern, self.placeholder)
            distinctive = not found or suffix.strip(".").count(".") >= 1
            if distinctive and _host_fits(host, pattern, self.placeholder):
                return True
        return False

    def _hosts(self) -> list[str]:
        return [host_of(server) for server in self.servers]


def host_of(server: str) -> str:
    """The host of a server name as typed, lower case; "" when none can be told yet.

    Lenient (the field is read while the user types): scheme and port are cut off.
    """
    text = normalise(server).lower()
    scheme, sep, rest = text.partition("://")
    rest = rest if sep else scheme
    if rest.startswith("["):
        return rest[1:].partition("]")[0]
    return rest.partition(":")[0].partition("/")[0].strip().rstrip(".")


def _split_pattern(pattern: str, placeholder: str | None) -> tuple[str, bool, str]:
    if placeholder and placeholder.lower() in pattern:
        prefix, _, suffix = pattern.partition(placeholder.lower())
        return prefix, True, suffix
    return pattern, False, ""


def _host_fits(host: str, pattern: str, placeholder: str | None) -> bool:
    prefix, found, suffix = _split_pattern(pattern, placeholder)
    if not found:
        return host == pattern
    typed_in = len(host) > len(prefix) + len(suffix)  # something stands where the placeholder was
    return typed_in and host.startswith(prefix) and host.endswith(suffix)


def preset_for_server(
    server: str, presets: Sequence[Preset] | None = None, current: Preset | None = None
) -> Preset | None:
    """The preset the server name in the field belongs to (None: Custom).

    The `current` preset stays while its host fits (or no host was typed yet); otherwise the
    preset that claims the host, else None.
    """
    host = host_of(server)
    if not host:
        return current
    if current is not None and current.fits_host(host):
        return current
    for preset in load_presets() if presets is None else presets:
        if preset.id != CUSTOM_ID and preset.claims_host(host):
            return preset
    return None


def stray_placeholder(server: str, presets: Sequence[Preset] | None = None) -> str | None:
    """A preset's placeholder still in `server` (e.g. "svNNNN" after switching to Custom)."""
    host = host_of(server)
    for preset in load_presets() if presets is None else presets:
        if preset.placeholder and preset.placeholder.lower() in host:
            return preset.placeholder
    return None


def load_presets(path: Path | None = None) -> list[Preset]:
    """Read and validate the presets (default: resources/providers.json, cached)."""
    if path is None:
        return list(_load_default())
    return list(_load(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> tuple[Preset, ...]:
    return _load(resource_path("providers.json"))


def _load(path: Path) -> tuple[Preset, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetsError(f"{path}: cannot read the presets file: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PresetsError(f"{path.name}: not valid JSON: {exc}") from exc
    return parse_presets(data, origin=path.name)


def parse_presets(data: object, origin: str = "providers.json") -> tuple[Preset, ...]:
    """Validate decoded JSON and build the presets; raise PresetsError naming entry and field."""
    if not isinstance(data, dict):
        raise PresetsError(f"{origin}: the top level must be an object")
    if data.get("version") != FORMAT_VERSION:
        raise PresetsError(
            f"{origin}: unsupported 'version' {data.get('version')!r} (expected {FORMAT_VERSION})"
        )
    entries = data.get("presets")
    if not isinstance(entries, list) or not entries:
        raise PresetsError(f"{origin}: 'presets' must be a non-empty list")
    presets: list[Preset] = []
    seen_ids: set[str] = set()
    seen_domains: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        preset = _parse_entry(entry, f"{origin}: preset #{index}")
        where = f"{origin}: preset #{index} ({preset.id!r})"
        if preset.id in seen_ids:
            raise PresetsError(f"{where}: field 'id': duplicate id {preset.id!r}")
        seen_ids.add(preset.id)
        for domain in preset.domains:
            if domain in seen_domains:
                raise PresetsError(
                    f"{where}: field 'domains': {domain!r} is already listed by "
                    f"{seen_domains[domain]!r}"
                )
            seen_domains[domain] = preset.id
        presets.append(preset)
    return tuple(presets)


def _fields_of(entry: object, where: str) -> tuple[dict[str, Any], str]:
    """The entry as an object with exactly FIELDS, and `where` naming its id when it has one."""
    if not isinstance(entry, dict):
        raise PresetsError(f"{where}: must be an object")
    preset_id = entry.get("id")
    if isinstance(preset_id, str) and preset_id:
        where = f"{where} ({preset_id!r})"
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise PresetsError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    for key in FIELDS:
        if key not in entry:
            raise PresetsError(f"{where}: field {key!r} is missing")
    return entry, where


def _parse_entry(raw: object, where: str) -> Preset:
    entry, where = _fields_of(raw, where)
    ident = _string(entry, "id", where)
    if not _ID.match(ident):
        raise PresetsError(f"{where}: field 'id' must use only a-z, 0-9 and '_'")
    server = _string(entry, "server", where, allow_empty=ident == CUSTOM_ID)
    placeholder = _optional_string(entry, "placeholder", where)
    alternatives = tuple(_string_list(entry, "alternatives", where))
    for key, value in [("server", server)] + [("alternatives", alt) for alt in alternatives]:
        _check_server(value, key, where)
    if placeholder is not None:
        _check_placeholder(placeholder, server, where)
    username_fixed, username_is_address = _user_name_rule(entry, where)
    return Preset(
        id=ident,
        name=_texts(entry, "name", where),
        server=server,
        placeholder=placeholder,
        alternatives=alternatives,
        auth=_bool(entry, "auth", where),
        user_hint=_texts(entry, "user_hint", where),
        username_fixed=username_fixed,
        username_is_address=username_is_address,
        domains=_domains(entry, where),
        guidance=_texts(entry, "guidance", where),
        verified=_bool(entry, "verified", where),
        source=_string(entry, "source", where),
        oauth2=_bool(entry, "oauth2", where),
        links=_links(entry, where),
    )


def _user_name_rule(entry: dict[str, Any], where: str) -> tuple[str | None, bool]:
    """The fixed user name, or whether the user name is the mail address (not both)."""
    username_fixed = _optional_string(entry, "username_fixed", where)
    username_is_address = _bool(entry, "username_is_address", where)
    if username_fixed is not None and username_is_address:
        raise PresetsError(
            f"{where}: field 'username_is_address' must be false with 'username_fixed' "
            f"({username_fixed!r} is the user name)"
        )
    return username_fixed, username_is_address


def _check_placeholder(placeholder: str, server: str, where: str) -> None:
    if not _PLACEHOLDER.match(placeholder):
        raise PresetsError(
            f"{where}: field 'placeholder' may use only letters, digits and '-' "
            f"(got {placeholder!r})"
        )
    if placeholder not in server:
        raise PresetsError(
            f"{where}: field 'placeholder': {placeholder!r} does not occur in {server!r}"
        )


def _domains(entry: dict[str, Any], where: str) -> tuple[str, ...]:
    domains = tuple(_string_list(entry, "domains", where))
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise PresetsError(
                f"{where}: field 'domains': {domain!r} is not a lower-case domain name"
            )
    return domains


def _links(entry: dict[str, Any], where: str) -> tuple[HelpLink, ...]:
    value = entry["links"]
    if not isinstance(value, list):
        raise PresetsError(f"{where}: field 'links' must be a list of {{title, url}} objects")
    links = []
    for number, item in enumerate(value, start=1):
        at = f"{where}: field 'links' #{number}"
        if not isinstance(item, dict) or set(item) != set(LINK_FIELDS):
            raise PresetsError(f"{at}: must be an object with exactly 'title' and 'url'")
        url = item["url"]
        if not isinstance(url, str):
            raise PresetsError(f"{at}: 'url' must be a string")
        check_help_url(url, at)
        links.append(HelpLink(title=_texts(item, "title", at), url=url))
    return tuple(links)


def check_help_url(url: str, where: str = "link") -> None:
    """Raise PresetsError unless `url` is a plain https:// address of a named host."""
    if not _URL_CHARS.match(url):
        raise PresetsError(f"{where}: {url!r} has characters a plain https URL does not hold")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https":
        raise PresetsError(f"{where}: {url!r} must start with https://")
    host = parts.hostname or ""
    if "@" in parts.netloc or ":" in parts.netloc or not _DOMAIN.match(host):
        raise PresetsError(f"{where}: {url!r} must name a host (no user, no port)")


def _check_server(value: str, key: str, where: str) -> None:
    if not value:
        return
    try:
        address = parse_server(value)
    except AddressError as exc:
        raise PresetsError(f"{where}: field {key!r}: {value!r} does not parse: {exc}") from exc
    if address.warnings():
        raise PresetsError(
            f"{where}: field {key!r}: {value!r} has a suspicious scheme/port pair "
            f"(probably {address.warnings()[0].suggestion!r})"
        )


def _string(entry: dict[str, Any], key: str, where: str, *, allow_empty: bool = False) -> str:
    value = entry[key]
    if not isinstance(value, str):
        raise PresetsError(f"{where}: field {key!r} must be a string")
    if not value.strip() and not allow_empty:
        raise PresetsError(f"{where}: field {key!r} must not be empty")
    return value


def _optional_string(entry: dict[str, Any], key: str, where: str) -> str | None:
    if entry[key] is None:
        return None
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise PresetsError(f"{where}: field {key!r} must be a non-empty string or null")
    return value


def _bool(entry: dict[str, Any], key: str, where: str) -> bool:
    value = entry[key]
    if not isinstance(value, bool):
        raise PresetsError(f"{where}: field {key!r} must be true or false")
    return value


def _string_list(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PresetsError(f"{where}: field {key!r} must be a list of non-empty strings")
    return value


def _texts(entry: dict[str, Any], key: str, where: str) -> dict[str, str]:
    value = entry[key]
    if not isinstance(value, dict):
        raise PresetsError(f'{where}: field {key!r} must be an object {{"ja": …, "en": …}}')
    for lang in REQUIRED_LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise PresetsError(f"{where}: field {key!r} needs a non-empty {lang!r} text")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise PresetsError(f"{where}: field {key!r} must map language codes to strings")
    return dict(value)


def preset_by_id(preset_id: str, presets: Sequence[Preset] | None = None) -> Preset | None:
    """Return the preset with this id, or None."""
    for preset in load_presets() if presets is None else presets:
        if preset.id == preset_id:
            return preset
    return None


def preset_for_address(address: str, presets: Sequence[Preset] | None = None) -> Preset | None:
    """Return the preset whose domains include the domain after the last '@', or None."""
    _, at, domain = normalise(address).rpartition("@")
    if not at:
        return None
    domain = domain.strip().rstrip(">").strip().rstrip(".").lower()
    if not domain:
        return None
    for preset in load_presets() if presets is None else presets:
        if domain in preset.domains:
            return preset
    return None
