"""Keyring backends that misbehave as a hostile or broken credential store does (issue 11, 8 and 12).

Real `keyring.backend.KeyringBackend` subclasses: in process via `keyring.set_keyring(...)`, in a
subprocess via `PYTHON_KEYRING_BACKEND=hostile_keyrings.Hostile` with the behaviour in
`HOSTILE_KEYRING` ("<operation>:<behaviour>[,...]", e.g. "set:RuntimeError" or "get:slow").
"""

from __future__ import annotations

import configparser
import os
import threading
import time

import keyring.backend
import keyring.errors
from jaraco.classes.properties import classproperty

DELAY = 0.4  # seconds a "delay" operation takes before it works normally
RELEASE = threading.Event()  # set by a test's teardown: a "slow" call returns at once


class HostileStr(Exception):
    """An exception whose text cannot even be computed."""

    def __str__(self) -> str:
        raise RuntimeError("__str__ raised")


def _raise(behaviour: str, secret: str | None) -> object:
    """Raise (or return) what `behaviour` names."""
    if behaviour == "RuntimeError":
        raise RuntimeError("the store fell over")
    if behaviour == "MissingSectionHeaderError":  # a corrupt keyring_pass.cfg
        raise configparser.MissingSectionHeaderError("/home/u/.local/keyring_pass.cfg", 1, "zz")
    if behaviour == "KeyringLocked":
        raise keyring.errors.KeyringLocked("locked")
    if behaviour == "ValueError":
        raise ValueError("bad value")
    if behaviour == "OSError":
        raise OSError(5, "Input/output error")
    if behaviour == "HostileStr":
        raise HostileStr()
    if behaviour == "escapes":  # a message that would drive the terminal
        raise RuntimeError("\x1b]52;c;SGVsbG8=\x07\x1b[2J\rFAKE: Test Mail Sent." + "x" * 5000)
    if behaviour == "echo":  # a message that holds the secret it was given
        raise RuntimeError(f"cannot store {secret!r}")
    if behaviour == "bytes":
        return b"hunter2"
    if behaviour == "int":
        return 12345
    if behaviour == "object":
        return object()
    if behaviour == "slow":
        RELEASE.wait(30)
        return None
    if behaviour == "SystemExit":
        raise SystemExit(3)
    raise AssertionError(f"unknown behaviour {behaviour!r}")


class Hostile(keyring.backend.KeyringBackend):
    """An in-memory store whose operations misbehave as `faults` (or $HOSTILE_KEYRING) says.

    `faults` maps "get", "set", "delete", "init" or "set-after-1" (every set after the first
    succeeds fails: the write check passes, the real write does not) to a behaviour.
    """

    @classproperty
    def priority(cls) -> float:
        """Never auto-detected."""
        return -1

    def __init__(self, faults: dict[str, str] | None = None, delay: float = DELAY) -> None:
        super().__init__()
        self.delay = delay
        if faults is None:
            spec = os.environ.get("HOSTILE_KEYRING", "")
            faults = dict(item.split(":", 1) for item in spec.split(",") if item)
        self.faults = faults
        self.entries: dict[tuple[str, str], str] = {}
        self.sets = 0
        seed = os.environ.get("HOSTILE_KEYRING_SEED")  # "key=secret": a stored password
        if seed:
            key, _, value = seed.partition("=")
            self.entries[("crm-mail-gui", key)] = value
        if "init" in faults:
            _raise(faults["init"], None)

    def _fault(self, operation: str) -> str | None:
        fault = self.faults.get(operation)
        if fault == "delay":  # slow, then normal
            time.sleep(self.delay)
            return None
        return fault

    def get_password(self, service: str, username: str) -> str | None:
        """The stored value, or the fault."""
        if self._fault("get"):
            return _raise(self.faults["get"], None)  # type: ignore[return-value]
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store, or the fault."""
        self.sets += 1
        if self._fault("set") or ("set-after-1" in self.faults and self.sets > 1):
            _raise(self.faults.get("set") or self.faults["set-after-1"], password)
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Delete, or the fault."""
        if self._fault("delete"):
            _raise(self.faults["delete"], None)
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
