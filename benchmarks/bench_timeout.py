"""How long a send to a server that never answers takes to fail with "timed out" (timeout 2 s)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # smtp_servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled

from fakes.smtp_servers import DEFAULT_USERS, FaultServer

from crm_mail_gui.core.delivery import deliver
from crm_mail_gui.core.errors import DeliveryError, Kind
from crm_mail_gui.core.settings import build_settings

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))


def one_run(port: int, timeout: float) -> tuple[float, str]:
    """Seconds from deliver() to its DeliveryError, and the failure kind (or "no error")."""
    settings = build_settings(
        {"server": f"tls://127.0.0.1:{port}", "user": USER, "from": USER, "timeout": timeout}
    )
    started = time.perf_counter()
    try:
        deliver(settings, PASSWORD)
    except DeliveryError as error:
        return time.perf_counter() - started, error.failure.kind.value
    return time.perf_counter() - started, "no error"


def main() -> int:
    """Run the timeouts and print each, then min/max/spread."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="timed runs (default 10)")
    parser.add_argument("--timeout", type=float, default=2.0, help="per-step timeout, s")
    args = parser.parse_args()

    results: list[tuple[float, str]] = []
    with FaultServer(None, "silent") as server:
        for _ in range(args.runs):
            results.append(one_run(server.port, args.timeout))

    print(f"FaultServer 'silent' (greeting never sent), timeout {args.timeout:g} s")
    print(f"{'run':>4} {'seconds':>9}  kind")
    for number, (seconds, kind) in enumerate(results, 1):
        print(f"{number:4} {seconds:9.3f}  {kind}")
    times = [seconds for seconds, _ in results]
    wrong = [kind for _, kind in results if kind != Kind.TIMED_OUT.value]
    low, high = min(times), max(times)
    print(
        f"min {low:.3f} s, median {statistics.median(times):.3f} s, max {high:.3f} s, "
        f"spread {(high - low) * 1000:.0f} ms"
    )
    if wrong:
        print(f"unexpected outcomes: {', '.join(wrong)}")
    print(f"timeout spread: min {low:.2f} s, max {high:.2f} s (target 2.0–3.0)")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
