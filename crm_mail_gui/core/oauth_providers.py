"""OAuth2 identity providers as data (resources/oauth_providers.json): endpoints, scopes, presets."""

from __future__ import annotations

import json
from functools import lru_cache

from crm_mail_gui.core.records import field, record
from crm_mail_gui.core.resources import resource_path


@record
class Provider:
    """An OAuth2 identity provider's endpoints and scopes (from resources/oauth_providers.json)."""

    id: str
    name: dict[str, str] = field(hash=False)
    presets: tuple[str, ...]
    authorize: str
    token: str
    device_code: str | None
    revoke: str | None
    scopes: tuple[str, ...]
    default_tenant: str
    needs_secret: bool
    authorize_params: dict[str, str] = field(hash=False)
    source: str = ""


@lru_cache(maxsize=1)
def load_providers() -> dict[str, Provider]:
    """Every provider, keyed by id."""
    data = json.loads(resource_path("oauth_providers.json").read_text(encoding="utf-8"))
    providers = {}
    for entry in data["providers"]:
        entry = dict(entry)
        entry["presets"] = tuple(entry["presets"])
        entry["scopes"] = tuple(entry["scopes"])
        providers[entry["id"]] = Provider(**entry)
    return providers


def provider_for_preset(preset_id: str | None) -> Provider | None:
    """The OAuth2 provider of a mail preset (gmail → google, microsoft365 → microsoft…)."""
    return next((p for p in load_providers().values() if preset_id in p.presets), None)
