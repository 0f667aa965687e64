"""OAuth2 for SMTP (XOAUTH2): authorization code + PKCE on a loopback redirect, device code, refresh.

Standard library only (urllib, http.server): the flows are a few form posts, so neither msal nor
authlib (each pulling in cryptography and more, several MB in the frozen build) is needed.
The refresh token lives in the credential store; access tokens live in memory only.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials, tls
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.i18n import tr
from crm_mail_gui.core.oauth_providers import Provider, load_providers

if TYPE_CHECKING:
    from crm_mail_gui.core.settings import MailSettings

REFRESH_MARGIN = 120.0  # refresh an access token this many seconds before it expires
SIGN_IN_TIMEOUT = 300.0

MESSAGES: dict[str, dict[str, str]] = {
    "sign_in_again": {
        "ja": "サインインの有効期限が切れたか、取り消されました。もう一度サインインしてください。",
        "en": "The sign-in has expired or was revoked. Please sign in again.",
    },
    "not_signed_in": {
        "ja": "まだサインインしていません。「サインイン」を押してください。",
        "en": "Not signed in yet. Click “Sign in”.",
    },
    "denied": {
        "ja": "サインインが拒否されました({detail})。",
        "en": "The sign-in was refused ({detail}).",
    },
    "state_mismatch": {
        "ja": "サインインの応答が一致しません(state が違います)。安全のため中止しました。",
        "en": "The sign-in answer did not match this request (state differs); it was rejected.",
    },
    "invalid_client": {
        "ja": "アプリの登録(クライアント ID / シークレット)が受け付けられませんでした: {detail}",
        "en": "The app registration (client ID / secret) was not accepted: {detail}",
    },
    "server_error": {
        "ja": "認可サーバがエラーを返しました: {detail}",
        "en": "The authorization server answered with an error: {detail}",
    },
    "network": {
        "ja": "認可サーバに接続できません: {detail}",
        "en": "Cannot reach the authorization server: {detail}",
    },
    "cancelled": {"ja": "サインインを中止しました。", "en": "The sign-in was cancelled."},
    "timeout": {
        "ja": "ブラウザでのサインインが {seconds} 秒以内に完了しませんでした。",
        "en": "The sign-in in the browser did not finish within {seconds} s.",
    },
    "expired_code": {
        "ja": "デバイスコードの有効期限が切れました。もう一度お試しください。",
        "en": "The device code expired. Please try again.",
    },
    "no_device_flow": {
        "ja": "このプロバイダはデバイスコードでのサインインに対応していません。",
        "en": "This provider does not offer sign-in with a device code.",
    },
}
DONE_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>crm-mail-gui</title>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body>"
)


class OAuthError(Exception):
    """A sign-in or token problem an administrator can act on; `message(lang)` explains it."""

    def __init__(self, kind: str, detail: str = "", **params: object) -> None:
        self.kind = kind
        self.detail = detail
        self.params = {"detail": detail, **params}
        super().__init__(f"{kind}: {detail}" if detail else kind)

    @property
    def needs_sign_in(self) -> bool:
        """True when only signing in again helps."""
        return self.kind in ("sign_in_again", "not_signed_in")

    def message(self, lang: str | None = None) -> str:
        """The localised explanation."""
        return tr(MESSAGES, self.kind, lang, **self.params)


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


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def account_from_id_token(id_token: str | None) -> str:
    """The e-mail or user name in an id_token, for display only (the token came over TLS)."""
    if not id_token or id_token.count(".") < 2:
        return ""
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return ""
    for key in ("email", "preferred_username", "upn"):
        if isinstance(claims.get(key), str):
            return claims[key]
    return ""


# -- HTTP ----------------------------------------------------------------------------------
def _post(client: Client, url: str, form: dict[str, str]) -> dict:
    body = urllib.parse.urlencode(form).encode("ascii")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    context = tls.client_context(client.ca_file)
    try:
        with urllib.request.urlopen(request, timeout=client.timeout, context=context) as response:
            return json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as error:
        try:
            data = json.loads(error.read().decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            data = {}
        if not isinstance(data, dict) or "error" not in data:
            raise OAuthError("server_error", f"HTTP {error.code}") from None
        return data
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise OAuthError("network", str(reason)) from None


def _tokens(client: Client, data: dict, refresh_token: str | None = None) -> Tokens:
    error = data.get("error")
    if error:
        description = str(data.get("error_description", ""))[:300]
        detail = f"{error}: {description}" if description else str(error)
        if error == "invalid_grant":
            raise OAuthError("sign_in_again", detail)
        if error in ("invalid_client", "unauthorized_client"):
            raise OAuthError("invalid_client", detail)
        if error == "access_denied":
            raise OAuthError("denied", detail)
        raise OAuthError("server_error", detail)
    if not isinstance(data.get("access_token"), str):
        raise OAuthError("server_error", "no access_token in the answer")
    return Tokens(
        access_token=data["access_token"],
        expires_at=time.time() + float(data.get("expires_in", 3600)),
        refresh_token=data.get("refresh_token") or refresh_token,
        account=account_from_id_token(data.get("id_token")),
    )


def _client_form(client: Client) -> dict[str, str]:
    form = {"client_id": client.client_id}
    if client.client_secret:
        form["client_secret"] = client.client_secret
    return form


def exchange_code(client: Client, code: str, verifier: str, redirect_uri: str) -> Tokens:
    """Trade an authorization code (and the PKCE verifier) for tokens."""
    form = {
        **_client_form(client),
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "scope": client.scope,
    }
    return _tokens(client, _post(client, client.endpoint("token"), form))


def refresh(client: Client, refresh_token: str) -> Tokens:
    """A new access token from a refresh token; a revoked or expired one raises sign_in_again."""
    form = {
        **_client_form(client),
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "scope": client.scope,
    }
    return _tokens(client, _post(client, client.endpoint("token"), form), refresh_token)


def revoke(client: Client, token: str) -> None:
    """Ask the provider to revoke a token where it offers that (Google); errors are ignored."""
    if not client.provider.revoke:
        return
    with contextlib.suppress(OAuthError):
        _post(client, client.endpoint("revoke"), {"token": token})


# -- authorization code flow with a loopback redirect (RFC 8252) ---------------------------
class LoopbackReceiver:
    """A one-shot HTTP listener on 127.0.0.1 and a random port that catches the redirect."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        self.result: dict[str, str] | None = None
        self._done = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                if "code" not in query and "error" not in query:
                    self.send_response(404)
                    self.end_headers()
                    return
                ok = "code" in query
                title = (
                    ("サインインが完了しました" if ok else "サインインできませんでした")
                    if receiver.lang == "ja"
                    else ("Signed in" if ok else "Sign-in failed")
                )
                text = (
                    "crm-mail-gui の画面に戻ってください。このタブは閉じてかまいません。"
                    if receiver.lang == "ja"
                    else "Return to crm-mail-gui; you may close this tab."
                )
                page = DONE_PAGE.format(title=title, text=text).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                if receiver.result is None:
                    receiver.result = query
                    receiver._done.set()

            def log_message(self, format: str, *args: object) -> None:
                """No console output (windowed builds have none)."""

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 0.1
        self.port = self.server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(target=self._serve, name="oauth-redirect", daemon=True)
        self._stop = threading.Event()
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set() and not self._done.is_set():
            self.server.handle_request()

    def wait(self, cancel: CancelToken, timeout: float) -> dict[str, str]:
        """Wait for the redirect's query parameters (polls so cancel works within 0.1 s)."""
        deadline = time.monotonic() + timeout
        while not self._done.wait(0.05):
            if cancel.cancelled:
                raise OAuthError("cancelled")
            if time.monotonic() > deadline:
                raise OAuthError("timeout", seconds=f"{timeout:g}")
        assert self.result is not None
        return self.result

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        self._thread.join(1.0)
        self.server.server_close()


