"""Local OAuth2 authorization server (Microsoft and Google paths) and an XOAUTH2 SMTP server."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import html
import json
import re
import secrets
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

from fakes.smtp_servers import GMAIL_535, HOST, Received, TestCerts, _Controller

DEFAULT_CLIENTS: dict[str, str | None] = {"test-client": None}
DEFAULT_OAUTH_USERS = ["alice@example.com"]
CODE_LIFETIME = 60.0  # seconds an authorization code stays redeemable
DEVICE_LIFETIME = 900  # seconds a device code stays usable
MS_TENANTS = ("common", "organizations", "consumers")
GOOGLE_SMTP_SCOPE = "https://mail.google.com/"
MS_SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
MS_535 = "535 5.7.3 Authentication unsuccessful"
GOOGLE_XOAUTH2_ERROR = {"status": "401", "schemes": "Bearer", "scope": GOOGLE_SMTP_SCOPE}
# Scopes Google's device flow grants ("limited-input device" allowlist): Gmail is not among them.
GOOGLE_DEVICE_SCOPES = {
    "openid",
    "email",
    "profile",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
    "https://www.googleapis.com/auth/drive.appdata",
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/youtube",
    "https://www.googleapis.com/auth/youtube.readonly",
}
# Microsoft's AADSTS numbers per error (indicative; real ones vary with the exact cause).
MS_CODES = {
    "invalid_request": 900144,
    "invalid_client": 700016,
    "invalid_grant": 70008,
    "unsupported_grant_type": 70003,
    "invalid_scope": 70011,
    "authorization_pending": 70016,
    "slow_down": 70016,
    "expired_token": 70019,
    "authorization_declined": 70000,
    "invalid_tenant": 90002,
}
_MS_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/(?P<endpoint>authorize|token|devicecode)$")
_GOOGLE_PATHS = {
    "/o/oauth2/v2/auth": "authorize",
    "/token": "token",
    "/device/code": "devicecode",
    "/revoke": "revoke",
}
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", re.I)
_PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
_MAX_BODY = 1 << 20
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


# --------------------------------------------------------------------------- helpers


def b64url(data: bytes) -> str:
    """BASE64URL without padding (RFC 7636 appendix A)."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def decode_jwt_payload(token: str) -> dict[str, Any]:
    """The claims of a JWT (signature not checked; ours are unsigned)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def xoauth2_blob(user: str, token: str) -> str:
    """The base64 XOAUTH2 initial response for ``user`` and ``token``."""
    return base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode()).decode()


def is_loopback_redirect(uri: str) -> bool:
    """True for ``http://127.0.0.1|localhost|[::1][:port]/...`` without userinfo or fragment."""
    try:
        parts = urllib.parse.urlsplit(uri)
        _ = parts.port  # ValueError on a malformed port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "localhost", "::1")
        and "@" not in parts.netloc
        and not parts.fragment
        and "#" not in uri
    )


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(uri)
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode(params)) if q)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    location: str | None = None
    raw: bytes | None = None  # the whole HTTP response, sent as it is
    delay: float = 0.0  # seconds between two bytes of the response
    endless: bool = False  # a body without Content-Length that goes on (up to ENDLESS_BYTES)


DROP = object()  # in Hostile.fields: delete this key from the answer
_NO_VALUE = object()
ENDLESS_BYTES = 64 << 20  # an "endless" body stops here, so a client without a limit still ends


@dataclass
class Hostile:
    """A misbehaving answer of the token or device-code endpoint: ``server.hostile = Hostile()``.

    The request is handled as usual first (codes redeemed, tokens issued, pending counted), then
    its answer is changed: ``fields`` merged into the JSON object (``DROP`` deletes a key), or the
    JSON replaced by ``value`` (any JSON value) or by ``body`` (raw bytes), with ``status`` and
    ``content_type`` when given. ``response`` replaces the whole HTTP response (status line and
    headers too). ``delay`` sends the response one byte every ``delay`` seconds; ``endless``
    sends the headers, then a body without Content-Length that does not end. ``times``: how many
    answers to change (None: every one). ``endpoint``: "token" or "devicecode".
    """

    endpoint: str = "token"
    fields: dict[str, Any] | None = None
    value: Any = _NO_VALUE
    body: bytes | None = None
    status: int | None = None
    content_type: str | None = None
    response: bytes | None = None
    delay: float = 0.0
    endless: bool = False
    times: int | None = None

    def apply(self, status: int, answer: dict[str, Any]) -> _Response:
        """The changed response for an answer the server would have sent."""
        if self.fields:
            answer = {**answer, **self.fields}
            answer = {key: value for key, value in answer.items() if value is not DROP}
        body = json.dumps(answer if self.value is _NO_VALUE else self.value).encode()
        if self.body is not None:
            body = self.body
        content_type = self.content_type or "application/json; charset=utf-8"
        return _Response(
            self.status or status,
            body,
            content_type,
            raw=self.response,
            delay=self.delay,
            endless=self.endless,
        )


