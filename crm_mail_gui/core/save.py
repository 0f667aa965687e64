"""The rules of Save, Check connection and sign-in, decided once for the CLI and the window.

Interface (Qt-free; the window runs the callables on its worker threads, the CLI in line):

    plan_from_values(values, typed, *, check_only=False, consent=False, placeholder=None)
        -> Plan | Problem          raw values (the form's, or stored + command line options)
    plan_for(settings, typed, *, check_only=False, consent=False) -> Plan
        validated settings (the form has built them already)
    plan.consent_needed            True: the password would go out unencrypted; the window asks,
                                   the CLI refuses (Problem "unencrypted"); then
    plan.with_consent() -> Plan    the same plan with allow_unencrypted_auth set
    plan.secret_source(store)      a call returning what AUTH needs (typed or stored password, a
                                   fresh OAuth2 access token); it checks the credential store
                                   first, so run it where blocking is allowed (never the GUI thread)
    preflight(plan, store, read_typed=None) -> Plan | Problem
                                   the checks a front end without the engine's answer needs before
                                   a session (the CLI): consent, a usable store, a password at all;
                                   `read_typed` reads the typed password once the store is usable
    check_can_keep(plan)           before a test mail: a store that cannot keep the typed password
                                   fails now, not after the mail was sent
    keep(plan, store, tested=False) -> LastTest | None
                                   after a successful test (tested=True: noted, when and to whom)
                                   or `set --no-test`: the settings and the typed password stored
                                   as one unit (Store.save restores the previous password on
                                   failure); a check_only plan stores nothing
    keep_sign_in(client, user, tokens)
                                   after a sign-in: the client secret (if any) and the tokens
    sign_in_problem(client) -> Problem | None
                                   a client that cannot sign in (Google without its secret)

A Problem carries a catalogue key, its parameters, the exit code and, for invalid values, the
field errors; front ends render it in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from crm_mail_gui.core import credentials
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.records import field, record, replace
from crm_mail_gui.core.settings import FieldError, MailSettings, SettingsInvalid, build_settings

if TYPE_CHECKING:
    from crm_mail_gui.core.oauth import Client, Tokens
    from crm_mail_gui.core.store import LastTest, Store


@record(frozen=True)
class Problem:
    """Why a Save, check or sign-in does not start: a catalogue key, its parameters, an exit code."""

    key: str
    exit_code: ExitCode = ExitCode.INVALID
    params: dict[str, object] = field(default_factory=dict)
    field_errors: dict[str, FieldError] = field(default_factory=dict)


@record(frozen=True)
class Plan:
    """What a Save or check will do: these settings, this typed password, storing or not."""

    settings: MailSettings
    typed: str | None = None
    check_only: bool = False

    @property
    def consent_needed(self) -> bool:
        """True when AUTH would send the secret unencrypted and nobody has agreed yet."""
        return self.settings.needs_unencrypted_consent

    def with_consent(self) -> Plan:
        """The same plan, the user having agreed to an unencrypted AUTH."""
        return replace(self, settings=self.settings.with_changes(allow_unencrypted_auth=True))

    def secret_source(self, store: Store) -> Callable[[], str | None]:
        """What AUTH needs, as a call for a thread that may block (it holds no front end)."""
        settings, typed = self.settings, self.typed

        def secret() -> str | None:
            if settings.auth:
                credentials.require_usable()  # Save stores the secret: no store, no test
            return store.session_secret(settings, typed)

        return secret


def plan_for(
    settings: MailSettings, typed: str | None, *, check_only: bool = False, consent: bool = False
) -> Plan:
    """The plan for validated settings; `consent` agrees to an unencrypted AUTH beforehand."""
    plan = Plan(settings, typed or None, check_only)
    return plan.with_consent() if consent else plan


def plan_from_values(
    values: Mapping[str, object],
    typed: str | None,
    *,
    check_only: bool = False,
    consent: bool = False,
    placeholder: str | None = None,
) -> Plan | Problem:
    """The plan for raw values, or the Problem "field_error" with the field errors."""
    try:
        settings = build_settings(dict(values), placeholder=placeholder)
    except SettingsInvalid as error:
        return Problem("save.field_error", field_errors=dict(error.errors))
    return plan_for(settings, typed, check_only=check_only, consent=consent)


def preflight(
    plan: Plan, store: Store, read_typed: Callable[[], str] | None = None
) -> Plan | Problem:
    """Checks before any session: consent, a usable store, a password to use.

    `read_typed` (the CLI's --password-stdin) is called only once the store is known usable;
    an empty answer is a Problem. Raises CredentialStoreUnavailable for an unusable store.
    """
    settings = plan.settings
    if plan.consent_needed:
        return Problem("save.unencrypted")
    if not settings.auth:
        return plan
    credentials.require_usable()
    if settings.uses_oauth:
        return plan
    if read_typed is not None:
        typed = read_typed()
        if not typed:
            return Problem("save.password_empty")
        plan = replace(plan, typed=typed)
    stored = store.password_for(settings)  # asked even with a typed one: a broken store fails
    if not plan.typed and not stored:
        return Problem("save.password_needed")
    return plan


def check_can_keep(plan: Plan) -> None:
    """Before a test mail: fail now if the credential store cannot keep the typed password."""
    if plan.typed and plan.settings.auth and not plan.settings.uses_oauth and not plan.check_only:
        credentials.check_writable()


def keep(plan: Plan, store: Store, *, tested: bool = False) -> LastTest | None:
    """Store the settings and the typed password as one unit (nothing for a check only).

    `tested`: a test mail with these settings was just accepted; it is noted with them (when
    and to whom) and returned. Without it any earlier note goes: it was for other settings.
    """
    if plan.check_only:
        return None
    from crm_mail_gui.core.store import LastTest

    last_test = LastTest.now(plan.settings.recipient) if tested else None
    store.save(plan.settings, plan.typed, last_test=last_test)
    return last_test


def sign_in_problem(client: Client) -> Problem | None:
    """A registration that cannot sign in as given: a provider that needs its client secret."""
    if client.provider.needs_secret and not client.client_secret:
        return Problem("save.client_secret_needed")
    return None


def keep_sign_in(client: Client, user: str, tokens: Tokens) -> None:
    """Store what a sign-in gave: the client secret (if one was typed) and the tokens."""
    from crm_mail_gui.core import oauth

    if client.client_secret:
        credentials.set_secret(
            oauth.secret_key(client.provider.id, client.client_id), client.client_secret
        )
    oauth.store_tokens(client, user, tokens)


def sign_in_settings(
    values: Mapping[str, object], changes: Mapping[str, str | None]
) -> Plan | Problem:
    """Settings for a sign-in: the stored OAuth2 registration, changed where `changes` says."""
    previous = values.get("oauth") if isinstance(values.get("oauth"), dict) else {}
    registration = {
        key: value if value is not None else previous.get(key, "")  # type: ignore[union-attr]
        for key, value in changes.items()
    }
    return plan_from_values({**values, "auth": True, "oauth": registration}, None)


__all__ = [
    "Plan",
    "Problem",
    "check_can_keep",
    "keep",
    "keep_sign_in",
    "plan_for",
    "plan_from_values",
    "preflight",
    "sign_in_problem",
    "sign_in_settings",
]
