"""Process start to window shown: our window and our command against a bare PySide6 QLabel.

Every round starts, in rotating order, a bare `QApplication` + one `QLabel`, our window built by
`create_main_window` (as tests build it) and the real `crm-mail-gui` command (arguments, logging,
QApplication, window). First-run starts open the edit form; `--configured` starts with stored
settings, where the window opens on the summary. The label says something in the same language,
so that each side loads the same fonts.
"""

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # crm_mail_gui, uninstalled
CHILD = Path(__file__).resolve().parent / "_startup_child.py"
CHILD_LIMIT = 30.0  # seconds before a child that never reports is killed
MODES = ("bare", "window", "command")
STORED = {
    "server": "tls://smtp.example.co.jp:587",
    "user": "crm@example.co.jp",
    "from": "crm@example.co.jp",
}


def launch(mode: str, config_dir: str, lang: str, log_dir: str) -> tuple[float, int, bool]:
    """Seconds until the child printed "shown", its peak RSS in KiB, and whether it was exposed."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
        "CRM_MAIL_GUI_LOG_DIR": log_dir,
    }
    command = [sys.executable, str(CHILD), mode, config_dir, lang]
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
    rest = child.stdout.read()  # the "rss" line; readline() may have buffered it already
    parts = line.split()
    rss = [int(r.split()[1]) for r in rest.splitlines() if r.startswith("rss ")]
    if len(parts) != 2 or parts[0] != "shown" or not rss:
        raise RuntimeError(f"{mode} child did not report (exit {child.returncode}): {line!r}")
    return elapsed, rss[0], parts[1] == "exposed"


def main() -> int:
    """Run the children in rotating order; print medians, ratios and our peak RSS."""
    from crm_mail_gui.core.settings import build_settings
    from crm_mail_gui.core.store import Store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="measured rounds (default 9)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured rounds (default 1)")
    parser.add_argument("--lang", choices=("ja", "en"), default="ja", help="window language")
    parser.add_argument(
        "--configured", action="store_true", help="start with stored settings (summary view)"
    )
    args = parser.parse_args()
    # An installed app has its bytecode compiled (pip does it at install time); a checkout run
    # with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start.
    compileall.compile_dir(str(ROOT / "crm_mail_gui"), quiet=1)

    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    ratios: dict[str, list[float]] = {"window": [], "command": []}
    rss: dict[str, list[int]] = {mode: [] for mode in MODES}
    not_exposed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.warmup + args.runs):
            shift = number % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                config_dir = tempfile.mkdtemp(dir=tmp)  # a fresh config folder each time
                if args.configured:  # the file only: passwords live in each child's keyring
                    Store(config_dir).save(build_settings(STORED))
                seconds, rss_kib, exposed = launch(mode, config_dir, args.lang, tmp)
                not_exposed += not exposed
                if number >= args.warmup:
                    times[mode].append(seconds)
                    rss[mode].append(rss_kib)
            if number >= args.warmup:
                for mode in ratios:  # within one round: robust against slow phases of the machine
                    ratios[mode].append(times[mode][-1] / times["bare"][-1])

    start = "stored settings (summary)" if args.configured else "first run (edit form)"
    print(f"{args.runs} rounds (+{args.warmup} warm-up), {start}, --lang {args.lang}, offscreen")
    print(f"{'':8} {'median ms':>10} {'min ms':>10} {'max ms':>10} {'peak RSS MB':>12}")
    for mode in MODES:
        values = times[mode]
        print(
            f"{mode:8} {statistics.median(values) * 1000:10.0f} {min(values) * 1000:10.0f}"
            f" {max(values) * 1000:10.0f} {max(rss[mode]) / 1024:12.1f}"
        )
    if not_exposed:
        print(f"warning: {not_exposed} children reported before the window was exposed")
    bare = statistics.median(times["bare"])
    for mode in ratios:
        print(f"{mode}: median of per-round ratios {statistics.median(ratios[mode]):.2f}")
    print(f"window startup ratio: {statistics.median(times['window']) / bare:.2f}")
    print(f"peak RSS: {max(rss['command']) / 1024:.0f} MB (target ≤ 150)")
    print(f"startup ratio: {statistics.median(times['command']) / bare:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
