"""Local SMTP test servers (aiosmtpd and a scriptable fault server) with trustme certificates."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import re
import socket
import ssl
import threading
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Self, cast

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"
DEFAULT_USERS = {"alice@example.com": "s3cret-パス"}


class TestCerts:
    """trustme CA (written to ``ca_file``) and server contexts with good and bad certificates."""

    __test__ = False  # not a pytest test class

    def __init__(self, directory: str | Path) -> None:
        self.ca = trustme.CA()
        self.other_ca = trustme.CA()  # not in ca_file
        self.ca_file = str(Path(directory) / "test-ca.pem")
        self.untrusted_ca_file = str(Path(directory) / "untrusted-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_file)
        self.other_ca.cert_pem.write_to_path(self.untrusted_ca_file)
        self._good = self.ca.issue_cert("localhost", "127.0.0.1")
        self._wrong_name = self.ca.issue_cert("mail.other.example", "other.example")
        self._untrusted = self.other_ca.issue_cert("localhost", "127.0.0.1")

    @staticmethod
    def _server(cert: trustme.LeafCert) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        cert.configure_cert(ctx)
        return ctx

    def server_context(self) -> ssl.SSLContext:
        return self._server(self._good)

    def wrong_name_context(self) -> ssl.SSLContext:
        return self._server(self._wrong_name)

    def untrusted_context(self) -> ssl.SSLContext:
        return self._server(self._untrusted)

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only ``ca_file``."""
        return ssl.create_default_context(cafile=self.ca_file)


