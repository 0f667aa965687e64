"""Failure kinds of an SMTP session: the kind, the step, the server's reply, a message and a hint."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from crm_mail_gui.core import i18n, messages
from crm_mail_gui.core.address import is_under
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.printable import printable
from crm_mail_gui.core.transcript import Transcript


class Step(StrEnum):
    """The steps of one SMTP session, in order."""

    RESOLVE = "resolve"
    CONNECT = "connect"
    TLS = "tls"
    EHLO = "ehlo"
    STARTTLS = "starttls"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    QUIT = "quit"


class Kind(StrEnum):
    """What went wrong, one value per distinct cause an administrator can act on."""

    INVALID_INPUT = "invalid_input"
    HOST_NOT_FOUND = "host_not_found"
    CONNECTION_REFUSED = "connection_refused"
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed_out"
    TLS_HANDSHAKE_FAILED = "tls_handshake_failed"
    CERT_UNTRUSTED = "cert_untrusted"
    CERT_HOSTNAME_MISMATCH = "cert_hostname_mismatch"
    STARTTLS_NOT_OFFERED = "starttls_not_offered"
    AUTH_NOT_OFFERED = "auth_not_offered"
    AUTH_FAILED = "auth_failed"
    UNENCRYPTED_AUTH = "unencrypted_auth"
    SERVER_REFUSED = "server_refused"
    SENDER_REFUSED = "sender_refused"
    RECIPIENT_REFUSED = "recipient_refused"
    MESSAGE_REFUSED = "message_refused"
    CONNECTION_DROPPED = "connection_dropped"
    CANCELLED = "cancelled"
    CREDENTIAL_STORE_UNAVAILABLE = "credential_store_unavailable"
    PASSWORD_MISSING = "password_missing"
    SIGN_IN_REQUIRED = "sign_in_required"
    PARTIALLY_DELIVERED = "partially_delivered"
    UNEXPECTED = "unexpected"
    PROTOCOL_VIOLATION = "protocol_violation"


_E = ExitCode
# Exit codes of the command line per failure kind (DESIGN.md); Kind.CANCELLED has none.
EXIT_CODES: dict[Kind, ExitCode] = {
    Kind.INVALID_INPUT: _E.INVALID,
    Kind.PASSWORD_MISSING: _E.INVALID,
    Kind.UNENCRYPTED_AUTH: _E.INVALID,
    Kind.HOST_NOT_FOUND: _E.NETWORK,
    Kind.CONNECTION_REFUSED: _E.NETWORK,
    Kind.UNREACHABLE: _E.NETWORK,
    Kind.TLS_HANDSHAKE_FAILED: _E.NETWORK,
    Kind.CERT_UNTRUSTED: _E.NETWORK,
    Kind.CERT_HOSTNAME_MISMATCH: _E.NETWORK,
    Kind.STARTTLS_NOT_OFFERED: _E.NETWORK,
    Kind.CONNECTION_DROPPED: _E.NETWORK,
    Kind.PROTOCOL_VIOLATION: _E.NETWORK,
    Kind.AUTH_FAILED: _E.AUTH,
    Kind.AUTH_NOT_OFFERED: _E.AUTH,
    Kind.SIGN_IN_REQUIRED: _E.AUTH,
    Kind.SERVER_REFUSED: _E.REFUSED,
    Kind.SENDER_REFUSED: _E.REFUSED,
    Kind.RECIPIENT_REFUSED: _E.REFUSED,
    Kind.MESSAGE_REFUSED: _E.REFUSED,
    Kind.PARTIALLY_DELIVERED: _E.REFUSED,
    Kind.TIMED_OUT: _E.TIMED_OUT,
    Kind.CREDENTIAL_STORE_UNAVAILABLE: _E.STORE,
    Kind.UNEXPECTED: _E.OTHER,
}


class Fix(StrEnum):
    """An action a front end may offer for a failure (a suggested server is Failure's own field)."""

    OAUTH2 = "oauth2"  # switch the form to OAuth2 sign-in (Microsoft 365 without basic auth)
    SIGN_IN = "sign_in"  # sign in with the provider again
    CA_FILE = "ca_file"  # name the extra CA file (an in-house CA)
    AUTH_OFF = "auth_off"  # untick "requires authentication" (the server offers no AUTH)


# The providers whose own replies have their own hints, by the domains of their SMTP hosts.
PROVIDER_DOMAINS: dict[str, tuple[str, ...]] = {
    "google": ("gmail.com", "googlemail.com", "google.com"),
    "microsoft": ("office365.com", "outlook.com", "hotmail.com", "live.com", "microsoft.com"),
}


def provider_of(*hosts: str | None) -> str | None:
    """The provider ("google", "microsoft") that the first known host name belongs to, or None.

    Given the server name in the settings and the name the server greets with: a custom server,
    Xserver or 127.0.0.1 is no provider, so it gets no provider's hint.
    """
    for host in hosts:
        name = (host or "").strip().rstrip(".").lower()
        for provider, domains in PROVIDER_DOMAINS.items():
            if any(is_under(name, domain) for domain in domains):
                return provider
    return None


@dataclass(frozen=True)
class HintRule:
    """Pick a hint from the server's reply: code, enhanced status and a phrase to look for."""

    hint: str
    code: int | None = None
    status: str | None = None
    phrase: str | None = None
    steps: tuple[str, ...] = ()
    fix: Fix | None = None  # an action the UI may offer
    starttls_port: int | None = None  # for the engine: suggest tls://host:<port> instead
    provider: str | None = None  # only for this provider's servers (see provider_of)


# First match wins; order from specific to general.
HINT_RULES: tuple[HintRule, ...] = (
    HintRule("gmail_app_password", code=534, status="5.7.9", provider="google"),
    HintRule(
        "ms_smtp_auth_disabled",
        code=535,
        status="5.7.139",
        phrase="disabled",
        fix=Fix.OAUTH2,
        provider="microsoft",
    ),
    HintRule(
        "ms_security_defaults",
        code=535,
        status="5.7.139",
        phrase="security defaults",
        fix=Fix.OAUTH2,
        provider="microsoft",
    ),
    HintRule(
        "ms_smtp_auth_disabled", code=535, status="5.7.139", fix=Fix.OAUTH2, provider="microsoft"
    ),
    HintRule(
        "ms_basic_auth_retired", code=550, status="5.7.30", fix=Fix.OAUTH2, provider="microsoft"
    ),
    HintRule("ms_bad_password", code=535, status="5.7.3", fix=Fix.OAUTH2, provider="microsoft"),
    HintRule("gmail_bad_credentials", code=535, status="5.7.8", provider="google"),
    HintRule("starttls_first", code=530, phrase="STARTTLS", starttls_port=587),
    HintRule("auth_required", code=530, status="5.7.57"),
    HintRule("auth_required", code=530, steps=("mail", "rcpt")),
    HintRule("send_as_denied", status="5.7.60"),
    HintRule("tls_old", code=421, status="4.7.66"),
)

_STATUS = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})\b")


