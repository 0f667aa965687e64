"""Credentials never reach a failure text, a transcript, the CLI, the log, the banner or the clipboard.

An echoing fault server on 127.0.0.1 (tests/fakes/echo_server.py) repeats the client's AUTH line(s) for
every mechanism (PLAIN, LOGIN, XOAUTH2), wrapped eight ways: as garbage (not SMTP), as an error
reply, over several lines, inside a 334 challenge, base64-decoded, and cut at the front.
"""

from __future__ import annotations

import base64
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.echo_server import ECHO_STYLES, EchoServer
from fakes.smtp_servers import TestCerts

from crm_mail_gui.cli import main
from crm_mail_gui.core import oauth
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError, Kind
from crm_mail_gui.core.settings import MailSettings, build_settings
from crm_mail_gui.core.store import Store
from crm_mail_gui.core.transcript import MASK, Transcript
from crm_mail_gui.logsetup import log, setup_logging

MECHANISMS = ["PLAIN", "LOGIN", "XOAUTH2"]
# (user, secret): the users shift the password to each 3-byte alignment inside a PLAIN payload.
SECRETS = [
    ("alice@example.com", "s3cret-パス"),
    ("taro@example.co.jp", "hunter2hunter2"),
    ("bob@example.org", "e"),  # short: masked only as a whole token; "Connected" stays intact
    ("u1@example.net", "eyJ0eXAiOiJKV1Qi.eyJzdWIiOiIxMjM0In0-sig_V4l+ue/x"),  # a token-like one
]
RCPT = "carol@example.org"
CLIENT_ID = "test-client"
SHORT = 4  # secrets shorter than this are masked only where they stand as a whole token


