"""Bounded HTTP(S) exchanges: one total deadline, a capped body, verified TLS, checked redirects.

Shared by OAuth's form posts (core.oauth_http, through urllib and its proxies) and detection's
autoconfig and ISPDB lookups (`get`, straight through http.client to the addresses a resolver
names, SNI and certificate checking on the real host name).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from crm_mail_gui.core.printable import printable

if TYPE_CHECKING:
    from crm_mail_gui.core.connection import CancelToken

POLL = 0.05
MAX_ADDRESSES = 8  # addresses of one host tried in turn
MAX_LOCATION = 2048  # a longer Location header is not followed
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_LENGTH_TEXT = re.compile(r"[0-9]{1,12}")

T = TypeVar("T")
Resolve = Callable[[str], list[str]]  # host name -> IP address strings
MayFollow = Callable[[str], bool]  # the ASCII host of a redirect target -> may it be fetched?


class FetchError(Exception):
    """An exchange that gave no usable answer: `kind` says why, `detail` is printable English.

    Kinds: timeout, cancelled, resolve, network, tls, not_http, too_big, truncated, bad_url,
    redirect_scheme, redirect_host, redirect_count. `url` is the printable URL concerned.
    """

    def __init__(self, kind: str, detail: str = "", *, host: str = "", url: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail
        self.host = host
        self.url = url


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: its status, its body (at most the cap) and the URL that gave it."""

    status: int
    body: bytes
    url: str
    host: str  # the ASCII host of `url`, lower case


class Watchdog:
    """Bounds the total time of one HTTP exchange: when it is up, its sockets are shut down.

    A socket timeout applies to each `recv` alone, so a server dribbling a byte at a time (in the
    TLS handshake, the headers or the body) would never time out. The watchdog keeps a duplicate
    of every socket the exchange opens and shuts it down at the deadline (or on `abort`), which
    ends any read.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.aborted = False
        self.ended = threading.Event()
        self._deadline = time.monotonic() + seconds
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def remaining(self) -> float:
        """Seconds left before the deadline (0 once it has passed or the exchange was aborted)."""
        if self.ended.is_set():
            return 0.0
        return max(0.0, self._deadline - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Keep a duplicate of `sock` to shut down at the deadline (at once if it has passed)."""
        copy = sock.dup()
        with self._lock:
            if self._closed:
                copy.close()
                return
            self._sockets.append(copy)
            if self.ended.is_set():
                self._shut(copy)

    def abort(self) -> None:
        """End the exchange now (a cancel): every socket is shut down."""
        self._end(aborted=True)

    def _expire(self) -> None:
        self._end(aborted=False)

    def _end(self, *, aborted: bool) -> None:
        with self._lock:  # under the lock: a socket is never shut after __exit__ closed it
            if self.ended.is_set():
                return
            if aborted:
                self.aborted = True
            else:
                self.expired = True
            self.ended.set()
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def bounded_call(call: Callable[[], T], watchdog: Watchdog, what: str) -> T:
    """Run a blocking `call` (a name lookup) in a helper thread; give up when the watchdog ends."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except Exception as error:  # handed back to the caller's thread
            result["error"] = error

    worker = threading.Thread(target=run, name=f"https-fetch-{what}", daemon=True)
    worker.start()
    while worker.is_alive():
        if watchdog.ended.wait(POLL):
            raise FetchError("cancelled" if watchdog.aborted else "timeout")
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]


class _Watched:
    """Mixin for http.client connections: every socket goes to a watchdog; `resolve` names the
    addresses to connect to (None: the connection's own lookup, e.g. urllib's proxy tunnel)."""

    def __init__(
        self, *args: object, watchdog: Watchdog, resolve: Resolve | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._watchdog = watchdog
        self._resolve = resolve
        self._plain_create = self._create_connection  # type: ignore[has-type]
        self._create_connection = self._create_watched

    def _create_watched(
        self, address: tuple[str, int], timeout: object = None, source: object = None
    ) -> socket.socket:
        if self._resolve is None:
            sock = self._plain_create(address, timeout, source)
        else:
            sock = _connect_resolved(address[0], address[1], self._resolve, self._watchdog)
        self._watchdog.watch(sock)
        return sock


class WatchedHTTPSConnection(_Watched, http.client.HTTPSConnection):
    """An HTTPS connection whose sockets a watchdog can end (SNI and checks on `host`)."""


class WatchedHTTPConnection(_Watched, http.client.HTTPConnection):
    """A plain HTTP connection whose sockets a watchdog can end."""


def _addresses(host: str, resolve: Resolve, watchdog: Watchdog) -> list[str]:
    """The IP addresses to try for `host`: itself if a literal, else the resolver's (bounded)."""
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host))]
    try:
        found = bounded_call(lambda: list(resolve(host)), watchdog, "resolve")
    except FetchError:
        raise
    except Exception as error:  # whatever the resolver raises, the name was not resolved
        text = printable(str(error) or type(error).__name__, 120)
        raise FetchError("resolve", text, host=host) from None
    addresses: list[str] = []
    for text in found[:MAX_ADDRESSES]:
        with contextlib.suppress(ValueError, TypeError):
            addresses.append(str(ipaddress.ip_address(text)))
    if not addresses:
        raise FetchError("resolve", "no address", host=host)
    return addresses


