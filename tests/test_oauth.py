"""OAuth2 (XOAUTH2) sign-in, token handling and sending, against the local authorization server
(tests/fakes/oauth_server.py) and an XOAUTH2 SMTP server on 127.0.0.1. The only seams are the browser
(a function given to `sign_in`, or `crm_mail_gui.cli.open_browser`) and the servers' controls."""

from __future__ import annotations

import base64
import dataclasses
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from fakes.oauth_server import AuthorizationServer, Hostile, XOAuthSMTPServer, play_browser
from fakes.smtp_servers import TestCerts

import crm_mail_gui.cli
from crm_mail_gui.cli import main
from crm_mail_gui.core import oauth
from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.credentials import SERVICE, MemoryKeyring
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError, Kind, Step
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.logsetup import log, setup_logging

pytestmark = pytest.mark.e2e

USER = "alice@example.com"
CLIENT_ID = "test-client"
REFRESH_KEY = oauth.refresh_key("microsoft", CLIENT_ID, USER)
MASKED_AUTH = "AUTH XOAUTH2 ********"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    """Access tokens live in a process-wide memory cache: every test starts (and ends) empty."""
    oauth.clear_memory_cache()
    yield
    oauth.clear_memory_cache()


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 8628's 5 s floor, lowered so that the server's 1 s interval is what polling uses."""
    monkeypatch.setattr(oauth, "MIN_POLL_INTERVAL", 0.1)


class LogRecords(logging.Handler):
    """Every record of the app's logger (and the root logger), whatever the file handler keeps."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_records() -> Iterator[LogRecords]:
    setup_logging()  # first, so that its own file handler stays log.handlers[0]
    handler = LogRecords()
    level = log.level
    log.addHandler(handler)
    logging.getLogger().addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield handler
    log.setLevel(level)
    log.removeHandler(handler)
    logging.getLogger().removeHandler(handler)


def make_settings(
    auth_server: AuthorizationServer, smtp: XOAuthSMTPServer, certs: TestCerts
) -> MailSettings:
    return build_settings(
        {
            "server": f"ssl://127.0.0.1:{smtp.port}",
            "user": USER,
            "from": USER,
            "ca_file": certs.ca_file,
            "timeout": 5,
            "oauth": {
                "provider": "microsoft",
                "client_id": CLIENT_ID,
                "authority": auth_server.base_url,
            },
        }
    )


@pytest.fixture
def settings(
    auth_server: AuthorizationServer, xoauth_server: XOAuthSMTPServer, certs: TestCerts
) -> MailSettings:
    return make_settings(auth_server, xoauth_server, certs)


@pytest.fixture
def client(settings: MailSettings) -> oauth.Client:
    return oauth.client_for(settings)


class Browser:
    """The system browser seam: follows the authorization URL, then calls the loopback redirect."""

    def __init__(self, ca_file: str) -> None:
        self.ca_file = ca_file
        self.opened: list[str] = []
        self.redirects: list[str] = []

    def __call__(self, url: str) -> None:
        self.opened.append(url)
        self.redirects.append(play_browser(url, self.ca_file))


@pytest.fixture
def browser(certs: TestCerts) -> Browser:
    return Browser(certs.ca_file)


def signed_in(client: oauth.Client, browser: Browser) -> oauth.Tokens:
    """A full browser sign-in whose tokens are stored, as the window and the CLI do."""
    tokens = oauth.sign_in(client, browser, login_hint=USER)
    oauth.store_tokens(client, USER, tokens)
    return tokens


def masked_auth_in(transcript: Iterable[str]) -> bool:
    """True when a transcript line is the client's AUTH XOAUTH2 with the blob masked."""
    return any(line.strip().endswith(MASKED_AUTH) for line in transcript)


def grants(auth_server: AuthorizationServer) -> list[str | None]:
    return [request["grant_type"] for request in auth_server.token_requests]


