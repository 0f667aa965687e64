"""Self-tests of the local SMTP test servers, driven by the stdlib smtplib client."""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage

import pytest
from fakes.smtp_servers import DEFAULT_USERS, AioSMTPServer, FaultServer, TestCerts

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
FaultFactory = Callable[..., FaultServer]


def make_message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = USER, "bob@example.org", "テスト test"
    msg.set_content("こんにちは\n.leading dot line\n")
    return msg


def auth_plain(client: smtplib.SMTP, user: str = USER, password: str = PASSWORD) -> tuple:
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    return client.docmd("AUTH", "PLAIN " + token)


def auth_login(client: smtplib.SMTP, user: str = USER, password: str = PASSWORD) -> tuple:
    code, _ = client.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode())
    assert code == 334
    return client.docmd(base64.b64encode(password.encode()).decode())


def assert_delivered(server: AioSMTPServer | FaultServer, login: str | None = USER) -> None:
    [received] = server.messages
    assert received.mail_from == USER
    assert received.rcpt_tos == ["bob@example.org"]
    assert received.auth_login == login
    assert received.message["Subject"] == "テスト test"
    assert received.message.get_content() == "こんにちは\n.leading dot line\n"


def test_ssl_server_plain_auth_utf8_password(ssl_server: AioSMTPServer, certs: TestCerts) -> None:
    with smtplib.SMTP_SSL(
        ssl_server.host, ssl_server.port, context=certs.client_context(), timeout=5
    ) as client:
        client.ehlo()
        assert client.has_extn("auth") and "PLAIN" in client.esmtp_features["auth"]
        assert auth_plain(client)[0] == 235
        client.send_message(make_message())
    assert_delivered(ssl_server)
    assert ssl_server.auth_attempts == [("PLAIN", USER)]


def test_starttls_server_login_auth(starttls_server: AioSMTPServer, certs: TestCerts) -> None:
    with smtplib.SMTP(starttls_server.host, starttls_server.port, timeout=5) as client:
        assert client.docmd("MAIL", f"FROM:<{USER}>")[0] == 530  # STARTTLS required
        client.starttls(context=certs.client_context())
        client.ehlo()
        assert "LOGIN" in client.esmtp_features["auth"]
        assert auth_login(client)[0] == 235
        client.send_message(make_message())
    assert_delivered(starttls_server)


def test_plain_server_auth_and_wrong_password(plain_server: AioSMTPServer) -> None:
    with smtplib.SMTP(plain_server.host, plain_server.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("starttls")
        assert auth_plain(client, password="wrong")[0] == 535
        with pytest.raises(smtplib.SMTPSenderRefused) as exc:
            client.sendmail(USER, ["bob@example.org"], b"x")
        assert exc.value.smtp_code == 530  # authentication required
        assert auth_plain(client)[0] == 235
        client.send_message(make_message())
    assert_delivered(plain_server)
    assert plain_server.auth_attempts == [("PLAIN", USER), ("PLAIN", USER)]


def test_aio_server_without_users_offers_no_auth(certs: TestCerts) -> None:
    with AioSMTPServer(certs, mode="starttls") as server:
        with smtplib.SMTP(server.host, server.port, timeout=5) as client:
            client.starttls(context=certs.client_context())
            client.ehlo()
            assert not client.has_extn("auth")
            client.send_message(make_message())
        assert_delivered(server, login=None)


@pytest.mark.parametrize("tls", ["none", "starttls", "ssl"])
def test_fault_ok_delivers(fault_server: FaultFactory, certs: TestCerts, tls: str) -> None:
    server = fault_server("ok", tls=tls, users=DEFAULT_USERS)
    ctx = certs.client_context()
    if tls == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, context=ctx, timeout=5)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=5)
    with client:
        if tls == "starttls":
            client.ehlo()
            assert not client.has_extn("auth")
            client.starttls(context=ctx)
        client.ehlo()
        assert client.has_extn("auth") and not client.has_extn("starttls")
        assert auth_login(client, password="nope")[0] == 535
        assert auth_plain(client)[0] == 235
        client.send_message(make_message())
    assert_delivered(server)
    assert "QUIT" in server.lines and ".leading dot line" not in server.lines
    assert server.auth_attempts == [("LOGIN", USER), ("PLAIN", USER)]