def _connect_resolved(host: str, port: int, resolve: Resolve, watchdog: Watchdog) -> socket.socket:
    """A TCP connection to the first address of `host` that accepts, within the watchdog's time."""
    last: OSError | None = None
    for address in _addresses(host, resolve, watchdog):
        seconds = watchdog.remaining()
        if seconds <= 0:
            break
        try:
            return socket.create_connection((address, port), timeout=seconds)
        except OSError as error:
            last = error
    if watchdog.ended.is_set():
        raise FetchError("cancelled" if watchdog.aborted else "timeout", host=host)
    raise last or OSError("no address to connect to")


def system_resolve(host: str) -> list[str]:
    """The system resolver's addresses of `host` (getaddrinfo), IPv4 and IPv6."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body, at most `max_bytes` (the watchdog bounds the time it takes).

    Raises FetchError too_big (a declared length above the cap is refused before reading) or
    truncated (fewer bytes than the declared Content-Length: half an answer is no answer).
    """
    declared = (response.headers.get("Content-Length") or "").strip()
    chunked = "chunked" in (response.headers.get("Transfer-Encoding") or "").lower()
    known = not chunked and _LENGTH_TEXT.fullmatch(declared) is not None
    if known and int(declared) > max_bytes:
        raise FetchError("too_big", f"the answer is larger than {max_bytes} bytes")
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise FetchError("too_big", f"the answer is larger than {max_bytes} bytes")
    if known and int(declared) != len(body):
        raise FetchError("truncated", f"the answer ended after {len(body)} of {declared} bytes")
    return body


def extra_ca_file(ca_file: str | None) -> str | None:
    """The extra CA file to trust: `ca_file`, else SSL_CERT_FILE when it names a file."""
    if ca_file:
        return ca_file
    env = os.environ.get("SSL_CERT_FILE", "")
    return env if env and os.path.isfile(env) else None


def _ascii_host(parts: urllib.parse.SplitResult) -> str:
    """The host of a URL, lower case, as an IP literal or an ASCII (IDNA) name; else bad_url."""
    from crm_mail_gui.core.address import AddressError, ascii_domain

    host = parts.hostname or ""
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    try:
        return ascii_domain(host)
    except AddressError as error:
        raise FetchError(
            "bad_url", error.message("en"), url=printable(parts.geturl(), 200)
        ) from None


def _error_for(error: BaseException, watchdog: Watchdog, host: str, url: str) -> FetchError:
    """The FetchError for an exception of one exchange (the watchdog's end comes first)."""
    if isinstance(error, FetchError):
        error.host, error.url = error.host or host, error.url or url
        return error
    if watchdog.aborted:
        return FetchError("cancelled", host=host, url=url)
    if watchdog.expired or isinstance(error, TimeoutError):
        return FetchError("timeout", f"{watchdog.seconds:g} s", host=host, url=url)
    kind, detail = _kind_of(error)
    return FetchError(kind, detail, host=host, url=url)


def _kind_of(error: BaseException) -> tuple[str, str]:
    """The kind of a failed exchange's exception and its detail, printable and bounded."""
    if isinstance(error, ssl.SSLCertVerificationError):
        text = error.verify_message or error.reason or str(error)
        return "tls", printable(str(text), 200)
    if isinstance(error, ssl.SSLError):
        return "tls", printable(str(error.reason or str(error)), 200)
    if isinstance(error, http.client.HTTPException):
        return "not_http", printable(f"{type(error).__name__}: {str(error)[:120]}", 200)
    if isinstance(error, socket.gaierror):
        return "resolve", printable(str(error), 120)
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return "network", printable(str(text), 200)


