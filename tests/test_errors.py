"""Failure kinds (core.errors): messages, hints from server replies, exit codes."""

from __future__ import annotations

import re

import pytest

from crm_mail_gui.core.errors import (
    EXIT_CODES,
    HINT_RULES,
    DeliveryError,
    Failure,
    Kind,
    Step,
    enhanced_status,
    rule_for,
)
from crm_mail_gui.core.messages.errors import HINT as HINTS
from crm_mail_gui.core.messages.errors import KIND as KIND_MESSAGES
from crm_mail_gui.core.messages.errors import STEP as STEP_NAMES

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


# -- catalogue completeness ------------------------------------------------------------------


def test_every_kind_and_step_has_both_languages() -> None:
    for kind in Kind:
        assert KIND_MESSAGES[kind.value]["ja"] and KIND_MESSAGES[kind.value]["en"], kind
    for step in Step:
        assert STEP_NAMES[step.value]["ja"] and STEP_NAMES[step.value]["en"], step
    for key, entry in HINTS.items():
        assert entry["ja"] and entry["en"], key
        # both languages ask for the same parameters
        assert set(PLACEHOLDER.findall(entry["ja"])) == set(PLACEHOLDER.findall(entry["en"])), key
    for key, entry in KIND_MESSAGES.items():
        assert set(PLACEHOLDER.findall(entry["ja"])) == set(PLACEHOLDER.findall(entry["en"])), key


def test_every_rule_names_a_known_hint() -> None:
    for rule in HINT_RULES:
        assert rule.hint in HINTS, rule


# -- rule_for --------------------------------------------------------------------------------

RULES = [
    (
        534,
        "5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
        "auth",
        "gmail_app_password",
        None,
    ),
    (
        535,
        "5.7.8 Username and Password not accepted. For more information, go to https://support.google.com/mail/?p=BadCredentials",
        "auth",
        "gmail_bad_credentials",
        None,
    ),
    (
        535,
        "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
        "auth",
        "ms_smtp_auth_disabled",
        "oauth2",
    ),
    (
        535,
        "5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
        "auth",
        "ms_security_defaults",
        "oauth2",
    ),
    (
        535,
        "5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.",
        "auth",
        "ms_smtp_auth_disabled",
        "oauth2",
    ),
    (535, "5.7.3 Authentication unsuccessful", "auth", "ms_bad_password", "oauth2"),
    (
        550,
        "5.7.30 Basic authentication is not supported for Client Submission.",
        "auth",
        "ms_basic_auth_retired",
        "oauth2",
    ),
    (
        550,
        "5.7.60 SMTP; Client does not have permissions to send as this sender",
        "mail",
        "send_as_denied",
        None,
    ),
    (
        554,
        "5.7.60 SendAsDenied; taro@example.co.jp not allowed to send as boss@example.co.jp",
        "data",
        "send_as_denied",
        None,
    ),
    (530, "5.7.0 Must issue a STARTTLS command first", "mail", "starttls_first", "tls_587"),
    (
        530,
        "5.7.0 Must issue a STARTTLS command first. o1-20020a05 - gsmtp",
        "auth",
        "starttls_first",
        "tls_587",
    ),
    (530, "5.7.57 Client not authenticated to send mail.", "mail", "auth_required", None),
    (530, "5.7.0 Authentication required", "rcpt", "auth_required", None),
    (
        421,
        "4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2.",
        "ehlo",
        "tls_old",
        None,
    ),
]


@pytest.mark.parametrize(("code", "text", "step", "hint", "fix"), RULES)
def test_rule_for(code: int, text: str, step: str, hint: str, fix: str | None) -> None:
    # a provider's own hints only at that provider's server (issue 13)
    provider = {"gmail": "google", "ms": "microsoft"}.get(hint.split("_")[0])
    rule = rule_for(code, text, step, provider=provider)
    assert rule is not None
    assert rule.hint == hint
    # "tls_587" is an instruction to the engine (suggest STARTTLS on 587), not a UI action
    assert rule.fix == (None if fix == "tls_587" else fix)
    assert rule.starttls_port == (587 if fix == "tls_587" else None)


@pytest.mark.parametrize(
    ("code", "text", "step"),
    [
        (250, "2.0.0 OK", "data"),
        (535, "Authentication failed", "auth"),  # no enhanced status: the generic hint applies
        (530, "5.7.0 Authentication required", "auth"),  # only at MAIL/RCPT
        (534, "5.7.14 Please log in via your web browser", "auth"),
        (None, None, "connect"),
        (550, "Mailbox unavailable 5.7.9", "rcpt"),  # the status must lead the text
    ],
)
def test_rule_for_no_match(code: int | None, text: str | None, step: str) -> None:
    assert rule_for(code, text, step) is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("5.7.9 x", "5.7.9"),
        ("  4.7.66 x", "4.7.66"),
        ("5.7.139", "5.7.139"),
        ("2.0.0 OK", "2.0.0"),
        ("x 5.7.9", None),
        ("5.7.9999 x", None),
        ("6.0.0 x", None),
        ("", None),
        (None, None),
    ],
)
def test_enhanced_status(text: str | None, status: str | None) -> None:
    assert enhanced_status(text) == status


# -- Failure ---------------------------------------------------------------------------------


