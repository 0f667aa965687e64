"""Process start to window shown: our window and our command against a bare PySide6 QLabel.

Every round starts, in rotating order, a bare `QApplication` + one `QLabel`, our window built by
`create_main_window` (as tests build it) and the real `crm-mail-gui` command (arguments, logging,
QApplication, window). First-run starts open the edit form; `--configured` starts with stored
settings, where the window opens on the summary. The label says something in the same language,
so that each side loads the same fonts.

Two clocks: wall time from spawning the process until it printed "shown" (what a user waits for)
and the CPU time the process had used by then (`time.process_time()`, printed by the child; far
less sensitive to a busy or virtualised machine than wall time).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # crm_mail_gui, uninstalled
from crm_mail_gui import APP_NAME  # noqa: E402
from crm_mail_gui.core.store import ENV_CONFIG_DIR  # noqa: E402

CHILD = Path(__file__).resolve().parent / "_startup_child.py"
CHILD_LIMIT = 30.0  # seconds before a child that never reports is killed
MODES = ("bare", "window", "command")
STORED = {
    "server": "tls://smtp.example.co.jp:587",
    "user": "crm@example.co.jp",
    "from": "crm@example.co.jp",
}


@dataclass
class Start:
    """One measured start."""

    wall: float  # seconds from spawn to "shown"
    cpu: float  # CPU seconds the child had used when it printed "shown"
    rss_kib: int  # peak resident set size of the child
    exposed: bool


def _child_env(lang: str, log_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
        "XDG_STATE_HOME": log_dir,  # platformdirs puts the log under it, as on a user's PC
        "LANG": "ja_JP.UTF-8" if lang == "ja" else "en_US.UTF-8",  # as on such a system
    }
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "CRM_MAIL_GUI_LOG_DIR", ENV_CONFIG_DIR):
        env.pop(name, None)
    return env


def launch(mode: str, config_home: str, lang: str, log_dir: str) -> Start:
    """Start one child and read its report: "shown <exposed> cpu_ms=N", then "rss <KiB>"."""
    command = [sys.executable, str(CHILD), mode, config_home]
    env = _child_env(lang, log_dir)
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    line = ""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        if selector.select(CHILD_LIMIT):
            line = child.stdout.readline()
    wall = time.perf_counter() - started
    try:
        child.wait(CHILD_LIMIT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    rest = child.stdout.read()  # the "rss" line; readline() may have buffered it already
    parts = line.split()
    rss = [int(r.split()[1]) for r in rest.splitlines() if r.startswith("rss ")]
    if len(parts) != 3 or parts[0] != "shown" or not parts[2].startswith("cpu_ms=") or not rss:
        raise RuntimeError(f"{mode} child did not report (exit {child.returncode}): {line!r}")
    cpu = int(parts[2].removeprefix("cpu_ms=")) / 1000
    return Start(wall, cpu, rss[0], parts[1] == "exposed")


def count_instructions(mode: str, config_home: str, lang: str, log_dir: str) -> int:
    """Instructions the child executes until "shown", counted by valgrind (deterministic)."""
    env = {
        **_child_env(lang, log_dir),
        "STARTUP_CHILD_END_AT_SHOWN": "1",
    }
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/callgrind.out",
                sys.executable,
                str(CHILD),
                mode,
                config_home,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
    match = re.search(r"Collected : (\d+)", result.stderr)
    if not result.stdout.startswith("shown") or match is None:
        raise RuntimeError(f"{mode} under valgrind did not report: {result.stderr[-500:]}")
    return int(match.group(1))


def instructions(lang: str) -> int:
    """Print instruction counts (bare, first run, stored settings) and their ratios."""
    from crm_mail_gui.core.settings import build_settings
    from crm_mail_gui.core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        first, stored = tempfile.mkdtemp(dir=tmp), tempfile.mkdtemp(dir=tmp)
        Store(Path(stored) / APP_NAME).save(build_settings(STORED))
        bare = count_instructions("bare", first, lang, tmp)
        rows = {
            "command, first run": count_instructions("command", first, lang, tmp),
            "command, stored settings": count_instructions("command", stored, lang, tmp),
        }
    print(f"instructions until shown (valgrind --tool=callgrind), --lang {lang}")
    print(f"{'bare':26} {bare / 1e6:8.0f} M")
    for name, count in rows.items():
        print(f"{name:26} {count / 1e6:8.0f} M   ratio {count / bare:.2f}")
    return 0


def main() -> int:
    """Run the children in rotating order; print medians, ratios and our peak RSS."""
    from crm_mail_gui.core.settings import build_settings
    from crm_mail_gui.core.store import Store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="measured rounds (default 21)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured rounds (default 2)")
    parser.add_argument("--lang", choices=("ja", "en"), default="ja", help="window language")
    parser.add_argument(
        "--configured", action="store_true", help="start with stored settings (summary view)"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instead: count instructions until shown under valgrind (slow, noise-free)",
    )
    args = parser.parse_args()
    if args.instructions:
        compileall.compile_dir(str(ROOT / "crm_mail_gui"), quiet=1)
        return instructions(args.lang)
    # An installed app has its bytecode compiled (pip does it at install time); a checkout run
    # with PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start.
    compileall.compile_dir(str(ROOT / "crm_mail_gui"), quiet=1)

    starts: dict[str, list[Start]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(args.warmup + args.runs):
            shift = number % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                config_home = tempfile.mkdtemp(dir=tmp)  # a fresh config folder each time
                if args.configured:  # the file only: passwords live in each child's keyring
                    Store(Path(config_home) / APP_NAME).save(build_settings(STORED))
                start = launch(mode, config_home, args.lang, tmp)
                if number >= args.warmup:
                    starts[mode].append(start)

    def median(mode: str, clock: str) -> float:
        return statistics.median(getattr(s, clock) for s in starts[mode])

    def round_ratios(mode: str, clock: str) -> float:
        """Median of the per-round ratios: robust against slow phases of the machine."""
        pairs = zip(starts[mode], starts["bare"], strict=True)
        return statistics.median(getattr(a, clock) / getattr(b, clock) for a, b in pairs)

    start = "stored settings (summary)" if args.configured else "first run (edit form)"
    print(f"{args.runs} rounds (+{args.warmup} warm-up), {start}, --lang {args.lang}, offscreen")
    print(f"{'':8} {'wall ms':>8} {'min':>6} {'max':>6} {'CPU ms':>8} {'peak RSS MB':>12}")
    for mode in MODES:
        walls = [s.wall for s in starts[mode]]
        print(
            f"{mode:8} {median(mode, 'wall') * 1000:8.0f} {min(walls) * 1000:6.0f}"
            f" {max(walls) * 1000:6.0f} {median(mode, 'cpu') * 1000:8.0f}"
            f" {max(s.rss_kib for s in starts[mode]) / 1024:12.1f}"
        )
    not_exposed = sum(not s.exposed for mode in MODES for s in starts[mode])
    if not_exposed:
        print(f"warning: {not_exposed} children reported before the window was exposed")
    for mode in ("window", "command"):
        print(
            f"{mode}: wall ratio {median(mode, 'wall') / median('bare', 'wall'):.2f}"
            f" (per round {round_ratios(mode, 'wall'):.2f}),"
            f" CPU ratio {median(mode, 'cpu') / median('bare', 'cpu'):.2f}"
            f" (per round {round_ratios(mode, 'cpu'):.2f})"
        )
    print(f"peak RSS: {max(s.rss_kib for s in starts['command']) / 1024:.0f} MB (target ≤ 150)")
    print(f"startup ratio: {median('command', 'wall') / median('bare', 'wall'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
