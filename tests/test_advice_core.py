"""Issue 13, advice that agrees with itself (core): one suggestion, the provider's own hints only at
the provider, one field with its own note and fix, plain sentences for OpenSSL's words, a readable
transcript and a helpdesk report without secrets. Against real servers on 127.0.0.1."""

from __future__ import annotations

import base64
import io
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.smtp_servers import DEFAULT_USERS, HOST, AioSMTPServer, FaultServer, TestCerts

from crm_mail_gui.cli import main
from crm_mail_gui.core import i18n
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError, Failure, Fix, Kind, Step, provider_of
from crm_mail_gui.core.messages.errors import FIELD, HINT
from crm_mail_gui.core.report import failure_report
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.logsetup import log

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
FaultFactory = Callable[..., FaultServer]
SERVER_NAME = re.compile(r"\b(?:ssl|tls)://[^\s、。)(]+?(?=[\s、。)(]|\.?$|\.\s)")


def settings_for(server: str, certs: TestCerts | None, *, auth: bool = True, ca: bool = True):
    return build_settings(
        {
            "server": server,
            "user": USER,
            "from": USER,
            "auth": auth,
            "to": "bob@example.org",
            "timeout": 2,
            "ca_file": certs.ca_file if certs and ca else None,
        }
    )


def failing(settings, password: str | None = PASSWORD) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        deliver(settings, password)
    return caught.value


def servers_named(text: str) -> set[str]:
    return {name.rstrip(".") for name in SERVER_NAME.findall(text)}


# --------------------------------------------------------------------------- 1. one suggestion


def test_no_hint_writes_a_server_name_of_its_own() -> None:
    """A hint names a server only through {suggested}: the value the fix button applies."""
    for key, entry in HINT.items():
        for lang in ("ja", "en"):
            assert not re.search(r"(?:ssl|tls)://\{", entry[lang]), (key, lang)
    for key, entry in FIELD.items():
        for lang in ("ja", "en"):
            assert not re.search(r"(?:ssl|tls)://\{", entry[lang]), (key, lang)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_ssl_on_a_starttls_port_gives_one_suggestion(
    starttls_server: AioSMTPServer, certs: TestCerts, lang: str
) -> None:
    error = failing(settings_for(f"ssl://{HOST}:{starttls_server.port}", certs))
    failure = error.failure
    suggestion = f"tls://{HOST}:{starttls_server.port}"
    assert failure.suggested_server == suggestion
    assert servers_named(failure.hint(lang)) == {suggestion}
    assert servers_named(failure.describe(lang)) == {suggestion}  # CLI and log: the same one
    assert servers_named(failure.field_note(lang)) == {suggestion}


@pytest.mark.e2e
def test_no_starttls_suggests_what_the_hint_says(fault_server: FaultFactory) -> None:
    server = fault_server("no_starttls")
    failure = failing(settings_for(f"tls://{HOST}:{server.port}", None)).failure
    assert failure.kind is Kind.STARTTLS_NOT_OFFERED
    assert failure.suggested_server == f"ssl://{HOST}:465"
    for lang in ("ja", "en"):
        assert servers_named(failure.describe(lang)) == {failure.suggested_server}


