"""Cancellable, time-limited SMTP wire I/O: resolve, connect, TLS, lines out and replies in."""

from __future__ import annotations

import contextlib
import errno
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from crm_mail_gui.core.transcript import Transcript

POLL = 0.05
MAX_LINE = 4096
MAX_REPLY_LINES = 200
UPLOAD_CHUNK = 16 * 1024  # one TLS record: the granularity of "progress" during an upload
UPLOAD_SNDBUF = 256 * 1024  # so that progress means the server took data, not the local kernel
SALVAGE_TIMEOUT = 0.5  # for a reply already on its way when a send fails


class Cancelled(Exception):
    """The session was cancelled by the user."""


class StepTimeout(Exception):
    """No progress within the step's timeout."""


class UploadStalled(StepTimeout):
    """The server took no byte of the message content within the no-progress timeout."""

    def __init__(self, sent: int, total: int) -> None:
        super().__init__(f"{sent} of {total} bytes sent")
        self.sent = sent
        self.total = total


class Dropped(Exception):
    """The server closed the connection; `tail` holds an unterminated last line, if any."""

    def __init__(self, tail: bytes = b"") -> None:
        super().__init__()
        self.tail = tail


class ServiceClosing(Dropped):
    """The server answered 421: it is closing the connection (RFC 5321, 3.8)."""


class ProtocolError(Exception):
    """The peer does not speak SMTP (garbage, over-long lines)."""


class UnexpectedData(ProtocolError):
    """The server sent bytes it was not asked for: before a command or before the TLS handshake."""

    def __init__(self, data: bytes, before: str) -> None:
        super().__init__(f"{len(data)} unexpected bytes before {before}")
        self.data = data
        self.before = before  # "tls" or "command"


def reply_code(line: bytes) -> int | None:
    """The code of one reply line: three ASCII digits, the first 2-5, then space, hyphen or end."""
    code = line[:3]
    if len(code) < 3 or code[0] not in b"2345" or not all(48 <= byte <= 57 for byte in code):
        return None
    if len(line) > 3 and line[3:4] not in (b" ", b"-"):
        return None
    return int(code)