def authorization_url(
    client: Client, redirect_uri: str, state: str, challenge: str, login_hint: str = ""
) -> str:
    """The URL the browser opens to sign in and consent."""
    params = {
        "client_id": client.client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": client.scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **client.provider.authorize_params,
    }
    if login_hint:
        params["login_hint"] = login_hint
    return f"{client.endpoint('authorize')}?{urllib.parse.urlencode(params)}"


def sign_in(
    client: Client,
    open_browser: Callable[[str], object],
    *,
    cancel: CancelToken | None = None,
    login_hint: str = "",
    timeout: float = SIGN_IN_TIMEOUT,
    lang: str = "en",
) -> Tokens:
    """The whole browser sign-in: PKCE, state check, code exchange. Cancellable at any time."""
    cancel = cancel or CancelToken()
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    receiver = LoopbackReceiver(lang)
    try:
        open_browser(authorization_url(client, receiver.redirect_uri, state, challenge, login_hint))
        query = receiver.wait(cancel, timeout)
    finally:
        receiver.close()
    if not secrets.compare_digest(query.get("state", ""), state):
        raise OAuthError("state_mismatch")
    if "error" in query:
        detail = query["error"] + (
            f": {query['error_description']}" if query.get("error_description") else ""
        )
        raise OAuthError("denied", detail[:300])
    if cancel.cancelled:
        raise OAuthError("cancelled")
    return exchange_code(client, query["code"], verifier, receiver.redirect_uri)


# -- device code flow (for PCs where the loopback redirect cannot work) --------------------
@dataclass(frozen=True)
class DeviceCode:
    """What to show the admin: the code to type at the URL."""

    user_code: str
    verification_uri: str
    message: str
    device_code: str
    interval: float
    expires_at: float


def start_device_flow(client: Client) -> DeviceCode:
    """Ask for a device code (Microsoft)."""
    data = _post(
        client, client.endpoint("device_code"), {**_client_form(client), "scope": client.scope}
    )
    if "error" in data:
        _tokens(client, data)
    try:
        return DeviceCode(
            user_code=str(data["user_code"]),
            verification_uri=str(data.get("verification_uri") or data.get("verification_url")),
            message=str(data.get("message", "")),
            device_code=str(data["device_code"]),
            interval=float(data.get("interval", 5)),
            expires_at=time.time() + float(data.get("expires_in", 900)),
        )
    except (KeyError, ValueError):
        raise OAuthError("server_error", "incomplete device code answer") from None


