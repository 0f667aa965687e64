"""Self-tests of the OAuth2 test servers, driven by stdlib clients (urllib, smtplib)."""

from __future__ import annotations

import base64
import json
import secrets
import smtplib
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from fakes.oauth_server import (
    DEVICE_GRANT,
    AuthorizationServer,
    BrowserError,
    XOAuthSMTPServer,
    decode_jwt_payload,
    pkce_challenge,
    play_browser,
    xoauth2_blob,
)
from fakes.smtp_servers import GMAIL_535, TestCerts

USER = "alice@example.com"
SCOPES = {"microsoft": "https://outlook.office.com/SMTP.Send offline_access openid email"}
SCOPES["google"] = "https://mail.google.com/ openid email"


class Loopback:
    """The app's loopback redirect listener: records the request paths it receives."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        paths = self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.redirect_uri = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    listener = Loopback()
    yield listener
    listener.close()


def opener(certs: TestCerts) -> urllib.request.OpenerDirector:
    https = urllib.request.HTTPSHandler(context=certs.client_context())
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), https)


def post(url: str, form: dict[str, str], certs: TestCerts) -> tuple[int, dict[str, Any]]:
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with opener(certs).open(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def auth_url(server: AuthorizationServer, flavor: str, redirect_uri: str, **extra: str) -> str:
    params = {
        "client_id": "test-client",
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": SCOPES[flavor],
        "state": "st-" + secrets.token_urlsafe(8),
        "code_challenge": pkce_challenge("v" * 43),
        "code_challenge_method": "S256",
        **extra,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return f"{server.endpoints(flavor)['authorize']}?{urllib.parse.urlencode(params)}"


def get_code(
    server: AuthorizationServer, certs: TestCerts, loopback: Loopback, flavor: str, **extra: str
) -> dict[str, str]:
    url = auth_url(server, flavor, loopback.redirect_uri, **extra)
    final = play_browser(url, certs.ca_file)
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(final).query))


def redeem(
    server: AuthorizationServer,
    certs: TestCerts,
    code: str,
    redirect_uri: str,
    flavor: str = "microsoft",
    verifier: str = "v" * 43,
) -> tuple[int, dict[str, Any]]:
    form = {
        "grant_type": "authorization_code",
        "client_id": "test-client",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    return post(server.endpoints(flavor)["token"], form, certs)


def sign_in(
    server: AuthorizationServer, certs: TestCerts, loopback: Loopback, flavor: str = "microsoft"
) -> dict[str, Any]:
    query = get_code(server, certs, loopback, flavor)
    status, tokens = redeem(server, certs, query["code"], loopback.redirect_uri, flavor)
    assert status == 200, tokens
    return tokens


# --------------------------------------------------------------------------- authorization server


@pytest.mark.parametrize("flavor", ["microsoft", "google"])
def test_code_flow_with_pkce(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback, flavor: str
) -> None:
    query = get_code(auth_server, certs, loopback, flavor)
    assert len(loopback.paths) == 1 and "code=" in loopback.paths[0]
    assert query["state"] == auth_server.authorize_requests[0]["state"]
    status, tokens = redeem(auth_server, certs, query["code"], loopback.redirect_uri, flavor)
    assert status == 200, tokens
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["scope"] == SCOPES[flavor] and tokens["refresh_token"]
    header, _, signature = tokens["id_token"].split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "none", "typ": "JWT"}
    assert signature == ""  # unsigned
    claims = decode_jwt_payload(tokens["id_token"])
    assert claims["email"] == claims["preferred_username"] == USER
    assert claims["iss"] == auth_server.base_url and claims["aud"] == "test-client"
    assert auth_server.is_valid_access_token(tokens["access_token"], USER)
    assert not auth_server.is_valid_access_token(tokens["access_token"], "bob@example.com")
    assert auth_server.issued_access_tokens == [tokens["access_token"]]
    [record] = auth_server.token_requests
    assert record["grant_type"] == "authorization_code" and record["client_id"] == "test-client"
    assert record["tenant"] == ("common" if flavor == "microsoft" else None)
    # single use
    status, error = redeem(auth_server, certs, query["code"], loopback.redirect_uri, flavor)
    assert (status, error["error"]) == (400, "invalid_grant")
    assert ("error_codes" in error) == (flavor == "microsoft")
    assert auth_server.errors == []


def test_wrong_verifier_is_invalid_grant(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    query = get_code(auth_server, certs, loopback, "microsoft")
    status, error = redeem(
        auth_server, certs, query["code"], loopback.redirect_uri, verifier="w" * 43
    )
    assert status == 400 and error["error"] == "invalid_grant"
    assert error["error_codes"] and error["error_description"].startswith("AADSTS")
    assert auth_server.issued_access_tokens == []


def test_redirect_uri_must_match_and_code_expires(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    code = get_code(auth_server, certs, loopback, "microsoft")["code"]
    assert redeem(auth_server, certs, code, "http://127.0.0.1:1/")[1]["error"] == "invalid_grant"
    code = get_code(auth_server, certs, loopback, "microsoft")["code"]
    auth_server.advance_clock(61)
    assert redeem(auth_server, certs, code, loopback.redirect_uri)[1]["error"] == "invalid_grant"


def test_state_is_echoed_unchanged(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    state = "a b/ä+=&?#x"
    assert get_code(auth_server, certs, loopback, "google", state=state)["state"] == state
    auth_server.state_override_next = "forged"
    assert get_code(auth_server, certs, loopback, "google", state=state)["state"] == "forged"


def test_login_hint_and_deny_next(certs: TestCerts, loopback: Loopback) -> None:
    users = [USER, "bob@example.com"]
    with AuthorizationServer(certs, users=users) as server:
        query = get_code(server, certs, loopback, "microsoft", login_hint="bob@example.com")
        status, tokens = redeem(server, certs, query["code"], loopback.redirect_uri)
        assert status == 200
        assert decode_jwt_payload(tokens["id_token"])["email"] == "bob@example.com"
        server.deny_next = True
        query = get_code(server, certs, loopback, "microsoft", state="s1")
        assert query["error"] == "access_denied" and query["state"] == "s1"
        assert "code" not in query and server.deny_next is False


def test_unregistered_client_gets_400_and_no_redirect(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    url = auth_url(auth_server, "microsoft", loopback.redirect_uri, client_id="nobody")
    with pytest.raises(BrowserError, match=r"400[\s\S]*AADSTS700016"):
        play_browser(url, certs.ca_file)
    assert loopback.paths == []
    assert auth_server.authorize_requests[0]["client_id"] == "nobody"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/cb",
        "http://evil.example:8080/",
        "http://127.0.0.1.evil.example:80/",
        "http://user@127.0.0.1:9/",
        "",
    ],
)
def test_non_loopback_redirect_gets_400(
    auth_server: AuthorizationServer, certs: TestCerts, redirect_uri: str
) -> None:
    url = auth_url(auth_server, "google", redirect_uri)
    request = urllib.request.Request(url)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener(certs).open(request, timeout=5)
    with info.value as error:
        assert error.code == 400 and error.headers.get("Location") is None
        assert "redirect_uri_mismatch" in error.read().decode()


def test_bad_request_parameters_redirect_with_error(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    query = get_code(auth_server, certs, loopback, "microsoft", code_challenge_method="plain")
    assert query["error"] == "invalid_request" and "code" not in query


def test_refresh_then_revoke_all(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    tokens = sign_in(auth_server, certs, loopback)
    token_url = auth_server.endpoints("microsoft", "organizations")["token"]
    form = {
        "grant_type": "refresh_token",
        "client_id": "test-client",
        "refresh_token": tokens["refresh_token"],
    }
    status, fresh = post(token_url, form, certs)
    assert status == 200 and fresh["refresh_token"] == tokens["refresh_token"]
    assert fresh["access_token"] != tokens["access_token"]
    assert auth_server.token_requests[-1]["tenant"] == "organizations"
    auth_server.expire_access_tokens()
    assert not auth_server.is_valid_access_token(fresh["access_token"], USER)
    assert post(token_url, form, certs)[0] == 200
    auth_server.revoke_all()
    status, error = post(token_url, form, certs)
    assert status == 400 and error["error"] == "invalid_grant" and error["error_codes"]
    wrong = {**form, "client_id": "other"}
    assert post(token_url, wrong, certs)[1]["error"] == "invalid_client"


def test_rotating_refresh_tokens_and_client_secret(certs: TestCerts, loopback: Loopback) -> None:
    clients = {"test-client": "s3cret"}
    with AuthorizationServer(certs, clients=clients, rotate_refresh_tokens=True) as server:
        code = get_code(server, certs, loopback, "google")["code"]
        assert redeem(server, certs, code, loopback.redirect_uri, "google")[1]["error"] == (
            "invalid_client"  # secret missing
        )
        code = get_code(server, certs, loopback, "google")["code"]
        form = {
            "grant_type": "authorization_code",
            "client_id": "test-client",
            "client_secret": "s3cret",
            "code": code,
            "redirect_uri": loopback.redirect_uri,
            "code_verifier": "v" * 43,
        }
        status, tokens = post(server.endpoints("google")["token"], form, certs)
        assert status == 200
        form = {
            "grant_type": "refresh_token",
            "client_id": "test-client",
            "client_secret": "s3cret",
            "refresh_token": tokens["refresh_token"],
        }
        status, fresh = post(server.endpoints("google")["token"], form, certs)
        assert status == 200 and fresh["refresh_token"] != tokens["refresh_token"]
        status, error = post(server.endpoints("google")["token"], form, certs)
        assert error["error"] == "invalid_grant" and "error_codes" not in error


def test_google_revoke(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    tokens = sign_in(auth_server, certs, loopback, "google")
    revoke = auth_server.endpoints("google")["revoke"]
    assert post(revoke, {"token": tokens["refresh_token"]}, certs)[0] == 200
    assert not auth_server.is_valid_access_token(tokens["access_token"], USER)
    assert post(revoke, {"token": tokens["refresh_token"]}, certs)[0] == 400


def test_device_flow_pending_then_approved(
    auth_server: AuthorizationServer, certs: TestCerts
) -> None:
    urls = auth_server.endpoints("microsoft", "consumers")
    status, device = post(urls["device_code"], {"client_id": "test-client", "scope": "x"}, certs)
    assert status == 200 and device["interval"] == 1 and device["expires_in"] == 900
    assert device["verification_uri"] == auth_server.base_url + "/devicelogin"
    assert device["user_code"] in device["message"]
    form = {"grant_type": DEVICE_GRANT, "client_id": "test-client"}
    form["device_code"] = device["device_code"]
    status, error = post(urls["token"], form, certs)
    assert status == 400 and error["error"] == "authorization_pending"
    assert error["error_codes"] == [70016]
    assert post(urls["token"], form, certs)[1]["error"] == "slow_down"  # polled at once
    auth_server.approve_device(device["user_code"].lower())
    status, tokens = post(urls["token"], form, certs)
    assert status == 200 and auth_server.is_valid_access_token(tokens["access_token"], USER)
    assert post(urls["token"], form, certs)[1]["error"] == "invalid_grant"  # used


def test_device_flow_expiry_and_google_quirks(certs: TestCerts) -> None:
    with AuthorizationServer(certs, google_quirks=True) as server:
        urls = server.endpoints("google")
        form = {"client_id": "test-client", "scope": "https://mail.google.com/"}
        status, error = post(urls["device_code"], form, certs)
        assert (status, error["error"]) == (400, "invalid_scope")
        status, device = post(urls["device_code"], {**form, "scope": "openid email"}, certs)
        assert "verification_url" in device and "verification_uri" not in device
        poll = {"grant_type": DEVICE_GRANT, "client_id": "test-client"}
        poll["device_code"] = device["device_code"]
        assert post(urls["token"], poll, certs) == (
            428,
            {
                "error": "authorization_pending",
                "error_description": "The user has not yet finished.",
            },
        )
        server.expire_device_codes()
        assert post(urls["token"], poll, certs)[1]["error"] == "expired_token"


def test_stop_leaves_no_threads_or_port(certs: TestCerts) -> None:
    before = set(threading.enumerate())
    server = AuthorizationServer(certs).start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass  # a client that never does the TLS handshake must not block stop()
    server.stop()
    server.stop()
    assert set(threading.enumerate()) <= before
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()


# --------------------------------------------------------------------------- XOAUTH2 SMTP server


def make_message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = USER, "bob@example.org", "XOAUTH2 test"
    msg.set_content("hello\n")
    return msg


def test_xoauth2_valid_token_delivers(
    xoauth_server: XOAuthSMTPServer,
    auth_server: AuthorizationServer,
    certs: TestCerts,
    loopback: Loopback,
) -> None:
    token = sign_in(auth_server, certs, loopback, "google")["access_token"]
    with smtplib.SMTP_SSL(
        "127.0.0.1", xoauth_server.port, context=certs.client_context(), timeout=5
    ) as client:
        client.ehlo()
        assert client.esmtp_features["auth"].split() == ["XOAUTH2"]
        assert client.docmd("MAIL", f"FROM:<{USER}>")[0] == 530
        assert client.docmd("AUTH", "XOAUTH2 " + xoauth2_blob(USER, token))[0] == 235
        client.send_message(make_message())
    [received] = xoauth_server.messages
    assert received.auth_login == USER and received.message["Subject"] == "XOAUTH2 test"
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]
    assert xoauth_server.auth_payloads == [xoauth2_blob(USER, token)]
    assert token in xoauth_server.decoded_auth_payloads[0]


def test_xoauth2_expired_token_google_dialogue(
    xoauth_server: XOAuthSMTPServer,
    auth_server: AuthorizationServer,
    certs: TestCerts,
    loopback: Loopback,
) -> None:
    token = sign_in(auth_server, certs, loopback, "google")["access_token"]
    auth_server.expire_access_tokens()
    with smtplib.SMTP_SSL(
        "127.0.0.1", xoauth_server.port, context=certs.client_context(), timeout=5
    ) as client:
        client.ehlo()
        code, text = client.docmd("AUTH", "XOAUTH2 " + xoauth2_blob(USER, token))
        assert code == 334
        status = json.loads(base64.b64decode(text))
        assert status == {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}
        code, text = client.docmd("")
        assert f"{code} {text.decode()}" == GMAIL_535
        # without an initial response: empty challenge first
        assert client.docmd("AUTH", "XOAUTH2") == (334, b"")
        assert client.docmd(xoauth2_blob(USER, token))[0] == 334
        assert client.docmd("")[0] == 535
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, False)] * 2
    assert xoauth_server.auth_payloads[1] == ""  # the client's empty answer to the JSON
    assert xoauth_server.messages == []


def test_xoauth2_microsoft_style_starttls_and_password_users(
    auth_server: AuthorizationServer, certs: TestCerts, loopback: Loopback
) -> None:
    token = sign_in(auth_server, certs, loopback)["access_token"]
    with XOAuthSMTPServer(
        certs,
        auth_server,
        mode="starttls",
        google_style=False,
        users_with_password={USER: "pw"},
        required_scope="https://outlook.office.com/SMTP.Send",
    ) as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.starttls(context=certs.client_context())
            client.ehlo()
            assert client.esmtp_features["auth"].split() == ["LOGIN", "PLAIN", "XOAUTH2"]
            code, text = client.docmd("AUTH", "XOAUTH2 " + xoauth2_blob(USER, "bogus"))
            assert (code, text) == (535, b"5.7.3 Authentication unsuccessful")
            assert client.docmd("AUTH", "XOAUTH2 " + xoauth2_blob(USER, token))[0] == 235
            client.send_message(make_message())
        assert server.auth_attempts == [("XOAUTH2", USER, False), ("XOAUTH2", USER, True)]
        assert server.messages[0].auth_login == USER
