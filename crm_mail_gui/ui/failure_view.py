"""What the error banner shows for a failure: a pure function, testable without a window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm_mail_gui.core.records import record
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.translations import fill

if TYPE_CHECKING:
    from crm_mail_gui.core.errors import Failure


@record
class BannerContent:
    """Everything Banner.show_message needs."""

    kind: BannerKind
    title: str
    body: str
    transcript: str
    action: str
    action_text: str


def failure_banner(
    failure: Failure,
    transcript: list[str],
    lang: str,
    *,
    oauth_available: bool,
    uses_oauth: bool,
) -> BannerContent:
    """The banner for `failure`: message, step, reply, detail, hint and the one fix offered.

    `oauth_available`: the form's provider offers OAuth2; `uses_oauth`: the form signs in with it.
    """
    lines = [fill(QCoreApplication.translate("MainWindow", "Step: %1"), failure.step_name(lang))]
    if failure.server_reply():
        lines.append(
            fill(
                QCoreApplication.translate("MainWindow", "Server reply: %1"), failure.server_reply()
            )
        )
    if failure.detail:
        lines.append(fill(QCoreApplication.translate("MainWindow", "Detail: %1"), failure.detail))
    hint = failure.hint(lang)
    if hint:
        lines.append(fill(QCoreApplication.translate("MainWindow", "What to do: %1"), hint))
    action, action_text = "", ""
    if failure.suggested_server:
        action = "server:" + failure.suggested_server
        action_text = fill(
            QCoreApplication.translate("MainWindow", "Use %1"), failure.suggested_server
        )
    elif failure.fix == "oauth2" and oauth_available:
        action, action_text = "oauth2", QCoreApplication.translate("MainWindow", "Switch to OAuth2")
    elif failure.fix == "sign_in" and uses_oauth:
        action, action_text = "sign_in", QCoreApplication.translate("MainWindow", "Sign in again")
    return BannerContent(
        BannerKind.ERROR,
        failure.message(lang),
        "\n".join(lines),
        "\n".join(transcript),
        action,
        action_text,
    )