def token_fragments(auth_server: AuthorizationServer) -> list[str]:
    """Every issued token, a random middle piece of it, and the XOAUTH2 blobs that carry one."""
    fragments: list[str] = []
    for token in auth_server.issued_access_tokens + auth_server.issued_refresh_tokens:
        fragments += [token, token[16:40]]
        blob = f"user={USER}\x01auth=Bearer {token}\x01\x01".encode()
        fragments.append(base64.b64encode(blob).decode()[24:64])
    for code in auth_server.issued_codes:
        fragments.append(code)
    assert all(len(fragment) >= 20 for fragment in fragments)
    return fragments


def assert_no_tokens(auth_server: AuthorizationServer, texts: Iterable[str], where: str) -> None:
    fragments = token_fragments(auth_server)
    assert fragments, "no token was issued: the check would prove nothing"
    for text in texts:
        for fragment in fragments:
            assert fragment not in text, f"a token leaked into {where}: {text[:200]!r}"


def files_text(*folders: Path) -> list[str]:
    """The text of every file below these folders (binary files read as latin-1)."""
    texts = []
    for folder in folders:
        if folder.exists():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                texts.append(path.read_bytes().decode("latin-1"))
    return texts


def log_files() -> list[str]:
    """Every file in the test's log folder, and the file the app's log handler writes to."""
    folders = [Path(os.environ["CRM_MAIL_GUI_LOG_DIR"])]
    texts = files_text(*folders)
    for handler in log.handlers:
        name = getattr(handler, "baseFilename", None)
        if name and Path(name).exists():
            texts.append(Path(name).read_bytes().decode("latin-1"))
    return texts


# --------------------------------------------------------------------------- 1. first sign-in


def test_first_sign_in_and_test_send(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    tokens = oauth.sign_in(client, browser, login_hint=USER)

    # Authorization code + PKCE S256 on a loopback redirect with a random port; state sent.
    assert len(browser.opened) == 1 and len(auth_server.authorize_requests) == 1
    request = auth_server.authorize_requests[0]
    assert request["client_id"] == CLIENT_ID
    assert request["code_challenge_method"] == "S256" and request["state"]
    assert request["login_hint"] == USER
    redirect = urllib.parse.urlsplit(request["redirect_uri"])
    assert redirect.scheme == "http" and redirect.hostname == "127.0.0.1" and redirect.port
    assert set(request["scope"].split()) >= {"offline_access", "openid"}
    assert grants(auth_server) == ["authorization_code"]
    assert auth_server.token_requests[0]["status"] == 200
    assert auth_server.errors == []

    # The account shown comes from the id_token.
    assert tokens.account == USER
    assert tokens.access_token in auth_server.issued_access_tokens
    assert tokens.refresh_token in auth_server.issued_refresh_tokens
    assert tokens.fresh()

    # The refresh token goes to the credential store only; the config file never holds it.
    config_dir = tmp_path / "config"
    oauth.store_tokens(client, USER, tokens)
    Store(config_dir).save(settings)
    assert memory_keyring.entries == {(SERVICE, REFRESH_KEY): tokens.refresh_token}
    assert oauth.is_signed_in(client, USER)
    assert Store(config_dir).has_password(settings)
    saved = (config_dir / "settings.json").read_text(encoding="utf-8")
    assert '"client_id": "test-client"' in saved
    assert_no_tokens(auth_server, files_text(config_dir), "the config folder")
    assert_no_tokens(
        auth_server, files_text(Path(os.environ["CRM_MAIL_GUI_CONFIG_DIR"])), "the config folder"
    )

    # The test mail goes out with AUTH XOAUTH2.
    outcome = deliver(settings, tokens.access_token)
    assert outcome.auth_mechanism == "XOAUTH2"
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]
    assert xoauth_server.decoded_auth_payloads == [
        f"user={USER}\x01auth=Bearer {tokens.access_token}\x01\x01"
    ]
    assert len(xoauth_server.messages) == 1
    assert xoauth_server.messages[0].mail_from == USER
    assert xoauth_server.messages[0].rcpt_tos == [USER]
    assert masked_auth_in(outcome.transcript)
    assert_no_tokens(auth_server, outcome.transcript, "the transcript")


