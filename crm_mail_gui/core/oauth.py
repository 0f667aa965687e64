"""OAuth2 for SMTP (XOAUTH2): authorization code + PKCE on a loopback redirect, device code, refresh.

Standard library only (urllib, http.server): the flows are a few form posts, so neither msal nor
authlib (each pulling in cryptography and more, several MB in the frozen build) is needed.
The refresh token lives in the credential store; access tokens live in memory only.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import http.client
import json
import math
import re
import secrets
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials, i18n, tls
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.oauth_providers import Provider, load_providers
from crm_mail_gui.core.printable import printable

if TYPE_CHECKING:
    from crm_mail_gui.core.settings import MailSettings

REFRESH_MARGIN = 120.0  # refresh an access token this many seconds before it expires
SIGN_IN_TIMEOUT = 300.0
MAX_ANSWER_BYTES = 1 << 20  # an OAuth answer is a few KB; anything above 1 MiB is refused
# Device-code polling (RFC 8628 3.2, 3.5). Read at call time, so that tests can lower them.
DEFAULT_POLL_INTERVAL = 5.0  # when the server names no interval
MIN_POLL_INTERVAL = 5.0  # never poll faster than this, whatever the server says
MAX_POLL_INTERVAL = 60.0  # nor wait longer than this between polls
SLOW_DOWN_STEP = 5.0  # added to the interval on every "slow_down"
DEFAULT_DEVICE_LIFETIME = 900.0
MAX_DEVICE_LIFETIME = 3600.0
DEFAULT_TOKEN_LIFETIME = 3600.0
MAX_TOKEN_LIFETIME = 86400.0  # a longer claimed lifetime is cut: the token is refreshed earlier
MAX_DETAIL = 300  # characters of server text quoted in a message
_POLL_TICK = 0.05  # how often a wait looks at its cancel token
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # tokens are visible ASCII (RFC 6749 A.12, 6750 2.1)
_SECONDS_TEXT = re.compile(r"[0-9]{1,9}")  # some servers send expires_in as a string of digits
_LENGTH_TEXT = re.compile(r"[0-9]{1,12}")

DONE_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>crm-mail-gui</title>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body>"
)


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


# -- HTTP ----------------------------------------------------------------------------------
class _Watchdog:
    """Bounds the total time of one HTTP exchange: when it is up, the sockets are shut down.

    urllib's timeout applies to each `recv` alone, so a server dribbling a byte at a time (in the
    TLS handshake, the headers or the body) would never time out. The watchdog keeps a duplicate
    of every socket the exchange opens and shuts it down at the deadline, which ends any read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        """Keep a duplicate of `sock` to shut down at the deadline (at once if it has passed)."""
        copy = sock.dup()
        with self._lock:
            if self._closed:
                copy.close()
                return
            self._sockets.append(copy)
            if self.expired:
                self._shut(copy)

    def _expire(self) -> None:
        with self._lock:  # under the lock: a socket is never shut after __exit__ closed it
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that hands every socket it opens to a watchdog."""

    def __init__(self, *args: object, watchdog: _Watchdog, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        create = self._create_connection  # type: ignore[has-type]

        def create_watched(*a: object, **k: object) -> socket.socket:
            sock = create(*a, **k)
            watchdog.watch(sock)
            return sock

        self._create_connection = create_watched


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler (proxies still apply) with watched connections."""

    def __init__(self, context: ssl.SSLContext, watchdog: _Watchdog) -> None:
        super().__init__(context=context)
        self._watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open `req` on a connection whose sockets the watchdog can end."""
        connection = functools.partial(_WatchedHTTPSConnection, watchdog=self._watchdog)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Token endpoints never redirect: a 3xx is an answer (an error), not a place to go."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Follow nothing (urllib then raises HTTPError with the 3xx)."""
        return None


def _read_answer(response: http.client.HTTPResponse | urllib.error.HTTPError) -> bytes:
    """The body, at most MAX_ANSWER_BYTES (the watchdog bounds the time it takes)."""
    body = response.read(MAX_ANSWER_BYTES + 1)
    if len(body) > MAX_ANSWER_BYTES:
        raise OAuthError("invalid_answer", f"the answer is larger than {MAX_ANSWER_BYTES} bytes")
    declared = (response.headers.get("Content-Length") or "").strip()
    chunked = "chunked" in (response.headers.get("Transfer-Encoding") or "").lower()
    if not chunked and _LENGTH_TEXT.fullmatch(declared) and int(declared) != len(body):
        # read(n) returns what came before the server closed: half an answer is no answer
        raise OAuthError(
            "invalid_answer", f"the answer ended after {len(body)} of {declared} bytes"
        )
    return body


def _json_object(body: bytes) -> dict:
    """A JSON object from an answer body, or invalid_answer (never a crash, whatever the JSON)."""
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # 5000-digit ints, deep nesting
        start = body[:60].decode("utf-8", "replace")
        raise OAuthError("invalid_answer", f"not JSON: {start}") from None
    if not isinstance(data, dict):
        raise OAuthError("invalid_answer", f"a JSON {type(data).__name__}, not an object")
    return data


