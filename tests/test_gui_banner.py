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
