"""ui.failure_view: what the banner shows for a failure, without a window."""

from __future__ import annotations

import pytest

from crm_mail_gui.core.errors import Failure, Kind, Step
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.failure_view import failure_banner

pytestmark = pytest.mark.gui


def test_a_failure_shows_step_reply_and_its_suggested_server() -> None:
    failure = Failure(
        Kind.TLS_HANDSHAKE_FAILED, Step.TLS, code=554, reply="no", suggested_server="ssl://h:465"
    )
    shown = failure_banner(failure, ["=== a", "b"], "en", oauth_available=True, uses_oauth=True)
    assert shown.kind is BannerKind.ERROR
    assert shown.title == failure.message("en")
    assert shown.body.startswith("Step: ") and "Server reply: " in shown.body
    assert shown.transcript == "=== a\nb"
    assert (shown.action, shown.action_text) == ("server:ssl://h:465", "Use ssl://h:465")


@pytest.mark.parametrize(
    ("fix", "oauth_available", "uses_oauth", "action"),
    [
        ("oauth2", True, False, "oauth2"),
        ("oauth2", False, False, ""),
        ("sign_in", True, True, "sign_in"),
        ("sign_in", True, False, ""),
        ("", True, True, ""),
    ],
)
def test_the_fix_offered_depends_on_the_form(
    fix: str, oauth_available: bool, uses_oauth: bool, action: str
) -> None:
    failure = Failure(Kind.AUTH_FAILED, Step.AUTH, fix=fix)
    shown = failure_banner(
        failure, [], "ja", oauth_available=oauth_available, uses_oauth=uses_oauth
    )
    assert shown.action == action and bool(shown.action_text) == bool(action)


@pytest.mark.parametrize(
    ("fix", "action", "text"),
    [
        ("ca_file", "ca_file", "追加の CA ファイルを選ぶ"),
        ("auth_off", "auth_off", "「認証を行う」を外す"),
    ],
)
def test_field_fixes_are_offered_whatever_the_provider(
    fix: str, action: str, text: str, qapp: object, restored_language: None
) -> None:
    from crm_mail_gui.ui import translations

    translations.install("ja")
    failure = Failure(Kind.CERT_UNTRUSTED, Step.TLS, fix=fix, fields=("server",))
    shown = failure_banner(failure, [], "ja", oauth_available=False, uses_oauth=False)
    assert (shown.action, shown.action_text) == (action, text)
    assert (shown.field, shown.field_note) == ("server", failure.field_note("ja"))


def test_the_banner_shows_a_sentence_not_openssl() -> None:
    failure = Failure(
        Kind.CERT_UNTRUSTED, Step.STARTTLS, detail="unable to get local issuer certificate"
    )
    shown = failure_banner(failure, ["=== x"], "ja", oauth_available=False, uses_oauth=False)
    assert "unable" not in shown.body and failure.detail_text("ja") in shown.body