@pytest.mark.e2e
def test_cli_prints_the_one_suggestion(
    starttls_server: AioSMTPServer,
    certs: TestCerts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: object,
) -> None:
    monkeypatch.setitem(i18n._current, "lang", i18n._current["lang"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    typed = f"ssl://{HOST}:{starttls_server.port}"
    args = ["set", "--server", typed, "--user", USER, "--from", USER, "--to", "bob@example.org"]
    args += ["--ca-file", certs.ca_file, "--timeout", "2", "--password-stdin"]
    code = main(["--config-dir", str(tmp_path), "--lang", "ja", *args])
    out, err = capsys.readouterr()
    assert code == 3
    suggestion = f"tls://{HOST}:{starttls_server.port}"
    assert servers_named(out + err) == {suggestion}
    handler = next(h for h in log.handlers if isinstance(h, logging.FileHandler))
    handler.flush()
    logged = Path(handler.baseFilename).read_text(encoding="utf-8").splitlines()[-1]
    assert "session failed: tls_handshake_failed" in logged
    assert servers_named(logged) == {suggestion}  # the log: the same one


# --------------------------------------------------------------------------- 2. provider hints


@pytest.mark.parametrize(
    ("hosts", "provider"),
    [
        (("smtp.gmail.com",), "google"),
        (("SMTP.GoogleMail.com.",), "google"),
        (("smtp.office365.com",), "microsoft"),
        (("127.0.0.1", "TYCP286CA0011.outlook.office365.com"), "microsoft"),
        (("sv1234.xserver.jp",), None),
        (("127.0.0.1", "fault.example"), None),
        (("notgmail.com",), None),
        (("gmail.com.example.jp",), None),
        ((None, ""), None),
    ],
)
def test_provider_of(hosts: tuple[str | None, ...], provider: str | None) -> None:
    assert provider_of(*hosts) == provider


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("fault", "replies", "hint"),
    [
        ("auth535_xserver", {}, "auth_generic"),
        # Gmail's very words from a server that is not Gmail: still no Gmail hint
        ("auth535", {"GREETING": "220 mail.example.co.jp ESMTP Postfix"}, "auth_generic"),
        ("auth535", {}, "gmail_bad_credentials"),
        ("auth535_ms", {"GREETING": "220 mail.example.co.jp ESMTP Postfix"}, "auth_generic"),
    ],
    ids=["xserver", "custom-with-gmail-words", "gmail", "custom-with-ms-words"],
)
def test_provider_hints_only_for_the_provider_in_use(
    fault_server: FaultFactory, certs: TestCerts, fault: str, replies: dict, hint: str
) -> None:
    server = fault_server(fault, replies=replies)
    failure = failing(settings_for(f"tls://{HOST}:{server.port}", certs)).failure
    assert failure.kind is Kind.AUTH_FAILED
    assert failure.hint_key == hint
    if hint == "auth_generic":
        assert failure.fix is None  # and no "Switch to OAuth2" either
        for lang in ("ja", "en"):
            assert "16" not in failure.hint(lang) and "Microsoft" not in failure.hint(lang)


# --------------------------------------------------------------------------- 3. the one field


@pytest.mark.e2e
def test_untrusted_certificate_marks_the_server_with_the_ca_file_fix(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("starttls_untrusted")
    error = failing(settings_for(f"tls://{HOST}:{server.port}", certs))
    failure = error.failure
    assert failure.kind is Kind.CERT_UNTRUSTED
    assert failure.fields == ("server",) and failure.fix is Fix.CA_FILE
    assert "CA" in failure.field_note("ja") and "CA" in failure.field_note("en")
    # 4. OpenSSL's English is not what the window shows; the raw text is in the transcript
    assert failure.detail == "unable to get local issuer certificate"
    assert failure.detail_text("ja") == "証明書の発行元(CA)がこの PC で信頼されていません。"
    assert "issuer" not in failure.detail_text("ja")
    assert any("unable to get local issuer certificate" in line for line in error.transcript)


@pytest.mark.e2e
def test_no_auth_marks_the_server_with_the_untick_fix(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("ok", extensions=["8BITMIME"])
    failure = failing(settings_for(f"tls://{HOST}:{server.port}", certs)).failure
    assert failure.kind is Kind.AUTH_NOT_OFFERED
    assert failure.fields == ("server",) and failure.fix is Fix.AUTH_OFF
    assert failure.field_note("ja") == "このサーバーは認証(AUTH)を提供していません。"
    assert "tls://" not in failure.hint("en")  # it is tls:// already: no advice to use it


@pytest.mark.e2e
def test_a_refused_password_marks_only_the_password(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("auth535_xserver")
    failure = failing(settings_for(f"tls://{HOST}:{server.port}", certs)).failure
    assert failure.fields == ("password",)
    assert failure.field_note("ja") == "このパスワードは受け付けられませんでした。"


def test_every_field_note_is_short_and_in_both_languages() -> None:
    for key, entry in FIELD.items():
        assert entry["ja"] and entry["en"], key
        assert len(entry["en"]) <= 80 and len(entry["ja"]) <= 45, key
        assert "上のメッセージ" not in entry["ja"], key


# --------------------------------------------------------------------------- 4. plain sentences


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_wrong_version_number_is_a_sentence(
    starttls_server: AioSMTPServer, certs: TestCerts, lang: str
) -> None:
    error = failing(settings_for(f"ssl://{HOST}:{starttls_server.port}", certs))
    shown = error.failure.detail_text(lang)
    assert shown and "wrong version" not in shown.lower()
    assert any("wrong version number" in line for line in error.transcript)
    raw_line = "Technical detail: wrong version number"
    assert (raw_line in error.failure.describe(lang)) == (lang == "en")


def test_an_unknown_technical_detail_points_to_the_details() -> None:
    failure = Failure(Kind.TLS_HANDSHAKE_FAILED, Step.TLS, detail="SSLV3_ALERT_BAD_RECORD_MAC")
    assert failure.detail_text("ja") == "技術的な詳細は「詳細」の通信記録にあります。"
    # a detail that is the server's own words (XOAUTH2 status) is shown as it is
    oauth = Failure(Kind.AUTH_FAILED, Step.AUTH, detail="status=401, schemes=Bearer")
    assert oauth.detail_text("ja") == "status=401, schemes=Bearer"


# --------------------------------------------------------------------------- 5. transcript, report


@pytest.mark.e2e
def test_the_transcript_ends_with_a_readable_line(
    fault_server: FaultFactory, certs: TestCerts
) -> None:
    server = fault_server("auth535_xserver")
    error = failing(settings_for(f"tls://{HOST}:{server.port}", certs))
    last = error.transcript[-1]
    assert last.startswith("=== Failed at the authentication step: Authentication failed")
    assert "auth_failed" not in "\n".join(error.transcript)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_has_every_part_and_no_secret(
    fault_server: FaultFactory, certs: TestCerts, lang: str
) -> None:
    server = fault_server("auth535_xserver")
    error = failing(settings_for(f"tls://{HOST}:{server.port}", certs))
    when = datetime(2026, 12, 1, 15, 40, tzinfo=UTC)
    text = failure_report(
        error.failure,
        error.transcript,
        lang,
        server=f"tls://{HOST}:{server.port}",
        components=[("crm-mail-gui", "0.1.0"), ("Qt", "6.11.3"), ("Python", "3.11.9")],
        when=when,
        secrets=[PASSWORD],
    )
    failure = error.failure
    for part in (
        failure.message(lang),
        failure.step_name(lang),
        "535 5.7.8 Error: authentication failed",
        failure.hint(lang),
        failure.field_note(lang),
        "パスワード —" if lang == "ja" else "Password —",
        "crm-mail-gui 0.1.0, Qt 6.11.3, Python 3.11.9",
        "2026-12-01T15:40:00+00:00",
        "AUTH PLAIN ********",
        error.transcript[-1],
    ):
        assert part in text, part
    alone = base64.b64encode(PASSWORD.encode()).decode()
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    for form in (PASSWORD, alone, alone.rstrip("="), plain, plain.rstrip("=")):
        assert form not in text


def test_report_masks_a_secret_that_slipped_into_a_text() -> None:
    failure = Failure(Kind.UNEXPECTED, Step.AUTH, hint_key="unexpected", params={"detail": "x"})
    text = failure_report(failure, ["=== said hunter22-pass"], "en", secrets=["hunter22-pass"])
    assert "hunter22-pass" not in text and "********" in text