def test_fault_auth535_records_password(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("auth535")
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.starttls(context=certs.client_context())
        with pytest.raises(smtplib.SMTPAuthenticationError) as exc:
            client.login("bob", "hunter2")
    assert exc.value.smtp_code == 535
    assert b"BadCredentials" in exc.value.smtp_error
    secret = base64.b64encode(b"hunter2").decode()
    assert any(secret in line for line in server.lines)  # smtplib also tried AUTH LOGIN


def test_fault_auth534_is_multiline(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("auth534")
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.starttls(context=certs.client_context())
        client.ehlo()
        code, text = auth_plain(client)
    assert code == 534
    assert text.splitlines() == [
        b"5.7.9 Application-specific password required. Learn more at",
        b"5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
    ]


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        ("mail550_sendas", smtplib.SMTPSenderRefused, 550),
        ("rcpt550", smtplib.SMTPRecipientsRefused, None),
        ("data554", smtplib.SMTPDataError, 554),
    ],
)
def test_fault_rejections(
    fault_server: FaultFactory, certs: TestCerts, fault: str, error: type, code: int | None
) -> None:
    server = fault_server(fault)
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.starttls(context=certs.client_context())
        client.login(USER, "s3cret")
        with pytest.raises(error) as exc:
            client.send_message(make_message())
    if code is not None:
        assert exc.value.smtp_code == code
    else:
        assert exc.value.recipients["bob@example.org"][0] == 550
    assert server.messages == []


def test_fault_silent_times_out_and_stops_fast(fault_server: FaultFactory) -> None:
    server = fault_server("silent")
    sock = socket.create_connection((server.host, server.port), timeout=0.5)
    with sock, pytest.raises(TimeoutError):
        sock.recv(1)
    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        smtplib.SMTP(server.host, server.port, timeout=0.5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1


def test_fault_close(fault_server: FaultFactory) -> None:
    server = fault_server("close")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        smtplib.SMTP(server.host, server.port, timeout=5)


def test_fault_greeting554(fault_server: FaultFactory) -> None:
    server = fault_server("greeting554")
    with pytest.raises(smtplib.SMTPConnectError) as exc:
        smtplib.SMTP(server.host, server.port, timeout=5)
    assert exc.value.smtp_code == 554


@pytest.mark.parametrize(
    ("fault", "code"), [("starttls_wrong_name", 64), ("starttls_untrusted", 20)]
)
def test_fault_starttls_bad_certificate(
    fault_server: FaultFactory, certs: TestCerts, fault: str, code: int
) -> None:
    server = fault_server(fault)
    client = smtplib.SMTP(server.host, server.port, timeout=5)
    with client, pytest.raises(ssl.SSLCertVerificationError) as exc:
        client.starttls(context=certs.client_context())
    assert exc.value.verify_code == code  # 64: IP address mismatch, 20: unknown issuer
    assert not any(line.startswith("AUTH") for line in server.lines)


def test_fault_starttls_wrong_name_for_localhost(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("starttls_wrong_name")
    client = smtplib.SMTP("localhost", server.port, timeout=5)
    with client, pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        client.starttls(context=certs.client_context())


def test_fault_ssl_wrong_name(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("ssl_wrong_name")
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
        smtplib.SMTP_SSL(server.host, server.port, context=certs.client_context(), timeout=5)


@pytest.mark.parametrize("fault", ["strip", "no_starttls"])
def test_fault_no_starttls(fault_server: FaultFactory, fault: str) -> None:
    server = fault_server(fault)
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        code, text = client.ehlo()
        assert code == 250 and not client.has_extn("starttls")
        assert client.has_extn("auth") == (fault == "no_starttls")
        if fault == "strip":
            assert text == b"fault.example"
        with pytest.raises(smtplib.SMTPNotSupportedError):
            client.starttls()


def test_fault_drop_in_data(fault_server: FaultFactory, certs: TestCerts) -> None:
    server = fault_server("drop_in_data")
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.starttls(context=certs.client_context())
        client.login(USER, "x")
        with pytest.raises((smtplib.SMTPServerDisconnected, ConnectionError)):
            client.send_message(make_message())
    assert server.messages == []


def test_fault_slow_delays_replies(fault_server: FaultFactory) -> None:
    server = fault_server("slow", tls="none", delay=0.1)
    started = time.monotonic()
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.noop()
    assert time.monotonic() - started >= 0.3  # greeting, NOOP and QUIT replies


def test_servers_leave_no_threads(certs: TestCerts) -> None:
    before = threading.active_count()
    for _ in range(3):
        with FaultServer(certs, "ok") as server:
            client = smtplib.SMTP(server.host, server.port, timeout=5)  # left open on purpose
        client.close()
        with AioSMTPServer(certs, mode="plain") as aio:
            smtplib.SMTP(aio.host, aio.port, timeout=5).quit()
    assert threading.active_count() == before