def get(
    url: str,
    *,
    deadline_at: float,
    max_bytes: int,
    cancel: CancelToken | None = None,
    ca_file: str | None = None,
    may_follow: MayFollow | None = None,
    max_redirects: int = 3,
    resolve: Resolve | None = None,
    https_port: int | None = None,
    http_port: int | None = None,
    accept: str = "*/*",
) -> Answer:
    """GET `url` within `deadline_at` (time.monotonic()); raises FetchError, never anything else.

    TLS is verified (OS trust store, `ca_file`, SSL_CERT_FILE) against the URL's host name while
    the connection goes to the addresses `resolve` names (None: the system resolver, bounded by
    the deadline). A URL without a port uses `https_port` / `http_port` when given. Redirects are
    followed only to https:// URLs whose host `may_follow` accepts (None: none followed), at most
    `max_redirects` times. The body is capped at `max_bytes`; no compression is asked for. `cancel`
    is a CancelToken: cancelling ends the exchange at once.
    """
    from crm_mail_gui.core import tls

    seconds = deadline_at - time.monotonic()
    if seconds <= 0:
        raise FetchError("timeout", "0 s", url=printable(url, 200))
    with Watchdog(seconds) as watchdog:
        unregister = cancel.register(watchdog.abort) if cancel is not None else (lambda: None)
        host = ""
        try:
            context = tls.client_context(extra_ca_file(ca_file))
            for hop in range(max_redirects + 1):
                parts = urllib.parse.urlsplit(url)
                host = _ascii_host(parts)
                answer = _exchange(
                    parts, host, watchdog, context, resolve or system_resolve,
                    https_port, http_port, accept, max_bytes,
                )  # fmt: skip
                if not isinstance(answer, str):
                    return answer
                url = _redirect_target(url, answer, hop, max_redirects, may_follow)
            raise AssertionError("unreachable")  # pragma: no cover
        except (FetchError, OSError, http.client.HTTPException, ValueError) as error:
            raise _error_for(error, watchdog, host, printable(url, 200)) from None
        finally:
            unregister()


def _redirect_target(
    url: str, location: str, hop: int, max_redirects: int, may_follow: MayFollow | None
) -> str:
    """The absolute URL a redirect points to, if it may be followed; else FetchError."""
    shown = printable(location, 200)
    if not location.strip():
        raise FetchError("bad_url", "a redirect without a Location header", url=shown)
    if hop >= max_redirects or may_follow is None:
        raise FetchError("redirect_count", str(max_redirects), url=shown)
    if len(location) > MAX_LOCATION or not location.isascii() or not location.isprintable():
        raise FetchError("bad_url", "unusable Location header", url=shown)
    target = urllib.parse.urljoin(url, location.strip())
    parts = urllib.parse.urlsplit(target)
    if parts.scheme.lower() != "https":
        raise FetchError("redirect_scheme", parts.scheme, url=shown)
    if parts.username is not None or parts.password is not None:
        raise FetchError("bad_url", "user information in the URL", url=shown)
    host = _ascii_host(parts)
    if not may_follow(host):
        raise FetchError("redirect_host", host, host=host, url=shown)
    return target


def _exchange(
    parts: urllib.parse.SplitResult,
    host: str,
    watchdog: Watchdog,
    context: ssl.SSLContext,
    resolve: Resolve,
    https_port: int | None,
    http_port: int | None,
    accept: str,
    max_bytes: int,
) -> Answer | str:
    """One request; the Answer, or the Location of a redirect (a str)."""
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise FetchError("bad_url", f"not an http(s) URL: {printable(scheme, 20)}")
    port = parts.port or (https_port if scheme == "https" else http_port)
    timeout = max(watchdog.remaining(), 0.001)
    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = WatchedHTTPSConnection(
            host, port, context=context, timeout=timeout, watchdog=watchdog, resolve=resolve
        )
    else:
        connection = WatchedHTTPConnection(
            host, port, timeout=timeout, watchdog=watchdog, resolve=resolve
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(
            "GET",
            path,
            headers={"Accept": accept, "User-Agent": "crm-mail-gui", "Connection": "close"},
        )
        response = connection.getresponse()
        if response.status in REDIRECTS:
            return response.headers.get("Location") or ""
        body = read_body(response, max_bytes)
        if watchdog.ended.is_set():  # a body without a length ends where the watchdog cut it
            raise FetchError("cancelled" if watchdog.aborted else "timeout")
        return Answer(response.status, body, parts.geturl(), host)
    finally:
        connection.close()