def b64(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def leaked_forms(user: str, secret: str) -> list[str]:
    """Every text that would give the secret away: raw, base64 (any padding, any alignment)."""
    raw = secret.encode("utf-8")
    plain = b64(b"\0" + user.encode() + b"\0" + raw)
    xoauth2 = b64(f"user={user}\x01auth=Bearer {secret}\x01\x01")
    forms = [b64(raw), b64(raw).rstrip("="), plain, plain.rstrip("="), xoauth2]
    forms += [xoauth2.rstrip("="), f"Bearer {secret}", f"\\x00{secret}", f"\0{secret}"]
    for shift in (1, 2):  # the secret's base64 inside a longer payload, minus the edge characters
        encoded = b64(b"\0" * shift + raw)
        forms.append(encoded[4:-4])
    if len(secret) >= SHORT:
        forms.append(secret)
    return [form for form in forms if len(form) >= SHORT]


def assert_no_secret(user: str, secret: str, texts: list[str], where: str) -> None:
    whole = re.compile(rf"(?<![\w-]){re.escape(secret)}(?![\w-])")
    short_b64 = re.compile(rf"(?<![A-Za-z0-9+/]){re.escape(b64(secret).rstrip('='))}=*(?![\w+/])")
    for text in texts:
        for form in leaked_forms(user, secret):
            assert form not in text, f"{form!r} leaked into {where}: {text[:300]!r}"
        assert not whole.search(text), f"{secret!r} leaked into {where}: {text[:300]!r}"
        assert not short_b64.search(text), f"base64 of {secret!r} in {where}: {text[:300]!r}"


def settings_for(server: EchoServer, mechanism: str, user: str, certs: TestCerts) -> MailSettings:
    values: dict[str, object] = {
        "server": f"ssl://127.0.0.1:{server.port}",
        "user": user,
        "from": user,
        "to": RCPT,
        "ca_file": certs.ca_file,
        "timeout": 3,
    }
    if mechanism == "XOAUTH2":
        values["oauth"] = {"provider": "microsoft", "client_id": CLIENT_ID}
    return build_settings(values)


def failure_texts(error: DeliveryError) -> list[str]:
    """Every text of a DeliveryError a user, a log or the clipboard could receive."""
    failure = error.failure
    texts = [str(error), failure.describe("en"), failure.describe("ja"), failure.server_reply()]
    texts += [failure.message("en"), failure.message("ja"), failure.hint("en"), failure.hint("ja")]
    texts += [failure.reply or "", failure.detail or "", failure.suggested_server or ""]
    return texts + [str(value) for value in failure.params.values()] + error.transcript


@pytest.fixture
def echo_server(certs: TestCerts) -> Iterator[type[EchoServer]]:
    """Factory: ``echo_server(style, mechanism)`` returns a started EchoServer."""
    started: list[EchoServer] = []

    def start(echo: str, mechanism: str) -> EchoServer:
        server = EchoServer(certs, echo, mechanism).start()
        started.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in started:
        server.stop()


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    oauth.clear_memory_cache()
    yield
    oauth.clear_memory_cache()


# --------------------------------------------------------------------------- the engine


@pytest.mark.e2e
@pytest.mark.parametrize(("user", "secret"), SECRETS, ids=["utf8", "ascii", "short", "token"])
@pytest.mark.parametrize("style", list(ECHO_STYLES))
@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_echoed_auth_lines_never_reach_the_failure(
    echo_server, certs: TestCerts, mechanism: str, style: str, user: str, secret: str
) -> None:
    server = echo_server(style, mechanism)
    settings = settings_for(server, mechanism, user, certs)
    with pytest.raises(DeliveryError) as caught:
        deliver(settings, secret)
    error = caught.value
    assert server.sent, "the server never saw AUTH: the test would prove nothing"
    echoed = " ".join(server.sent[0])
    assert any(form in echoed for form in leaked_forms(user, secret)), "nothing secret was echoed"
    kind = error.failure.kind
    if style in ("garbage", "last_line"):
        assert kind is Kind.SERVER_REFUSED
        assert error.failure.detail and error.failure.detail.startswith("not an SMTP reply: ")
    else:
        assert kind is Kind.AUTH_FAILED, error.failure.describe("en")
    assert_no_secret(user, secret, failure_texts(error), f"{mechanism}/{style}")
    text = "\n".join(error.transcript)
    assert "=== Connected to 127.0.0.1:" in text  # a short secret is not masked inside words
    assert f"AUTH {mechanism}" in text
    assert (
        "ENHANCEDSTATUSCODES" in text and "=== Failed at the " in text
    )  # a readable last line (issue 13)


@pytest.mark.e2e
def test_short_password_leaves_words_alone(echo_server, certs: TestCerts) -> None:
    server = echo_server("error", "PLAIN")
    with pytest.raises(DeliveryError) as caught:
        deliver(settings_for(server, "PLAIN", "bob@example.org", certs), "e")
    text = "\n".join(caught.value.transcript)
    assert "Conn" + "********" not in text and "********ct" not in text
    for word in ("Connected to", "TLS started", "fault.example", "ENHANCEDSTATUSCODES"):
        assert word in text
    assert f"535 5.7.8 you sent: AUTH PLAIN {MASK}" in text
    assert caught.value.failure.reply == f"5.7.8 you sent: AUTH PLAIN {MASK}"


# --------------------------------------------------------------------------- the command line


def store_settings(config_dir: Path, settings: MailSettings, secret: str) -> None:
    """What `set` or `signin` leaves behind: the settings, the password or a fresh access token."""
    if settings.uses_oauth:
        Store(config_dir).save(settings)
        tokens = oauth.Tokens(access_token=secret, expires_at=time.time() + 3600)
        oauth.store_tokens(oauth.client_for(settings), settings.user, tokens)
    else:
        Store(config_dir).save(settings, secret)


def log_file() -> Path:
    handlers = [h for h in log.handlers if isinstance(h, logging.FileHandler)]
    assert handlers, "cli.main() sets up the log file"
    handlers[0].flush()
    return Path(handlers[0].baseFilename)


@pytest.mark.e2e
@pytest.mark.parametrize(("user", "secret"), SECRETS[:3], ids=["utf8", "ascii", "short"])
@pytest.mark.parametrize("style", ["garbage", "error", "decoded", "challenge"])
@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_cli_test_verbose_never_prints_the_secret(
    echo_server,
    certs: TestCerts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mechanism: str,
    style: str,
    user: str,
    secret: str,
) -> None:
    server = echo_server(style, mechanism)
    config_dir = tmp_path / "config"
    store_settings(config_dir, settings_for(server, mechanism, user, certs), secret)
    setup_logging()  # what main() does first; a second call keeps the same file
    size = log_file().stat().st_size
    capsys.readouterr()
    code = main(["--config-dir", str(config_dir), "--lang", "en", "test", "-v"])
    out, err = capsys.readouterr()
    assert code in (3, 4, 5), err
    assert server.sent and "Step: authentication" in err and "=== Connected to" in err
    with log_file().open(encoding="utf-8") as file:
        file.seek(size)
        logged = file.read()
    assert "session failed:" in logged
    assert_no_secret(user, secret, [out, err, logged], f"CLI {mechanism}/{style}")


# --------------------------------------------------------------------------- unit: the redactor


def redactor(*secrets: str) -> Transcript:
    """The redaction of a session that knows these secrets (Transcript.redact)."""
    result = Transcript()
    for secret in secrets:
        result.add_secret(secret)
    return result


def test_short_secret_only_as_a_whole_token() -> None:
    r = redactor("e", "\0bob@example.org\0e")
    assert r.redact("Connected to 127.0.0.1") == "Connected to 127.0.0.1"
    assert r.redact("Test Mail Sent e-mail") == "Test Mail Sent e-mail"
    assert r.redact("535 e rejected") == f"535 {MASK} rejected"
    assert r.redact("bob:e") == f"bob:{MASK}"
    assert r.redact("334 ZQ==") == f"334 {MASK}"
    assert r.redact("334 ZQ") == f"334 {MASK}"
    assert r.redact("ZQ==x ZXhhbXBsZQ") == "ZQ==x ZXhhbXBsZQ"  # not the base64 of the secret
    assert r.redact(b64("\0bob@example.org\0e")) == MASK


def test_ehlo_mechanism_lists_are_not_payloads() -> None:
    r = redactor("hunter2hunter2")
    for line in (
        "250-AUTH PLAIN LOGIN XOAUTH2",
        "250 AUTH LOGIN PLAIN CRAM-MD5",
        "auth plain login",
    ):
        assert r.redact(line) == line
    assert r.redact("500 AUTH PLAIN AHVAdgBw") == f"500 AUTH PLAIN {MASK}"


def test_payloads_masked_exactly_even_when_cut() -> None:
    r = redactor("hunter2hunter2")
    plain = b64("\0taro@example.co.jp\0hunter2hunter2")
    xoauth2 = b64("user=taro@example.co.jp\x01auth=Bearer hunter2hunter2\x01\x01")
    assert r.redact(f"x {plain[:-8]} y") == f"x {MASK} y"  # cut: still two NULs and text
    assert r.redact(f"x {xoauth2[:40]} y") == f"x {MASK} y"  # cut: user=…^Aauth=
    assert r.redact(f"got {b64('hunter2hunter2')[:12]}") == f"got {MASK}"  # a piece of it
    assert r.redact(f"Basic {b64('taro:hunter2hunter2')}") == f"Basic {MASK}"  # user:password
    assert r.redact("taro:hunter2hunter2") == f"taro:{MASK}"


def test_ordinary_words_survive_a_session_with_secrets() -> None:
    r = redactor("e", "\0alice@example.com\0e", "s3cret-パス", "\0alice@example.com\0s3cret-パス")
    words = [
        "250-fault.example Hello [127.0.0.1]",
        "250 2.0.0 OK queued as 4F2A9BC01D",
        "Subject: =?utf-8?b?44OG44K544OI44Oh44O844Or?=",
        "Message-ID: <171234.AbCdEfGh@example.com>",
        "TLS started: TLSv1.3 TLS_AES_256_GCM_SHA384",
        "334 VXNlcm5hbWU6",
        "334 UGFzc3dvcmQ6",
        "Connected ADVISE AGREE ANCHOR AERROR",
    ]
    for line in words:
        assert r.redact(line) == line


def test_a_secret_with_a_lone_surrogate_is_masked_not_a_crash() -> None:
    """A backend's odd value or a hostile argument must not crash the redactor itself."""
    from crm_mail_gui.core.credentials import safe_error_text
    from crm_mail_gui.core.redaction import Redactor

    redactor = Redactor()
    redactor.add("pw\ud800rd")
    assert redactor.redact("said pw\ud800rd here") == "said ******** here"
    assert safe_error_text(RuntimeError("x pw\ud800rd y"), "pw\ud800rd") == "RuntimeError"
