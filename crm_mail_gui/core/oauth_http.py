"""OAuth2's HTTPS form posts: one total deadline per exchange, bounded answers, no redirects."""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request

from crm_mail_gui.core import tls
from crm_mail_gui.core.oauth_client import Client, OAuthError

MAX_ANSWER_BYTES = 1 << 20  # an OAuth answer is a few KB; anything above 1 MiB is refused
_LENGTH_TEXT = re.compile(r"[0-9]{1,12}")


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


def post(client: Client, url: str, form: dict[str, str]) -> dict:
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