def test_session_secret_uses_the_stored_sign_in(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    tmp_path: Path,
) -> None:
    """Right after the sign-in, the access token in memory is used: no second token request."""
    tokens = signed_in(client, browser)
    secret = Store(tmp_path).session_secret(settings)
    assert secret == tokens.access_token
    assert grants(auth_server) == ["authorization_code"]
    deliver(settings, secret)
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]


# --------------------------------------------------------------------------- 2. expired access token


def test_send_after_the_access_token_expired_refreshes_without_browser(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    first = signed_in(client, browser)
    auth_server.expire_access_tokens()
    assert not auth_server.is_valid_access_token(first.access_token, USER)
    oauth.clear_memory_cache()  # the app was started again later: only the keyring remembers

    secret = Store(tmp_path).session_secret(settings)

    assert secret is not None and secret != first.access_token
    assert auth_server.is_valid_access_token(secret, USER)
    assert grants(auth_server) == ["authorization_code", "refresh_token"]
    assert auth_server.token_requests[-1]["status"] == 200
    assert len(auth_server.authorize_requests) == 1 and len(browser.opened) == 1  # no browser
    assert memory_keyring.entries == {(SERVICE, REFRESH_KEY): first.refresh_token}
    outcome = deliver(settings, secret)
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]
    assert len(xoauth_server.messages) == 1
    assert_no_tokens(auth_server, outcome.transcript, "the transcript")

    # The refreshed token is kept in memory: the next send asks the server for nothing.
    assert oauth.access_token(client, USER) == secret
    assert grants(auth_server) == ["authorization_code", "refresh_token"]