def ms_failure() -> Failure:
    return Failure(
        Kind.AUTH_FAILED,
        Step.AUTH,
        code=535,
        reply="5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
        hint_key="ms_smtp_auth_disabled",
        fix="oauth2",
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "ja",
            [
                "認証に失敗しました",
                "段階: 認証",
                "サーバーの応答: 535 5.7.139",
                "対処: ",
                "SMTP AUTH",
            ],
        ),
        (
            "en",
            [
                "Authentication failed",
                "Step: authentication",
                "Server reply: 535 5.7.139",
                "Hint: ",
                "SMTP AUTH",
            ],
        ),
    ],
)
def test_describe(lang: str, words: list[str]) -> None:
    failure = ms_failure()
    text = failure.describe(lang)
    for word in words:
        assert word in text, (word, text)
    lines = text.splitlines()
    assert lines[0] == failure.message(lang)
    assert lines[-1].endswith(failure.hint(lang))
    assert "SmtpClientAuthentication is disabled for the Tenant." in text
    assert "{" not in text


def test_describe_with_detail_params_and_suggestion() -> None:
    failure = Failure(
        Kind.TIMED_OUT,
        Step.EHLO,
        detail="no greeting",
        hint_key="maybe_implicit_tls",
        params={"seconds": "5", "host": "smtp.example.jp", "port": "465"},
        suggested_server="ssl://smtp.example.jp:465",
    )
    en = failure.describe("en")
    ja = failure.describe("ja")
    assert "No answer within 5 s at the EHLO step." in en
    assert "Detail: no greeting" in en and "詳細: no greeting" in ja
    assert "ssl://smtp.example.jp:465" in failure.hint("en")
    assert "Suggested server: ssl://smtp.example.jp:465" in en
    assert "提案: ssl://smtp.example.jp:465" in ja
    assert "5 秒" in ja and "EHLO" in ja
    assert "Server reply" not in en  # there was none
    assert "{" not in en + ja


def test_hint_parameters_filled() -> None:
    failure = Failure(
        Kind.SENDER_REFUSED,
        Step.MAIL,
        code=530,
        reply="5.7.0 Must issue a STARTTLS command first",
        hint_key="starttls_first",
        params={"host": "smtp.example.jp"},
        suggested_server="tls://smtp.example.jp:587",  # the hint names the one suggestion
    )
    assert "tls://smtp.example.jp:587" in failure.hint("en")
    assert "tls://smtp.example.jp:587" in failure.hint("ja")
    assert failure.server_reply() == "530 5.7.0 Must issue a STARTTLS command first"


def test_no_hint_no_reply() -> None:
    failure = Failure(Kind.CANCELLED, Step.CONNECT)
    assert failure.hint("en") == ""
    assert failure.server_reply() == ""
    assert failure.describe("en") == "The test was cancelled.\nStep: connect"
    assert Failure(Kind.CONNECTION_DROPPED, Step.DATA, reply="closed").server_reply() == "closed"


def test_delivery_error_carries_failure() -> None:
    failure = ms_failure()
    error = DeliveryError(failure, [" -> AUTH PLAIN ********"])
    assert error.failure is failure
    assert error.transcript == [" -> AUTH PLAIN ********"]
    assert str(error) == failure.message("en")
    assert DeliveryError(failure).transcript == []


# -- exit codes ------------------------------------------------------------------------------

EXPECTED_EXIT = {
    Kind.INVALID_INPUT: 2,
    Kind.PASSWORD_MISSING: 2,
    Kind.UNENCRYPTED_AUTH: 2,
    Kind.HOST_NOT_FOUND: 3,
    Kind.CONNECTION_REFUSED: 3,
    Kind.UNREACHABLE: 3,
    Kind.TLS_HANDSHAKE_FAILED: 3,
    Kind.CERT_UNTRUSTED: 3,
    Kind.CERT_HOSTNAME_MISMATCH: 3,
    Kind.STARTTLS_NOT_OFFERED: 3,
    Kind.CONNECTION_DROPPED: 3,
    Kind.PROTOCOL_VIOLATION: 3,
    Kind.AUTH_FAILED: 4,
    Kind.SIGN_IN_REQUIRED: 4,
    Kind.AUTH_NOT_OFFERED: 4,
    Kind.SERVER_REFUSED: 5,
    Kind.SENDER_REFUSED: 5,
    Kind.RECIPIENT_REFUSED: 5,
    Kind.MESSAGE_REFUSED: 5,
    Kind.PARTIALLY_DELIVERED: 5,
    Kind.TIMED_OUT: 6,
    Kind.CREDENTIAL_STORE_UNAVAILABLE: 7,
    Kind.CANCELLED: 1,
    Kind.UNEXPECTED: 1,
}


def test_every_kind_has_its_exit_code_listed() -> None:
    """A new kind must be given its exit code on purpose (DESIGN.md), not fall through to 1."""
    assert set(EXPECTED_EXIT) == set(Kind)


@pytest.mark.parametrize(
    ("kind", "code"), EXPECTED_EXIT.items(), ids=[k.value for k in EXPECTED_EXIT]
)
def test_exit_codes(kind: Kind, code: int) -> None:
    assert Failure(kind, Step.CONNECT).exit_code == code


def test_every_kind_has_a_documented_exit_code() -> None:
    for kind in Kind:
        code = Failure(kind, Step.CONNECT).exit_code
        assert code in (1, 2, 3, 4, 5, 6, 7), kind
    # only "anything else" falls back to 1
    assert {k for k in Kind if k not in EXIT_CODES} == {Kind.CANCELLED}
