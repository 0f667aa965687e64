"""The failure report that Copy puts on the clipboard: everything a helpdesk needs, secrets masked."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime

from crm_mail_gui import __version__
from crm_mail_gui.core import i18n
from crm_mail_gui.core.errors import Failure
from crm_mail_gui.core.printable import printable_lines
from crm_mail_gui.core.redaction import Redactor


def versions(extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The versions a report names: the app, then `extra` (e.g. Qt, from the window), Python."""
    return [
        ("crm-mail-gui", __version__),
        *extra,
        ("Python", sys.version.split()[0]),
    ]


def failure_report(
    failure: Failure,
    transcript: Sequence[str],
    lang: str | None = None,
    *,
    server: str = "",
    components: Sequence[tuple[str, str]] | None = None,
    when: datetime | None = None,
    secrets: Iterable[str] = (),
) -> str:
    """Headline, step, reply, detail, hint, field, versions, OS, time and the transcript.

    Every `secrets` value (the typed password, a token) and its base64 forms are masked, on top
    of the redaction the transcript and the failure already had.
    """

    def label(key: str, value: str) -> str:
        return i18n.text(f"errors.report.{key}", lang, value=value)

    lines = [i18n.text("errors.report.title", lang), label("headline", failure.message(lang))]
    lines += failure.describe(lang).splitlines()[1:]  # step, reply, detail, hint, suggestion
    if failure.field:
        name = i18n.text(f"fields.{failure.field}", lang)
        lines.append(label("field", f"{name} — {failure.field_note(lang)}"))
    if server:
        lines.append(label("server", server))
    parts = components if components is not None else versions()
    lines.append(label("app", ", ".join(f"{name} {version}" for name, version in parts)))
    lines.append(label("os", platform.platform()))
    stamp = (when or datetime.now().astimezone()).isoformat(timespec="seconds")
    lines.append(label("time", stamp))
    lines.append(i18n.text("errors.report.transcript", lang))
    lines += list(transcript)
    redactor = Redactor()
    for secret in secrets:
        redactor.add(secret)
    return printable_lines(redactor.redact("\n".join(lines)))
