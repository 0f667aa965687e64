"""The installed PySide6 keeps `None` alive across processEvents() (6.12.0 does not)."""

from __future__ import annotations

import sys

import pytest
from qt_binding import CALLS, TOLERANCE, binding_problem, none_refcount_drift


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal on Python >= 3.12: nothing to measure"
)
def test_process_events_keeps_references_to_none() -> None:
    drift = none_refcount_drift()
    assert drift >= -TOLERANCE, binding_problem()
    assert abs(drift) < CALLS  # the measurement ran: a count, not garbage
