"""Probe one candidate: connect, TLS with full verification, EHLO, the AUTH offered, QUIT.

Never a credential: the session of core.delivery stops before AUTH. Test seam:
CRM_MAIL_GUI_PROBE_PORTS=465:P1,587:P2 makes every probe of port 465 (587) connect to local
port P1 (P2) instead, whichever source named the candidate; the candidate keeps its real port.
"""

from __future__ import annotations

import os
import time

from crm_mail_gui.core import i18n
from crm_mail_gui.core.address import Security as AddressSecurity
from crm_mail_gui.core.address import ServerAddress, unicode_domain
from crm_mail_gui.core.connection import Cancelled, CancelToken
from crm_mail_gui.core.discovery.lookup import LookupFailed, address_infos
from crm_mail_gui.core.discovery.model import Candidate, Probe, Security
from crm_mail_gui.core.errors import DeliveryError, Failure, Kind, Step
from crm_mail_gui.core.printable import printable

ENV_PROBE_PORTS = "CRM_MAIL_GUI_PROBE_PORTS"
MIN_STEP_TIMEOUT = 0.2
DEADLINE_SLACK = 0.1  # s: a step timing out this close to the deadline was ended by it


def probe_ports() -> dict[int, int]:
    """The test seam's port map {465: P1, 587: P2} (empty when CRM_MAIL_GUI_PROBE_PORTS is unset)."""
    value = os.environ.get(ENV_PROBE_PORTS, "").strip()
    mapping: dict[int, int] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        real, _, local = item.partition(":")
        if not (real.isdigit() and local.isdigit()):
            raise ValueError(f"{ENV_PROBE_PORTS} must look like 465:P1,587:P2, not {value!r}")
        mapping[int(real)] = int(local)
    return mapping


def _failed(
    failure: Failure, deadline_at: float, deadline_hit: CancelToken | None
) -> tuple[bool, str] | None:
    """(reachable, reason) of a probe the server failed; None when it was stopped instead."""
    if failure.kind is Kind.CANCELLED:
        return None
    if failure.kind is Kind.TIMED_OUT and time.monotonic() >= deadline_at - DEADLINE_SLACK:
        # its step ran out of the time the deadline left it: the deadline ended it, even when
        # the step's own timer fired a moment before the detection's
        if deadline_hit is not None:
            deadline_hit.cancel()
        return None
    reachable = failure.kind not in (
        Kind.HOST_NOT_FOUND,
        Kind.CONNECTION_REFUSED,
        Kind.UNREACHABLE,
    ) and not (failure.kind is Kind.TIMED_OUT and failure.step is Step.CONNECT)
    reason = failure.message()
    hint = failure.hint()
    return reachable, f"{reason} {hint}".strip() if hint else reason


def probe(
    candidate: Candidate,
    *,
    deadline_at: float,
    cancel: CancelToken,
    ca_file: str | None = None,
    deadline_hit: CancelToken | None = None,
) -> Probe:
    """Probe `candidate` until `deadline_at` (monotonic); never raises.

    `cancel` ends it at once; when `deadline_hit` is cancelled too, the deadline was the cause
    and the reason says so.
    """
    from crm_mail_gui.core.delivery import probe_server
    from crm_mail_gui.core.settings import MailSettings

    started = time.monotonic()
    port = probe_ports().get(candidate.port, candidate.port)

    def result(reachable: bool, reason: str, **fields: object) -> Probe:
        fields.setdefault("tls_verified", False)
        fields.setdefault("ehlo", False)
        return Probe(
            reachable=reachable,
            reason=printable(reason, 300),
            seconds=round(time.monotonic() - started, 3),
            **fields,  # type: ignore[arg-type]
        )

    def stopped() -> Probe:
        if deadline_hit is not None and deadline_hit.cancelled:
            return result(False, i18n.text("discovery.probe_deadline"))
        return result(False, i18n.text("discovery.probe_cancelled"))

    shown = unicode_domain(candidate.host)
    try:
        infos = address_infos(candidate.host, port, deadline_at, cancel)
    except Cancelled:
        return stopped()
    except LookupFailed:
        if cancel.cancelled:
            return stopped()
        return result(False, i18n.text("discovery.probe_dns_timeout", host=shown))
    except (OSError, UnicodeError):
        return result(False, i18n.text("discovery.probe_no_host", host=shown))
    timeout = max(MIN_STEP_TIMEOUT, deadline_at - time.monotonic())
    server = ServerAddress(
        AddressSecurity(candidate.security.value), candidate.host, candidate.port
    )
    settings = MailSettings(server=server, auth=False, timeout=timeout, ca_file=ca_file)
    try:
        offer = probe_server(settings, infos, cancel)
    except DeliveryError as error:
        failed = _failed(error.failure, deadline_at, deadline_hit)
        return stopped() if failed is None else result(*failed)
    mechanisms = offer.auth_mechanisms
    tls_verified = candidate.security is not Security.PLAIN
    reason = ""
    if not tls_verified:
        reason = i18n.text("discovery.probe_plain")
    elif not mechanisms:
        reason = i18n.text("discovery.probe_no_auth")
    return result(True, reason, tls_verified=tls_verified, ehlo=True, auth_mechanisms=mechanisms)


def describe(probe_result: Probe | None, lang: str | None = None) -> str:
    """One line for the list: "TLS ✓, AUTH PLAIN LOGIN", or why it is not verified."""
    if probe_result is None:
        return i18n.text("discovery.probe_pending", lang)
    if probe_result.verified:
        return i18n.text(
            "discovery.probe_ok", lang, mechanisms=" ".join(probe_result.auth_mechanisms)
        )
    return probe_result.reason