def test_access_token_is_refreshed_before_it_expires(
    certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    """An access token about to expire (within REFRESH_MARGIN) is replaced before it is used."""
    lifetime = oauth.REFRESH_MARGIN / 4
    with (
        AuthorizationServer(certs, access_lifetime=lifetime) as auth_server,
        XOAuthSMTPServer(certs, auth_server) as smtp,
    ):
        settings = make_settings(auth_server, smtp, certs)
        client = oauth.client_for(settings)
        first = signed_in(client, Browser(certs.ca_file))
        assert not first.fresh()
        secret = oauth.access_token(client, USER)
        assert secret != first.access_token
        assert grants(auth_server) == ["authorization_code", "refresh_token"]
        deliver(settings, secret)
        assert smtp.auth_attempts == [("XOAUTH2", USER, True)]


def test_rotated_refresh_token_replaces_the_stored_one(
    certs: TestCerts, memory_keyring: MemoryKeyring
) -> None:
    with AuthorizationServer(certs, rotate_refresh_tokens=True) as auth_server:
        settings = build_settings(
            {
                "server": "ssl://127.0.0.1:465",
                "user": USER,
                "from": USER,
                "ca_file": certs.ca_file,
                "oauth": {
                    "provider": "microsoft",
                    "client_id": CLIENT_ID,
                    "authority": auth_server.base_url,
                },
            }
        )
        client = oauth.client_for(settings)
        first = signed_in(client, Browser(certs.ca_file))
        oauth.clear_memory_cache()
        oauth.access_token(client, USER)
        stored = memory_keyring.entries[(SERVICE, REFRESH_KEY)]
        assert stored != first.refresh_token
        assert stored == auth_server.issued_refresh_tokens[-1]
        oauth.clear_memory_cache()
        assert oauth.access_token(client, USER) == auth_server.issued_access_tokens[-1]


# --------------------------------------------------------------------------- 3. revoked


def test_revoked_refresh_token_asks_to_sign_in_again_and_changes_nothing(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    signed_in(client, browser)
    store = Store(tmp_path / "config")
    store.save(settings)
    config_before = store.path.read_bytes()
    keyring_before = dict(memory_keyring.entries)
    auth_server.revoke_all()
    oauth.clear_memory_cache()

    with pytest.raises(oauth.OAuthError) as caught:
        store.session_secret(settings)
    error = caught.value
    assert error.kind == "sign_in_again" and error.needs_sign_in
    assert error.message("en") == "The sign-in has expired or was revoked. Please sign in again."
    assert error.message("ja") == (
        "サインインの有効期限が切れたか、取り消されました。もう一度サインインしてください。"
    )
    assert "Traceback" not in str(error)
    assert error.__cause__ is None and error.__context__ is None  # no chained HTTPError
    assert "invalid_grant" in error.detail
    assert grants(auth_server) == ["authorization_code", "refresh_token"]
    assert auth_server.token_requests[-1]["error"] == "invalid_grant"
    assert len(auth_server.authorize_requests) == 1  # no browser was opened by itself

    # Nothing else changed: same file, same keyring, nothing sent.
    assert store.path.read_bytes() == config_before
    assert "password" not in config_before.decode()
    assert memory_keyring.entries == keyring_before
    assert list(store.directory.iterdir()) == [store.path]
    assert xoauth_server.auth_attempts == [] and xoauth_server.messages == []

    # Asking again gives the same clear answer (the stale token is not resurrected).
    with pytest.raises(oauth.OAuthError, match="sign_in_again"):
        oauth.access_token(client, USER)
    texts = [error.message("en"), error.message("ja"), str(error), error.detail]
    assert_no_tokens(auth_server, texts, "the error texts")


def test_not_signed_in_is_a_clear_state(
    settings: MailSettings, auth_server: AuthorizationServer, tmp_path: Path
) -> None:
    with pytest.raises(oauth.OAuthError) as caught:
        Store(tmp_path).session_secret(settings)
    assert caught.value.kind == "not_signed_in" and caught.value.needs_sign_in
    assert caught.value.message("en") == "Not signed in yet. Click “Sign in”."
    assert auth_server.token_requests == []
    assert not Store(tmp_path).has_password(settings)


# --------------------------------------------------------------------------- 4. wrong state


def _redirect_with(auth_url: str, params: dict[str, str]) -> str:
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth_url).query))
    return f"{query['redirect_uri']}?{urllib.parse.urlencode(params)}"


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_forged_state_from_a_fake_browser_is_ignored_until_the_deadline(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    """A wrong state neither aborts the sign-in nor is redeemed: it is ignored (issue 11.5)."""
    answers: list[int] = []

    def forging_browser(auth_url: str) -> None:
        answers.append(_get(_redirect_with(auth_url, {"code": "x", "state": "forged"})))

    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.sign_in(client, forging_browser, timeout=0.5)
    assert time.monotonic() - started >= 0.5  # it kept waiting for the real redirect
    assert caught.value.kind == "state_mismatch"
    assert "state" in caught.value.message("en") and "state" in caught.value.message("ja")
    assert "0.5" in caught.value.message("en")
    assert answers == [400]
    assert "authorization_code" not in grants(auth_server)
    assert auth_server.token_requests == []


def test_wrong_state_from_the_authorization_server_is_ignored(
    auth_server: AuthorizationServer, client: oauth.Client, browser: Browser
) -> None:
    """The real server redirects with a real code but another state: the code is not redeemed."""
    auth_server.state_override_next = "forged"
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.sign_in(client, browser, timeout=0.5)
    assert caught.value.kind == "state_mismatch"
    assert "state=forged" in browser.redirects[0] and "code=" in browser.redirects[0]
    assert "authorization_code" not in grants(auth_server)
    assert not oauth.is_signed_in(client, USER)


def test_missing_state_is_ignored(auth_server: AuthorizationServer, client: oauth.Client) -> None:
    def browser_without_state(auth_url: str) -> None:
        _get(_redirect_with(auth_url, {"code": "x"}))

    with pytest.raises(oauth.OAuthError, match="state_mismatch"):
        oauth.sign_in(client, browser_without_state, timeout=0.5)
    assert auth_server.token_requests == []


def test_refused_consent_is_reported(
    auth_server: AuthorizationServer, client: oauth.Client, browser: Browser
) -> None:
    auth_server.deny_next = True
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.sign_in(client, browser, timeout=5)
    assert caught.value.kind == "denied"
    assert "access_denied" in caught.value.message("en")
    assert auth_server.token_requests == []


def test_unknown_client_id_is_reported(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    stranger = dataclasses.replace(client, client_id="nobody")
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.refresh(stranger, "whatever-refresh-token")
    assert caught.value.kind == "invalid_client"
    assert "AADSTS700016" in caught.value.message("en")
    assert not caught.value.needs_sign_in


# --------------------------------------------------------------------------- 5. cancel


def test_cancelled_sign_in_stops_within_0_3_s(
    auth_server: AuthorizationServer, client: oauth.Client, memory_keyring: MemoryKeyring
) -> None:
    cancel = CancelToken()
    opened: list[str] = []
    timer = threading.Timer(0.2, cancel.cancel)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(oauth.OAuthError) as caught:
            oauth.sign_in(client, opened.append, cancel=cancel, timeout=10)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    assert caught.value.kind == "cancelled"
    assert caught.value.message("ja") == "サインインを中止しました。"
    assert 0.19 <= elapsed < 0.35, elapsed
    assert len(opened) == 1
    assert auth_server.token_requests == []
    assert memory_keyring.entries == {}
    # The loopback listener is gone: its port refuses connections, and its thread ended.
    redirect = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(opened[0]).query))["redirect_uri"]
    with pytest.raises(urllib.error.URLError):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(redirect, timeout=2)
    assert not [t for t in threading.enumerate() if t.name == "oauth-redirect"]


