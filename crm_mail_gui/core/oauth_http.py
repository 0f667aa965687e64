"""OAuth2's HTTPS form posts: one total deadline per exchange, bounded answers, no redirects."""

from __future__ import annotations

import functools
import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request

from crm_mail_gui.core import tls
from crm_mail_gui.core.https_fetch import FetchError, Watchdog, WatchedHTTPSConnection, read_body
from crm_mail_gui.core.oauth_client import Client, OAuthError

MAX_ANSWER_BYTES = 1 << 20  # an OAuth answer is a few KB; anything above 1 MiB is refused


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler (proxies still apply) with watched connections."""

    def __init__(self, context: ssl.SSLContext, watchdog: Watchdog) -> None:
        super().__init__(context=context)
        self._watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open `req` on a connection whose sockets the watchdog can end."""
        connection = functools.partial(WatchedHTTPSConnection, watchdog=self._watchdog)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Token endpoints never redirect: a 3xx is an answer (an error), not a place to go."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Follow nothing (urllib then raises HTTPError with the 3xx)."""
        return None


def _read_answer(response: http.client.HTTPResponse | urllib.error.HTTPError) -> bytes:
    """The body, at most MAX_ANSWER_BYTES (the watchdog bounds the time it takes)."""
    try:
        return read_body(response, MAX_ANSWER_BYTES)  # type: ignore[arg-type]
    except FetchError as error:  # too big, or half an answer
        raise OAuthError("invalid_answer", error.detail) from None


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
    with Watchdog(client.timeout) as watchdog:
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