def enhanced_status(text: str | None) -> str | None:
    """Return the RFC 3463 enhanced status code at the start of a reply text, e.g. "5.7.9"."""
    if not text:
        return None
    match = _STATUS.match(text)
    return match.group(1) if match else None


def rule_for(
    code: int | None, text: str | None, step: str, *, provider: str | None = None
) -> HintRule | None:
    """Return the first hint rule that matches a server reply (at `provider`'s server), if any."""
    status = enhanced_status(text)
    for rule in HINT_RULES:
        if rule.provider is not None and rule.provider != provider:
            continue
        if rule.code is not None and rule.code != code:
            continue
        if rule.status is not None and rule.status != status:
            continue
        if rule.phrase is not None and rule.phrase.lower() not in (text or "").lower():
            continue
        if rule.steps and step not in rule.steps:
            continue
        return rule
    return None


# Kinds whose `detail` is technical text (OpenSSL, the socket layer, the engine's own English):
# a window shows a sentence for it in its language instead (Failure.detail_text).
TECHNICAL_DETAIL_KINDS = frozenset(
    {
        Kind.TLS_HANDSHAKE_FAILED,
        Kind.CERT_UNTRUSTED,
        Kind.CERT_HOSTNAME_MISMATCH,
        Kind.PROTOCOL_VIOLATION,
        Kind.UNREACHABLE,
        Kind.CONNECTION_DROPPED,
        Kind.SERVER_REFUSED,
    }
)
# A phrase of a technical detail (lower case) and the catalogue sentence for it; first match wins.
DETAIL_PHRASES: tuple[tuple[str, str], ...] = (
    ("wrong version number", "plain_reply"),
    ("wrong_version_number", "plain_reply"),
    ("unable to get local issuer certificate", "issuer_unknown"),
    ("unable to get issuer certificate", "issuer_unknown"),
    ("self-signed certificate", "self_signed"),
    ("self signed certificate", "self_signed"),
    ("certificate has expired", "expired"),
    ("certificate is not yet valid", "not_yet_valid"),
    ("hostname mismatch", "name_mismatch"),
    ("ip address mismatch", "name_mismatch"),
    ("closed during the tls handshake", "closed_in_handshake"),
    ("protocol_version", "protocol_version"),
    ("unsupported protocol", "protocol_version"),
    ("unsupported_protocol", "protocol_version"),
    ("handshake_failure", "handshake_refused"),
    ("no_shared_cipher", "handshake_refused"),
    ("not an smtp reply", "not_smtp"),
    ("unencrypted data", "unencrypted_data"),
    ("unencrypted bytes", "unencrypted_data"),
    ("before the client's command", "unasked_data"),
)