def poll_device_flow(
    client: Client, device: DeviceCode, cancel: CancelToken | None = None
) -> Tokens:
    """Poll until the admin has entered the code (or it expires, or cancel)."""
    cancel = cancel or CancelToken()
    interval = device.interval
    form = {
        **_client_form(client),
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": device.device_code,
    }
    while True:
        deadline = time.monotonic() + interval
        while time.monotonic() < deadline:
            if cancel.cancelled:
                raise OAuthError("cancelled")
            time.sleep(0.05)
        if time.time() > device.expires_at:
            raise OAuthError("expired_code")
        data = _post(client, client.endpoint("token"), form)
        error = data.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5
            continue
        if error in ("expired_token", "code_expired"):
            raise OAuthError("expired_code")
        return _tokens(client, data)


# -- the token cache: refresh token in the credential store, access token in memory ---------
_cache: dict[str, Tokens] = {}
_cache_lock = threading.Lock()


def refresh_key(provider_id: str, client_id: str, user: str) -> str:
    """The credential-store key of a refresh token."""
    return f"oauth2:{provider_id}:{client_id}:{user}"


def secret_key(provider_id: str, client_id: str) -> str:
    """The credential-store key of a client secret (Google desktop clients have one)."""
    return f"oauth2-client-secret:{provider_id}:{client_id}"


def store_tokens(client: Client, user: str, tokens: Tokens) -> None:
    """Keep the refresh token in the credential store and the access token in memory."""
    key = refresh_key(client.provider.id, client.client_id, user)
    if tokens.refresh_token:
        credentials.set_secret(key, tokens.refresh_token)
    with _cache_lock:
        _cache[key] = tokens


def forget_tokens(client: Client, user: str, *, revoke_in_background: bool = False) -> None:
    """Sign out: forget the access token, delete the refresh token, revoke it where possible.

    The window passes `revoke_in_background` so that the revocation's HTTP request never
    blocks the GUI thread; the credential store is still changed here, on the caller's thread.
    """
    key = refresh_key(client.provider.id, client.client_id, user)
    with _cache_lock:
        _cache.pop(key, None)
    stored = credentials.get_secret(key)
    credentials.delete_secret(key)
    if not stored or not client.provider.revoke:
        return
    if revoke_in_background:
        threading.Thread(
            target=revoke, args=(client, stored), name="oauth-revoke", daemon=True
        ).start()
    else:
        revoke(client, stored)


def is_signed_in(client: Client, user: str) -> bool:
    """True when a refresh token is stored for this registration and mailbox."""
    return bool(credentials.get_secret(refresh_key(client.provider.id, client.client_id, user)))


def access_token(client: Client, user: str, refresh_token: str | None = None) -> str:
    """A valid access token: from memory, or refreshed with the refresh token.

    `refresh_token` may be read beforehand (on the GUI thread, as some credential stores
    require); otherwise it is read from the credential store here.
    """
    key = refresh_key(client.provider.id, client.client_id, user)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and cached.fresh():
        return cached.access_token
    stored = refresh_token or credentials.get_secret(key)
    if not stored:
        raise OAuthError("not_signed_in")
    try:
        tokens = refresh(client, stored)
    except OAuthError as error:
        if error.kind == "sign_in_again":
            with _cache_lock:
                _cache.pop(key, None)
        raise
    if tokens.refresh_token and tokens.refresh_token != stored:
        credentials.set_secret(key, tokens.refresh_token)  # the provider rotated it
    with _cache_lock:
        _cache[key] = tokens
    return tokens.access_token


def stored_refresh_token(client: Client, user: str) -> str | None:
    """The refresh token kept in the credential store, or None."""
    return credentials.get_secret(refresh_key(client.provider.id, client.client_id, user))


def client_for(settings: MailSettings, client_secret: str | None = None) -> Client:
    """The OAuth2 client of these settings; the client secret comes from the credential store."""
    assert settings.oauth is not None, "settings without OAuth2"
    provider = load_providers()[settings.oauth.provider]
    if client_secret is None and provider.needs_secret:
        client_secret = credentials.get_secret(secret_key(provider.id, settings.oauth.client_id))
    return Client(
        provider=provider,
        client_id=settings.oauth.client_id,
        tenant=settings.oauth.tenant,
        client_secret=client_secret,
        authority=settings.oauth.authority or None,
        ca_file=settings.ca_file,
        timeout=settings.timeout,
    )


def clear_memory_cache() -> None:
    """Forget every access token held in memory (tests, sign-out of everything)."""
    with _cache_lock:
        _cache.clear()


def free_port_available() -> bool:
    """Whether a loopback listener can be opened here (else offer the device code flow)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
    except OSError:
        return False
    return True
