"""A hostile or broken credential store: every failure is CredentialStoreUnavailable, bounded in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import keyring
import pytest
from fakes.hostile_keyrings import RELEASE, Hostile

from crm_mail_gui.core import credentials
from crm_mail_gui.core.credentials import DETAIL_LIMIT, CredentialStoreUnavailable

SECRET = "s3cret-pa55"
RAISING = [
    "RuntimeError",
    "MissingSectionHeaderError",
    "KeyringLocked",
    "ValueError",
    "OSError",
    "HostileStr",
    "escapes",
    "echo",
    "SystemExit",
]
CALLS = {
    "get": lambda: credentials.get_password("u", "h"),
    "set": lambda: credentials.set_password("u", "h", SECRET),
    "delete": lambda: credentials.delete_password("u", "h"),
}


@pytest.fixture
def hostile(memory_keyring: object) -> Iterator[type[Hostile]]:
    """Install Hostile backends (the isolation fixture restores the keyring); release slow calls."""
    RELEASE.clear()
    yield Hostile
    RELEASE.set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        t.name == "credential-store-call" for t in threading.enumerate()
    ):
        time.sleep(0.01)


def assert_safe(error: CredentialStoreUnavailable) -> None:
    text = str(error)
    assert "credential store unavailable" in text
    assert SECRET not in text
    assert text.isprintable()  # no ESC, CR, BEL: nothing that drives a terminal
    assert len(error.detail) <= DETAIL_LIMIT + 40


@pytest.mark.parametrize("behaviour", RAISING)
@pytest.mark.parametrize("operation", ["get", "set", "delete"])
def test_every_exception_of_the_backend_is_unavailable(
    hostile: type[Hostile], operation: str, behaviour: str
) -> None:
    keyring.set_keyring(hostile({operation: behaviour}))
    with pytest.raises(CredentialStoreUnavailable) as info:
        CALLS[operation]()
    assert_safe(info.value)
    assert info.value.backend == "fakes.hostile_keyrings.Hostile"
    if behaviour in ("RuntimeError", "MissingSectionHeaderError", "KeyringLocked"):
        assert info.value.detail.startswith(behaviour + ": ")  # what the store said
    if behaviour == "echo" and operation == "set":
        assert info.value.detail == "RuntimeError"  # the text held the secret: type only
    if operation == "get":
        assert credentials.has_password("u", "h") is False


@pytest.mark.parametrize("behaviour", ["bytes", "int", "object"])
def test_a_value_that_is_not_text_is_unavailable(hostile: type[Hostile], behaviour: str) -> None:
    keyring.set_keyring(hostile({"get": behaviour}))
    with pytest.raises(CredentialStoreUnavailable) as info:
        credentials.get_secret("k")
    assert_safe(info.value)
    assert "hunter2" not in str(info.value) and "12345" not in str(info.value)
    assert "instead of text" in info.value.detail


@pytest.mark.parametrize("behaviour", ["RuntimeError", "MissingSectionHeaderError", "slow"])
def test_a_backend_that_fails_to_load_is_unusable(
    hostile: type[Hostile], monkeypatch: pytest.MonkeyPatch, behaviour: str
) -> None:
    monkeypatch.setenv(credentials.ENV_TIMEOUT, "0.3")

    def load() -> Hostile:
        return hostile({"init": behaviour})

    monkeypatch.setattr(keyring, "get_keyring", load)
    assert credentials.is_usable() is False
    with pytest.raises(CredentialStoreUnavailable) as info:
        credentials.require_usable()
    assert_safe(info.value)
    assert credentials.describe_backend("en") == "none"


def test_a_slow_store_is_bounded_and_announced(
    hostile: type[Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(credentials.ENV_TIMEOUT, "0.6")
    monkeypatch.setattr(credentials, "SLOW_NOTICE_AFTER", 0.2)
    notices: list[float] = []
    credentials.set_waiting_notice(lambda: notices.append(time.monotonic()))
    try:
        keyring.set_keyring(hostile({"get": "slow", "set": "slow"}))
        started = time.monotonic()
        with pytest.raises(CredentialStoreUnavailable) as info:
            credentials.get_password("u", "h")
        elapsed = time.monotonic() - started
        assert 0.5 < elapsed < 1.5
        assert info.value.detail == "did not answer within 0.6 s"
        assert len(notices) == 1 and 0.15 < notices[0] - started < 0.5
        # while that call still hangs, the next ones do not wait for the store again
        started = time.monotonic()
        for call in CALLS.values():
            with pytest.raises(CredentialStoreUnavailable):
                call()
        assert time.monotonic() - started < 0.3
    finally:
        credentials.set_waiting_notice(None)


def test_a_quick_store_gives_no_notice(memory_keyring: object) -> None:
    notices: list[int] = []
    credentials.set_waiting_notice(lambda: notices.append(1))
    try:
        credentials.set_password("u", "h", SECRET)
        assert credentials.get_password("u", "h") == SECRET
        credentials.check_writable()
        assert credentials.get_secret(credentials.PROBE_KEY) is None  # the probe is gone
    finally:
        credentials.set_waiting_notice(None)
    assert notices == []


@pytest.mark.parametrize(
    "text",
    [
        "s3cret-pa55 was rejected",
        "b'czNjcmV0LXBhNTU='",
        "7333637265742d70613535 hex",
        "'s3cret-pa55'",
    ],
)
def test_safe_error_text_never_quotes_the_secret(text: str) -> None:
    assert credentials.safe_error_text(RuntimeError(text), SECRET) == "RuntimeError"
    assert credentials.safe_error_text(RuntimeError("Connected"), "e") == "RuntimeError: Connected"
    assert credentials.safe_error_text(RuntimeError("bad e here"), "e") == "RuntimeError"