@dataclass(frozen=True)
class Failure:
    """One failed session: what, where, the server's own words and what to do about it."""

    kind: Kind
    step: Step
    code: int | None = None
    reply: str | None = None
    detail: str | None = None
    hint_key: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    suggested_server: str | None = None
    fix: Fix | None = None
    fields: tuple[str, ...] = ()

    def sanitised(self, redact: Callable[[str], str] | None = None) -> Failure:
        """This failure with every text that may come from the network redacted, then escaped.

        `redact` (a session's Transcript.redact) hides the credentials; `printable` escapes what
        could act on a terminal, a log or a window. Order matters: a secret is found as typed.
        """

        def clean(text: str | None) -> str | None:
            if text is None:
                return None
            return printable(redact(text) if redact else text)

        cleaned = replace(
            self,
            reply=clean(self.reply),
            detail=clean(self.detail),
            params={key: clean(str(value)) or "" for key, value in self.params.items()},
            suggested_server=clean(self.suggested_server),
        )
        return self if cleaned == self else cleaned

    def step_name(self, lang: str | None = None) -> str:
        """The localised name of the failed step."""
        return i18n.text(f"errors.step.{self.step.value}", lang)

    def message(self, lang: str | None = None) -> str:
        """The localised one-sentence message."""
        params = {"step": self.step_name(lang), **self.params}
        return printable(i18n.text(f"errors.kind.{self.kind.value}", lang, **params))

    def hint(self, lang: str | None = None) -> str:
        """The localised hint (empty when there is none).

        A hint that names a server names `suggested_server`, the one a front end's fix button
        applies: the text and the button cannot disagree.
        """
        if not self.hint_key:
            return ""
        params = {**self.params, "suggested": self.suggested_server or ""}
        return printable(i18n.text(f"errors.hint.{self.hint_key}", lang, **params))

    @property
    def field(self) -> str | None:
        """The one form field that must change ("server", "password", …), or None."""
        return self.fields[0] if self.fields else None

    def field_note(self, lang: str | None = None) -> str:
        """The short text shown at that field: what is wrong with it (empty without a field)."""
        if self.field is None:
            return ""
        texts = messages.area_texts("errors")
        key = next(
            (k for k in (f"field.{self.hint_key}", f"field.{self.kind.value}") if k in texts),
            "field.other",
        )
        params = {**self.params, "suggested": self.suggested_server or ""}
        return printable(i18n.text(f"errors.{key}", lang, **params))

    def detail_text(self, lang: str | None = None) -> str:
        """The detail as a window shows it: a sentence in `lang` for a technical (OpenSSL, socket)
        detail, the text itself otherwise; empty without a detail. The raw text stays in
        `detail` (and in the transcript)."""
        if not self.detail:
            return ""
        if self.kind not in TECHNICAL_DETAIL_KINDS:
            return printable(self.detail)
        lowered = self.detail.lower()
        key = next((key for phrase, key in DETAIL_PHRASES if phrase in lowered), "technical")
        return i18n.text(f"errors.detail.{key}", lang)

    def transcript_line(self) -> str:
        """The transcript's last line for this failure: readable, not a code."""
        return f"Failed at the {self.step_name('en')} step: {self.message('en')}"

    def server_reply(self) -> str:
        """The server's reply as `code text`, or empty."""
        if self.code is None:
            return printable(self.reply or "")
        return printable(f"{self.code} {self.reply or ''}".strip())

    @property
    def exit_code(self) -> ExitCode:
        """The command line's exit code for this failure."""
        return EXIT_CODES.get(self.kind, ExitCode.OTHER)

    def describe(self, lang: str | None = None) -> str:
        """Message, step, reply and hint as plain text lines (for the command line and logs)."""
        detail = self.detail_text(lang)
        raw = printable(self.detail or "")
        rows = [
            ("step", self.step_name(lang)),
            ("reply", self.server_reply()),
            ("detail", detail),
            ("technical", raw if raw != detail else ""),
            ("hint", self.hint(lang)),
            ("suggested", printable(self.suggested_server or "")),
        ]
        lines = [self.message(lang)]
        lines += [
            i18n.text(f"errors.label.{name}", lang, value=value) for name, value in rows if value
        ]
        return "\n".join(lines)


def credential_store_failure(backend: str) -> Failure:
    """The failure shown when no credential store can keep (or give back) a secret."""
    return Failure(
        Kind.CREDENTIAL_STORE_UNAVAILABLE,
        Step.AUTH,
        hint_key="credential_store",
        params={"backend": backend},
    )


class DeliveryError(Exception):
    """Raised by the delivery engine; carries the Failure and the redacted transcript.

    The one place where a failure leaves the engine: given the session's Transcript, its secrets
    are redacted from the reply, the detail, the parameters and every transcript line, and all of
    them are escaped, so no path to the user, a log or the clipboard can bypass either.
    """

    def __init__(
        self, failure: Failure, transcript: Transcript | Sequence[str] | None = None
    ) -> None:
        redact = transcript.redact if isinstance(transcript, Transcript) else None
        lines = transcript.lines if isinstance(transcript, Transcript) else transcript or []
        self.failure = failure.sanitised(redact)
        self.transcript = [printable(redact(line) if redact else line) for line in lines]
        super().__init__(self.failure.message("en"))