def test_sign_in_times_out(auth_server: AuthorizationServer, client: oauth.Client) -> None:
    started = time.monotonic()
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.sign_in(client, lambda url: None, timeout=0.3)
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 1.5
    assert "0.3" in caught.value.message("en")


# --------------------------------------------------------------------------- 6. never stored


def test_tokens_never_in_config_logs_transcripts_or_error_texts(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    log_records: LogRecords,
    tmp_path: Path,
) -> None:
    """Sign in, send, refresh, fail with an expired and a revoked token: no token anywhere."""
    texts: list[str] = []
    tokens = signed_in(client, browser)
    store = Store(tmp_path / "config")
    store.save(settings)
    texts += deliver(settings, store.session_secret(settings)).transcript
    auth_server.expire_access_tokens()
    with pytest.raises(DeliveryError) as rejected:  # the stale token, as a retry would send it
        deliver(settings, tokens.access_token)
    texts += rejected.value.transcript
    texts.append(rejected.value.failure.describe("en"))
    texts.append(rejected.value.failure.describe("ja"))
    texts.append(str(rejected.value))
    oauth.clear_memory_cache()
    texts += deliver(settings, store.session_secret(settings)).transcript  # refreshed
    auth_server.revoke_all()
    oauth.clear_memory_cache()
    with pytest.raises(oauth.OAuthError) as revoked:
        store.session_secret(settings)
    texts += [str(revoked.value), revoked.value.message("en"), revoked.value.message("ja")]
    log.warning("OAuth2 test: all steps done")  # proves the log capture works

    assert len(xoauth_server.messages) == 2
    assert len(auth_server.issued_access_tokens) == 2
    assert masked_auth_in(texts)
    assert any("all steps done" in line for line in log_records.lines)
    assert_no_tokens(auth_server, texts, "a transcript or an error text")
    assert_no_tokens(auth_server, log_records.lines, "a log record")
    assert_no_tokens(auth_server, log_files(), "the log folder")
    config_texts = files_text(store.directory, Path(os.environ["CRM_MAIL_GUI_CONFIG_DIR"]))
    assert config_texts
    assert_no_tokens(auth_server, config_texts, "the config folder")


# --------------------------------------------------------------------------- 7. error challenge


def test_expired_token_gets_the_xoauth2_error_challenge(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
) -> None:
    assert xoauth_server.google_style
    tokens = oauth.sign_in(client, browser)
    auth_server.expire_access_tokens()

    with pytest.raises(DeliveryError) as caught:
        deliver(settings, tokens.access_token)

    failure = caught.value.failure
    assert failure.kind is Kind.AUTH_FAILED
    assert failure.step is Step.AUTH
    assert failure.code == 535 and "5.7.8" in (failure.reply or "")
    assert failure.detail is not None and "status=401" in failure.detail
    assert "schemes=Bearer" in failure.detail
    assert failure.hint_key == "oauth_token_rejected"
    assert failure.fix == "sign_in"
    assert "status=401" in failure.describe("en")
    # The exchange was finished with an empty line after the 334 challenge.
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, False)]
    assert xoauth_server.decoded_auth_payloads[1:] == [""]
    assert xoauth_server.messages == []
    transcript = caught.value.transcript
    assert masked_auth_in(transcript)
    assert any(line.startswith("S: 334 ") or " 334 " in line for line in transcript), transcript
    assert_no_tokens(auth_server, transcript, "the transcript")


