"""Detect the outgoing server from a mail address: presets, autoconfig, ISPDB, MX, SRV, guesses."""

from crm_mail_gui.core.discovery.detect import InvalidAddress, detect, parse_address
from crm_mail_gui.core.discovery.model import (
    Candidate,
    Detection,
    Event,
    OnEvent,
    Probe,
    ProbeEvent,
    Ranked,
    Security,
    Source,
    SourceEvent,
    Status,
)

__all__ = [
    "Candidate",
    "Detection",
    "Event",
    "InvalidAddress",
    "OnEvent",
    "Probe",
    "ProbeEvent",
    "Ranked",
    "Security",
    "Source",
    "SourceEvent",
    "Status",
    "detect",
    "parse_address",
]
