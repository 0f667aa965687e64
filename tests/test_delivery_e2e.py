"""End-to-end tests of the delivery engine against real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from fakes.smtp_servers import (
    DEFAULT_USERS,
    HOST,
    MS_GREETING,
    AioSMTPServer,
    FaultServer,
    Received,
    TestCerts,
)

from crm_mail_gui.core.api import send
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.delivery import Outcome, deliver
from crm_mail_gui.core.errors import DeliveryError, Failure
from crm_mail_gui.core.message import SUBJECT
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import Store

pytestmark = pytest.mark.e2e

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
RCPT = "bob@example.org"
FaultFactory = Callable[..., FaultServer]


# --------------------------------------------------------------------------- helpers


def make_settings(certs: TestCerts, server: str, **values: Any) -> MailSettings:
    data: dict[str, object] = {
        "server": server,
        "user": USER,
        "from": USER,
        "to": RCPT,
        "ca_file": certs.ca_file,
        "timeout": 2,
    }
    data.update(values)
    return build_settings(data)


def secret_forms(user: str = USER, password: str = PASSWORD) -> list[str]:
    """The password and every base64 form in which it could leak (alone, or in AUTH PLAIN)."""
    alone = base64.b64encode(password.encode()).decode()
    plain = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    return [password, alone, alone.rstrip("="), plain, plain.rstrip("=")]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for form in secret_forms():
            assert form not in text


def assert_error_clean(error: DeliveryError) -> None:
    failure = error.failure
    assert_no_secret(
        "\n".join(error.transcript),
        failure.describe("en"),
        failure.describe("ja"),
        str(error),
        repr(failure),
    )


def failing(
    settings: MailSettings, password: str | None = PASSWORD, **kwargs: Any
) -> tuple[Failure, DeliveryError]:
    with pytest.raises(DeliveryError) as info:
        deliver(settings, password, **kwargs)
    assert_error_clean(info.value)
    return info.value.failure, info.value


def assert_test_mail(received: Received, settings: MailSettings) -> None:
    assert received.mail_from == USER
    assert received.rcpt_tos == [RCPT]
    head = received.data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # the Japanese subject is MIME-encoded on the wire
    msg = received.message
    assert msg["Subject"] == SUBJECT
    assert "テスト" in msg["Subject"] and "test" in msg["Subject"]
    assert msg["From"] == USER
    assert msg["To"] == RCPT
    assert parsedate_to_datetime(msg["Date"]).tzinfo is not None
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.com>")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "Bcc" not in msg
    body = msg.get_content()
    assert "このメールは" in body and "This is a test message" in body
    assert body.index("このメールは") < body.index("This is a test message")
    assert settings.server.canonical() in body


def assert_tls_outcome(outcome: Outcome) -> None:
    assert outcome.sent
    assert outcome.recipients == [RCPT]
    assert outcome.tls_version is not None and outcome.tls_version.startswith("TLSv1.")
    assert outcome.auth_mechanism == "PLAIN"
    assert_no_secret("\n".join(outcome.transcript))


# --------------------------------------------------------------------------- success


def test_implicit_tls_with_auth(ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    settings = make_settings(certs, f"ssl://{HOST}:{ssl_server.port}")
    outcome = deliver(settings, PASSWORD)
    assert_tls_outcome(outcome)
    [received] = ssl_server.messages
    assert_test_mail(received, settings)
    assert received.auth_login == USER
    assert ssl_server.auth_attempts == [("PLAIN", USER)]
    assert any(f"AUTH PLAIN {'*' * 8}" in line for line in outcome.transcript)


def test_starttls_with_auth_non_ascii_password(
    starttls_server: AioSMTPServer, certs: TestCerts
) -> None:
    assert not PASSWORD.isascii()
    settings = make_settings(certs, f"tls://{HOST}:{starttls_server.port}")
    outcome = deliver(settings, PASSWORD)
    assert_tls_outcome(outcome)
    [received] = starttls_server.messages
    assert_test_mail(received, settings)
    assert received.auth_login == USER


def test_plain_without_auth(certs: TestCerts) -> None:
    with AioSMTPServer(certs, mode="plain", users=None) as server:
        settings = make_settings(certs, f"{HOST}:{server.port}", auth=False)
        outcome = deliver(settings, None)
        [received] = server.messages
    assert outcome.sent and outcome.tls_version is None and outcome.auth_mechanism is None
    assert_test_mail(received, settings)
    assert received.auth_login is None
    assert server.auth_attempts == []


def test_plain_with_auth_when_explicitly_allowed(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("ok", tls="none", users=DEFAULT_USERS)
    settings = make_settings(certs, f"{HOST}:{server.port}", allow_unencrypted_auth=True)
    outcome = deliver(settings, PASSWORD)
    assert outcome.auth_mechanism == "PLAIN" and outcome.tls_version is None
    [received] = server.messages
    assert received.auth_login == USER
    assert_no_secret("\n".join(outcome.transcript))


def test_login_only_server(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok", extensions=["8BITMIME", "AUTH LOGIN"], users=DEFAULT_USERS)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    outcome = deliver(settings, PASSWORD)
    assert outcome.auth_mechanism == "LOGIN"
    assert outcome.tls_version is not None and outcome.tls_version.startswith("TLSv1.")
    assert server.auth_attempts == [("LOGIN", USER)]
    [received] = server.messages
    assert received.auth_login == USER
    assert_test_mail(received, settings)
    assert_no_secret("\n".join(outcome.transcript))


def test_check_only_sends_nothing(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok", users=DEFAULT_USERS)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    outcome = deliver(settings, PASSWORD, check_only=True)
    assert outcome.sent is False
    assert outcome.recipients == [RCPT]
    assert server.messages == []
    verbs = [line.split(" ", 1)[0].upper() for line in server.lines]
    assert "RSET" in verbs
    assert "DATA" not in verbs
    assert verbs.index("RCPT") < verbs.index("RSET")
    assert server.auth_attempts == [("PLAIN", USER)]


def test_progress_reports_every_step_in_order(
    starttls_server: AioSMTPServer, certs: TestCerts
) -> None:
    events: list[tuple[str, str]] = []
    settings = make_settings(certs, f"tls://{HOST}:{starttls_server.port}")
    deliver(settings, PASSWORD, progress=lambda step, state: events.append((step.value, state)))
    steps = ["resolve", "connect", "ehlo", "starttls", "ehlo", "auth", "mail", "rcpt", "data"]
    assert events == [(step, state) for step in steps for state in ("start", "ok")]


def test_progress_reports_the_failed_step(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("rcpt550")
    events: list[tuple[str, str]] = []
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failing(settings, progress=lambda step, state: events.append((step.value, state)))
    assert events[-2:] == [("rcpt", "start"), ("rcpt", "fail")]
    assert ("data", "start") not in events


# --------------------------------------------------------------------------- connect-level failures


def test_silent_server_times_out(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("silent")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False, timeout=1)
    started = time.monotonic()
    failure, _ = failing(settings, None)
    elapsed = time.monotonic() - started
    assert failure.kind == "timed_out"
    assert failure.step == "connect"
    assert failure.code is None and failure.reply is None
    assert failure.hint_key == "maybe_implicit_tls"
    assert 0.9 <= elapsed < 2.0
    assert failure.params["seconds"] == "1"


def test_server_closes_at_once(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("close")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False)
    failure, _ = failing(settings, None)
    assert failure.kind == "connection_dropped"
    assert failure.step == "connect"
    assert failure.code is None
    assert failure.hint_key == "dropped"


def test_greeting_554(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("greeting554")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False)
    failure, _ = failing(settings, None)
    assert failure.kind == "server_refused"
    assert failure.step == "connect"
    assert failure.code == 554
    assert failure.reply == "5.3.2 Service not available"
    assert failure.hint_key == "server_refused"
    assert "554 5.3.2 Service not available" in failure.describe("en")


def test_connection_refused(certs: TestCerts) -> None:
    probe = socket.socket()
    probe.bind((HOST, 0))
    port = probe.getsockname()[1]
    probe.close()
    settings = make_settings(certs, f"ssl://{HOST}:{port}")
    failure, _ = failing(settings)
    assert failure.kind == "connection_refused"
    assert failure.step == "connect"
    assert failure.code is None
    assert failure.hint_key == "check_port"
    assert failure.params["port"] == str(port)


def test_host_not_found(certs: TestCerts) -> None:
    # .invalid is reserved (RFC 6761): it never resolves, so nothing reaches the internet.
    settings = make_settings(certs, "ssl://no-such-host.invalid:465", timeout=2)
    started = time.monotonic()
    failure, _ = failing(settings)
    assert time.monotonic() - started < 3
    assert failure.kind == "host_not_found"
    assert failure.step == "resolve"
    assert failure.hint_key == "check_spelling"
    assert failure.params["host"] == "no-such-host.invalid"
    assert "no-such-host.invalid" in failure.describe("en")


# --------------------------------------------------------------------------- TLS failures


@pytest.mark.parametrize("fault", ["no_starttls", "strip"])
def test_starttls_not_offered_never_sends_auth(
    fault: str, fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server(fault)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "starttls_not_offered"
    assert failure.step == "starttls"
    assert failure.hint_key == "starttls_missing"
    assert failure.code is None
    assert server.lines, "the client should have talked (EHLO)"
    assert not any(line.upper().startswith(("AUTH", "MAIL")) for line in server.lines)
    assert server.auth_attempts == []


def test_starttls_untrusted_certificate(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("starttls_untrusted")
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "cert_untrusted"
    assert failure.step == "starttls"
    assert failure.hint_key == "cert_untrusted"
    assert not any(line.upper().startswith("AUTH") for line in server.lines)


def test_starttls_wrong_name_lists_the_certificate_names(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("starttls_wrong_name")
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "cert_hostname_mismatch"
    assert failure.step == "starttls"
    assert failure.hint_key == "cert_names"
    names = [name.strip() for name in failure.params["names"].split(",")]
    assert sorted(names) == ["mail.other.example", "other.example"]
    assert "mail.other.example" in failure.describe("en")
    assert "mail.other.example" in failure.describe("ja")
    assert server.auth_attempts == []


def test_ssl_wrong_name(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ssl_wrong_name")
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "cert_hostname_mismatch"
    assert failure.step == "tls"
    assert "mail.other.example" in failure.params["names"]


def test_ssl_scheme_on_starttls_port(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok")  # speaks plain SMTP first, offers STARTTLS
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "tls_handshake_failed"
    assert failure.step == "tls"
    assert failure.hint_key == "wrong_version"
    assert failure.suggested_server is not None
    assert failure.suggested_server.startswith("tls://")
    assert failure.suggested_server == f"tls://{HOST}:{server.port}"
    assert server.auth_attempts == []


def test_tls_scheme_on_implicit_tls_port(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok", tls="ssl")
    settings = make_settings(certs, f"tls://{HOST}:{server.port}", timeout=1)
    started = time.monotonic()
    failure, _ = failing(settings)
    assert time.monotonic() - started < 2.0
    assert failure.kind == "timed_out"
    assert failure.step == "connect"
    assert failure.hint_key == "maybe_implicit_tls"
    assert failure.suggested_server == f"ssl://{HOST}:{server.port}"


# --------------------------------------------------------------------------- AUTH failures


def test_auth_535_gmail(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("auth535")
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    failure, error = failing(settings)
    assert failure.kind == "auth_failed"
    assert failure.step == "auth"
    assert failure.code == 535
    assert failure.reply is not None and failure.reply.startswith("5.7.8 Username and Password")
    assert failure.hint_key == "gmail_bad_credentials"
    assert "password" in failure.fields
    # the first failure is reported, not a later symptom: one AUTH, no MAIL after it
    assert server.auth_attempts == [("PLAIN", USER)]
    assert not any(line.upper().startswith("MAIL") for line in server.lines)
    assert any("AUTH PLAIN ********" in line for line in error.transcript)


def test_auth_534_gmail_app_password(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("auth534")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "auth_failed"
    assert failure.step == "auth"
    assert failure.code == 534
    assert failure.reply is not None and "5.7.9 Application-specific password" in failure.reply
    assert failure.hint_key == "gmail_app_password"
    assert len(server.auth_attempts) == 1


def test_auth_535_microsoft_smtp_auth_disabled(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("auth535_ms")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "auth_failed"
    assert failure.code == 535
    assert failure.reply is not None and failure.reply.startswith("5.7.139")
    assert failure.hint_key == "ms_smtp_auth_disabled"
    assert failure.fix == "oauth2"
    assert len(server.auth_attempts) == 1


def test_auth_550_basic_auth_retired(fault_server: FaultFactory, certs: TestCerts) -> None:
    reply = "550 5.7.30 Basic authentication is not supported for Client Submission"
    server = fault_server("ok", replies={"GREETING": MS_GREETING, "AUTH": reply})
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "auth_failed"
    assert failure.step == "auth"
    assert failure.code == 550
    assert failure.reply == reply[4:]
    assert failure.hint_key == "ms_basic_auth_retired"
    assert failure.fix == "oauth2"
    assert len(server.auth_attempts) == 1


def test_auth_over_plain_text_is_refused_before_connecting(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("ok", tls="none")
    settings = make_settings(certs, f"{HOST}:{server.port}")
    failure, _ = failing(settings)
    assert failure.kind == "unencrypted_auth"
    assert failure.hint_key == "unencrypted_auth"
    assert "server" in failure.fields
    time.sleep(0.2)  # give the accept loop the time to count a connection, had there been one
    assert server.connections == 0


@pytest.mark.parametrize("password", [None, ""])
def test_auth_without_password(
    password: str | None, fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("ok")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"), password)
    assert failure.kind == "password_missing"
    assert failure.hint_key == "password_missing"
    assert "password" in failure.fields
    time.sleep(0.1)
    assert server.connections == 0


def test_auth_login_wrong_password(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok", extensions=["AUTH LOGIN"], users=DEFAULT_USERS)
    settings = make_settings(certs, f"tls://{HOST}:{server.port}")
    with pytest.raises(DeliveryError) as info:
        deliver(settings, "not-the-password")
    failure = info.value.failure
    assert failure.kind == "auth_failed"
    assert failure.step == "auth"
    assert failure.code == 535
    assert failure.reply == "5.7.8 Authentication credentials invalid"
    # 5.7.8 is RFC 4954's "credentials invalid" at any server: Gmail's hint only at Gmail (issue 13)
    assert failure.hint_key == "auth_generic"
    assert server.auth_attempts == [("LOGIN", USER)]
    transcript = "\n".join(info.value.transcript)
    assert "not-the-password" not in transcript
    assert base64.b64encode(b"not-the-password").decode() not in transcript
    assert transcript.count("********") >= 2  # user name and password lines


def test_server_echoing_the_password_is_redacted(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    token = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    reply = f"535 5.7.8 Rejected {token} for {PASSWORD}"
    server = fault_server("ok", replies={"AUTH": reply})
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "auth_failed"
    assert failure.reply == "5.7.8 Rejected ******** for ********"


def test_mail_without_auth_on_a_server_that_requires_it(
    ssl_server: AioSMTPServer, certs: TestCerts
) -> None:
    settings = make_settings(certs, f"ssl://{HOST}:{ssl_server.port}", auth=False)
    failure, _ = failing(settings, None)
    assert failure.kind == "sender_refused"
    assert failure.step == "mail"
    assert failure.code == 530
    assert failure.hint_key == "auth_required"
    assert ssl_server.messages == []


def test_plain_on_a_server_that_requires_starttls(
    starttls_server: AioSMTPServer, certs: TestCerts
) -> None:
    settings = make_settings(certs, f"{HOST}:{starttls_server.port}", auth=False)
    failure, _ = failing(settings, None)
    assert failure.kind == "sender_refused"
    assert failure.step == "mail"
    assert failure.code == 530
    assert failure.hint_key == "starttls_first"
    assert failure.suggested_server is not None
    assert failure.suggested_server.startswith(f"tls://{HOST}:")
    assert starttls_server.messages == []


def test_helo_fallback_without_auth(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok", tls="none", replies={"EHLO": "502 5.5.2 Command not recognized"})
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False)
    outcome = deliver(settings, None)
    assert outcome.sent
    assert any(line.startswith("HELO ") for line in server.lines)
    [received] = server.messages
    assert_test_mail(received, settings)


def test_silent_tls_handshake_times_out(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("silent")
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}", timeout=1)
    started = time.monotonic()
    failure, _ = failing(settings)
    assert time.monotonic() - started < 2.0
    assert failure.kind == "timed_out"
    assert failure.step == "tls"
    assert failure.hint_key == "timeout_generic"


# --------------------------------------------------------------------------- envelope and data


def test_sender_refused_send_as_denied(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("mail550_sendas")
    failure, error = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "sender_refused"
    assert failure.step == "mail"
    assert failure.code == 550
    assert failure.reply is not None and failure.reply.startswith("5.7.60")
    assert failure.hint_key == "send_as_denied"
    assert "from" in failure.fields
    assert any("AUTH PLAIN ********" in line for line in error.transcript)


def test_recipient_refused(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("rcpt550")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "recipient_refused"
    assert failure.step == "rcpt"
    assert failure.code == 550
    assert failure.reply is not None and failure.reply.startswith("5.1.1")
    assert failure.hint_key == "recipient_generic"
    assert "to" in failure.fields
    assert not any(line.upper() == "DATA" for line in server.lines)


def test_message_refused(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("data554")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "message_refused"
    assert failure.step == "data"
    assert failure.code == 554
    assert failure.reply == "5.6.0 Message rejected"
    assert failure.hint_key == "message_generic"
    assert server.messages == []


def test_connection_dropped_in_data(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("drop_in_data")
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"))
    assert failure.kind == "connection_dropped"
    assert failure.step == "data"
    assert failure.hint_key == "dropped"
    assert server.messages == []


# --------------------------------------------------------------------------- cancel


def test_cancel_stops_a_waiting_session_quickly(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("silent")
    settings = make_settings(certs, f"{HOST}:{server.port}", auth=False, timeout=10)
    token = CancelToken()
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["outcome"] = deliver(settings, None, cancel=token)
        except DeliveryError as error:
            result["error"] = error
        result["finished"] = time.monotonic()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive()
    cancelled_at = time.monotonic()
    token.cancel()
    worker.join(2)
    assert not worker.is_alive()
    assert "outcome" not in result
    assert result["error"].failure.kind == "cancelled"
    assert result["finished"] - cancelled_at < 0.2


def test_cancel_during_tls_handshake(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("silent")
    settings = make_settings(certs, f"ssl://{HOST}:{server.port}", timeout=10)
    token = CancelToken()
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    started = time.monotonic()
    try:
        failure, _ = failing(settings, cancel=token)
    finally:
        timer.cancel()
    assert failure.kind == "cancelled"
    assert failure.step == "tls"
    assert time.monotonic() - started < 0.3 + 0.2


def test_cancel_before_start(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ok")
    token = CancelToken()
    token.cancel()
    failure, _ = failing(make_settings(certs, f"tls://{HOST}:{server.port}"), cancel=token)
    assert failure.kind == "cancelled"
    assert server.messages == []


# --------------------------------------------------------------------------- core.api.send


def test_api_send_with_stored_settings(
    ssl_server: AioSMTPServer, certs: TestCerts, tmp_path: Path, memory_keyring: Any
) -> None:
    settings = make_settings(certs, f"ssl://{HOST}:{ssl_server.port}")
    Store(tmp_path).save(settings, PASSWORD)
    assert PASSWORD not in (tmp_path / "settings.json").read_text(encoding="utf-8")

    message = EmailMessage()
    message["Subject"] = "見積書のご案内 / Your quote"
    message["From"] = USER
    message["To"] = "to@example.org"
    message["Cc"] = "cc@example.org"
    message["Bcc"] = "hidden@example.org"
    message.set_content("お見積りを添付します。\n.line starting with a dot\n")

    outcome = send(message, config_dir=tmp_path)
    assert outcome.sent
    [received] = ssl_server.messages
    assert received.mail_from == USER
    assert sorted(received.rcpt_tos) == ["cc@example.org", "hidden@example.org", "to@example.org"]
    assert b"hidden@example.org" not in received.data
    assert "Bcc" not in received.message
    assert received.message["Subject"] == "見積書のご案内 / Your quote"
    assert received.message["Cc"] == "cc@example.org"
    assert received.message["Message-ID"].endswith("@example.com>")
    assert received.message.get_content() == "お見積りを添付します。\n.line starting with a dot\n"
    assert received.auth_login == USER
    assert "Bcc" in message  # the caller's message is not changed


def test_api_send_without_settings(tmp_path: Path, memory_keyring: Any) -> None:
    message = EmailMessage()
    message["To"] = RCPT
    message.set_content("x")
    with pytest.raises(DeliveryError) as info:
        send(message, config_dir=tmp_path)
    assert info.value.failure.kind == "invalid_input"