class _OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    user: str
    expires_at: float


@dataclass
class _Refresh:
    client_id: str
    user: str
    scope: str
    revoked: bool = False


@dataclass
class _Access:
    client_id: str
    user: str
    scope: str
    expires_at: float
    refresh_token: str | None
    revoked: bool = False


@dataclass
class _Device:
    client_id: str
    scope: str
    user_code: str
    expires_at: float
    interval: float
    last_poll: float | None = None
    approved_user: str | None = None
    denied: bool = False
    used: bool = False


# --------------------------------------------------------------------------- HTTPS plumbing


class _HTTPSServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that does the TLS handshake in the per-connection thread."""

    daemon_threads = True
    block_on_close = False  # AuthorizationServer.stop() joins the threads itself

    def __init__(self, owner: AuthorizationServer, context: ssl.SSLContext) -> None:
        self.owner, self.context = owner, context
        self.lock = threading.Lock()
        self.handler_threads: list[threading.Thread] = []
        self.open_sockets: set[socket.socket] = set()
        self.stopping = False
        super().__init__((HOST, 0), _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="oauth-test-server-conn",
            daemon=True,
        )
        with self.lock:
            self.handler_threads = [t for t in self.handler_threads if t.is_alive()]
            self.handler_threads.append(thread)
        thread.start()

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(5.0)
        tls = self.context.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        with self.lock:
            self.open_sockets.add(tls)
            if self.stopping:
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(tls, socket.SHUT_RDWR)
        try:
            tls.do_handshake()
            self.RequestHandlerClass(tls, client_address, self)
        except (ssl.SSLError, OSError) as error:  # client gave up, distrusts us, or timed out
            self.owner.connection_errors.append(error)
        finally:
            with self.lock:
                self.open_sockets.discard(tls)
            tls.close()

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # skip HTTPServer's getfqdn() (a DNS lookup)
        self.server_name, self.server_port = "localhost", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            self.owner.errors.append(error)


def serve(httpd: _HTTPSServer, name: str) -> threading.Thread:
    """Run `httpd` on a daemon thread of its own (started)."""
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    return thread


def shut_down(httpd: _HTTPSServer, thread: threading.Thread) -> None:
    """Stop `httpd`, its serving thread and every handler thread still blocked in a socket."""
    httpd.shutdown()
    thread.join(5)
    httpd.server_close()
    with httpd.lock:
        httpd.stopping = True
        for sock in httpd.open_sockets:  # wake threads blocked in recv() or a handshake
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
        threads = list(httpd.handler_threads)
    for handler in threads:
        handler.join(5)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPSServer
    server_version = "FakeAuthorizationServer/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        body = b""
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self._send(_Response(413, b"request too large", "text/plain"))
                return
            body = self.rfile.read(length)
        try:
            response = self.server.owner._handle(method, self.path, self.headers, body)
        except Exception as error:  # a bug in the fake must show up in the test, not hang it
            self.server.owner.errors.append(error)
            response = _Response(500, b"internal error in the test server", "text/plain")
        self._send(response)

    def _send(self, response: _Response) -> None:
        if response.raw is not None or response.delay or response.endless:
            self._send_hostile(response)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        if response.location is not None:
            self.send_header("Location", response.location)
        self.end_headers()
        self.wfile.write(response.body)

    def _send_hostile(self, response: _Response) -> None:
        """Raw bytes, a dribble or an endless body; the connection closes afterwards."""
        self.close_connection = True
        data = response.raw
        if data is None:
            head = (
                f"HTTP/1.0 {response.status} Hostile\r\nContent-Type: {response.content_type}\r\n"
            )
            if not response.endless:
                head += f"Content-Length: {len(response.body)}\r\n"
            data = (head + "\r\n").encode("latin-1") + response.body
        if not response.delay:
            self.wfile.write(data)
        for index in range(len(data) if response.delay else 0):
            if self.server.stopping:
                return
            self.wfile.write(data[index : index + 1])
            time.sleep(response.delay)
        chunk, sent = b" " * 65536, 0
        while response.endless and sent < ENDLESS_BYTES and not self.server.stopping:
            self.wfile.write(chunk)
            sent += len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: requests are recorded on the AuthorizationServer instead."""


# --------------------------------------------------------------------------- authorization server


