"""Process start to window shown: our main window against a bare PySide6 QLabel, alternating."""

from __future__ import annotations

import argparse
import compileall
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # smtp_servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled

ROOT = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).resolve().parent / "_startup_child.py"
CHILD_LIMIT = 30.0  # seconds before a child that never reports is killed


def launch(mode: str, config_dir: str) -> tuple[float, int, bool]:
    """Seconds until the child printed "shown", its peak RSS in KiB, and whether it was exposed."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
    }
    command = [sys.executable, str(CHILD), mode, config_dir]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    line = ""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        if selector.select(CHILD_LIMIT):
            line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    try:
        child.wait(CHILD_LIMIT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    parts = line.split()
    if len(parts) != 3 or parts[0] != "shown":
        raise RuntimeError(f"{mode} child did not report (exit {child.returncode}): {line!r}")
    return elapsed, int(parts[1]), parts[2] == "exposed"


def main() -> int:
    """Run both children alternately and print medians, the ratio and our peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each")
    args = parser.parse_args()
    # An installed app has its bytecode compiled (pip does it at install time); a checkout run
    # with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start.
    compileall.compile_dir(str(ROOT / "crm_mail_gui"), quiet=1)

    times: dict[str, list[float]] = {"ours": [], "bare": []}
    rss: dict[str, list[int]] = {"ours": [], "bare": []}
    ratios: list[float] = []
    not_exposed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.warmup + args.runs):
            order = ("ours", "bare") if number % 2 == 0 else ("bare", "ours")
            this: dict[str, float] = {}
            for mode in order:
                config_dir = tempfile.mkdtemp(dir=tmp)  # a fresh first-run config each time
                seconds, rss_kib, exposed = launch(mode, config_dir)
                not_exposed += not exposed
                this[mode] = seconds
                if number >= args.warmup:
                    times[mode].append(seconds)
                    rss[mode].append(rss_kib)
            if number >= args.warmup:
                ratios.append(this["ours"] / this["bare"])

    print(f"{args.runs} runs each (+{args.warmup} warm-up), QT_QPA_PLATFORM=offscreen")
    print(f"{'':6} {'median ms':>10} {'min ms':>10} {'max ms':>10} {'peak RSS MB':>12}")
    for mode in ("ours", "bare"):
        values = times[mode]
        print(
            f"{mode:6} {statistics.median(values) * 1000:10.0f} {min(values) * 1000:10.0f}"
            f" {max(values) * 1000:10.0f} {max(rss[mode]) / 1024:12.1f}"
        )
    if not_exposed:
        print(f"warning: {not_exposed} children reported before the window was exposed")
    ratio = statistics.median(times["ours"]) / statistics.median(times["bare"])
    print(f"median of per-run ratios: {statistics.median(ratios):.2f}")
    print(f"peak RSS: {max(rss['ours']) / 1024:.0f} MB (target ≤ 150)")
    print(f"startup ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
