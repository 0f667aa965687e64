"""What the error banner shows for a failure: a pure function, testable without a window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from crm_mail_gui.core.records import record
from crm_mail_gui.ui.banner import BannerKind
from crm_mail_gui.ui.translations import fill

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crm_mail_gui.core.errors import Failure


@record
class BannerContent:
    """Everything Banner.show_message needs, and the one field the failure marks."""

    kind: BannerKind
    title: str
    body: str
    transcript: str
    action: str
    action_text: str
    field: str = ""  # the form field that must change ("" for none)
    field_note: str = ""  # its short text, shown at the field


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
    The detail is a sentence in `lang` (OpenSSL's words stay in the transcript, under Details).
    """
    lines = [fill(QCoreApplication.translate("MainWindow", "Step: %1"), failure.step_name(lang))]
    if failure.server_reply():
        lines.append(
            fill(
                QCoreApplication.translate("MainWindow", "Server reply: %1"), failure.server_reply()
            )
        )
    detail = failure.detail_text(lang)
    if detail:
        lines.append(fill(QCoreApplication.translate("MainWindow", "Detail: %1"), detail))
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
    elif failure.fix == "ca_file":
        action, action_text = (
            "ca_file",
            QCoreApplication.translate("MainWindow", "Choose the extra CA file"),
        )
    elif failure.fix == "auth_off":
        action, action_text = (
            "auth_off",
            QCoreApplication.translate("MainWindow", "Untick “Requires authentication”"),
        )
    return BannerContent(
        BannerKind.ERROR,
        failure.message(lang),
        "\n".join(lines),
        "\n".join(transcript),
        action,
        action_text,
        failure.field or "",
        failure.field_note(lang),
    )


def failure_report_text(
    failure: Failure,
    transcript: list[str],
    lang: str,
    *,
    server: str,
    secrets: Iterable[str],
) -> str:
    """What Copy puts on the clipboard: core.report's helpdesk report, with the Qt versions."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from crm_mail_gui.core.report import failure_report, versions

    components = versions([("Qt", qVersion()), ("PySide6", pyside_version)])
    return failure_report(
        failure, transcript, lang, server=server, components=components, secrets=secrets
    )