class AuthorizationServer:
    """HTTPS OAuth2 server on 127.0.0.1 speaking Microsoft identity platform and Google paths.

    Microsoft: ``/{tenant}/oauth2/v2.0/authorize|token|devicecode``; Google: ``/o/oauth2/v2/auth``,
    ``/token``, ``/device/code``, ``/revoke``. The authorize endpoint plays the consenting user
    and answers with a 302 to the loopback ``redirect_uri``. ``google_quirks=True`` makes the Google
    paths behave like the real ones where they differ from RFC 8628 (see ``_device_code``).
    """

    def __init__(
        self,
        certs: TestCerts,
        *,
        clients: dict[str, str | None] | None = None,
        access_lifetime: float = 3600,
        users: list[str] | None = None,
        rotate_refresh_tokens: bool = False,
        device_interval: float = 1,
        enforce_interval: bool = True,
        google_quirks: bool = False,
    ) -> None:
        self.certs = certs
        self.clients: dict[str, str | None] = dict(DEFAULT_CLIENTS if clients is None else clients)
        self.users: list[str] = list(DEFAULT_OAUTH_USERS if users is None else users)
        if not self.users:
            raise ValueError("users must not be empty")
        self.access_lifetime = access_lifetime
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self.device_interval = device_interval
        self.enforce_interval = enforce_interval
        self.google_quirks = google_quirks
        self.current_user: str = self.users[0]
        self.deny_next = False  # next authorize request: redirect with error=access_denied
        self.state_override_next: str | None = None  # next redirect carries this state instead
        self.hostile: Hostile | None = None  # misbehave on the token or device-code endpoint
        self.hostile_answers = 0  # how many answers a Hostile changed
        self.host, self.port, self.base_url = HOST, 0, ""
        # records (append-only; read them from tests)
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.device_requests: list[dict[str, Any]] = []
        self.revoke_requests: list[dict[str, Any]] = []
        self.tenants: list[str] = []  # tenant of every request on a Microsoft path
        self.requests: list[tuple[str, str]] = []  # (method, path without query)
        self.issued_access_tokens: list[str] = []
        self.issued_refresh_tokens: list[str] = []
        self.issued_codes: list[str] = []
        self.issued_user_codes: list[str] = []
        self.errors: list[BaseException] = []  # bugs in the handlers (should stay empty)
        self.connection_errors: list[BaseException] = []  # TLS/socket errors of clients
        self._lock = threading.RLock()
        self._offset = 0.0  # advance_clock()
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._access: dict[str, _Access] = {}
        self._devices: dict[str, _Device] = {}
        self._httpd: _HTTPSServer | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        self._httpd = _HTTPSServer(self, self.certs.server_context())
        self.port = self._httpd.server_address[1]
        self.base_url = f"https://{HOST}:{self.port}"
        self._thread = serve(self._httpd, "oauth-test-server")
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:  # idempotent
            assert self._thread is not None
            shut_down(httpd, self._thread)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- URLs

    def endpoints(self, provider: str = "microsoft", tenant: str = "common") -> dict[str, str]:
        """Endpoint URLs: keys authorize, token, device_code (and revoke for "google")."""
        if provider == "google":
            return {
                "authorize": f"{self.base_url}/o/oauth2/v2/auth",
                "token": f"{self.base_url}/token",
                "device_code": f"{self.base_url}/device/code",
                "revoke": f"{self.base_url}/revoke",
            }
        base = f"{self.base_url}/{urllib.parse.quote(tenant)}/oauth2/v2.0"
        return {
            "authorize": f"{base}/authorize",
            "token": f"{base}/token",
            "device_code": f"{base}/devicecode",
        }

    # ----------------------------------------------------------------- test controls

    def now(self) -> float:
        """The server's clock (monotonic, plus ``advance_clock`` offsets)."""
        return time.monotonic() + self._offset

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock on: codes, device codes and access tokens age."""
        with self._lock:
            self._offset += seconds

    def revoke_all(self) -> None:
        """Every refresh and access token issued so far becomes invalid."""
        with self._lock:
            for refresh in self._refresh.values():
                refresh.revoked = True
            for access in self._access.values():
                access.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far counts as expired (refresh tokens stay valid)."""
        with self._lock:
            past = self.now() - 1
            for access in self._access.values():
                access.expires_at = min(access.expires_at, past)

    def expire_device_codes(self) -> None:
        """Every device code issued so far counts as expired."""
        with self._lock:
            past = self.now() - 1
            for device in self._devices.values():
                device.expires_at = min(device.expires_at, past)

    def is_valid_access_token(self, token: str, user: str, scope: str | None = None) -> bool:
        """True when ``token`` exists, belongs to ``user`` (case-insensitive), has not expired
        and is not revoked (and, if given, was granted ``scope``)."""
        with self._lock:
            access = self._access.get(token)
            if access is None or access.revoked or access.expires_at <= self.now():
                return False
            if access.user.casefold() != user.casefold():
                return False
            return scope is None or scope in access.scope.split()

    def approve_device(self, user_code: str, user: str | None = None) -> None:
        """The user enters ``user_code`` (dash and case optional) and consents."""
        with self._lock:
            device = self._device_by_user_code(user_code)
            device.approved_user = user or self.current_user

    def deny_device(self, user_code: str) -> None:
        """The user enters ``user_code`` and refuses."""
        with self._lock:
            self._device_by_user_code(user_code).denied = True

    def _device_by_user_code(self, user_code: str) -> _Device:
        wanted = user_code.replace("-", "").upper()
        for device in self._devices.values():
            if device.user_code.replace("-", "") == wanted:
                return device
        raise KeyError(f"no device code with user code {user_code!r}")

    # ----------------------------------------------------------------- dispatch

    def _handle(self, method: str, raw_path: str, headers: Message, body: bytes) -> _Response:
        url = urllib.parse.urlsplit(raw_path)
        with self._lock:
            self.requests.append((method, url.path))
        if match := _MS_PATH.match(url.path):
            flavor, tenant, endpoint = "microsoft", match["tenant"], match["endpoint"]
            with self._lock:
                self.tenants.append(tenant)
        elif url.path in _GOOGLE_PATHS:
            flavor, tenant, endpoint = "google", None, _GOOGLE_PATHS[url.path]
        elif url.path == "/devicelogin" and method == "GET":
            page = "<!doctype html><title>Device login</title><p>Enter the code.</p>"
            return _Response(200, page.encode(), "text/html; charset=utf-8")
        else:
            return _Response(404, b"not found", "text/plain")
        expected = "GET" if endpoint == "authorize" else "POST"
        if method != expected:
            return _Response(405, b"method not allowed", "text/plain")
        if endpoint == "authorize":
            return self._authorize(flavor, tenant, url.query)
        record: dict[str, Any] = {"path": url.path, "tenant": tenant, "flavor": flavor}
        record["time"] = time.monotonic()
        record.update(grant_type=None, client_id=None, status=None, error=None)
        log = {
            "token": self.token_requests,
            "devicecode": self.device_requests,
            "revoke": self.revoke_requests,
        }[endpoint]
        with self._lock:
            log.append(record)
        try:
            if tenant is not None and not _valid_tenant(tenant):
                raise _OAuthError("invalid_tenant", f"Tenant '{tenant}' not found.")
            form = _parse_form(headers, body, url.query if endpoint == "revoke" else "")
            client_id, secret = _client_credentials(headers, form)
            record.update(grant_type=form.get("grant_type"), client_id=client_id)
            with self._lock:
                if endpoint == "token":
                    result = self._token(flavor, form, client_id, secret)
                elif endpoint == "devicecode":
                    result = self._device_code(flavor, form, client_id)
                else:
                    result = self._revoke(form)
            record.update(status=200, error=None)
            return self._answer(endpoint, 200, result)
        except _OAuthError as error:
            status = error.status
            if error.error == "invalid_client" and flavor == "google" and self.google_quirks:
                status = 401
            record.update(status=status, error=error.error)
            return self._answer(endpoint, status, _error_body(flavor, error))

    def _answer(self, endpoint: str, status: int, answer: dict[str, Any]) -> _Response:
        """The JSON answer, or what ``self.hostile`` makes of it."""
        with self._lock:
            hostile = self.hostile
            if hostile is None or hostile.endpoint != endpoint:
                return _Response(status, json.dumps(answer).encode())
            if hostile.times is not None:
                hostile.times -= 1
                if hostile.times <= 0:
                    self.hostile = None
            self.hostile_answers += 1
        return hostile.apply(status, answer)

    # ----------------------------------------------------------------- authorize

    def _authorize(self, flavor: str, tenant: str | None, query: str) -> _Response:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        params = dict(pairs)
        with self._lock:
            self.authorize_requests.append(params)
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if tenant is not None and not _valid_tenant(tenant):
            return _error_page(flavor, "invalid_tenant", f"Tenant '{tenant}' not found.")
        if client_id not in self.clients:
            text = (
                f"AADSTS700016: Application with identifier '{client_id}' was not found."
                if flavor == "microsoft"
                else f"Error 401: invalid_client. The OAuth client was not found ({client_id!r})."
            )
            return _error_page(flavor, "invalid_client", text)
        if not is_loopback_redirect(redirect_uri):
            text = (
                f"AADSTS50011: The redirect URI '{redirect_uri}' does not match the redirect "
                "URIs configured for the application."
                if flavor == "microsoft"
                else f"Error 400: redirect_uri_mismatch ({redirect_uri!r})."
            )
            return _error_page(flavor, "redirect_uri_mismatch", text)
        state = params.get("state")
        with self._lock:
            if self.state_override_next is not None:
                state, self.state_override_next = self.state_override_next, None

        def redirect(extra: dict[str, str]) -> _Response:
            if state is not None:
                extra["state"] = state
            return _Response(302, b"", "text/html", _with_query(redirect_uri, extra))

        def fail(error: str, description: str) -> _Response:
            return redirect({"error": error, "error_description": description})

        if len(pairs) != len(params):
            return fail("invalid_request", "A parameter was sent more than once.")
        if params.get("response_type") != "code":
            return fail("unsupported_response_type", "response_type must be 'code'.")
        if params.get("response_mode", "query") != "query":
            return fail("invalid_request", "This test server supports only response_mode=query.")
        if not params.get("scope"):
            return fail("invalid_request", "Missing required parameter: scope")
        if not state:
            return fail("invalid_request", "Missing required parameter: state")
        if params.get("code_challenge_method") != "S256":
            return fail("invalid_request", "code_challenge_method must be S256.")
        challenge = params.get("code_challenge", "")
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
            return fail("invalid_request", "code_challenge must be BASE64URL(SHA256(verifier)).")
        with self._lock:
            if self.deny_next:
                self.deny_next = False
                return fail("access_denied", "The user denied the request.")
            hint = params.get("login_hint", "")
            user = next((u for u in self.users if u.casefold() == hint.casefold()), None)
            code = secrets.token_urlsafe(32)
            self._codes[code] = _Code(
                client_id,
                redirect_uri,
                challenge,
                params["scope"],
                user or self.current_user,
                self.now() + CODE_LIFETIME,
            )
            self.issued_codes.append(code)
        extra = {"code": code}
        if flavor == "google":
            extra.update(scope=params["scope"], authuser="0", prompt="consent")
        else:
            extra["session_state"] = str(uuid.uuid4())
        return redirect(extra)

    # ----------------------------------------------------------------- token

    def _check_client(self, client_id: str | None, secret: str | None) -> str:
        if not client_id:
            raise _OAuthError("invalid_request", "Missing required parameter: client_id")
        if client_id not in self.clients:
            raise _OAuthError("invalid_client", f"The OAuth client {client_id!r} was not found.")
        registered = self.clients[client_id]
        if registered is None and secret:
            raise _OAuthError(
                "invalid_client", "The client is public: no client_secret may be presented."
            )
        if registered is not None and secret != registered:
            what = "missing" if not secret else "invalid"
            raise _OAuthError("invalid_client", f"The client_secret is {what}.")
        return client_id

    def _token(
        self, flavor: str, form: dict[str, str], client_id: str | None, secret: str | None
    ) -> dict[str, Any]:
        grant = form.get("grant_type")
        if not grant:
            raise _OAuthError("invalid_request", "Missing required parameter: grant_type")
        if grant not in ("authorization_code", "refresh_token", DEVICE_GRANT):
            raise _OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant!r}.")
        client = self._check_client(client_id, secret)
        if grant == "authorization_code":
            return self._grant_code(flavor, form, client)
        if grant == "refresh_token":
            return self._grant_refresh(flavor, form, client)
        return self._grant_device(flavor, form, client)

    def _grant_code(self, flavor: str, form: dict[str, str], client: str) -> dict[str, Any]:
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise _OAuthError("invalid_request", f"Missing required parameter: {name}")
        code = self._codes.pop(form["code"], None)  # single use, even when the rest is wrong
        if code is None:
            raise _OAuthError("invalid_grant", "The authorization code is invalid or was used.")
        if code.expires_at <= self.now():
            raise _OAuthError("invalid_grant", "The authorization code has expired.")
        if code.client_id != client:
            raise _OAuthError("invalid_grant", "The code was issued to another client.")
        if code.redirect_uri != form["redirect_uri"]:
            raise _OAuthError("invalid_grant", "redirect_uri differs from the authorize request.")
        verifier = form["code_verifier"]
        if not _PKCE_VALUE.match(verifier):
            raise _OAuthError("invalid_request", "code_verifier must be 43-128 unreserved chars.")
        if not secrets.compare_digest(pkce_challenge(verifier), code.code_challenge):
            raise _OAuthError("invalid_grant", "The code_verifier does not match the challenge.")
        return self._issue(flavor, client, code.user, code.scope)

    def _grant_refresh(self, flavor: str, form: dict[str, str], client: str) -> dict[str, Any]:
        token = form.get("refresh_token")
        if not token:
            raise _OAuthError("invalid_request", "Missing required parameter: refresh_token")
        refresh = self._refresh.get(token)
        if refresh is None or refresh.revoked:
            raise _OAuthError("invalid_grant", "The refresh token is invalid or was revoked.")
        if refresh.client_id != client:
            raise _OAuthError("invalid_grant", "The refresh token was issued to another client.")
        if self.rotate_refresh_tokens:
            refresh.revoked = True
            return self._issue(flavor, client, refresh.user, refresh.scope)
        return self._issue(flavor, client, refresh.user, refresh.scope, refresh_token=token)

    def _grant_device(self, flavor: str, form: dict[str, str], client: str) -> dict[str, Any]:
        code = form.get("device_code")
        if not code:
            raise _OAuthError("invalid_request", "Missing required parameter: device_code")
        device = self._devices.get(code)
        if device is None or device.used or device.client_id != client:
            raise _OAuthError("invalid_grant", "The device code is invalid or was used.")
        now = self.now()
        if device.expires_at <= now:
            raise _OAuthError("expired_token", "The device code has expired.")
        if device.denied:
            error = "authorization_declined" if flavor == "microsoft" else "access_denied"
            raise _OAuthError(error, "The user declined the sign-in.", self._quirk(403))
        if device.approved_user is not None:
            device.used = True
            return self._issue(flavor, client, device.approved_user, device.scope)
        last, device.last_poll = device.last_poll, now
        if self.enforce_interval and last is not None and now - last < device.interval * 0.8:
            device.interval += 5  # RFC 8628 3.5
            raise _OAuthError("slow_down", "Polling too fast.", self._quirk(403))
        raise _OAuthError(
            "authorization_pending", "The user has not yet finished.", self._quirk(428)
        )

    def _quirk(self, google_status: int) -> int:
        return google_status if self.google_quirks else 400

    def _issue(
        self,
        flavor: str,
        client: str,
        user: str,
        scope: str,
        *,
        refresh_token: str | None = None,
    ) -> dict[str, Any]:
        if flavor == "google":
            access = "ya29.a0" + secrets.token_urlsafe(40)
            new_refresh = "1//0" + secrets.token_urlsafe(40)  # "/" makes form encoding matter
        else:
            access = "EwB" + base64.b64encode(secrets.token_bytes(48)).decode()  # + / =
            new_refresh = "M.C5_BAY.0.U.-" + secrets.token_urlsafe(40) + "!*$"
        refresh_token = refresh_token or new_refresh
        if refresh_token == new_refresh:
            self._refresh[refresh_token] = _Refresh(client, user, scope)
            self.issued_refresh_tokens.append(refresh_token)
        lifetime = self.access_lifetime
        self._access[access] = _Access(client, user, scope, self.now() + lifetime, refresh_token)
        self.issued_access_tokens.append(access)
        claims = {
            "iss": self.base_url,
            "aud": client,
            "sub": hashlib.sha256(user.casefold().encode()).hexdigest()[:24],
            "email": user,
            "preferred_username": user,
            "iat": int(time.time()),
            "exp": int(time.time() + 3600),
        }
        header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        id_token = f"{header}.{b64url(json.dumps(claims).encode())}."
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(lifetime),
            "refresh_token": refresh_token,
            "scope": scope,
            "id_token": id_token,
        }

    # ----------------------------------------------------------------- device code, revoke

    def _device_code(
        self, flavor: str, form: dict[str, str], client_id: str | None
    ) -> dict[str, Any]:
        """RFC 8628 device authorization; with google_quirks the Google path answers like
        Google: ``verification_url`` (not ``_uri``), no ``message``, and ``invalid_scope`` for
        scopes outside its device-flow allowlist (Gmail's among them)."""
        if not client_id:
            raise _OAuthError("invalid_request", "Missing required parameter: client_id")
        if client_id not in self.clients:
            raise _OAuthError("invalid_client", f"The OAuth client {client_id!r} was not found.")
        scope = form.get("scope", "")
        if not scope:
            raise _OAuthError("invalid_scope", "Missing required parameter: scope")
        google = flavor == "google" and self.google_quirks
        if google and (bad := [s for s in scope.split() if s not in GOOGLE_DEVICE_SCOPES]):
            raise _OAuthError("invalid_scope", f"Invalid device flow scope: {bad[0]}")
        device_code = secrets.token_urlsafe(32)
        letters = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(8))
        user_code = f"{letters[:4]}-{letters[4:]}"
        self._devices[device_code] = _Device(
            client_id, scope, user_code, self.now() + DEVICE_LIFETIME, self.device_interval
        )
        self.issued_user_codes.append(user_code)
        uri = f"{self.base_url}/devicelogin"
        if google:
            return {
                "device_code": device_code,
                "user_code": user_code,
                "verification_url": uri,
                "expires_in": DEVICE_LIFETIME,
                "interval": self.device_interval,
            }
        return {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": uri,
            "expires_in": DEVICE_LIFETIME,
            "interval": self.device_interval,
            "message": (
                f"To sign in, use a web browser to open the page {uri} "
                f"and enter the code {user_code} to authenticate."
            ),
        }

    def _revoke(self, form: dict[str, str]) -> dict[str, Any]:
        """Google's revoke: a refresh or access token ends the whole grant."""
        token = form.get("token", "")
        access = self._access.get(token)
        if access is not None and not access.revoked:
            if access.refresh_token is None:
                access.revoked = True
                return {}
            token = access.refresh_token
        refresh = self._refresh.get(token)
        if refresh is None or refresh.revoked:
            raise _OAuthError("invalid_token", "Token expired or revoked")
        refresh.revoked = True
        for each in self._access.values():
            if each.refresh_token == token:
                each.revoked = True
        return {}