def test_microsoft_style_rejection_is_auth_failed(
    certs: TestCerts,
    auth_server: AuthorizationServer,
    client: oauth.Client,
    browser: Browser,
) -> None:
    with XOAuthSMTPServer(certs, auth_server, google_style=False) as smtp:
        settings = make_settings(auth_server, smtp, certs)
        tokens = oauth.sign_in(client, browser)
        auth_server.revoke_all()
        with pytest.raises(DeliveryError) as caught:
            deliver(settings, tokens.access_token)
    failure = caught.value.failure
    assert failure.kind is Kind.AUTH_FAILED and failure.code == 535
    assert failure.hint_key == "oauth_token_rejected" and failure.fix == "sign_in"
    assert smtp.auth_attempts == [("XOAUTH2", USER, False)]


# --------------------------------------------------------------------------- 8. device code


def test_device_code_flow(
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    settings: MailSettings,
    client: oauth.Client,
) -> None:
    device = oauth.start_device_flow(client)
    assert device.user_code in auth_server.issued_user_codes
    assert device.verification_uri == f"{auth_server.base_url}/devicelogin"
    assert device.user_code in device.message
    approver = threading.Timer(0.3, auth_server.approve_device, args=(device.user_code,))
    approver.start()
    try:
        tokens = oauth.poll_device_flow(client, device)
    finally:
        approver.cancel()
    assert tokens.account == USER and tokens.refresh_token
    assert grants(auth_server)[-1] == DEVICE_GRANT
    assert auth_server.token_requests[-1]["status"] == 200
    assert auth_server.authorize_requests == []
    deliver(settings, tokens.access_token)
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]


def test_device_code_poll_can_be_cancelled(
    auth_server: AuthorizationServer, client: oauth.Client
) -> None:
    device = oauth.start_device_flow(client)
    cancel = CancelToken()
    timer = threading.Timer(0.2, cancel.cancel)
    started = time.monotonic()
    timer.start()
    with pytest.raises(oauth.OAuthError, match="cancelled"):
        oauth.poll_device_flow(client, device, cancel)
    assert time.monotonic() - started < 0.4
    assert auth_server.token_requests == []


def test_device_flow_not_offered_by_google(certs: TestCerts) -> None:
    google = oauth.load_providers()["google"]
    client = oauth.Client(google, "test-client", client_secret="s", ca_file=certs.ca_file)
    with pytest.raises(oauth.OAuthError) as caught:
        oauth.start_device_flow(client)
    assert caught.value.kind == "no_device_flow"


# --------------------------------------------------------------------------- sign-out


