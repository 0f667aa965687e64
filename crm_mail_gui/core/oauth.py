"""OAuth2 for SMTP (XOAUTH2): authorization code + PKCE on a loopback redirect, device code, refresh.

Standard library only (urllib, http.server): the flows are a few form posts, so neither msal nor
authlib (each pulling in cryptography and more, several MB in the frozen build) is needed.
The refresh token lives in the credential store; access tokens live in memory only.
The registration, tokens and errors are in oauth_client, the HTTPS posts in oauth_http, the
redirect listener in oauth_loopback; this module holds the flows and the token store.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.oauth_client import MAX_DETAIL, Client, OAuthError, Tokens
from crm_mail_gui.core.oauth_client import REFRESH_MARGIN as REFRESH_MARGIN  # re-exported
from crm_mail_gui.core.oauth_http import post
from crm_mail_gui.core.oauth_loopback import POLL_TICK, LoopbackReceiver
from crm_mail_gui.core.oauth_providers import load_providers
from crm_mail_gui.core.printable import printable

if TYPE_CHECKING:
    from crm_mail_gui.core.settings import MailSettings

SIGN_IN_TIMEOUT = 300.0
# Device-code polling (RFC 8628 3.2, 3.5). Read at call time, so that tests can lower them.
DEFAULT_POLL_INTERVAL = 5.0  # when the server names no interval
MIN_POLL_INTERVAL = 5.0  # never poll faster than this, whatever the server says
MAX_POLL_INTERVAL = 60.0  # nor wait longer than this between polls
SLOW_DOWN_STEP = 5.0  # added to the interval on every "slow_down"
DEFAULT_DEVICE_LIFETIME = 900.0
MAX_DEVICE_LIFETIME = 3600.0
DEFAULT_TOKEN_LIFETIME = 3600.0
MAX_TOKEN_LIFETIME = 86400.0  # a longer claimed lifetime is cut: the token is refreshed earlier
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # tokens are visible ASCII (RFC 6749 A.12, 6750 2.1)
_SECONDS_TEXT = re.compile(r"[0-9]{1,9}")  # some servers send expires_in as a string of digits


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def account_from_id_token(id_token: object) -> str:
    """The e-mail or user name in an id_token, for display only (escaped; "" when unusable)."""
    if not isinstance(id_token, str) or id_token.count(".") < 2:
        return ""
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return ""
    if not isinstance(claims, dict):
        return ""
    for key in ("email", "preferred_username", "upn"):
        if isinstance(claims.get(key), str):
            return printable(claims[key], 254)
    return ""


# -- answers -------------------------------------------------------------------------------
def _invalid(key: str, what: str) -> OAuthError:
    """An invalid_answer error about one field of an answer."""
    return OAuthError("invalid_answer", f"{key} {what}")


def _seconds(data: dict, key: str, default: float, low: float, high: float) -> float:
    """A duration from an answer: `default` when absent, clamped to [low, high]; junk refused."""
    value = data.get(key)
    if value is None:
        value = default
    elif isinstance(value, str) and _SECONDS_TEXT.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(key, f"is not a number ({type(value).__name__})")
    if not math.isfinite(value):
        raise _invalid(key, "is not a finite number")
    return float(min(max(value, low), high))


def _token_text(data: dict, key: str, *, required: bool) -> str | None:
    """A token from an answer: visible ASCII; None when absent (refused when required)."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise _invalid(key, "is missing")
        return None
    if not isinstance(value, str):
        raise _invalid(key, f"is not a string ({type(value).__name__})")
    if not _TOKEN_CHARS.fullmatch(value):
        raise _invalid(key, "contains characters a token cannot have")
    return value


def _raise_for_error(data: dict) -> None:
    """Raise the OAuthError an OAuth error answer ("error", "error_description") stands for."""
    if data.get("error") is None:
        return
    error = data["error"]
    name = printable(error, 100) if isinstance(error, str) else f"({type(error).__name__})"
    description = data.get("error_description")
    if isinstance(description, str):  # Microsoft separates its lines with CRLF: keep one line
        description = printable(description.replace("\r\n", " "), MAX_DETAIL)
    else:
        description = ""
    detail = f"{name}: {description}" if description else name
    if error == "invalid_grant":
        raise OAuthError("sign_in_again", detail)
    if error in ("invalid_client", "unauthorized_client"):
        raise OAuthError("invalid_client", detail)
    if error in ("access_denied", "authorization_declined"):
        raise OAuthError("denied", detail)
    raise OAuthError("server_error", detail)