@dataclass
class Received:
    """One message accepted by a test server (``data`` raw; ``message`` parsed with LF endings)."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    auth_login: str | None = None
    mail_options: list[str] = field(default_factory=list)  # MAIL FROM parameters (aiosmtpd)
    message: EmailMessage = field(init=False)

    def __post_init__(self) -> None:
        parser = BytesParser(policy=default_policy)
        parsed = parser.parsebytes(self.data.replace(b"\r\n", b"\n"))
        self.message = cast(EmailMessage, parsed)


# --------------------------------------------------------------------------- aiosmtpd


class _Controller(Controller):
    """Controller that binds port 0 and publishes the real port before its self-test connect."""

    def __init__(self, handler: Any, *, auth_require_tls: bool, **kwargs: Any) -> None:
        super().__init__(handler, hostname=HOST, port=0, server_hostname="localhost", **kwargs)
        self._auth_tls = auth_require_tls

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        async def create() -> asyncio.AbstractServer:
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
            )
            self.port = server.sockets[0].getsockname()[1]
            return server

        return create()

    def factory(self) -> SMTP:
        smtp = super().factory()
        # aiosmtpd counts only STARTTLS as TLS, so implicit TLS (and our plain mode) needs
        # auth_require_tls=False. Passing it with auth_required=True emits a UserWarning,
        # fatal under filterwarnings=error, so it is switched off after construction.
        smtp._auth_require_tls = self._auth_tls
        return smtp


class _Handler:
    def __init__(self, server: AioSMTPServer) -> None:
        self.server = server

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list
    ) -> list[str]:
        session.host_name = hostname
        if self.server.users is None:  # offer AUTH only when users are configured
            return [r for r in responses if not r.startswith("250-AUTH")]
        return responses

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        login = session.login_data.decode() if session.login_data else None
        data = envelope.original_content or b""
        received = Received(envelope.mail_from or "", list(envelope.rcpt_tos), data, login)
        received.mail_options = list(envelope.mail_options)
        self.server.messages.append(received)
        return "250 2.0.0 OK"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert self.server.users is not None and isinstance(data, LoginPassword)
        user = data.login.decode("utf-8", "replace")
        self.server.auth_attempts.append((mechanism, user))
        try:
            ok = self.server.users.get(user) == data.password.decode("utf-8")
        except UnicodeDecodeError:
            ok = False
        return AuthResult(success=ok, handled=False, auth_data=data)


class AioSMTPServer:
    """aiosmtpd on 127.0.0.1 (free port); mode "ssl" (implicit TLS), "starttls" or "plain"."""

    def __init__(
        self,
        certs: TestCerts | None = None,
        mode: str = "ssl",
        users: dict[str, str] | None = None,
        *,
        smtputf8: bool = True,
    ) -> None:
        if mode not in ("ssl", "starttls", "plain"):
            raise ValueError(f"unknown mode {mode!r}")
        if mode != "plain" and certs is None:
            raise ValueError(f"mode {mode!r} needs certs")
        self.mode, self.users, self.host, self.port = mode, users, HOST, 0
        self.messages: list[Received] = []
        self.auth_attempts: list[tuple[str, str]] = []
        handler = _Handler(self)
        kwargs: dict[str, Any] = {"auth_require_tls": mode == "starttls"}
        # SMTPUTF8 (RFC 6531) is offered unless smtputf8=False; 8BITMIME always
        kwargs["enable_SMTPUTF8"] = smtputf8
        if users is not None:
            kwargs.update(auth_required=True, authenticator=handler.authenticate)
        if mode == "ssl":
            kwargs["ssl_context"] = cast(TestCerts, certs).server_context()
        elif mode == "starttls":
            kwargs.update(tls_context=cast(TestCerts, certs).server_context())
            kwargs.update(require_starttls=True)
        self._controller = _Controller(handler, **kwargs)
        self._running = False

    def start(self) -> Self:
        self._controller.start()
        self.port, self._running = self._controller.port, True
        return self

    def stop(self) -> None:
        if self._running:  # idempotent, like FaultServer.stop()
            self._running = False
            self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- fault server

GMAIL_535 = (
    "535 5.7.8 Username and Password not accepted. "
    "Learn more at https://support.google.com/mail/?p=BadCredentials"
)
GMAIL_534 = (
    "534-5.7.9 Application-specific password required. Learn more at\n"
    "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"
)
MS_535 = (
    "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
    "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."
)
GMAIL_GREETING = "220 smtp.gmail.com ESMTP d9443c01a7336-2a0f - gsmtp"
MS_GREETING = (
    "220 TYCP286CA0011.outlook.office365.com Microsoft ESMTP MAIL Service ready at Tue, "
    "1 Dec 2026 15:40:00 +0000"
)
XSERVER_GREETING = "220 sv1234.xserver.jp ESMTP unknown"
POSTFIX_535 = "535 5.7.8 Error: authentication failed: authentication failure"
MS_550_SENDAS = "550 5.7.60 SMTP; Client does not have permissions to send as this sender"

# Preset knobs per fault; explicit FaultServer keyword arguments override them. Behaviours that
# are not a reply text (silent, close, greeting554, drop_in_data) are keyed on the fault name.
FAULTS: dict[str, dict[str, Any]] = {
    "ok": {},
    "silent": {"tls": "none"},
    "close": {"tls": "none"},
    "greeting554": {"tls": "none", "replies": {"GREETING": "554 5.3.2 Service not available"}},
    "no_starttls": {"tls": "none", "extensions": ["SIZE 10240000", "8BITMIME", "AUTH PLAIN LOGIN"]},
    "strip": {"tls": "none", "extensions": []},
    "starttls_untrusted": {"cert": "untrusted"},
    "starttls_wrong_name": {"cert": "wrong_name"},
    "ssl_wrong_name": {"tls": "ssl", "cert": "wrong_name"},
    # Provider replies come with the provider's greeting: its own hints need its server name.
    "auth535": {"replies": {"GREETING": GMAIL_GREETING, "AUTH": GMAIL_535}},
    "auth534": {"replies": {"GREETING": GMAIL_GREETING, "AUTH": GMAIL_534}},
    "auth535_ms": {"replies": {"GREETING": MS_GREETING, "AUTH": MS_535}},
    # The same 535 5.7.8 from a server that is no provider (Xserver's greeting).
    "auth535_xserver": {"replies": {"GREETING": XSERVER_GREETING, "AUTH": POSTFIX_535}},
    "mail550_sendas": {"replies": {"MAIL": MS_550_SENDAS}},
    "rcpt550": {"replies": {"RCPT": "550 5.1.1 <x@y>: Recipient address rejected: User unknown"}},
    "data554": {"replies": {"DATA_END": "554 5.6.0 Message rejected"}},
    "drop_in_data": {},
    "slow": {"delay": 0.5},
    # RCPT: 452 after the first `rcpt_limit` recipients (like Postfix's smtpd_recipient_limit)
    "rcpt_limit": {"rcpt_limit": 100},
    # DATA: reads the content `read_chunk` bytes per `read_pause` s (small receive buffer)
    "slow_reader": {"read_chunk": 65536, "read_pause": 0.01, "rcvbuf": 65536},
    # DATA: answers 354, then never reads again
    "stall_in_data": {"rcvbuf": 65536},
    # Hostile servers (issue 11). ``inject`` bytes follow the 220 to STARTTLS (starttls_inject) or
    # precede the TLS handshake of implicit TLS (ssl_preamble): in the same send as the 220 (or at
    # once) when ``inject_delay`` is None, else in a separate send after that many seconds.
    "starttls_inject": {"inject": b"250 AUTH PLAIN\r\n"},
    "ssl_preamble": {"tls": "ssl", "inject": b"220 plain.example ESMTP\r\n"},
    # Answer ``hangup_after`` (a verb) as ``replies`` says, then close the connection.
    "ehlo421_close": {"replies": {"EHLO": "421 4.7.0 Try again later"}, "hangup_after": "EHLO"},
    # In DATA: read one line of the message, answer DATA_END at once and close (unread data left).
    "data_reply_midway": {"replies": {"DATA_END": "552 5.3.4 Message size exceeds fixed limit"}},
    # The greeting one byte every ``dribble`` seconds.
    "dribble_greeting": {"tls": "none", "dribble": 0.3},
}
DEFAULT_EXTENSIONS = ["SIZE 35882577", "8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN"]
_PRE_TLS_OK = {"EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT"}


class _LoopbackListener:
    """A TCP listener on 127.0.0.1; its accept thread hands each client socket to `_accepted`."""

    port = 0
    rcvbuf: int | None = None  # SO_RCVBUF of the listener (accepted sockets inherit it)

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None

    def start(self) -> Self:
        self._listener = socket.create_server((HOST, 0))
        if self.rcvbuf:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._acceptor is not None:
            self._acceptor.join(5)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._accepted(sock)

    def _accepted(self, sock: socket.socket) -> None:
        raise NotImplementedError


class FaultServer(_LoopbackListener):
    """Threaded, scriptable SMTP server on 127.0.0.1 that misbehaves as ``fault`` says.

    Knobs: ``tls`` "none" | "starttls" | "ssl"; ``cert`` "good" | "wrong_name" | "untrusted";
    ``replies`` maps a verb ("GREETING", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "DATA_END", ...)
    to a reply text (lines separated by "\\n"); ``extensions`` are the EHLO keywords (STARTTLS is
    added while TLS is still possible); ``users`` checks AUTH (None: any credentials pass);
    ``delay`` seconds before every reply; ``timeout`` per client socket. ``rcpt_limit`` recipients
    are taken, later ones get 452; ``refuse`` maps a recipient to its RCPT reply; ``read_chunk`` /
    ``read_pause`` throttle reading the DATA content; ``rcvbuf`` is the sockets' SO_RCVBUF;
    ``inject``, ``inject_delay``, ``hangup_after`` and ``dribble`` for the hostile faults (see FAULTS).
    """

    def __init__(
        self,
        certs: TestCerts | None = None,
        fault: str = "ok",
        *,
        tls: str | None = None,
        cert: str | None = None,
        users: dict[str, str] | None = None,
        replies: dict[str, str] | None = None,
        extensions: list[str] | None = None,
        delay: float | None = None,
        timeout: float = 10.0,
        rcpt_limit: int | None = None,
        refuse: dict[str, str] | None = None,
        read_chunk: int | None = None,
        read_pause: float | None = None,
        rcvbuf: int | None = None,
        inject: bytes | None = None,
        inject_delay: float | None = None,
        hangup_after: str | None = None,
        dribble: float | None = None,
    ) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        preset = FAULTS[fault]
        self.fault = fault
        self.tls: str = tls or preset.get("tls", "starttls")
        if self.tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"unknown tls {self.tls!r}")
        self.users = users
        self.replies: dict[str, str] = {**preset.get("replies", {}), **(replies or {})}
        self.extensions = list(
            extensions if extensions is not None else preset.get("extensions", DEFAULT_EXTENSIONS)
        )
        self.delay = preset.get("delay", 0.0) if delay is None else delay
        self.rcpt_limit = preset.get("rcpt_limit") if rcpt_limit is None else rcpt_limit
        self.refuse = dict(refuse or {})
        self.read_chunk = read_chunk or preset.get("read_chunk", 65536)
        self.read_pause = preset.get("read_pause", 0.0) if read_pause is None else read_pause
        self.rcvbuf = rcvbuf or preset.get("rcvbuf")
        self.data_bytes = 0  # bytes of DATA content read so far (all connections)
        self.data_started: float | None = None  # stall_in_data: when 354 went out
        self.timeout = timeout
        self.inject: bytes = preset.get("inject", b"") if inject is None else inject
        self.inject_delay = inject_delay
        self.hangup_after = hangup_after or preset.get("hangup_after")
        self.dribble: float = preset.get("dribble", 0.0) if dribble is None else dribble
        self.context: ssl.SSLContext | None = None
        if self.tls != "none":
            if certs is None:
                raise ValueError(f"tls={self.tls!r} needs certs")
            cert = cert or preset.get("cert", "good")
            make = {
                "good": certs.server_context,
                "wrong_name": certs.wrong_name_context,
                "untrusted": certs.untrusted_context,
            }
            self.context = make[cert]()
        self.host, self.port = HOST, 0
        self.lines: list[str] = []
        self.messages: list[Received] = []
        self.auth_attempts: list[tuple[str, str]] = []
        self.errors: list[BaseException] = []  # exceptions in connection threads (e.g. TLS)
        self.connections = 0
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        super().__init__()

    def stop(self) -> None:
        super().stop()
        with self._lock:
            for sock in self._socks:  # wake threads blocked in recv() or a TLS handshake
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)

    def _accepted(self, sock: socket.socket) -> None:
        self.connections += 1
        sock.settimeout(self.timeout)
        self._track(sock)
        thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _track(self, sock: socket.socket, old: socket.socket | None = None) -> None:
        with self._lock:
            self._socks.discard(old)  # type: ignore[arg-type]
            self._socks.add(sock)
            if self._stop.is_set():
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _new_session(self, sock: socket.socket) -> _FaultSession:
        """The session that serves one connection (subclasses serve other behaviours)."""
        return _FaultSession(self, sock)

    def _serve(self, sock: socket.socket) -> None:
        session = self._new_session(sock)
        try:
            session.run()
        except Exception as exc:  # a broken connection must not crash the thread
            self.errors.append(exc)
        finally:
            with self._lock:
                self._socks.discard(session.sock)
            session.sock.close()


class _FaultSession:
    """One client connection of a FaultServer."""

    def __init__(self, server: FaultServer, sock: socket.socket) -> None:
        self.srv, self.sock, self.buf = server, sock, b""
        self.secure = False
        self.in_data = False
        self.login: str | None = None
        self.mail_from: str | None = None
        self.rcpt_tos: list[str] = []

    def wrap(self) -> None:
        assert self.srv.context is not None
        old = self.sock
        self.sock = self.srv.context.wrap_socket(
            old, server_side=True, do_handshake_on_connect=False
        )
        self.srv._track(self.sock, old)
        self.sock.do_handshake()
        self.secure, self.buf = True, b""

    def readline(self) -> str | None:
        while b"\n" not in self.buf:
            chunk = self.sock.recv(self.srv.read_chunk if self.in_data else 65536)
            if not chunk:
                return None
            self.buf += chunk
            if self.in_data:
                self.srv.data_bytes += len(chunk)
                if self.srv.read_pause and self.srv._stop.wait(self.srv.read_pause):
                    return None
        raw, _, self.buf = self.buf.partition(b"\n")
        line = raw.rstrip(b"\r").decode("utf-8", "replace")
        self.srv.lines.append(line)
        return line

    def reply(self, text: str) -> None:
        if self.srv.delay and self.srv._stop.wait(self.srv.delay):
            raise ConnectionAbortedError("server stopping")
        self.sock.sendall("".join(f"{line}\r\n" for line in text.split("\n")).encode())

    def respond(self, verb: str, default: str) -> None:
        self.reply(self.srv.replies.get(verb, default))
        if verb == self.srv.hangup_after:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def send_injected(self, before: bytes = b"") -> None:
        """Send ``before`` and the injected bytes: in one send, or apart after inject_delay."""
        inject, delay = self.srv.inject, self.srv.inject_delay
        if delay is None:
            self.sock.sendall(before + inject)
            return
        if before:
            self.sock.sendall(before)
        if not self.srv._stop.wait(delay) and inject:
            self.sock.sendall(inject)

    def dribble(self, text: str) -> None:
        """Send ``text`` (plus CRLF) one byte at a time, dribble seconds apart."""
        for byte in (text + "\r\n").encode():
            if self.srv._stop.wait(self.srv.dribble):
                return
            self.sock.sendall(bytes([byte]))

    def run(self) -> None:
        fault = self.srv.fault
        if fault == "close":
            return
        if fault == "silent":
            self.srv._stop.wait()
            return
        if self.srv.tls == "ssl":
            if fault == "ssl_preamble":
                self.send_injected()
            self.wrap()
        if fault == "dribble_greeting":
            self.dribble(self.srv.replies.get("GREETING", "220 fault.example ESMTP dribbling"))
        else:
            self.respond("GREETING", "220 fault.example ESMTP FaultServer ready")
        while (line := self.readline()) is not None:
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "QUIT":
                self.respond("QUIT", "221 2.0.0 Bye")
                return
            if fault == "greeting554":
                self.reply("503 5.5.1 Bad sequence of commands")
            elif self.srv.tls == "starttls" and not self.secure and verb not in _PRE_TLS_OK:
                self.reply("530 5.7.0 Must issue a STARTTLS command first")
            elif handler := getattr(self, f"do_{verb}", None):
                if handler(arg.strip()) is False:
                    return
            else:
                self.respond(verb, "502 5.5.2 Command not recognized")

    def do_EHLO(self, arg: str) -> None:
        self.mail_from, self.rcpt_tos = None, []
        exts = self.srv.extensions
        if self.srv.tls == "starttls" and not self.secure:  # like Gmail: AUTH only after TLS
            exts = [e for e in exts if not e.upper().startswith("AUTH")] + ["STARTTLS"]
        lines = ["fault.example", *exts]
        text = "\n".join(f"250{'-' if i < len(lines) - 1 else ' '}{x}" for i, x in enumerate(lines))
        self.respond("EHLO", text)

    def do_HELO(self, arg: str) -> None:
        self.mail_from, self.rcpt_tos = None, []
        self.respond("HELO", "250 fault.example")

    def do_STARTTLS(self, arg: str) -> None:
        if self.srv.tls != "starttls" or self.secure:
            self.respond("STARTTLS", "502 5.5.1 STARTTLS not available")
            return
        if self.srv.fault == "starttls_inject":
            ready = self.srv.replies.get("STARTTLS", "220 2.0.0 Ready to start TLS")
            self.send_injected(f"{ready}\r\n".encode())
        else:
            self.respond("STARTTLS", "220 2.0.0 Ready to start TLS")
        self.wrap()
        self.login, self.mail_from, self.rcpt_tos = None, None, []

    def challenge(self, prompt: str) -> str | None:
        self.reply(f"334 {prompt}")
        answer = self.readline()
        return None if answer is None or answer.strip() == "*" else answer.strip()

    def do_AUTH(self, arg: str) -> bool | None:
        mech, _, initial = arg.partition(" ")
        mech = mech.upper()
        try:
            if mech == "PLAIN":
                payload = initial or self.challenge("")
                if payload is None:
                    return self.reply("501 5.7.0 Authentication aborted")
                _, user, password = base64.b64decode(payload, validate=True).split(b"\0")
            elif mech == "LOGIN":
                user_b64 = initial or self.challenge("VXNlcm5hbWU6")
                pass_b64 = user_b64 and self.challenge("UGFzc3dvcmQ6")
                if user_b64 is None or pass_b64 is None:
                    return self.reply("501 5.7.0 Authentication aborted")
                user = base64.b64decode(user_b64, validate=True)
                password = base64.b64decode(pass_b64, validate=True)
            else:
                return self.reply("504 5.5.4 Unrecognized authentication type")
        except (binascii.Error, ValueError):
            return self.reply("501 5.5.2 Cannot decode response")
        name = user.decode("utf-8", "replace")
        self.srv.auth_attempts.append((mech, name))
        if "AUTH" in self.srv.replies:
            return self.respond("AUTH", "")
        users = self.srv.users
        if users is not None and (name not in users or users[name].encode() != password):
            return self.reply("535 5.7.8 Authentication credentials invalid")
        self.login = name
        return self.reply("235 2.7.0 Accepted")

    def do_MAIL(self, arg: str) -> None:
        if "MAIL" not in self.srv.replies:
            self.mail_from, self.rcpt_tos = _address(arg), []
        self.respond("MAIL", "250 2.1.0 OK")

    def do_RCPT(self, arg: str) -> None:
        address = _address(arg)
        if address in self.srv.refuse:
            return self.reply(self.srv.refuse[address])
        if self.srv.rcpt_limit is not None and len(self.rcpt_tos) >= self.srv.rcpt_limit:
            return self.reply("452 4.5.3 Error: too many recipients")
        if "RCPT" not in self.srv.replies:
            self.rcpt_tos.append(_address(arg))
        self.respond("RCPT", "250 2.1.5 OK")

    def do_DATA(self, arg: str) -> bool | None:
        if self.mail_from is None or not self.rcpt_tos:
            return self.reply("503 5.5.1 Need MAIL and RCPT first")
        self.respond("DATA", "354 Go ahead")
        if self.srv.fault == "stall_in_data":
            self.srv.data_started = time.monotonic()
            self.srv._stop.wait()
            return False
        if self.srv.fault == "data_reply_midway":
            self.readline()
            self.respond("DATA_END", "250 2.0.0 OK queued")
            return False
        self.in_data = True
        if self.srv.fault == "drop_in_data":
            self.readline()
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            return False
        body: list[str] = []
        while (line := self.readline()) != ".":
            if line is None:
                return False
            body.append(line[1:] if line.startswith(".") else line)
        self.in_data = False
        if "DATA_END" not in self.srv.replies:
            data = "".join(f"{x}\r\n" for x in body).encode()
            self.srv.messages.append(Received(self.mail_from, self.rcpt_tos, data, self.login))
        self.mail_from, self.rcpt_tos = None, []
        return self.respond("DATA_END", "250 2.0.0 OK queued")

    def do_RSET(self, arg: str) -> None:
        self.mail_from, self.rcpt_tos = None, []
        self.respond("RSET", "250 2.0.0 OK")

    def do_NOOP(self, arg: str) -> None:
        self.respond("NOOP", "250 2.0.0 OK")


def _address(arg: str) -> str:
    match = re.search(r"<([^>]*)>", arg)
    return match.group(1) if match else arg.partition(":")[2].strip()


# --------------------------------------------------------------------------- raw reply server

RAW_STEPS = ("GREETING", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "DATA_END")
ECHO = b"{echo}"  # in a raw reply: replaced by the last line the client sent
_RAW_DEFAULTS = {
    "GREETING": b"220 raw.example ESMTP\r\n",
    "EHLO": b"250-raw.example\r\n250 AUTH PLAIN LOGIN XOAUTH2\r\n",
    "AUTH": b"235 2.7.0 Accepted\r\n",
    "MAIL": b"250 2.1.0 OK\r\n",
    "RCPT": b"250 2.1.5 OK\r\n",
    "DATA": b"354 Go ahead\r\n",
    "DATA_END": b"250 2.0.0 OK queued\r\n",
    "RSET": b"250 2.0.0 OK\r\n",
    "QUIT": b"221 2.0.0 Bye\r\n",
}


class RawReplyServer(_LoopbackListener):
    """Plain-text SMTP server on 127.0.0.1 that answers one step with raw bytes (for fuzzing).

    Set ``plan`` before each connection: (step, raw bytes, hang up afterwards), or a dict
    {(step, n): (raw bytes, hang up)} for the n-th time the step comes (n = 0: every time). Every
    other step gets a well-formed reply; a client silent for ``idle`` seconds is hung up on.
    """

    def __init__(self, idle: float = 0.2) -> None:
        self.idle = idle
        self.plan: tuple[str, bytes, bool] | dict[tuple[str, int], tuple[bytes, bool]] = {}
        self.host, self.port = HOST, 0
        self.client_lines: list[bytes] = []
        super().__init__()

    def _accepted(self, sock: socket.socket) -> None:
        with sock, contextlib.suppress(OSError):  # one client at a time is enough here
            sock.settimeout(self.idle)
            self._serve(sock)

    def _serve(self, sock: socket.socket) -> None:
        plan = self.plan
        if isinstance(plan, tuple):
            plan = {(plan[0], 0): (plan[1], plan[2])}
        self.client_lines = []
        counts: dict[str, int] = {}
        buf = b""
        last = b""

        def answer(verb: str) -> bool:
            """Send the reply for ``verb``; False when the server hangs up afterwards."""
            counts[verb] = counts.get(verb, 0) + 1
            override = plan.get((verb, counts[verb])) or plan.get((verb, 0))
            if override is None:
                sock.sendall(_RAW_DEFAULTS[verb])
                return True
            raw, hang_up = override
            sock.sendall(raw.replace(ECHO, last))
            return not hang_up

        def readline() -> bytes | None:
            nonlocal buf
            while b"\n" not in buf:
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    return None
                if not chunk:
                    return None
                buf += chunk
            line, _, buf = buf.partition(b"\n")
            self.client_lines.append(line)
            return line.rstrip(b"\r")

        if not answer("GREETING"):
            return
        while (line := readline()) is not None:
            last = line
            verb = line.split(b" ", 1)[0].upper().decode("ascii", "replace")
            if verb in ("EHLO", "HELO"):
                verb = "EHLO"
            elif verb == "DATA":
                if not answer("DATA"):
                    return
                while (body := readline()) not in (None, b"."):
                    pass
                if body is None:
                    return
                last, verb = b".", "DATA_END"
            elif verb not in _RAW_DEFAULTS:
                verb = "AUTH" if verb.startswith(("AUTH", "*")) else "RSET"
            if not answer(verb) or verb == "QUIT":
                return


# --------------------------------------------------------------------------- factories


def start_aio_server(
    certs: TestCerts | None, mode: str = "ssl", users: dict[str, str] | None = None
) -> AioSMTPServer:
    """Start and return an AioSMTPServer; the caller must ``stop()`` it."""
    return AioSMTPServer(certs, mode, users).start()


def start_fault_server(certs: TestCerts | None, fault: str = "ok", **knobs: Any) -> FaultServer:
    """Start and return a FaultServer; the caller must ``stop()`` it."""
    return FaultServer(certs, fault, **knobs).start()