def _exchange(client: Client, request: urllib.request.Request) -> tuple[int, bytes]:
    """Send `request`; the status and the body, within client.timeout in total."""
    with _Watchdog(client.timeout) as watchdog:
        handler = _WatchedHTTPSHandler(tls.client_context(client.ca_file), watchdog)
        opener = urllib.request.build_opener(handler, _NoRedirect())
        try:
            try:
                with opener.open(request, timeout=client.timeout) as response:
                    status, body = response.status, _read_answer(response)
            except urllib.error.HTTPError as error:
                with error:
                    status, body = error.code, _read_answer(error)
        except (http.client.HTTPException, urllib.error.URLError, OSError, ValueError) as error:
            if watchdog.expired or isinstance(error, TimeoutError):
                raise OAuthError("slow_answer", seconds=f"{client.timeout:g}") from None
            if isinstance(error, http.client.HTTPException):  # reached; the answer is not HTTP
                text = str(error) or type(error).__name__
                raise OAuthError("invalid_answer", f"{type(error).__name__}: {text}") from None
            reason = getattr(error, "reason", error)
            raise OAuthError("network", str(reason)) from None
        if watchdog.expired:  # a body without a length ends where the watchdog cut it
            raise OAuthError("slow_answer", seconds=f"{client.timeout:g}")
    return status, body


def _post(client: Client, url: str, form: dict[str, str]) -> dict:
    """POST a form to an endpoint; its JSON object (an OAuth error answer is returned too)."""
    if not url.lower().startswith("https://"):
        raise OAuthError("network", f"not an https URL: {url}")
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode("ascii"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    status, body = _exchange(client, request)
    if 200 <= status < 300:
        return _json_object(body)
    try:
        data = _json_object(body)
    except OAuthError:
        data = {}
    if "error" not in data:
        raise OAuthError("server_error", f"HTTP {status}")
    return data


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
class _LoopbackServer(ThreadingHTTPServer):
    """One thread per connection, so that an idle or slow local client holds up nothing."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that went away (or sent garbage) is no concern of the sign-in."""


class LoopbackReceiver:
    """An HTTP listener on 127.0.0.1 and a random port that waits for the redirect of one sign-in.

    Any local process can send it requests: only a GET of "/" carrying this sign-in's `state`
    (and a code or an error) counts. Everything else gets a harmless answer and is ignored, so
    that a forged or stray request can neither abort the sign-in nor stand in for the real one.
    """

    def __init__(self, state: str, lang: str = "en") -> None:
        self.lang = lang
        self.result: dict[str, str] | None = None
        self.ignored = 0  # requests with a wrong or missing state, or without code and error
        self._state = state.encode("utf-8")
        self._lock = threading.Lock()
        self._done = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5.0  # a connection that sends nothing ends; it never holds up the redirect

            def do_GET(self) -> None:
                status, page = receiver._answer(self.path)
                body = page.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """No console output (windowed builds have none)."""

        self.server = _LoopbackServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 0.1
        self.port = self.server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(target=self._serve, name="oauth-redirect", daemon=True)
        self._stop = threading.Event()
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            self.server.handle_request()

    def _answer(self, path: str) -> tuple[int, str]:
        """The status and page for one request; records the redirect if it is this sign-in's."""
        parts = urllib.parse.urlsplit(path)
        if parts.path != "/":  # favicon.ico, probes: not ours
            return 404, DONE_PAGE.format(title="404", text="Not found.")
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        query = dict(pairs)
        state = query.get("state", "").encode("utf-8")
        ours = len(pairs) == len(query) and secrets.compare_digest(state, self._state)
        lang = self.lang
        if not ours or ("code" not in query and "error" not in query):
            with self._lock:
                self.ignored += 1
            ignored = i18n.text("oauth.page.ignored", lang)
            return 400, DONE_PAGE.format(title="crm-mail-gui", text=ignored)
        ok = "code" in query
        title = i18n.text("oauth.page.signed_in" if ok else "oauth.page.failed", lang)
        text = i18n.text("oauth.page.return", lang)
        with self._lock:
            if self.result is None:
                self.result = query
                self._done.set()
        return 200, DONE_PAGE.format(title=title, text=text)

    def wait(self, cancel: CancelToken, timeout: float) -> dict[str, str]:
        """Wait for this sign-in's redirect (polls so that cancel works within 0.1 s)."""
        deadline = time.monotonic() + timeout
        while not self._done.wait(_POLL_TICK):
            if cancel.cancelled:
                raise OAuthError("cancelled")
            if time.monotonic() > deadline:
                kind = "state_mismatch" if self.ignored else "timeout"
                raise OAuthError(kind, seconds=f"{timeout:g}")
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
    data = _post(
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
        time.sleep(min(left, _POLL_TICK))


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
        data = _post(client, client.endpoint("token"), form)
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
