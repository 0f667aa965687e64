"""The loopback listener (RFC 8252) that receives the browser's redirect of one sign-in."""

from __future__ import annotations

import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crm_mail_gui.core import i18n
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.oauth_client import OAuthError

POLL_TICK = 0.05  # how often a wait looks at its cancel token
DONE_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>crm-mail-gui</title>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body>"
)


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
        while not self._done.wait(POLL_TICK):
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
