"""One SMTP session for the test mail and for real sends: connect, TLS, EHLO, AUTH, MAIL, RCPT, DATA."""

from __future__ import annotations

import base64
import dataclasses
import errno
import json
import logging
import re
import socket
import ssl
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from crm_mail_gui.core import tls
from crm_mail_gui.core.address import Security
from crm_mail_gui.core.connection import (
    Cancelled,
    CancelToken,
    Connection,
    Dropped,
    ProtocolError,
    Reply,
    StepTimeout,
    UnexpectedData,
    UploadStalled,
    resolve,
)
from crm_mail_gui.core.errors import DeliveryError, Failure, Fix, Kind, Step, provider_of, rule_for
from crm_mail_gui.core.message import (
    Envelope,
    MessageInvalid,
    build_test_message,
    dot_stuff,
    prepare,
    seven_bit,
)
from crm_mail_gui.core.printable import printable, printable_lines
from crm_mail_gui.core.records import replace
from crm_mail_gui.core.settings import MailSettings
from crm_mail_gui.core.transcript import MASK, Transcript

ProgressCallback = Callable[[Step, str], None]
"""Called as progress(step, state) with state "start", "ok" or "fail"."""

QUIT_TIMEOUT = 2.0
LOGGED_REFUSALS = 20  # refused recipients named in one log line
log = logging.getLogger(__name__)
_NAME_MISMATCH_CODES = (62, 64)  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
# The failure for a negative reply that the server followed by hanging up, per step.
_REFUSALS: dict[Step, tuple[Kind, str]] = {
    Step.AUTH: (Kind.AUTH_FAILED, "auth_generic"),
    Step.MAIL: (Kind.SENDER_REFUSED, "sender_generic"),
    Step.RCPT: (Kind.RECIPIENT_REFUSED, "recipient_generic"),
    Step.DATA: (Kind.MESSAGE_REFUSED, "message_generic"),
}


@dataclass
class Outcome:
    """What a session did: `recipients` accepted; `refused` maps an address to (code, reply)."""

    transcript: list[str]
    recipients: list[str]
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)
    reply: str = ""
    tls_version: str | None = None
    auth_mechanism: str | None = None
    elapsed: float = 0.0
    sent: bool = True

    @property
    def temporarily_refused(self) -> dict[str, tuple[int, str]]:
        """Refusals with a 4xx code: the same recipients may be retried later."""
        return {rcpt: reply for rcpt, reply in self.refused.items() if 400 <= reply[0] < 500}

    @property
    def permanently_refused(self) -> dict[str, tuple[int, str]]:
        """Refusals with any other code (5xx): retrying the same address will not help."""
        return {rcpt: reply for rcpt, reply in self.refused.items() if not 400 <= reply[0] < 500}


class PartialDelivery(DeliveryError):
    """The message went to `accepted` only; the server refused the recipients in `refused`.

    The mail has been sent to the accepted recipients: resend only to the refused ones (the
    temporary ones, 4xx, later). `outcome` is the session's full Outcome.
    """

    def __init__(self, failure: Failure, transcript: list[str], outcome: Outcome) -> None:
        super().__init__(failure, transcript)
        self.outcome = outcome

    @property
    def accepted(self) -> list[str]:
        """The recipients the message went to."""
        return self.outcome.recipients

    @property
    def refused(self) -> dict[str, tuple[int, str]]:
        """Every refused recipient: address -> (code, server reply)."""
        return self.outcome.refused

    @property
    def temporary(self) -> dict[str, tuple[int, str]]:
        """The refusals with a 4xx code (retry later)."""
        return self.outcome.temporarily_refused

    @property
    def permanent(self) -> dict[str, tuple[int, str]]:
        """The refusals with a 5xx code (do not retry as they are)."""
        return self.outcome.permanently_refused