def _valid_tenant(tenant: str) -> bool:
    return tenant in MS_TENANTS or bool(_GUID.match(tenant) or _DOMAIN.match(tenant))


def _parse_form(headers: Message, body: bytes, query: str) -> dict[str, str]:
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body and content_type != "application/x-www-form-urlencoded":
        raise _OAuthError("invalid_request", "Body must be application/x-www-form-urlencoded.")
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise _OAuthError(
            "invalid_request", "The form body must be ASCII (percent-encoded)."
        ) from None
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
    pairs += urllib.parse.parse_qsl(query, keep_blank_values=True)
    form = dict(pairs)
    if len(form) != len(pairs):
        raise _OAuthError("invalid_request", "A parameter was sent more than once.")
    return form


def _client_credentials(headers: Message, form: dict[str, str]) -> tuple[str | None, str | None]:
    """client_id and client_secret from the form or from HTTP Basic authentication."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _OAuthError("invalid_client", "Malformed Basic authorization header.") from None
        name, _, password = decoded.partition(":")
        client_id = client_id or urllib.parse.unquote_plus(name)
        secret = secret or urllib.parse.unquote_plus(password)
    return client_id, secret


def _error_body(flavor: str, error: _OAuthError) -> dict[str, Any]:
    name = "invalid_request" if error.error == "invalid_tenant" else error.error
    if flavor != "microsoft":
        return {"error": name, "error_description": error.description}
    code = MS_CODES.get(error.error, 70000)
    trace, correlation = uuid.uuid4(), uuid.uuid4()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return {
        "error": name,
        "error_description": (
            f"AADSTS{code}: {error.description}\r\nTrace ID: {trace}\r\n"
            f"Correlation ID: {correlation}\r\nTimestamp: {stamp}"
        ),
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": str(trace),
        "correlation_id": str(correlation),
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }


def _error_page(flavor: str, error: str, text: str) -> _Response:
    title = "Sign in to your account" if flavor == "microsoft" else "Access blocked"
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p id='error' data-error='{error}'>{html.escape(text)}</p>"
        "</body></html>"
    )
    return _Response(400, page.encode("utf-8"), "text/html; charset=utf-8")


# --------------------------------------------------------------------------- the "browser"


class BrowserError(AssertionError):
    """The authorization server did not redirect (its page is in the message)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError carrying the 3xx response


