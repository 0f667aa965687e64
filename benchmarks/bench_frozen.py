"""Frozen build figures: size of dist/crm-mail-gui vs a naive one-label PySide6 build, and start-up.

    python benchmarks/bench_frozen.py [--runs 5]

Builds both with PyInstaller into a temp folder (about 2 minutes on 2 cores), measures the
unpacked size and the .tar.gz size of each, then start-up to "window shown" of the frozen app
against the source install (same machine, same run, alternating). Last lines:
`size ratio: <ours/naive>` and `frozen startup ratio: <frozen/source>`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAIVE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("hello")
label.show()
sys.exit(app.exec())
"""


def build(args: list[str], work: Path) -> None:
    """Run PyInstaller quietly; raise on failure."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            *args,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def folder_size(folder: Path) -> int:
    """Bytes of all files below `folder`."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def tar_size(folder: Path, target: Path) -> int:
    """Bytes of a .tar.gz of `folder`."""
    with tarfile.open(target, "w:gz") as archive:
        archive.add(folder, arcname=folder.name)
    return target.stat().st_size


def time_to_shown(command: list[str], env: dict[str, str]) -> float:
    """Seconds from process start until it prints "shown"."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("shown"):
            elapsed = time.perf_counter() - start
            process.wait(timeout=30)
            return elapsed
    process.wait(timeout=30)
    raise RuntimeError(f"{command[0]} never showed its window")


def main() -> None:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        naive_script = work / "naive_label.py"
        naive_script.write_text(NAIVE, encoding="utf-8")
        build(["build.spec"], work / "ours")
        build(
            ["--onedir", "--name", "naive-label", "--specpath", str(work), str(naive_script)],
            work / "naive",
        )
        ours = work / "ours" / "dist" / "crm-mail-gui"
        naive = work / "naive" / "dist" / "naive-label"
        sizes = {
            "ours": (folder_size(ours), tar_size(ours, work / "ours.tar.gz")),
            "naive": (folder_size(naive), tar_size(naive, work / "naive.tar.gz")),
        }
        print(f"{'build':<8} {'unpacked MB':>12} {'tar.gz MB':>10}")
        for name, (unpacked, packed) in sizes.items():
            print(f"{name:<8} {unpacked / 1e6:>12.1f} {packed / 1e6:>10.1f}")

        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "CRM_MAIL_GUI_EXIT_WHEN_SHOWN": "1",
            "PYTHON_KEYRING_BACKEND": "crm_mail_gui.core.credentials.MemoryKeyring",
            "CRM_MAIL_GUI_CONFIG_DIR": str(work / "config"),
            "CRM_MAIL_GUI_LOG_DIR": str(work / "logs"),
            "PYTHONPATH": str(ROOT),
        }
        frozen_cmd = [str(ours / "crm-mail-gui"), "--lang", "ja"]
        source_cmd = [sys.executable, "-m", "crm_mail_gui", "--lang", "ja"]
        time_to_shown(frozen_cmd, env)  # warm the page cache for both
        time_to_shown(source_cmd, env)
        frozen, source = [], []
        for run in range(args.runs):
            order = [(frozen_cmd, frozen), (source_cmd, source)]
            for command, bucket in order if run % 2 == 0 else reversed(order):
                bucket.append(time_to_shown(command, env))
        print(
            f"start-up to window shown, median of {args.runs}: frozen {statistics.median(frozen):.3f} s,"
            f" source {statistics.median(source):.3f} s"
        )
        print(
            f"size ratio: {sizes['ours'][0] / sizes['naive'][0]:.2f} (unpacked), "
            f"{sizes['ours'][1] / sizes['naive'][1]:.2f} (tar.gz)"
        )
        print(f"frozen startup ratio: {statistics.median(frozen) / statistics.median(source):.2f}")


if __name__ == "__main__":
    main()