def _tokens(client: Client, data: dict, refresh_token: str | None = None) -> Tokens:
    """The Tokens of a token answer, validated field by field (RFC 6749 5.1)."""
    _raise_for_error(data)
    access = _token_text(data, "access_token", required=True)
    assert access is not None
    token_type = data.get("token_type")
    if token_type is not None and (
        not isinstance(token_type, str) or token_type.lower() != "bearer"
    ):
        raise _invalid("token_type", "is not Bearer")
    lifetime = _seconds(data, "expires_in", DEFAULT_TOKEN_LIFETIME, 0.0, MAX_TOKEN_LIFETIME)
    return Tokens(
        access_token=access,
        expires_at=time.time() + lifetime,
        refresh_token=_token_text(data, "refresh_token", required=False) or refresh_token,
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
    return _tokens(client, post(client, client.endpoint("token"), form))


def refresh(client: Client, refresh_token: str) -> Tokens:
    """A new access token from a refresh token; a revoked or expired one raises sign_in_again."""
    form = {
        **_client_form(client),
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "scope": client.scope,
    }
    return _tokens(client, post(client, client.endpoint("token"), form), refresh_token)


def revoke(client: Client, token: str) -> None:
    """Ask the provider to revoke a token where it offers that (Google); errors are ignored."""
    if not client.provider.revoke:
        return
    with contextlib.suppress(OAuthError):
        post(client, client.endpoint("revoke"), {"token": token})


# -- authorization code flow with a loopback redirect (RFC 8252) ---------------------------
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
    receiver = LoopbackReceiver(state, lang)
    try:
        open_browser(authorization_url(client, receiver.redirect_uri, state, challenge, login_hint))
        query = receiver.wait(cancel, timeout)
    finally:
        receiver.close()
    if "error" in query:
        description = query.get("error_description", "")
        detail = printable(query["error"], 100)
        if description:
            detail += ": " + printable(description, MAX_DETAIL)
        raise OAuthError("denied", detail)
    if cancel.cancelled:
        raise OAuthError("cancelled")
    return exchange_code(client, query["code"], verifier, receiver.redirect_uri)


# -- device code flow (for PCs where the loopback redirect cannot work) --------------------
@dataclass(frozen=True)
class DeviceCode:
    """What to show the admin: the code to type at the URL (both escaped, the URL https)."""

    user_code: str
    verification_uri: str
    message: str
    device_code: str
    interval: float
    expires_at: float  # time.monotonic() after which the code is no longer valid


def _shown_code(value: object) -> str:
    """The user code to show: escaped, short, and no markup (it reaches a label in the window)."""
    if not isinstance(value, str) or not value.strip():
        raise _invalid("user_code", "is missing")
    code = printable(value.strip(), 64)
    if any(char in code for char in "<>&"):
        raise _invalid("user_code", f"is not a code: {code}")
    return code


def _https_url(value: object) -> str:
    """The verification URL to show and open: an https URL to a host, nothing that could hide."""
    if not isinstance(value, str) or not value:
        raise _invalid("verification_uri", "is missing")
    shown = printable(value, 2048)
    try:
        parts = urllib.parse.urlsplit(value)
        valid = (parts.port is None or parts.port > 0) and parts.scheme.lower() == "https"
        valid = valid and bool(parts.hostname)
    except ValueError:  # a bad port or IPv6 literal
        valid = False
    if (
        not valid
        or shown != value
        or not value.isascii()
        or any(char in value for char in ' <>"\\^`{|}')
        or "@" in parts.netloc  # https://login.example@evil.example/ shows one host, opens another
    ):
        raise _invalid("verification_uri", f"is not an https URL: {shown}")
    return value


def start_device_flow(client: Client) -> DeviceCode:
    """Ask for a device code (Microsoft); every field is checked before it is shown or used."""
    data = post(
        client, client.endpoint("device_code"), {**_client_form(client), "scope": client.scope}
    )
    _raise_for_error(data)
    message = data.get("message")
    device_code = _token_text(data, "device_code", required=True)
    assert device_code is not None
    interval = _seconds(
        data, "interval", DEFAULT_POLL_INTERVAL, MIN_POLL_INTERVAL, MAX_POLL_INTERVAL
    )
    lifetime = _seconds(data, "expires_in", DEFAULT_DEVICE_LIFETIME, 0.0, MAX_DEVICE_LIFETIME)
    return DeviceCode(
        user_code=_shown_code(data.get("user_code")),
        verification_uri=_https_url(data.get("verification_uri") or data.get("verification_url")),
        message=printable(message, 2 * MAX_DETAIL) if isinstance(message, str) else "",
        device_code=device_code,
        interval=interval,
        expires_at=time.monotonic() + lifetime,
    )


def _sleep_until(moment: float, cancel: CancelToken) -> None:
    """Wait until time.monotonic() reaches `moment`; raise cancelled as soon as asked."""
    while True:
        if cancel.cancelled:
            raise OAuthError("cancelled")
        left = moment - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, POLL_TICK))


def poll_device_flow(
    client: Client, device: DeviceCode, cancel: CancelToken | None = None
) -> Tokens:
    """Poll until the admin has entered the code (or it expires, or cancel).

    RFC 8628 3.5: never faster than the interval (clamped to MIN/MAX_POLL_INTERVAL), five
    seconds slower after each "slow_down", and no wait that would end after the code expired.
    """
    cancel = cancel or CancelToken()
    interval = min(max(device.interval, MIN_POLL_INTERVAL), MAX_POLL_INTERVAL)
    form = {
        **_client_form(client),
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": device.device_code,
    }
    while True:
        wake = time.monotonic() + interval
        if wake > device.expires_at:
            raise OAuthError("expired_code")
        _sleep_until(wake, cancel)
        data = post(client, client.endpoint("token"), form)
        error = data.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
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