class CancelToken:
    """Thread-safe cancellation: `cancel()` from any thread wakes the session within 0.2 s."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Cancel: run the registered wake-up callbacks (they close sockets)."""
        with self._lock:
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            with contextlib.suppress(OSError):
                callback()

    def register(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` on cancel (at once if already cancelled); return an unregister function."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return lambda: self._unregister(callback)
        callback()
        return lambda: None

    def _unregister(self, callback: Callable[[], None]) -> None:
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def check(self) -> None:
        """Raise Cancelled if cancelled."""
        if self._event.is_set():
            raise Cancelled


@dataclass(frozen=True)
class Reply:
    """One SMTP reply: the code and its text lines (without the code)."""

    code: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The reply text, lines joined by a space."""
        return " ".join(line for line in self.lines if line)


def resolve(host: str, port: int, timeout: float, cancel: CancelToken) -> list[tuple]:
    """getaddrinfo in a helper thread, so that it can time out and be cancelled."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        pass
    result: dict[str, object] = {}

    def lookup() -> None:
        try:
            result["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            result["error"] = error

    worker = threading.Thread(target=lookup, name="smtp-resolve", daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout
    while worker.is_alive():
        cancel.check()
        if time.monotonic() >= deadline:
            raise StepTimeout
        worker.join(POLL)
    cancel.check()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["infos"]  # type: ignore[return-value]


class Connection:
    """One TCP (then maybe TLS) connection to an SMTP server, recording a transcript."""

    def __init__(self, transcript: Transcript, cancel: CancelToken, timeout: float) -> None:
        self.transcript = transcript
        self.cancel = cancel
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self._waker: socket.socket | None = None
        self._unregister: Callable[[], None] = lambda: None
        self._buffer = bytearray()
        self.peer: str = ""
        self.received = 0  # bytes read from the server so far
        self.last_reply: Reply | None = None  # the newest reply, also one cut short by a close

    # -- connecting -------------------------------------------------------------------------
    def connect(self, infos: list[tuple]) -> None:
        """Connect to the first address that accepts, polling so cancel and timeout apply."""
        last_error: OSError | None = None
        deadline = time.monotonic() + self.timeout
        for family, kind, proto, _name, address in infos:
            self.cancel.check()
            sock = socket.socket(family, kind, proto)
            sock.setblocking(False)
            try:
                self._connect_one(sock, address, deadline)
            except OSError as error:
                sock.close()
                last_error = error
                continue
            except BaseException:
                sock.close()
                raise
            self._adopt(sock)
            self.peer = f"{address[0]}:{address[1]}"
            self.transcript.event(f"Connected to {self.peer}")
            return
        raise last_error or OSError(errno.EHOSTUNREACH, "no address to connect to")

    def _connect_one(self, sock: socket.socket, address: tuple, deadline: float) -> None:
        code = sock.connect_ex(address)
        if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
            raise OSError(code, errno.errorcode.get(code, "connect failed"))
        while code != 0:
            self.cancel.check()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StepTimeout
            _, writable, _ = select.select([], [sock], [], min(POLL, remaining))
            if writable:
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, errno.errorcode.get(code, "connect failed"))
                break

    def _adopt(self, sock: socket.socket) -> None:
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self._waker = sock.dup()
        self._unregister = self.cancel.register(self._wake)

    def _wake(self) -> None:
        waker = self._waker
        if waker is not None:
            with contextlib.suppress(OSError):
                waker.shutdown(socket.SHUT_RDWR)

    def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> None:
        """TLS handshake on the connected socket (verification per `context`).

        Not one byte that came before the handshake may be read as if it came through TLS
        (STARTTLS response injection, CVE-2011-0411): anything in the read buffer or already
        waiting in the socket fails the session. Bytes arriving later reach OpenSSL, which
        rejects them as not TLS.
        """
        assert self.sock is not None
        early = bytes(self._buffer) + self._peek()
        self._buffer.clear()
        if early:
            raise UnexpectedData(early, "tls")
        self.sock.settimeout(self.timeout)
        hostname = (
            None if _is_ip(server_hostname) and not context.check_hostname else server_hostname
        )
        try:
            self.sock = context.wrap_socket(self.sock, server_hostname=hostname)
        except (OSError, ValueError):
            self.cancel.check()
            raise
        self.transcript.encrypted = True
        cipher = self.sock.cipher()
        self.transcript.event(f"TLS started: {self.sock.version()} {cipher[0] if cipher else ''}")

    def _peek(self) -> bytes:
        """Bytes already waiting in the socket, without waiting or consuming them."""
        assert self.sock is not None
        self.sock.settimeout(0.0)
        try:
            return self.sock.recv(MAX_LINE, socket.MSG_PEEK)
        except OSError:  # nothing waiting (BlockingIOError), or broken: the handshake will say
            return b""
        finally:
            self.sock.settimeout(self.timeout)

    def peer_certificate(self) -> dict | None:
        """The verified peer certificate (getpeercert form), if any."""
        if isinstance(self.sock, ssl.SSLSocket):
            return self.sock.getpeercert()
        return None

    # -- talking ----------------------------------------------------------------------------
    def send_line(self, line: str, *, secret: bool = False, shown: str | None = None) -> None:
        """Send one command line; `secret` masks it, `shown` records another text instead."""
        if shown is not None:
            self.transcript.client(shown)
        else:
            self.transcript.client(line, secret=secret)
        self._send((line + "\r\n").encode("utf-8"))

    def send_raw(self, data: bytes) -> None:
        """Send bytes (message content) without recording them."""
        self._send(data)

    def upload(self, data: bytes) -> None:
        """Send message content with a no-progress timeout: only `timeout` s without a byte fails.

        There is no bound on the total time (like Postfix's smtp_data_xfer_timeout), so a large
        message on a slow line is sent as long as the server keeps taking it. The send buffer is
        kept small, so that the wait for the reply after the upload is about the server.
        """
        self.cancel.check()
        assert self.sock is not None
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, UPLOAD_SNDBUF)
        self.sock.settimeout(self.timeout)
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            self.cancel.check()
            try:
                sent += self.sock.send(view[sent : sent + UPLOAD_CHUNK])
            except TimeoutError:
                self.cancel.check()
                raise UploadStalled(sent, len(view)) from None
            except OSError:
                self.cancel.check()
                self._salvage_reply()  # e.g. 552 sent before the server hung up mid-upload
                raise Dropped from None

    def _send(self, data: bytes) -> None:
        self.cancel.check()
        assert self.sock is not None
        if self._buffer and not self._buffer.startswith(b"421"):
            # A reply nobody asked for (a 421 closing notice is allowed: RFC 5321, 3.8) would
            # be taken for the answer to this command.
            raise UnexpectedData(bytes(self._buffer), "command")
        self.sock.settimeout(self.timeout)
        try:
            self.sock.sendall(data)
        except TimeoutError:
            self.cancel.check()
            raise StepTimeout from None
        except OSError:
            self.cancel.check()
            self._salvage_reply()
            raise Dropped from None

    def _salvage_reply(self) -> None:
        """After a failed send, read the reply the server may have sent before hanging up."""
        with contextlib.suppress(Dropped, ProtocolError, StepTimeout):
            self.read_reply(timeout=SALVAGE_TIMEOUT)

    def read_reply(self, timeout: float | None = None) -> Reply:
        """Read one (multi-line) reply within the timeout; a 421 raises ServiceClosing."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        lines: list[str] = []
        code: int | None = None
        try:
            while True:
                try:
                    raw = self._read_line(deadline)
                except Dropped as dropped:
                    if not dropped.tail:
                        raise
                    raw, last = dropped.tail, True  # an unterminated line before the close
                else:
                    last = False
                code = self._parse_line(raw, code, lines)
                if last:
                    raise Dropped
                if len(raw) == 3 or raw[3:4] == b" ":
                    break
                if len(lines) > MAX_REPLY_LINES:
                    raise ProtocolError("reply too long")
        except Dropped:
            if code is not None:  # the reply, or what came of it, before the server hung up
                self.last_reply = Reply(code, tuple(lines))
            raise
        assert code is not None
        reply = self.last_reply = Reply(code, tuple(lines))
        if code == 421:
            raise ServiceClosing
        return reply

    def _parse_line(self, raw: bytes, code: int | None, lines: list[str]) -> int:
        """Record one reply line, check its code against the reply's and keep its text."""
        text = raw.decode("utf-8", errors="replace")
        self.transcript.server(text)
        line_code = reply_code(raw)
        if line_code is None or (code is not None and line_code != code):
            raise ProtocolError(self.transcript.redact(text)[:80])
        lines.append(text[4:].strip())
        return line_code

    def _read_line(self, deadline: float) -> bytes:
        while True:
            index = self._buffer.find(b"\n")
            if index >= 0:
                line = bytes(self._buffer[:index]).rstrip(b"\r")
                del self._buffer[: index + 1]
                return line
            if len(self._buffer) > MAX_LINE:
                raise ProtocolError("line too long")
            try:
                self._buffer += self._recv(deadline)
            except Dropped:
                tail = bytes(self._buffer).rstrip(b"\r")
                self._buffer.clear()
                raise Dropped(tail) from None

    def _recv(self, deadline: float) -> bytes:
        self.cancel.check()
        assert self.sock is not None
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StepTimeout
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            self.cancel.check()
            raise StepTimeout from None
        except (OSError, ssl.SSLError):
            self.cancel.check()
            raise Dropped from None
        self.cancel.check()
        if not data:
            raise Dropped
        self.received += len(data)
        return data

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._unregister()
        for sock in (self.sock, self._waker):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self.sock = self._waker = None


def _is_ip(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in host else socket.AF_INET, host)
    except OSError:
        return False
    return True
