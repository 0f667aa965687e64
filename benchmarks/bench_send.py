"""Send the test mail through local STARTTLS + AUTH: our engine against bare smtplib, alternating."""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import logging
import pstats
import smtplib
import ssl
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # smtp_servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled

from fakes.smtp_servers import AioSMTPServer, TestCerts

from crm_mail_gui.core import tls
from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.message import build_test_message
from crm_mail_gui.core.settings import MailSettings, build_settings

USER, PASSWORD = "alice@example.com", "s3cret-パス"
# smtplib.login() encodes the password as ASCII, so the baseline logs in as an ASCII user.
BARE_USER, BARE_PASSWORD = "carol@example.com", "plain-ascii-pass"
RECIPIENT = "bob@example.org"


def p90(values: list[float]) -> float:
    """The 90th percentile (inclusive method; the maximum for fewer than two values)."""
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def make_settings(port: int, ca_file: str, user: str, timeout: float) -> MailSettings:
    """Settings for the local STARTTLS server, trusting the test CA."""
    values: dict[str, object] = {
        "server": f"tls://127.0.0.1:{port}",
        "user": user,
        "from": user,
        "to": RECIPIENT,
        "ca_file": ca_file,
        "timeout": timeout,
    }
    return build_settings(values)


def send_ours(settings: MailSettings) -> None:
    """Our engine: builds the test mail and runs the whole session."""
    deliver(settings, PASSWORD)


def send_bare(settings: MailSettings, port: int, ca_file: str, timeout: float) -> None:
    """smtplib: the same test mail (built the same way), STARTTLS, AUTH PLAIN, send, QUIT."""
    message = build_test_message(settings)
    with smtplib.SMTP("127.0.0.1", port, timeout=timeout) as smtp:
        smtp.starttls(context=ssl.create_default_context(cafile=ca_file))
        smtp.login(BARE_USER, BARE_PASSWORD)
        smtp.send_message(message)


def timed(action: Callable[[], None]) -> float:
    """Wall time of one call in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def preload_system_cas() -> None:
    """What-if for the report: one plain context per CA file, system CAs loaded once."""

    @functools.lru_cache(maxsize=8)
    def cached(
        ca_file: str | None, stamp: tuple[int, int] | None, check_hostname: bool
    ) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.check_hostname = check_hostname
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_default_certs()
        if ca_file:
            context.load_verify_locations(cafile=ca_file)
        return context

    tls._cached_context = cached  # type: ignore[assignment]


def profile_ours(settings: MailSettings, runs: int) -> None:
    """cProfile of `runs` sends through our engine; print the top entries by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        send_ours(settings)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def main() -> int:
    """Run the comparison and print the table and the median ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="measured rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured rounds (default 3)")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-step timeout, s")
    parser.add_argument("--profile", action="store_true", help="also cProfile our engine")
    parser.add_argument(
        "--preload-cas",
        action="store_true",
        help="what-if: patch core.tls to load the system CAs once per cached context",
    )
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd: login_data deprecation
    if args.preload_cas:
        preload_system_cas()

    with tempfile.TemporaryDirectory() as tmp:
        certs = TestCerts(tmp)
        users = {USER: PASSWORD, BARE_USER: BARE_PASSWORD}
        with AioSMTPServer(certs, mode="starttls", users=users) as server:
            ours = make_settings(server.port, certs.ca_file, USER, args.timeout)
            bare = make_settings(server.port, certs.ca_file, BARE_USER, args.timeout)
            actions: dict[str, Callable[[], None]] = {
                "ours": functools.partial(send_ours, ours),
                "bare": functools.partial(
                    send_bare, bare, server.port, certs.ca_file, args.timeout
                ),
            }
            times: dict[str, list[float]] = {"ours": [], "bare": []}
            ratios: list[float] = []
            for round_no in range(args.warmup + args.runs):
                order = ("ours", "bare") if round_no % 2 == 0 else ("bare", "ours")
                this = {name: timed(actions[name]) for name in order}
                if round_no >= args.warmup:
                    for name, seconds in this.items():
                        times[name].append(seconds)
                    ratios.append(this["ours"] / this["bare"])
            expected = 2 * (args.warmup + args.runs)
            if len(server.messages) != expected:
                print(f"server received {len(server.messages)} mails, expected {expected}")
                return 1
            if args.profile:
                profile_ours(ours, args.runs)

    print(f"{args.runs} rounds (+{args.warmup} warm-up), STARTTLS + AUTH PLAIN on 127.0.0.1")
    if args.preload_cas:
        print("what-if: core.tls patched to load the system CAs once (--preload-cas)")
    print(f"{'':6} {'median ms':>10} {'p90 ms':>10} {'min ms':>10} {'max ms':>10}")
    for name, values in times.items():
        print(
            f"{name:6} {statistics.median(values) * 1000:10.1f} {p90(values) * 1000:10.1f}"
            f" {min(values) * 1000:10.1f} {max(values) * 1000:10.1f}"
        )
    print(
        f"{'ratio':6} {statistics.median(ratios):10.2f} {p90(ratios):10.2f}"
        f" {min(ratios):10.2f} {max(ratios):10.2f}   (ours/bare per round; target <= 1.15)"
    )
    print(f"median ratio: {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