def play_browser(auth_url: str, ca_file: str, timeout: float = 10.0) -> str:
    """Be the user's browser: GET ``auth_url`` (trusting only ``ca_file``, no redirects), then GET
    the 302 Location (the app's loopback listener, plain http) and return that URL."""
    context = ssl.create_default_context(cafile=ca_file)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context), _NoRedirect()
    )
    try:
        with opener.open(auth_url, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
            raise BrowserError(f"expected a 302 from {auth_url}, got {response.status}: {body}")
    except urllib.error.HTTPError as error:
        with error:
            if error.code not in (301, 302, 303, 307, 308):
                body = error.read().decode("utf-8", "replace")
                raise BrowserError(
                    f"the authorization server answered {error.code} to {auth_url}:\n{body}"
                ) from None
            location = error.headers.get("Location") or ""
    if not is_loopback_redirect(location):
        raise BrowserError(f"refusing to follow a redirect off the loopback: {location!r}")
    plain = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    try:
        with plain.open(location, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:  # the app's listener answered 3xx/4xx: still "seen"
        error.close()
    return location


# --------------------------------------------------------------------------- XOAUTH2 SMTP server


class _XOAuthHandler:
    """aiosmtpd handler: ``auth_XOAUTH2`` adds the mechanism (no other ``auth_*`` attributes!)."""

    def __init__(self, owner: XOAuthSMTPServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        login = session.login_data.decode() if session.login_data else None
        data = envelope.original_content or b""
        self.owner.messages.append(
            Received(envelope.mail_from or "", list(envelope.rcpt_tos), data, login)
        )
        return "250 2.0.0 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """PLAIN / LOGIN against ``users_with_password``."""
        users = self.owner.users_with_password or {}
        user = data.login.decode("utf-8", "replace")
        try:
            ok = users.get(user) == data.password.decode("utf-8")
        except UnicodeDecodeError:
            ok = False
        self.owner.auth_attempts.append((mechanism, user, ok))
        return AuthResult(success=ok, handled=False, auth_data=data)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        owner = self.owner
        if len(args) == 1:  # no initial response: empty challenge, then read it
            decoded = await server.challenge_auth("")
            if decoded is MISSING:
                return AuthResult(success=False, handled=True)
            assert isinstance(decoded, bytes)
            owner.auth_payloads.append(base64.b64encode(decoded).decode())
        else:
            owner.auth_payloads.append(args[1])
            try:
                decoded = b"" if args[1] == "=" else base64.b64decode(args[1], validate=True)
            except binascii.Error:
                await server.push("501 5.5.2 Cannot decode response")
                return AuthResult(success=False, handled=True)
        user, token = _parse_xoauth2(decoded)
        if user is None or token is None:
            owner.auth_attempts.append(("XOAUTH2", user or "", False))
            await server.push("501 5.5.2 Malformed XOAUTH2 response")
            return AuthResult(success=False, handled=True)
        ok = owner.auth_server.is_valid_access_token(token, user, owner.required_scope)
        owner.auth_attempts.append(("XOAUTH2", user, ok))
        if ok:
            accepted = (
                "235 2.7.0 Accepted"
                if owner.google_style
                else "235 2.7.0 Authentication successful"
            )
            return AuthResult(
                success=True, auth_data=LoginPassword(user.encode(), b""), message=accepted
            )
        if not owner.google_style:
            return AuthResult(success=False, handled=False, message=MS_535)
        status = json.dumps(GOOGLE_XOAUTH2_ERROR, separators=(",", ":"))
        answer = await server.challenge_auth(status)  # 334 <base64 JSON>; client sends ""
        if answer is MISSING:  # "*" or garbage: challenge_auth already sent 501
            return AuthResult(success=False, handled=True)
        assert isinstance(answer, bytes)
        owner.auth_payloads.append(base64.b64encode(answer).decode())
        await server.push(GMAIL_535)
        return AuthResult(success=False, handled=True)


def _parse_xoauth2(decoded: bytes) -> tuple[str | None, str | None]:
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None, None
    if not text.endswith("\x01\x01"):
        return None, None
    fields = dict(part.partition("=")[::2] for part in text[:-2].split("\x01"))
    user, auth = fields.get("user"), fields.get("auth", "")
    scheme, _, token = auth.partition(" ")
    if not user or scheme.lower() != "bearer" or not token:
        return user or None, None
    return user, token


class XOAuthSMTPServer:
    """aiosmtpd on 127.0.0.1 offering AUTH XOAUTH2 checked against an AuthorizationServer.

    ``mode`` "ssl" (implicit TLS) or "starttls" (required); PLAIN/LOGIN are offered only when
    ``users_with_password`` is given. ``google_style`` picks Gmail's failure dialogue (334 base64
    JSON, then 535 5.7.8) or Microsoft's (535 5.7.3). ``required_scope`` (optional) must be among
    the token's scopes. Records ``messages``, ``auth_attempts`` (mechanism, user, ok) and the raw
    base64 client lines of every XOAUTH2 exchange in ``auth_payloads``.
    """

    def __init__(
        self,
        certs: TestCerts,
        auth_server: AuthorizationServer,
        *,
        mode: str = "ssl",
        google_style: bool = True,
        users_with_password: dict[str, str] | None = None,
        required_scope: str | None = None,
    ) -> None:
        if mode not in ("ssl", "starttls"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode, self.host, self.port = mode, HOST, 0
        self.auth_server = auth_server
        self.google_style = google_style
        self.users_with_password = users_with_password
        self.required_scope = required_scope
        self.messages: list[Received] = []
        self.auth_attempts: list[tuple[str, str, bool]] = []
        self.auth_payloads: list[str] = []
        handler = _XOAuthHandler(self)
        kwargs: dict[str, Any] = {
            "auth_require_tls": mode == "starttls",
            "auth_required": True,
            "authenticator": handler.authenticate,
        }
        if users_with_password is None:
            kwargs["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
        if mode == "ssl":
            kwargs["ssl_context"] = certs.server_context()
        else:
            kwargs.update(tls_context=certs.server_context(), require_starttls=True)
        self._controller = _Controller(handler, **kwargs)
        self._running = False

    @property
    def decoded_auth_payloads(self) -> list[str]:
        """``auth_payloads`` base64-decoded (UTF-8, errors replaced)."""
        return [
            base64.b64decode(p + "=" * (-len(p) % 4)).decode("utf-8", "replace")
            for p in self.auth_payloads
        ]

    def start(self) -> Self:
        self._controller.start()
        self.port, self._running = self._controller.port, True
        return self

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