class _Session:
    """The state of one run; turns every low-level error into one Failure."""

    def __init__(
        self,
        settings: MailSettings,
        password: str | None,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        self.settings = settings
        self.password = password
        self.progress = progress or (lambda step, state: None)
        self.cancel = cancel or CancelToken()
        self.transcript = Transcript()
        if password:
            self.transcript.add_secret(password)
            user_pass = f"\0{settings.user}\0{password}"
            self.transcript.add_secret(user_pass)
        self.conn = Connection(self.transcript, self.cancel, settings.timeout)
        self.step = Step.RESOLVE
        self.extensions: dict[str, str] = {}
        self.infos: list[tuple] = []
        self.auth_mechanism: str | None = None
        self._tls_version: str | None = None
        self.greeting_name: str | None = None  # the host name the server greets with

    # -- helpers ---------------------------------------------------------------------------
    @contextmanager
    def stage(self, step: Step) -> Iterator[None]:
        self.step = step
        self.conn.last_reply = None  # a reply of an earlier step is no reason for a drop in this
        self.progress(step, "start")
        try:
            yield
        except BaseException:
            self.progress(step, "fail")
            raise
        self.progress(step, "ok")

    def fail(self, kind: Kind, reply: Reply | None = None, **extra: object) -> DeliveryError:
        host = self.settings.server.display_host
        params = {"host": host, "port": str(self.settings.server.port)}
        params.update({k: str(v) for k, v in dict(extra.pop("params", {}) or {}).items()})
        code = reply.code if reply else None
        text = self.transcript.redact(reply.text) if reply else None
        oauth_auth = self.settings.uses_oauth and self.step is Step.AUTH
        provider = provider_of(self.settings.server.host, self.greeting_name)
        rule = (
            rule_for(code, text, self.step.value, provider=provider)
            if reply and not oauth_auth
            else None
        )
        hint = extra.pop("hint", None)
        fix = extra.pop("fix", None)
        if rule:
            hint, fix = rule.hint, rule.fix or fix
            if rule.starttls_port and "suggested_server" not in extra:
                host = self.settings.server.host_for_url
                extra["suggested_server"] = f"tls://{host}:{rule.starttls_port}"
        failure = Failure(
            kind=kind,
            step=self.step,
            code=code,
            reply=text,
            hint_key=hint,  # type: ignore[arg-type]
            params=params,
            fix=fix,  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )
        if failure.detail:  # the raw text (OpenSSL's, the socket's) stays in the transcript
            self.transcript.event(f"Detail: {failure.detail}")
        self.transcript.event(failure.transcript_line())
        return DeliveryError(failure, self.transcript)  # redacts and escapes every text

    def command(self, line: str, *, secret: bool = False, shown: str | None = None) -> Reply:
        self.conn.send_line(line, secret=secret, shown=shown)
        return self.conn.read_reply()

    # -- the session -----------------------------------------------------------------------
    def run(self, message: EmailMessage | None, check_only: bool) -> Outcome:
        started = time.monotonic()
        settings = self.settings
        if settings.auth and not self.password:
            self.step = Step.AUTH
            raise self.fail(Kind.PASSWORD_MISSING, hint="password_missing", fields=("password",))
        if settings.needs_unencrypted_consent:
            self.step = Step.AUTH
            raise self.fail(Kind.UNENCRYPTED_AUTH, hint="unencrypted_auth", fields=("server",))
        try:
            env = prepare(
                message if message is not None else build_test_message(settings), settings
            )
        except MessageInvalid as error:
            self.step = Step.DATA
            raise self.fail(
                Kind.INVALID_INPUT, hint="message_invalid", params={"problem": str(error)}
            ) from None
        if not env.recipients:
            self.step = Step.RCPT
            raise self.fail(Kind.INVALID_INPUT, hint="recipient_generic", fields=("to",))
        try:
            try:
                refused, reply = self._converse(env, check_only)
            except BaseException as error:
                raise self._translate(error) from None
        finally:
            self.conn.close()
        outcome = Outcome(
            transcript=self.transcript.lines,
            recipients=[r for r in env.recipients if r not in refused],
            refused=refused,
            reply=reply,
            tls_version=self._tls_version,
            auth_mechanism=self.auth_mechanism,
            elapsed=time.monotonic() - started,
            sent=not check_only,
        )
        if refused and not check_only:
            raise self._partial(outcome, len(env.recipients))
        return outcome

    def _partial(self, outcome: Outcome, total: int) -> PartialDelivery:
        """The error for a message that went to some recipients only; logged as a warning."""
        self.step = Step.RCPT
        first_code, first_text = next(iter(outcome.refused.values()))
        listed = {
            key: _listing(list(group))
            for key, group in (
                ("temporary", outcome.temporarily_refused),
                ("permanent", outcome.permanently_refused),
            )
        }
        error = self.fail(
            Kind.PARTIALLY_DELIVERED,
            Reply(first_code, (first_text,)),
            hint="partial_temporary",
            params={
                "accepted": len(outcome.recipients),
                "total": total,
                "refused": len(outcome.refused),
                **listed,
            },
            fields=("to",),
        )
        shown = list(outcome.refused.items())[:LOGGED_REFUSALS]
        log.warning(
            "Partial delivery via %s: sent to %d of %d recipients; refused %d "
            "(%d temporary, %d permanent): %s%s",
            printable(self.settings.server.canonical(), 200),
            len(outcome.recipients),
            total,
            len(outcome.refused),
            len(outcome.temporarily_refused),
            len(outcome.permanently_refused),
            "; ".join(f"{printable(r, 100)} ({c} {printable(t, 120)})" for r, (c, t) in shown),
            " …" if len(outcome.refused) > len(shown) else "",
        )
        # the partial hint, not a hint the refusal's text would pick (e.g. "530" at RCPT)
        failure = dataclasses.replace(error.failure, hint_key="partial_temporary", fix=None)
        return PartialDelivery(failure, error.transcript, outcome)

    def unexpected(self, error: Exception) -> DeliveryError:
        """A DeliveryError for an exception nothing else recognised (a bug): logged in full."""
        text = self.transcript.redact(f"{type(error).__name__}: {error}")
        trace = "".join(traceback.format_exception(error))
        log.error(
            "Unexpected error at %s:\n%s",
            self.step.value,
            printable_lines(self.transcript.redact(trace)),
        )
        return self.fail(
            Kind.UNEXPECTED, hint="unexpected", params={"detail": printable(text, 300)}
        )

    def _mail_from(self, env: Envelope) -> tuple[str, bytes]:
        """The MAIL FROM parameters the message needs, and its data (7-bit if it must be)."""
        params = ""
        data = env.data
        if env.smtputf8:
            if "smtputf8" not in self.extensions:
                raise self.fail(
                    Kind.INVALID_INPUT,
                    hint="smtputf8_missing",
                    params={"address": printable(env.utf8_addresses[0], 100)},
                    fields=("to",),
                )
            params += " SMTPUTF8"
        if env.eight_bit and "8bitmime" in self.extensions:
            params += " BODY=8BITMIME"
        elif env.eight_bit:
            downgraded = seven_bit(data)
            if downgraded is None:
                raise self.fail(Kind.INVALID_INPUT, hint="eight_bit_missing")
            self.transcript.event("The server does not offer 8BITMIME: message sent as 7-bit MIME")
            data = downgraded
        return params, data

    def open(self) -> None:
        """Resolve (unless `infos` is given), connect, TLS, EHLO: the session before AUTH."""
        server = self.settings.server
        if not self.infos:
            with self.stage(Step.RESOLVE):
                self.infos = resolve(server.host, server.port, self.settings.timeout, self.cancel)
        with self.stage(Step.CONNECT):
            self.conn.connect(self.infos)
            if server.security is not Security.SSL:
                self._greeting()
        if server.security is Security.SSL:
            with self.stage(Step.TLS):
                self._handshake()
                self._greeting()
        with self.stage(Step.EHLO):
            self._ehlo()
        if server.security is Security.STARTTLS:
            with self.stage(Step.STARTTLS):
                if "starttls" not in self.extensions:
                    raise self.fail(
                        Kind.STARTTLS_NOT_OFFERED,
                        hint="starttls_missing",
                        suggested_server=f"ssl://{server.host_for_url}:465",
                        fields=("server",),
                    )
                reply = self.command("STARTTLS")
                if reply.code != 220:
                    raise self.fail(
                        Kind.STARTTLS_NOT_OFFERED,
                        reply,
                        hint="starttls_missing",
                        suggested_server=f"ssl://{server.host_for_url}:465",
                        fields=("server",),
                    )
                self._handshake()
            with self.stage(Step.EHLO):
                self._ehlo()

    def _converse(self, env: Envelope, check_only: bool) -> tuple[dict[str, tuple[int, str]], str]:
        self.open()
        if self.settings.auth:
            with self.stage(Step.AUTH):
                self._authenticate()
        with self.stage(Step.MAIL):
            params, data = self._mail_from(env)
            reply = self.command(f"MAIL FROM:<{env.sender}>{params}")
            if reply.code != 250:
                raise self.fail(Kind.SENDER_REFUSED, reply, hint="sender_generic", fields=("from",))
        refused: dict[str, tuple[int, str]] = {}
        with self.stage(Step.RCPT):
            last: Reply | None = None
            for rcpt in env.recipients:
                last = self.command(f"RCPT TO:<{rcpt}>")
                if last.code not in (250, 251):
                    refused[rcpt] = (last.code, self.transcript.clean(last.text))
            if len(refused) == len(env.recipients):
                raise self.fail(
                    Kind.RECIPIENT_REFUSED, last, hint="recipient_generic", fields=("to",)
                )
        if check_only:
            self.command("RSET")
            self._quit()
            return refused, ""
        with self.stage(Step.DATA):
            reply = self.command("DATA")
            if reply.code != 354:
                raise self.fail(Kind.MESSAGE_REFUSED, reply, hint="message_generic")
            self._record_headers(data)
            try:
                self.conn.upload(dot_stuff(data))
            except UploadStalled as stall:
                self.transcript.event(f"Upload stalled: {stall}")
                raise self.fail(
                    Kind.TIMED_OUT,
                    hint="upload_stalled",
                    params={
                        "seconds": f"{self.settings.timeout:g}",
                        "sent": stall.sent,
                        "total": stall.total,
                    },
                ) from None
            self.transcript.client(".")
            reply = self.conn.read_reply()
            if reply.code != 250:
                raise self.fail(Kind.MESSAGE_REFUSED, reply, hint="message_generic")
        self._quit()
        return refused, self.transcript.clean(reply.text)

    def _greeting(self) -> None:
        reply = self.conn.read_reply()
        if reply.code != 220:
            raise self.fail(Kind.SERVER_REFUSED, reply, hint="server_refused")
        name = reply.text.split(maxsplit=1)[0] if reply.text.strip() else ""
        self.greeting_name = name[:255] or None

    def _handshake(self) -> None:
        context = tls.client_context(self.settings.ca_file)
        self.conn.start_tls(context, self.settings.server.host)
        assert isinstance(self.conn.sock, ssl.SSLSocket)
        self._tls_version = self.conn.sock.version()

    def _ehlo(self) -> None:
        local = self._local_name()
        reply = self.command(f"EHLO {local}")
        if reply.code != 250:
            needs_ehlo = self.settings.auth or self.settings.server.security is Security.STARTTLS
            if needs_ehlo or reply.code < 500:  # HELO only where EHLO is unknown, not on a 4xx
                raise self.fail(Kind.SERVER_REFUSED, reply, hint="server_refused")
            reply = self.command(f"HELO {local}")
            if reply.code != 250:
                raise self.fail(Kind.SERVER_REFUSED, reply, hint="server_refused")
            self.extensions = {}
            return
        self.extensions = {}
        for line in reply.lines[1:]:
            keyword, _, params = line.partition(" ")
            keyword = keyword.lower()
            if keyword.startswith("auth="):
                keyword, params = "auth", keyword[5:].replace(",", " ") + " " + params
            if keyword == "auth" and "auth" in self.extensions:
                params = self.extensions["auth"] + " " + params
            self.extensions[keyword] = params.strip()

    def _local_name(self) -> str:
        try:
            address = self.conn.sock.getsockname()[0] if self.conn.sock else "127.0.0.1"
        except OSError:
            address = "127.0.0.1"
        return f"[IPv6:{address}]" if ":" in address else f"[{address}]"

    def _authenticate(self) -> None:
        offered = self.extensions.get("auth")
        if offered is None:
            plain = self.settings.server.security is Security.PLAIN
            raise self.fail(
                Kind.AUTH_NOT_OFFERED,
                hint="auth_not_offered_plain" if plain else "auth_not_offered",
                fields=("server",),
                fix=None if self.settings.uses_oauth else Fix.AUTH_OFF,
            )
        mechanisms = {m.upper() for m in offered.split()}
        user, password = self.settings.user, self.password or ""
        if self.settings.uses_oauth:
            self._authenticate_xoauth2(mechanisms, offered)
            return
        if "PLAIN" in mechanisms:
            self.auth_mechanism = "PLAIN"
            token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
            reply = self.command(f"AUTH PLAIN {token}", shown=f"AUTH PLAIN {MASK}")
        elif "LOGIN" in mechanisms:
            self.auth_mechanism = "LOGIN"
            reply = self.command("AUTH LOGIN")
            if reply.code == 334:
                reply = self.command(base64.b64encode(user.encode()).decode("ascii"), secret=True)
            if reply.code == 334:
                reply = self.command(
                    base64.b64encode(password.encode()).decode("ascii"), secret=True
                )
        else:
            raise self.fail(
                Kind.AUTH_NOT_OFFERED,
                hint="auth_not_offered",
                detail=f"offered: {offered or '-'}",
                fields=("server",),
            )
        if reply.code == 334:
            reply_334 = reply
            self.command("*")
            raise self.fail(Kind.AUTH_FAILED, reply_334, hint="auth_generic", fields=("password",))
        if reply.code != 235:
            raise self.fail(Kind.AUTH_FAILED, reply, hint="auth_generic", fields=("password",))

    def _authenticate_xoauth2(self, mechanisms: set[str], offered: str) -> None:
        """AUTH XOAUTH2; a 334 error challenge (Google: base64 JSON) is decoded and finished."""
        if "XOAUTH2" not in mechanisms:
            raise self.fail(
                Kind.AUTH_NOT_OFFERED,
                hint="xoauth2_not_offered",
                detail=f"offered: {offered or '-'}",
                fields=("server",),
            )
        self.auth_mechanism = "XOAUTH2"
        blob = xoauth2_string(self.settings.user, self.password or "")
        self.transcript.add_secret(blob)
        reply = self.command(f"AUTH XOAUTH2 {blob}", shown=f"AUTH XOAUTH2 {MASK}")
        detail = None
        if reply.code == 334:
            detail = _decode_challenge(reply.text, self.transcript.redact)
            reply = self.command("")  # an empty line ends the exchange; the server then says why
        if reply.code != 235:
            raise self.fail(
                Kind.AUTH_FAILED, reply, hint="oauth_token_rejected", detail=detail, fix=Fix.SIGN_IN
            )

    def _record_headers(self, data: bytes) -> None:
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            self.transcript.client(line)
        self.transcript.client("")
        self.transcript.client(f"[{len(body)} bytes of body]")

    def _quit(self) -> None:
        self.step = Step.QUIT
        try:
            self.conn.send_line("QUIT")
            self.conn.read_reply(timeout=min(QUIT_TIMEOUT, self.settings.timeout))
        except (StepTimeout, Dropped, ProtocolError, OSError):
            pass  # the mail is accepted already; a lazy QUIT is no failure

    # -- error translation -----------------------------------------------------------------
    def _translate(self, error: BaseException) -> BaseException:
        if isinstance(error, DeliveryError | KeyboardInterrupt | SystemExit):
            return error
        if isinstance(error, Cancelled) or self.cancel.cancelled:
            return self.fail(Kind.CANCELLED)
        if isinstance(error, StepTimeout | TimeoutError):
            return self._timeout_failure()
        if isinstance(error, ssl.SSLCertVerificationError):
            return self._certificate_failure(error)
        if isinstance(error, UnexpectedData):
            return self._unexpected_data(error)
        if isinstance(error, ssl.SSLError) and self.step in (Step.TLS, Step.STARTTLS):
            return self._handshake_failure(error)
        if isinstance(error, socket.gaierror | UnicodeError):
            return self.fail(Kind.HOST_NOT_FOUND, hint="check_spelling", fields=("server",))
        if isinstance(error, Dropped | ssl.SSLEOFError | ConnectionResetError | BrokenPipeError):
            return self._dropped_failure()
        if isinstance(error, ProtocolError):
            return self.fail(
                Kind.SERVER_REFUSED,
                hint="check_port",
                detail=f"not an SMTP reply: {error}",
                fields=("server",),
            )
        if isinstance(error, OSError):
            return self._socket_failure(error)
        return error

    def _handshake_failure(self, error: ssl.SSLError) -> DeliveryError:
        """A TLS handshake that failed; plain text instead of TLS has its own failure."""
        reason = error.reason or str(error)
        if reason == "WRONG_VERSION_NUMBER" or "wrong version number" in str(error):
            if self.step is Step.STARTTLS:  # the 220 was followed by plain text
                return self._injection("unencrypted data instead of the TLS handshake")
            return self._plain_port()
        return self.fail(
            Kind.TLS_HANDSHAKE_FAILED, hint="tls_generic", detail=reason, fields=("server",)
        )

    def _dropped_failure(self) -> DeliveryError:
        """The server hung up: its last negative reply, a failed handshake, or a drop."""
        last = self.conn.last_reply
        if last is not None and last.code >= 400:  # the server said why before hanging up
            return self._refusal(last)
        if self.step in (Step.TLS, Step.STARTTLS):
            return self.fail(
                Kind.TLS_HANDSHAKE_FAILED,
                hint="tls_generic",
                detail="connection closed during the TLS handshake",
                fields=("server",),
            )
        return self.fail(Kind.CONNECTION_DROPPED, hint="dropped")

    def _socket_failure(self, error: OSError) -> DeliveryError:
        """Any other socket error: refused, unreachable, or dropped."""
        if isinstance(error, ConnectionRefusedError):
            return self.fail(Kind.CONNECTION_REFUSED, hint="check_port", fields=("server",))
        if error.errno in (
            errno.ENETUNREACH,
            errno.EHOSTUNREACH,
            errno.EHOSTDOWN,
            errno.EADDRNOTAVAIL,
        ):
            return self.fail(Kind.UNREACHABLE, hint="check_network", detail=error.strerror)
        return self.fail(Kind.CONNECTION_DROPPED, hint="dropped", detail=str(error))

    def _refusal(self, reply: Reply) -> DeliveryError:
        """A negative reply after which the server closed: that reply is the failure."""
        default = (Kind.SERVER_REFUSED, "server_refused")
        kind, hint = default if reply.code == 421 else _REFUSALS.get(self.step, default)
        return self.fail(kind, reply, hint=hint)

    def _plain_port(self) -> DeliveryError:
        """ssl:// on a port that starts in plain text: suggest STARTTLS (on 587 if this is 465)."""
        server = self.settings.server
        suggestion = f"tls://{server.host_for_url}:{587 if server.port == 465 else server.port}"
        return self.fail(
            Kind.TLS_HANDSHAKE_FAILED,
            hint="wrong_version",
            detail="wrong version number",
            suggested_server=suggestion,
            fields=("server",),
        )

    def _injection(self, detail: str) -> DeliveryError:
        """Plain text between the 220 to STARTTLS and the TLS handshake: never read, always fatal."""
        return self.fail(
            Kind.PROTOCOL_VIOLATION, hint="starttls_injection", detail=detail, fields=("server",)
        )

    def _unexpected_data(self, error: UnexpectedData) -> DeliveryError:
        """Bytes the server sent unasked: recorded (redacted, escaped), never taken as a reply."""
        excerpt = self.transcript.redact(repr(error.data[:60]))
        self.transcript.event(f"Unexpected data from the server: {excerpt}")
        if error.before == "command":
            return self.fail(
                Kind.PROTOCOL_VIOLATION,
                hint="unexpected_data",
                detail=f"{len(error.data)} bytes sent before the client's command",
            )
        if self.step is Step.STARTTLS:
            return self._injection(f"{len(error.data)} unencrypted bytes after the 220 to STARTTLS")
        return self._plain_port()  # implicit TLS: the server spoke first, in plain text

    def _timeout_failure(self) -> DeliveryError:
        server = self.settings.server
        params = {"seconds": f"{self.settings.timeout:g}"}
        silent = self.step is Step.CONNECT and self.conn.sock is not None and not self.conn.received
        if silent and server.security is not Security.SSL:  # not a byte: maybe it awaits TLS
            port = server.port if server.port != 587 else 465
            return self.fail(
                Kind.TIMED_OUT,
                hint="maybe_implicit_tls",
                params={**params, "port": str(port)},
                suggested_server=f"ssl://{server.host_for_url}:{port}",
                fields=("server",),
            )
        self.transcript.event(f"Timed out after {self.settings.timeout:g} s")
        return self.fail(Kind.TIMED_OUT, hint="timeout_generic", params=params)

    def _certificate_failure(self, error: ssl.SSLCertVerificationError) -> DeliveryError:
        detail = error.verify_message or str(error)
        if error.verify_code not in _NAME_MISMATCH_CODES:
            return self.fail(
                Kind.CERT_UNTRUSTED,
                hint="cert_untrusted",
                detail=detail,
                fields=("server",),
                fix=Fix.CA_FILE,
            )
        names = probe_certificate_names(self.settings, self.infos, self.cancel)
        exact = [n for n in names if "*" not in n]
        suggestion = None
        if len(exact) == 1:
            suggestion = replace(self.settings.server, host=exact[0]).canonical()
        return self.fail(
            Kind.CERT_HOSTNAME_MISMATCH,
            hint="cert_names" if names else "cert_names_unknown",
            detail=detail,
            params={"names": ", ".join(names)},
            suggested_server=suggestion,
            fields=("server",),
        )


def _listing(addresses: list[str], limit: int = LOGGED_REFUSALS) -> str:
    """Addresses for a message, escaped: at most `limit`, then how many more."""
    shown = ", ".join(printable(address, 100) for address in addresses[:limit]) or "-"
    more = len(addresses) - limit
    return f"{shown} (+{more})" if more > 0 else shown


def xoauth2_string(user: str, access_token: str) -> str:
    """The base64 XOAUTH2 initial response: user=<addr>^Aauth=Bearer <token>^A^A."""
    raw = f"user={user}\x01auth=Bearer {access_token}\x01\x01"
    return base64.b64encode(raw.encode("utf-8")).decode("ascii")


def _decode_challenge(text: str, redact: Callable[[str], str]) -> str:
    """The JSON status inside a base64 XOAUTH2 error challenge, as compact, redacted text.

    Redacted before it is cut short, so that no part of an echoed token survives the cut.
    """
    try:
        decoded = base64.b64decode(text.strip() + "=" * (-len(text.strip()) % 4)).decode("utf-8")
        status = json.loads(decoded)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" nesting
        return redact(text)[:200]
    if isinstance(status, dict):
        return redact(", ".join(f"{key}={value}" for key, value in status.items()))[:300]
    return redact(decoded)[:200]


def probe_certificate_names(
    settings: MailSettings, infos: list[tuple], cancel: CancelToken
) -> list[str]:
    """Connect once more without the host-name check to learn which names the certificate covers."""
    probe = Connection(Transcript(), cancel, min(settings.timeout, 5.0))
    try:
        probe.connect(infos)
        if settings.server.security is Security.STARTTLS:
            probe.read_reply()
            probe.send_line("EHLO [127.0.0.1]")
            probe.read_reply()
            probe.send_line("STARTTLS")
            if probe.read_reply().code != 220:
                return []
        probe.start_tls(
            tls.client_context(settings.ca_file, check_hostname=False), settings.server.host
        )
        return tls.names_from_cert(probe.peer_certificate())
    except (OSError, StepTimeout, Dropped, ProtocolError, Cancelled, ValueError):
        return []
    finally:
        probe.close()


_SASL_NAME = re.compile(r"[A-Z0-9_-]{1,20}")  # a SASL mechanism name (RFC 4422, 3.1)


@dataclass(frozen=True)
class Offer:
    """What a server offers before AUTH: its EHLO extensions (lower-case keys), TLS version."""

    extensions: dict[str, str]
    tls_version: str | None

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        """The AUTH mechanisms offered, upper case, in the server's order."""
        seen: dict[str, None] = {}
        for mechanism in self.extensions.get("auth", "").split():
            if _SASL_NAME.fullmatch(mechanism.upper()):  # RFC 4422 names; nothing else is shown
                seen.setdefault(mechanism.upper(), None)
        return tuple(seen)[:20]


def probe_server(
    settings: MailSettings, infos: list[tuple] | None = None, cancel: CancelToken | None = None
) -> Offer:
    """Connect, TLS as `settings.server` says, EHLO, QUIT: never a credential, never a mail.

    `infos` (getaddrinfo entries) replaces the resolve step. Raises DeliveryError, classified as
    for a real session (refused, timed out, certificate not trusted, STARTTLS not offered, ...).
    """
    session = _Session(settings.with_changes(auth=False), None, None, cancel)
    session.infos = list(infos or [])
    try:
        try:
            session.open()
            session._quit()
        except BaseException as error:
            raise session._translate(error) from None
    except DeliveryError:
        raise
    except Exception as error:
        raise session.unexpected(error) from None
    finally:
        session.conn.close()
    return Offer(dict(session.extensions), session._tls_version)


def deliver(
    settings: MailSettings,
    password: str | None,
    message: EmailMessage | None = None,
    *,
    check_only: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Outcome:
    """Run one session: send `message` (default: the test mail), or only check up to RCPT.

    Raises DeliveryError (PartialDelivery when only some recipients took the message) and nothing
    else; a message that cannot be sent as it is raises DeliveryError of kind INVALID_INPUT.
    """
    session = _Session(settings, password, progress, cancel)
    try:
        return session.run(message, check_only)
    except DeliveryError:
        raise
    except Exception as error:  # a bug must still reach the caller as the documented error
        raise session.unexpected(error) from None


def send_test_mail(
    settings: MailSettings,
    password: str | None,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Outcome:
    """Send the bilingual test mail to the settings' test recipient."""
    return deliver(settings, password, None, progress=progress, cancel=cancel)
