"""A local HTTPS (or plain HTTP) web server for detection: virtual hosts, hostile answers.

One server on 127.0.0.1 answers for every host name its certificate names (autoconfig.example.jp,
example.jp, an ISPDB stand-in, ...); tests point the names at 127.0.0.1 with a resolver and the
port with CRM_MAIL_GUI_AUTOCONFIG_PORT / CRM_MAIL_GUI_ISPDB_URL. Built on the OAuth server's
HTTPS plumbing (threaded, TLS handshake per connection, dribbled and endless answers).
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from typing import Any, Self

import trustme

from fakes.oauth_server import _HTTPSServer, _RequestHandler, _Response, serve, shut_down
from fakes.smtp_servers import HOST, TestCerts

WEB_NAMES = (
    "autoconfig.example.jp",
    "example.jp",
    "www.example.jp",
    "autoconfig.example.net",
    "evil.example.net",
    "ispdb.example.org",
    "other.example.org",
    "127.0.0.1",
)
XML = "application/xml"


def web_context(certs: TestCerts, names: tuple[str, ...] = WEB_NAMES) -> ssl.SSLContext:
    """A server context with a certificate of the test CA (certs.ca_file) for `names`."""
    leaf: trustme.LeafCert = certs.ca.issue_cert(*names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    leaf.configure_cert(context)
    return context


@dataclass
class _WebResponse(_Response):
    chunks: int = 0  # send the body as this many copies of `body`, after the headers
    pause: float = 0.0  # seconds between two copies
    declared: int | None = None  # the Content-Length to announce (None: no Content-Length)


class _WebHandler(_RequestHandler):
    """The OAuth server's handler, plus bodies sent in paced chunks (huge or endless)."""

    def _send(self, response: _Response) -> None:
        if not isinstance(response, _WebResponse) or not response.chunks:
            super()._send(response)
            return
        self.close_connection = True
        head = f"HTTP/1.1 {response.status} OK\r\nContent-Type: {response.content_type}\r\n"
        if response.declared is not None:
            head += f"Content-Length: {response.declared}\r\n"
        self.wfile.write((head + "Connection: close\r\n\r\n").encode("latin-1"))
        for _ in range(response.chunks):
            if self.server.stopping:
                return
            self.wfile.write(response.body)
            self.server.owner.bytes_sent += len(response.body)  # type: ignore[attr-defined]
            time.sleep(response.pause)


class _PlainHTTPServer(_HTTPSServer):
    """The same server without TLS (for the user-allowed plain HTTP lookup)."""

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(5.0)
        with self.lock:
            self.open_sockets.add(request)
        try:
            self.RequestHandlerClass(request, client_address, self)
        except OSError as error:
            self.owner.connection_errors.append(error)
        finally:
            with self.lock:
                self.open_sockets.discard(request)


class WebServer:
    """Serves `routes[(host, path)]` (path without the query); 404 for anything else.

    ``requests`` records (host, path with query) of every request, in order.
    """

    def __init__(
        self, certs: TestCerts, *, tls: bool = True, names: tuple[str, ...] = WEB_NAMES
    ) -> None:
        self.certs = certs
        self.tls = tls
        self.names = names
        self.routes: dict[tuple[str, str], _Response] = {}
        self.requests: list[tuple[str, str]] = []
        self.errors: list[BaseException] = []
        self.connection_errors: list[BaseException] = []
        self.bytes_sent = 0  # body bytes of chunked answers the client took
        self.port = 0
        self._httpd: _HTTPSServer | None = None
        self._thread: threading.Thread | None = None

    def add(
        self,
        host: str,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str = XML,
        location: str | None = None,
        raw: bytes | None = None,
        delay: float = 0.0,
        endless: bool = False,
    ) -> None:
        """Answer GET https://host/path with this."""
        self.routes[(host, path)] = _Response(
            status, body, content_type, location=location, raw=raw, delay=delay, endless=endless
        )

    def add_chunks(
        self,
        host: str,
        path: str,
        chunk: bytes,
        chunks: int,
        *,
        pause: float = 0.0,
        declared: int | None = None,
    ) -> None:
        """Answer with `chunks` copies of `chunk`, `pause` seconds apart (a huge or endless body)."""
        self.routes[(host, path)] = _WebResponse(
            200, chunk, XML, chunks=chunks, pause=pause, declared=declared
        )

    def hosts_asked(self) -> set[str]:
        """Every host name a request named."""
        return {host for host, _ in self.requests}

    def _handle(self, method: str, raw_path: str, headers: Message, body: bytes) -> _Response:
        host = (headers.get("Host") or "").rsplit(":", 1)[0].lower()
        self.requests.append((host, raw_path))
        path = raw_path.split("?", 1)[0]
        if method != "GET":
            return _Response(405, b"GET only", "text/plain")
        return self.routes.get((host, path)) or _Response(404, b"not found", "text/plain")

    def start(self) -> Self:
        if self.tls:
            self._httpd = _HTTPSServer(self, web_context(self.certs, self.names))  # type: ignore[arg-type]
        else:
            self._httpd = _PlainHTTPServer(self, ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER))  # type: ignore[arg-type]
        self._httpd.RequestHandlerClass = _WebHandler
        self.port = self._httpd.server_address[1]
        self._thread = serve(self._httpd, "web-test-server")
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            assert self._thread is not None
            shut_down(httpd, self._thread)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def loopback(_host: str) -> list[str]:
    """A resolver that sends every name to 127.0.0.1 (what the test DNS server would answer)."""
    return [HOST]