def test_sign_out_deletes_the_refresh_token(
    auth_server: AuthorizationServer,
    settings: MailSettings,
    client: oauth.Client,
    browser: Browser,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    signed_in(client, browser)
    assert (SERVICE, REFRESH_KEY) in memory_keyring.entries
    oauth.forget_tokens(client, USER)
    assert memory_keyring.entries == {}
    assert not oauth.is_signed_in(client, USER)
    with pytest.raises(oauth.OAuthError) as caught:
        Store(tmp_path).session_secret(settings)
    assert caught.value.kind == "not_signed_in"


# --------------------------------------------------------------------------- 11. CLI


def set_ca(server: str, certs: TestCerts) -> list[str]:
    """`set` arguments that store the extra CA first (signin has no --ca-file): no auth, no test."""
    return [
        "set",
        "--no-test",
        "--no-auth",
        "--server",
        server,
        "--from",
        USER,
        "--ca-file",
        certs.ca_file,
    ]


class Cli:
    """`main([...])` in process with --config-dir and a language; output captured."""

    def __init__(self, config_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.config_dir = config_dir
        self.capsys = capsys
        self.out = self.err = ""

    def __call__(self, *args: str, lang: str = "en") -> int:
        self.capsys.readouterr()
        code = main(["--config-dir", str(self.config_dir), "--lang", lang, *args])
        self.out, self.err = self.capsys.readouterr()
        return code


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring) -> Cli:
    return Cli(tmp_path / "config", capsys)


def test_cli_signin_test_signout(
    cli: Cli,
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    log_records: LogRecords,
) -> None:
    opened: list[str] = []

    def system_browser(url: str) -> None:
        opened.append(url)
        play_browser(url, certs.ca_file)

    monkeypatch.setattr(crm_mail_gui.cli, "open_browser", system_browser)
    server = f"ssl://127.0.0.1:{xoauth_server.port}"
    outputs: list[str] = []

    # The extra CA first (signin has no --ca-file), without authentication and without a test.
    assert cli(*set_ca(server, certs)) == 0
    common = ["--server", server, "--user", USER, "--from", USER]
    code = cli(
        "signin",
        "--provider",
        "microsoft",
        "--client-id",
        CLIENT_ID,
        "--authority",
        auth_server.base_url,
        *common,
    )
    outputs += [cli.out, cli.err]
    assert code == 0, cli.err
    assert len(opened) == 1
    assert f"Signed in: {USER}" in cli.out
    assert "Test Mail Sent" in cli.out
    assert len(xoauth_server.messages) == 1
    assert xoauth_server.auth_attempts == [("XOAUTH2", USER, True)]
    saved = Store(cli.config_dir).load().settings
    assert saved is not None and saved.auth and saved.ca_file == certs.ca_file
    assert saved.oauth is not None
    assert saved.oauth.provider == "microsoft" and saved.oauth.client_id == CLIENT_ID
    assert saved.oauth.authority == auth_server.base_url
    assert list(memory_keyring.entries) == [(SERVICE, REFRESH_KEY)]

    # `test` in a later run: the stored refresh token gives a new access token (no browser).
    oauth.clear_memory_cache()
    assert cli("test") == 0, cli.err
    outputs += [cli.out, cli.err]
    assert "Test Mail Sent" in cli.out
    assert len(xoauth_server.messages) == 2
    assert grants(auth_server) == ["authorization_code", "refresh_token"]
    assert len(opened) == 1

    # `test -v` prints the transcript: masked.
    assert cli("test", "-v") == 0
    outputs += [cli.out, cli.err]
    assert masked_auth_in(cli.out.splitlines())

    # `show` says signed in without any token.
    assert cli("show", "--json") == 0
    outputs += [cli.out, cli.err]
    assert '"password_stored": true' in cli.out

    assert cli("signout") == 0
    outputs += [cli.out, cli.err]
    assert "Signed out" in cli.out
    assert memory_keyring.entries == {}
    config_before = (cli.config_dir / "settings.json").read_bytes()

    assert cli("test") == 4
    outputs += [cli.out, cli.err]
    assert oauth.OAuthError("not_signed_in").message("en") in cli.err
    assert "Traceback" not in cli.err
    assert len(xoauth_server.messages) == 3
    assert (cli.config_dir / "settings.json").read_bytes() == config_before

    assert cli("test", lang="ja") == 4
    assert "まだサインインしていません" in cli.err

    assert_no_tokens(auth_server, outputs, "the command line's output")
    assert_no_tokens(auth_server, log_records.lines, "a log record")
    assert_no_tokens(auth_server, log_files(), "the log folder")
    assert_no_tokens(auth_server, files_text(cli.config_dir), "the config folder")


def test_cli_test_after_revocation_says_sign_in_again(
    cli: Cli,
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crm_mail_gui.cli, "open_browser", Browser(certs.ca_file))
    server = f"ssl://127.0.0.1:{xoauth_server.port}"
    assert cli(*set_ca(server, certs)) == 0
    args = ["--provider", "microsoft", "--client-id", CLIENT_ID, "--authority"]
    args += [auth_server.base_url, "--user", USER, "--from", USER, "--no-test"]
    assert cli("signin", *args) == 0, cli.err
    config_before = (cli.config_dir / "settings.json").read_bytes()
    auth_server.revoke_all()
    oauth.clear_memory_cache()

    assert cli("test", lang="ja") == 4
    assert "もう一度サインインしてください" in cli.err
    assert "Traceback" not in cli.err
    assert (cli.config_dir / "settings.json").read_bytes() == config_before
    assert xoauth_server.messages == []


def test_cli_device_code_signin(
    cli: Cli,
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(url: str) -> None:
        raise AssertionError("the device code flow opens no browser")

    monkeypatch.setattr(crm_mail_gui.cli, "open_browser", never)
    server = f"ssl://127.0.0.1:{xoauth_server.port}"
    assert cli(*set_ca(server, certs)) == 0

    def approve_when_issued() -> None:
        deadline = time.monotonic() + 5
        while not auth_server.issued_user_codes and time.monotonic() < deadline:
            time.sleep(0.02)
        auth_server.approve_device(auth_server.issued_user_codes[0])

    approver = threading.Thread(target=approve_when_issued)
    approver.start()
    args = ["--provider", "microsoft", "--client-id", CLIENT_ID, "--authority"]
    code = cli("signin", "--device-code", *args, auth_server.base_url, "--user", USER)
    approver.join()
    assert code == 0, cli.err
    assert auth_server.issued_user_codes[0] in cli.err
    assert len(xoauth_server.messages) == 1


OSC52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # writes the terminal's clipboard
HOSTILE_TEXT = f"{OSC52}\x1b[2J\rFAKE: Test Mail Sent.\u202e"


def assert_terminal_safe(*texts: str) -> None:
    """No escape sequence, bare CR or bidi override reached the terminal or the log."""
    for text in texts:
        for char in ("\x1b", "\x07", "\r", "\u202e", "\x9b"):
            assert char not in text, f"{char!r} reached the output: {text!r}"


def test_cli_signin_shows_a_hostile_device_code_escaped(
    cli: Cli,
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    log_records: LogRecords,
) -> None:
    """Issue 11.4: the user code the server sends is printed escaped, never as escapes."""
    server = f"ssl://127.0.0.1:{xoauth_server.port}"
    assert cli(*set_ca(server, certs)) == 0
    fields = {"user_code": f"AB{HOSTILE_TEXT}CD", "message": HOSTILE_TEXT}
    auth_server.hostile = Hostile(endpoint="devicecode", fields=fields)

    def approve_when_issued() -> None:
        deadline = time.monotonic() + 5
        while not auth_server.issued_user_codes and time.monotonic() < deadline:
            time.sleep(0.02)
        auth_server.approve_device(auth_server.issued_user_codes[0])

    approver = threading.Thread(target=approve_when_issued)
    approver.start()
    args = ["--provider", "microsoft", "--client-id", CLIENT_ID, "--authority"]
    code = cli("signin", "--device-code", *args, auth_server.base_url, "--user", USER)
    approver.join()
    assert code == 0, cli.err
    assert "\\x1b]52;c;" in cli.err  # shown, escaped
    assert_terminal_safe(cli.out, cli.err, *log_records.lines, *log_files())


def test_cli_signin_prints_a_hostile_error_description_escaped(
    cli: Cli,
    auth_server: AuthorizationServer,
    xoauth_server: XOAuthSMTPServer,
    certs: TestCerts,
    monkeypatch: pytest.MonkeyPatch,
    log_records: LogRecords,
) -> None:
    monkeypatch.setattr(crm_mail_gui.cli, "open_browser", Browser(certs.ca_file))
    server = f"ssl://127.0.0.1:{xoauth_server.port}"
    assert cli(*set_ca(server, certs)) == 0
    answer = {"error": "invalid_client", "error_description": HOSTILE_TEXT}
    auth_server.hostile = Hostile(value=answer, status=401)
    args = ["--provider", "microsoft", "--client-id", CLIENT_ID, "--authority"]
    code = cli("signin", *args, auth_server.base_url, "--user", USER, "--from", USER)
    assert code == 4
    assert "\\x1b]52;c;" in cli.err and "Traceback" not in cli.err
    assert_terminal_safe(cli.out, cli.err, *log_records.lines, *log_files())
