"""Detection time against its longest chain of lookups, every local server adding 100 ms per answer.

One Xserver-like domain: MX -> sv1234.xserver.jp (an implicit-TLS and a STARTTLS FaultServer with
`delay` before every reply), the guesses (NXDOMAIN), SRV (no record), autoconfig (NXDOMAIN),
the ISPDB stand-in (HTTPS 404 after the delay; the MX's base domain is not asked, since the MX
table knows Xserver). All
from the local DNS server (tests/fakes/dns_server.py), which waits `delay` before every answer.
Each round runs detect(), then, in the same round, each chain it needs one step after the other
(MX lookup -> probe of each MX candidate) and takes the longest.
Then the deadline: with every server silent, detect() must answer within deadline + 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # fakes
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled

from fakes.dns_server import DnsServer
from fakes.https_server import WebServer
from fakes.smtp_servers import FaultServer, TestCerts

from crm_mail_gui.core.connection import CancelToken
from crm_mail_gui.core.discovery import Source, detect
from crm_mail_gui.core.discovery.lookup import lookup_mx, make_resolver
from crm_mail_gui.core.discovery.probe import probe
from crm_mail_gui.core.discovery.providers import mx_candidates

ADDRESS = "taro@bench.example.jp"
LOCAL = ["127.0.0.1"]


class BenchCerts(TestCerts):
    """The test CA, with the "good" certificate also valid for the benchmark's SMTP host."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self._good = self.ca.issue_cert("localhost", "127.0.0.1", "sv1234.xserver.jp")


class SlowWebServer(WebServer):
    """The detection tests' web server, waiting `answer_delay` before each answer."""

    answer_delay = 0.0

    def _handle(self, *args: object, **kwargs: object):  # type: ignore[override]
        time.sleep(self.answer_delay)
        return super()._handle(*args, **kwargs)  # type: ignore[arg-type]


def zones() -> dict:
    """The benchmark domain's records."""
    return {
        "bench.example.jp": {"MX": [(10, "sv1234.xserver.jp")]},
        "sv1234.xserver.jp": {"A": LOCAL},
        "ispdb.example.org": {"A": LOCAL},
    }


def chain_seconds(ca_file: str) -> float:
    """The longest single chain, each step after the other: MX lookup -> probe of a candidate.

    (The MX's base domain, xserver.jp, is not asked: the MX table knows the provider.)
    """
    longest = 0.0
    started = time.monotonic()
    records = lookup_mx(make_resolver(), "bench.example.jp", started + 10)
    mx_done = time.monotonic()
    found = mx_candidates(records[0].host, ADDRESS)
    assert found is not None
    for candidate in found[1]:
        begin = time.monotonic()
        result = probe(candidate, deadline_at=begin + 10, cancel=CancelToken(), ca_file=ca_file)
        assert result.verified, result
        longest = max(longest, mx_done - started + time.monotonic() - begin)
    return longest


def main() -> int:
    """Run the rounds, print each, the median ratio and the silent-deadline check."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="rounds not counted (default 1)")
    parser.add_argument("--delay", type=float, default=0.1, help="per answer, s (default 0.1)")
    parser.add_argument("--deadline", type=float, default=3.0, help="silent check's deadline")
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="bench-detection-")
    certs = BenchCerts(directory)
    ratios: list[float] = []
    print(f"every server adds {args.delay * 1000:.0f} ms to each answer")
    print(f"{'round':>5} {'detect s':>9} {'chain s':>8} {'ratio':>6}  best")
    with (
        DnsServer(zones(), delay=args.delay) as dns,
        FaultServer(certs, "ok", tls="ssl", delay=args.delay) as implicit,
        FaultServer(certs, "ok", tls="starttls", delay=args.delay) as starttls,
        SlowWebServer(certs) as web,
    ):
        web.answer_delay = args.delay
        for domain in ("bench.example.jp", "xserver.jp"):
            web.add("ispdb.example.org", f"/v1.1/{domain}", status=404)
        os.environ["CRM_MAIL_GUI_DNS_SERVER"] = dns.address
        os.environ["CRM_MAIL_GUI_PROBE_PORTS"] = f"465:{implicit.port},587:{starttls.port}"
        os.environ["CRM_MAIL_GUI_AUTOCONFIG_PORT"] = str(web.port)
        os.environ["CRM_MAIL_GUI_ISPDB_URL"] = f"https://ispdb.example.org:{web.port}/v1.1"
        for number in range(1 - args.warmup, args.runs + 1):
            started = time.monotonic()
            detection = detect(ADDRESS, deadline=10, ca_file=certs.ca_file)
            detect_s = time.monotonic() - started
            best = detection.best
            assert best is not None and best.sources == (Source.MX,), detection
            assert not detection.timed_out
            chain = chain_seconds(certs.ca_file)
            ratio = detect_s / chain
            if number > 0:
                ratios.append(ratio)
            shown = number if number > 0 else "warm"
            print(f"{shown:>5} {detect_s:9.3f} {chain:8.3f} {ratio:6.2f}  {best.candidate.server}")
        median = statistics.median(ratios)
        print(f"detection ratio: {median:.2f} (median; max {max(ratios):.2f}; target ≤ 1.5)")

    with DnsServer({}, silent=True) as silent:
        os.environ["CRM_MAIL_GUI_DNS_SERVER"] = silent.address
        started = time.monotonic()
        detection = detect(ADDRESS, deadline=args.deadline)
        total = time.monotonic() - started
    verdict = "ok" if total <= args.deadline + 1 else "TOO LATE"
    print(
        f"silent servers: answer after {total:.2f} s with deadline {args.deadline:g} s "
        f"(target ≤ {args.deadline + 1:g} s): {verdict}; timed_out={detection.timed_out}"
    )
    return 0 if median <= 1.5 and total <= args.deadline + 1 else 1


if __name__ == "__main__":
    sys.exit(main())
