"""The app registration an OAuth2 sign-in uses, the tokens it gives, and its errors."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass

from crm_mail_gui.core import i18n
from crm_mail_gui.core.oauth_providers import Provider
from crm_mail_gui.core.printable import printable

REFRESH_MARGIN = 120.0  # refresh an access token this many seconds before it expires
MAX_DETAIL = 300  # characters of server text quoted in a message


class OAuthError(Exception):
    """A sign-in or token problem an administrator can act on; `message(lang)` explains it."""

    def __init__(self, kind: str, detail: str = "", **params: object) -> None:
        self.kind = kind
        detail = printable(detail, 2 * MAX_DETAIL)  # server text: never an escape sequence
        self.detail = detail
        self.params = {
            "detail": detail,
            **{k: printable(v, MAX_DETAIL) if isinstance(v, str) else v for k, v in params.items()},
        }
        super().__init__(f"{kind}: {detail}" if detail else kind)

    @property
    def needs_sign_in(self) -> bool:
        """True when only signing in again helps."""
        return self.kind in ("sign_in_again", "not_signed_in")

    def message(self, lang: str | None = None) -> str:
        """The localised explanation."""
        return i18n.text(f"oauth.{self.kind}", lang, **self.params)


@dataclass(frozen=True)
class Client:
    """The admin's own app registration at a provider, plus where its endpoints live."""

    provider: Provider
    client_id: str
    tenant: str = ""
    client_secret: str | None = None
    authority: str | None = None  # e.g. a sovereign cloud, or a local test server
    ca_file: str | None = None
    timeout: float = 20.0

    def endpoint(self, name: str) -> str:
        """The URL of "authorize", "token", "device_code" or "revoke"."""
        url = getattr(self.provider, name)
        if not url:
            raise OAuthError("no_device_flow" if name == "device_code" else "server_error", name)
        url = url.replace(
            "{tenant}", urllib.parse.quote(self.tenant or self.provider.default_tenant)
        )
        if self.authority:
            parts = urllib.parse.urlsplit(url)
            base = urllib.parse.urlsplit(self.authority)
            url = urllib.parse.urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
        return url

    @property
    def scope(self) -> str:
        """The space-separated scopes to ask for."""
        return " ".join(self.provider.scopes)


@dataclass
class Tokens:
    """What a token endpoint returned: the access token (memory only) and the refresh token."""

    access_token: str
    expires_at: float
    refresh_token: str | None = None
    account: str = ""

    def fresh(self, margin: float = REFRESH_MARGIN) -> bool:
        """True while the access token stays valid for at least `margin` seconds."""
        return time.time() + margin < self.expires_at
