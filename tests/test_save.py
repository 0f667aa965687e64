"""The rules of Save, Check connection and sign-in (core.save), without a front end."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from crm_mail_gui.core import credentials, oauth, save
from crm_mail_gui.core.credentials import CredentialStoreUnavailable, MemoryKeyring
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.i18n import text
from crm_mail_gui.core.save import Plan, Problem
from crm_mail_gui.core.settings import build_settings
from crm_mail_gui.core.store import Store

USER = "alice@example.com"
VALUES = {"server": "tls://smtp.example.com:587", "user": USER, "from": USER, "auth": True}
PLAIN = {**VALUES, "server": "smtp.example.com:25"}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path)


def plan_of(values: dict[str, object], typed: str | None = None, **options: bool) -> Plan:
    plan = save.plan_from_values(values, typed, **options)
    assert isinstance(plan, Plan), plan
    return plan


# -- plans -----------------------------------------------------------------------------------


def test_invalid_values_are_a_problem_with_every_field_error() -> None:
    problem = save.plan_from_values({**VALUES, "server": "", "from": "not an address"}, "pw")
    assert isinstance(problem, Problem)
    assert problem.exit_code == ExitCode.INVALID
    assert set(problem.field_errors) == {"server", "from"}


def test_encrypted_server_needs_no_consent() -> None:
    plan = plan_of(VALUES, "pw")
    assert not plan.consent_needed
    assert plan.typed == "pw" and not plan.check_only


def test_unencrypted_auth_needs_consent_until_given() -> None:
    plan = plan_of(PLAIN, "pw")
    assert plan.consent_needed
    agreed = plan.with_consent()
    assert not agreed.consent_needed and agreed.settings.allow_unencrypted_auth
    assert not plan_of(PLAIN, "pw", consent=True).consent_needed


def test_unencrypted_without_auth_needs_no_consent() -> None:
    assert not plan_of({**PLAIN, "auth": False}).consent_needed


def test_stored_consent_counts() -> None:
    assert not plan_of({**PLAIN, "allow_unencrypted_auth": True}, "pw").consent_needed


def test_empty_typed_password_is_none() -> None:
    assert plan_of(VALUES, "").typed is None


# -- preflight ---------------------------------------------------------------------------------


def test_preflight_refuses_unencrypted_before_reading_the_password(store: Store) -> None:
    def read() -> str:
        raise AssertionError("read although the plan is refused")

    problem = save.preflight(plan_of(PLAIN), store, read)
    assert isinstance(problem, Problem) and problem.key == "save.unencrypted"


def test_preflight_needs_a_password(store: Store) -> None:
    problem = save.preflight(plan_of(VALUES), store)
    assert isinstance(problem, Problem) and problem.key == "save.password_needed"
    assert problem.exit_code == ExitCode.INVALID


def test_preflight_refuses_an_empty_typed_password(store: Store) -> None:
    problem = save.preflight(plan_of(VALUES), store, lambda: "")
    assert isinstance(problem, Problem) and problem.key == "save.password_empty"


def test_preflight_takes_the_typed_password(store: Store) -> None:
    plan = save.preflight(plan_of(VALUES), store, lambda: "typed")
    assert isinstance(plan, Plan) and plan.typed == "typed"


def test_preflight_takes_the_stored_password(store: Store) -> None:
    plan = plan_of(VALUES)
    credentials.set_password(USER, plan.settings.server.host, "stored")
    assert save.preflight(plan, store) == plan


def test_preflight_without_auth_asks_nothing(store: Store) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    plan = plan_of({**VALUES, "auth": False})
    assert save.preflight(plan, store) == plan


def test_preflight_raises_for_an_unusable_store_before_reading(store: Store) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(CredentialStoreUnavailable):
        save.preflight(plan_of(VALUES), store, lambda: pytest.fail("read"))


# -- the secret source -------------------------------------------------------------------------


def test_secret_source_prefers_the_typed_password(store: Store) -> None:
    plan = plan_of(VALUES, "typed")
    credentials.set_password(USER, plan.settings.server.host, "stored")
    assert plan.secret_source(store)() == "typed"
    assert plan_of(VALUES).secret_source(store)() == "stored"


def test_secret_source_checks_the_store_only_when_called(store: Store) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    source = plan_of(VALUES, "typed").secret_source(store)  # nothing asked yet
    with pytest.raises(CredentialStoreUnavailable):
        source()


def test_secret_source_without_auth_is_none(store: Store) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert plan_of({**VALUES, "auth": False}, "typed").secret_source(store)() is None


# -- keeping -----------------------------------------------------------------------------------


def test_keep_stores_settings_and_password_together(store: Store) -> None:
    plan = plan_of(VALUES, "typed")
    save.keep(plan, store)
    assert store.load().settings == plan.settings
    assert store.password_for(plan.settings) == "typed"


def test_keep_stores_nothing_for_a_check(store: Store) -> None:
    save.keep(plan_of(VALUES, "typed", check_only=True), store)
    assert store.load().settings is None
    assert not store.path.exists()


def test_keep_leaves_the_old_password_when_the_file_cannot_be_written(
    store: Store, memory_keyring: MemoryKeyring
) -> None:
    plan = plan_of(VALUES, "new")
    credentials.set_password(USER, plan.settings.server.host, "old")
    store.directory.mkdir(parents=True, exist_ok=True)
    store.path.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(OSError):
        save.keep(plan, store)
    assert credentials.get_password(USER, plan.settings.server.host) == "old"


def test_check_can_keep_only_for_a_typed_password_to_store() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    save.check_can_keep(plan_of(VALUES))  # nothing typed: nothing to check
    save.check_can_keep(plan_of(VALUES, "typed", check_only=True))  # a check stores nothing
    with pytest.raises(CredentialStoreUnavailable):
        save.check_can_keep(plan_of(VALUES, "typed"))


# -- sign-in -----------------------------------------------------------------------------------

MS = {"provider": "microsoft", "client_id": "app-id", "tenant": None, "authority": None}


def test_sign_in_settings_keep_the_stored_registration() -> None:
    stored = {**VALUES, "oauth": {"provider": "microsoft", "client_id": "old", "tenant": "t"}}
    plan = save.sign_in_settings(stored, {**MS, "client_id": None})
    assert isinstance(plan, Plan) and plan.settings.uses_oauth and plan.settings.auth
    assert plan.settings.oauth is not None
    assert plan.settings.oauth.client_id == "old" and plan.settings.oauth.tenant == "t"
    changed = save.sign_in_settings(stored, MS)
    assert isinstance(changed, Plan) and changed.settings.oauth.client_id == "app-id"


def test_sign_in_settings_without_a_client_id_is_a_problem() -> None:
    problem = save.sign_in_settings(VALUES, {**MS, "client_id": None})
    assert isinstance(problem, Problem) and "oauth" in problem.field_errors


def test_google_without_its_secret_cannot_sign_in() -> None:
    settings = build_settings(
        {**VALUES, "server": "ssl://smtp.gmail.com:465", "oauth": {**MS, "provider": "google"}}
    )
    problem = save.sign_in_problem(oauth.client_for(settings))
    assert problem is not None and problem.key == "save.client_secret_needed"
    assert save.sign_in_problem(oauth.client_for(settings, "secret")) is None


def test_keep_sign_in_stores_tokens_and_client_secret() -> None:
    settings = build_settings(
        {**VALUES, "server": "ssl://smtp.gmail.com:465", "oauth": {**MS, "provider": "google"}}
    )
    client = oauth.client_for(settings, "client-secret")
    save.keep_sign_in(client, USER, oauth.Tokens("access", 0.0, "refresh"))
    assert oauth.is_signed_in(client, USER)
    key = oauth.secret_key(client.provider.id, client.client_id)
    assert credentials.get_secret(key) == "client-secret"


def test_every_problem_key_is_in_the_catalogue() -> None:
    for key in ("unencrypted", "password_needed", "password_empty", "client_secret_needed"):
        assert text(f"save.{key}", "ja") and text(f"save.{key}", "en")
