"""The command line's detection: `detect ADDRESS [--json] [--no-ispdb]` and `set --detect ADDRESS`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from crm_mail_gui.core import i18n
from crm_mail_gui.core.exit_codes import ExitCode
from crm_mail_gui.core.printable import printable

if TYPE_CHECKING:
    from crm_mail_gui.core.discovery import Detection, Ranked
    from crm_mail_gui.core.discovery.model import Candidate


def _t(key: str, **params: object) -> str:
    """A discovery catalogue text in the language in force."""
    return i18n.text(f"discovery.{key}", **params)


def run_detection(address: str, args: argparse.Namespace) -> Detection | int:
    """Detect with the options of `args`; an invalid address prints why and gives exit code 2."""
    from crm_mail_gui.core.discovery import InvalidAddress, detect

    try:
        return detect(
            address,
            ispdb=not getattr(args, "no_ispdb", False),
            allow_http=getattr(args, "allow_http", False),
            deadline=max(1.0, min(60.0, getattr(args, "deadline", 10.0) or 10.0)),
            ca_file=getattr(args, "ca_file", None) or None,
        )
    except InvalidAddress as error:
        print(printable(error.message()), file=sys.stderr)
        return ExitCode.INVALID
    except ValueError as error:  # a malformed test seam (CRM_MAIL_GUI_DNS_SERVER, ...)
        print(printable(str(error)), file=sys.stderr)
        return ExitCode.INVALID


def _row(entry: Ranked, domain: str) -> list[str]:
    """The lines of one candidate: mark, server, sources, provider, probe; a foreign warning."""
    from crm_mail_gui.core.discovery.probe import describe

    candidate = entry.candidate
    verified = entry.probe is not None and entry.probe.verified
    sources = ", ".join(source.value for source in entry.sources)
    provider = f"  {printable(candidate.provider, 60)}" if candidate.provider else ""
    lines = [
        f"{'✓' if verified else '✗'} {printable(candidate.server, 120)}  [{sources}]{provider}  "
        f"{printable(describe(entry.probe), 300)}"
    ]
    if candidate.foreign:
        lines.append("  ⚠ " + _foreign_text(candidate, domain))
    return lines


def to_json(detection: Detection) -> dict[str, object]:
    """The JSON form of a detection (every text escaped as for the terminal)."""
    best = detection.best
    return {
        "address": detection.address,
        "domain": detection.domain,
        "best": best.candidate.server if best else None,
        "timed_out": detection.timed_out,
        "candidates": [
            {
                "server": printable(r.candidate.server, 120),
                "sources": [source.value for source in r.sources],
                "origin": printable(r.candidate.origin, 120),
                "provider": printable(r.candidate.provider or "", 80) or None,
                "preset": r.candidate.preset_id,
                "username": printable(r.candidate.username, 120) if r.candidate.username else None,
                "auth": [printable(a, 40) for a in r.candidate.auth],
                "foreign": r.candidate.foreign,
                "verified": bool(r.probe and r.probe.verified),
                "tls_verified": bool(r.probe and r.probe.tls_verified),
                "auth_mechanisms": list(r.probe.auth_mechanisms) if r.probe else [],
                "reason": printable(r.probe.reason, 300) if r.probe else "",
            }
            for r in detection.ranked
        ],
        "sources": [
            {
                "source": event.source.value,
                "label": printable(event.label, 120),
                "status": event.status.value,
                "detail": printable(event.detail, 300),
            }
            for event in detection.sources
        ],
    }


def cmd_detect(_store: object, args: argparse.Namespace) -> int:
    """Print the ranked candidates with source and probe result; 0 if one is verified, else 3."""
    detection = run_detection(args.address, args)
    if isinstance(detection, int):
        return detection
    if args.json:
        print(json.dumps(to_json(detection), ensure_ascii=False, indent=2))
    else:
        print(_t("cli_header", address=printable(detection.address, 200)))
        for entry in detection.ranked:
            print("\n".join(_row(entry, detection.domain)))
        print(_t("cli_sources"))
        for event in detection.sources:
            detail = printable(event.detail or event.status.value, 300)
            print(f"  {printable(event.label, 120)}: {detail}")
    if detection.best is None:
        print(_t("cli_none", address=printable(detection.address, 200)), file=sys.stderr)
        return ExitCode.NETWORK
    return ExitCode.OK


def fill_from_detection(values: dict[str, object], args: argparse.Namespace) -> int | None:
    """For `set --detect ADDRESS`: put the best candidate's server, user and auth into `values`.

    Options given on the command line win. Returns an exit code when nothing can be used, or
    when the candidate's preset says the user name is not the address and --user is not given.
    """
    address = args.detect
    detection = run_detection(address, args)
    if isinstance(detection, int):
        return detection
    best = detection.best
    if best is None:
        for line in detection.tried:
            print(f"  {line}", file=sys.stderr)
        print(_t("cli_none", address=printable(detection.address, 200)), file=sys.stderr)
        return ExitCode.NETWORK
    candidate = best.candidate
    source = ", ".join(s.value for s in best.sources)
    print(_t("cli_using", server=printable(candidate.server, 120), source=source), file=sys.stderr)
    if getattr(args, "user", None) is None and _user_must_be_typed(candidate):
        return ExitCode.INVALID
    if candidate.foreign and getattr(args, "server", None) is None:
        # as the window asks first: no password goes to a stranger's server unless named
        print(_foreign_text(candidate, detection.domain), file=sys.stderr)
        print(_t("cli_foreign_refused", server=printable(candidate.server, 120)), file=sys.stderr)
        return ExitCode.INVALID
    _fill(values, args, candidate, detection.address)
    return None


def _fill(
    values: dict[str, object], args: argparse.Namespace, candidate: Candidate, address: str
) -> None:
    """The candidate's server, user and auth (and the address as From) where no option is given."""
    detected = {"user": candidate.username or address, "server": candidate.server, "auth": True}
    for key, value in detected.items():
        if getattr(args, key, None) is None:  # options given on the command line win
            values[key] = value
    if not values.get("from") and getattr(args, "from_addr", None) is None:
        values["from"] = address
    if candidate.auth == ("OAuth2",):
        print(_t("cli_oauth"), file=sys.stderr)


def _user_must_be_typed(candidate: Candidate) -> bool:
    """True, and says so, when the provider's user name is not the address (Yahoo! JAPAN)."""
    from crm_mail_gui.core.discovery.providers import user_to_type

    preset = user_to_type(candidate)
    if preset is None:
        return False
    hint = printable(preset.text("user_hint"), 200)
    name = printable(preset.text("name"), 100)
    print(_t("cli_user_needed", provider=name, hint=hint), file=sys.stderr)
    return True


def _foreign_text(candidate: Candidate, domain: str) -> str:
    """The server … is neither under `domain` nor a known provider's; where it came from."""
    return _t(
        "foreign",
        host=printable(candidate.host, 100),
        domain=printable(domain, 100),
        origin=printable(candidate.origin, 100),
    )
