"""Longest GUI-thread stall while our window sends through a slow STARTTLS server (0.5 s a reply).

Besides each gap between 10 ms ticks (the figure), it prints the GUI thread's own CPU time
between two ticks (`time.thread_time`): the work of our slots and paints, without the time the
thread waited for the machine or for the GIL. A gap is about 10 ms + that work + those waits; the
idle window's gaps in the same run show the machine's share.

For the longest gap it also prints the GUI thread's CPU and the whole process's CPU within it,
and any garbage collection that ran in it: a long gap with little CPU of ours was the machine; one
where the process ran but the GUI thread did not was another thread of ours holding the GIL.

The server (tests/fakes FaultServer, "slow") runs in a process of its own, as a user's server
does: in this process its Python threads would take the GIL from the GUI thread at every reply
and TLS handshake (a stall of the benchmark's making, up to 7 ms a tick).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # smtp_servers
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # crm_mail_gui, uninstalled
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts

from fakes.smtp_servers import DEFAULT_USERS
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from crm_mail_gui.core.credentials import MemoryKeyring
from crm_mail_gui.ui import MainWindow, create_main_window
from crm_mail_gui.ui.send_controller import SendController

USER, PASSWORD = next(iter(DEFAULT_USERS.items()))
TICK_MS = 10
SETTLE_S = 0.3  # ticks before the click, so the timer is running steadily
FIRST_CLICK_AFTER_S = 1.0  # nobody fills the form faster: the window's idle work is done by then
TAIL_S = 0.2  # ticks after the result appeared (the dialog's own first paint counts)
IDLE_S = 5.0  # the baseline: the window doing nothing for about as long as one send


@dataclass
class RunResult:
    """One send: the longest gap between GUI ticks, and the longest at each phase."""

    stall: float = 0.0
    stall_at: float = 0.0
    at_click: float = 0.0
    network: float = 0.0
    network_at: float = 0.0
    at_result: float = 0.0
    outcome: str = "deadline"
    duration: float = 0.0
    cpu: float = 0.0  # the GUI thread's longest CPU time between two ticks
    cpu_at: float = 0.0
    stall_cpu: float = 0.0  # the GUI thread's CPU time within the longest gap
    stall_process_cpu: float = 0.0  # the whole process's (all threads) within it
    stall_gc: float = 0.0  # garbage collection within it (any thread)
    ticks: list[float] = field(default_factory=list)
    cpu_ticks: list[float] = field(default_factory=list)
    process_ticks: list[float] = field(default_factory=list)


class GcWatch:
    """Every garbage collection of this process: (start, end, generation, thread name)."""

    def __init__(self) -> None:
        self.collections: list[tuple[float, float, int, str]] = []
        self._started: dict[int, float] = {}

    def __enter__(self) -> GcWatch:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        thread = threading.get_ident()
        if phase == "start":
            self._started[thread] = now
        elif thread in self._started:
            name = threading.current_thread().name
            self.collections.append((self._started.pop(thread), now, info["generation"], name))

    def within(self, start: float, end: float) -> list[tuple[float, float, int, str]]:
        """The collections that overlap the interval from `start` to `end`."""
        return [c for c in self.collections if c[0] < end and c[1] > start]


SERVER_CHILD = """
import sys
from fakes.smtp_servers import DEFAULT_USERS, FaultServer, TestCerts
certs = TestCerts(sys.argv[1])
with FaultServer(certs, "slow", delay=float(sys.argv[2]), users=DEFAULT_USERS) as server:
    print(server.port, certs.ca_file, flush=True)
    sys.stdin.read()  # until the benchmark closes it
"""


def start_server(directory: str, delay: float) -> tuple[subprocess.Popen[str], int, str]:
    """The slow server in a child process: (the process, its port, the CA file to trust)."""
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER_CHILD, directory, str(delay)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1] / "tests",
    )
    assert child.stdout is not None
    port, ca_file = child.stdout.readline().split()
    return child, int(port), ca_file


def fill_form(window: MainWindow, port: int, ca_file: str) -> None:
    """Type the settings of the local slow server into the edit form."""
    form = window.form
    form.serverEdit.setText(f"tls://127.0.0.1:{port}")
    form.userEdit.setText(USER)
    form.passwordEdit.setText(PASSWORD)
    form.fromEdit.setText(USER)
    form.advancedButton.setChecked(True)  # builds the advanced panel, as a click does
    form.ensure_advanced().caFileEdit.setText(ca_file)


def finished(window: MainWindow) -> str | None:
    """Return "success" or "error" once the send has ended, else None."""
    if window.success_dialog is not None:
        return "success"
    if window.errorBanner.isVisible():
        return "error"
    return None


def one_send(
    window: MainWindow,
    deadline_s: float,
    collections: GcWatch,
    profiler: cProfile.Profile | None = None,
) -> RunResult:
    """Click Save and record a 10 ms GUI tick until the result is shown; return the stall."""
    result = RunResult()
    loop = QEventLoop()
    clicked: list[float] = []
    done: list[float] = []

    def tick() -> None:
        now = time.perf_counter()
        result.ticks.append(now)
        result.cpu_ticks.append(time.thread_time())
        result.process_ticks.append(time.process_time())
        if clicked and not done:
            outcome = finished(window)
            if outcome:
                result.outcome = outcome
                done.append(now)
        if done and now - done[0] >= TAIL_S:
            loop.quit()

    def click() -> None:
        clicked.append(time.perf_counter())
        if profiler is not None:
            profiler.enable()
        try:
            window.form.saveButton.click()  # start_test runs here, on the GUI thread
        finally:
            if profiler is not None:
                profiler.disable()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(int(SETTLE_S * 1000), click)
    QTimer.singleShot(int((SETTLE_S + deadline_s) * 1000), loop.quit)
    loop.exec()
    timer.stop()
    if not clicked:
        return result
    start = clicked[0]
    end = done[0] + TAIL_S if done else result.ticks[-1]
    result.duration = (done[0] if done else end) - start
    points = [start, *(t for t in result.ticks if start < t <= end)]
    for (_, cpu_before), (after, cpu_after) in itertools.pairwise(
        zip(result.ticks, result.cpu_ticks, strict=True)
    ):
        if start < after <= end and cpu_after - cpu_before > result.cpu:
            result.cpu, result.cpu_at = cpu_after - cpu_before, after - start
    for index, (before, after) in enumerate(itertools.pairwise(points)):
        gap = after - before
        if gap > result.stall:
            result.stall, result.stall_at = gap, after - start
        if index == 0:
            result.at_click = gap  # start_test on the GUI thread, then the worker starts
        elif done and after >= done[0]:
            result.at_result = max(result.at_result, gap)  # result handler, dialog, repaint
        elif gap > result.network:
            result.network, result.network_at = gap, after - start
    stall_end = start + result.stall_at
    for index in range(1, len(result.ticks)):
        if result.ticks[index] == stall_end:  # the click's gap: from the tick before the click
            result.stall_cpu = result.cpu_ticks[index] - result.cpu_ticks[index - 1]
            result.stall_process_cpu = result.process_ticks[index] - result.process_ticks[index - 1]
            result.stall_gc = sum(
                min(end_, stall_end) - max(begin, stall_end - result.stall)
                for begin, end_, _, _ in collections.within(stall_end - result.stall, stall_end)
            )
    return result


def idle_stall(seconds: float) -> tuple[float, float]:
    """The baseline while the window does nothing: the longest gap between 10 ms ticks and the
    longest GUI-thread CPU time between two of them (s)."""
    ticks: list[tuple[float, float]] = []
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    pairs = list(itertools.pairwise(ticks))
    gap = max((after[0] - before[0] for before, after in pairs), default=0.0)
    cpu = max((after[1] - before[1] for before, after in pairs), default=0.0)
    return gap, cpu


def reset(window: MainWindow, port: int, ca_file: str) -> None:
    """Close the success dialog and go back to the form for the next send."""
    if window.success_dialog is not None:
        window.success_dialog.close()
        window.success_dialog.deleteLater()
        window.success_dialog = None
    window.errorBanner.clear()
    window.edit()
    fill_form(window, port, ca_file)


def profile_result_handler(profiler: cProfile.Profile) -> None:
    """Run the send controller's result handler (a GUI-thread slot) with the profiler enabled."""
    original = SendController._send_finished

    def profiled(self: SendController, result: object) -> None:
        profiler.enable()
        try:
            original(self, result)  # type: ignore[arg-type]
        finally:
            profiler.disable()

    SendController._send_finished = profiled  # type: ignore[method-assign]


def main() -> int:
    """Run the sends and print the stall of each and the longest."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="sends in one window (default 3)")
    parser.add_argument("--delay", type=float, default=0.5, help="server delay per reply, s")
    parser.add_argument(
        "--lang", choices=("en", "ja"), default="en", help="the window's language (default en)"
    )
    parser.add_argument("--deadline", type=float, default=30.0, help="give up a send after, s")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the GUI-thread work: the click (start_test) and the success handler",
    )
    args = parser.parse_args()
    profiler = cProfile.Profile()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    results: list[RunResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        config_dir = Path(tmp) / "config"
        server, port, ca_file = start_server(tmp, args.delay)
        try:
            window = create_main_window(config_dir, keyring_backend=MemoryKeyring(), lang=args.lang)
            window.show()
            shown = time.perf_counter()
            while time.perf_counter() - shown < FIRST_CLICK_AFTER_S:
                app.processEvents()
                time.sleep(0.01)
            baseline, baseline_cpu = idle_stall(IDLE_S)
            if args.profile:
                profile_result_handler(profiler)
            with GcWatch() as collections:
                for number in range(args.runs):
                    reset(window, port, ca_file)
                    app.processEvents()
                    if not window.form.saveButton.isEnabled():
                        print("the Save button is disabled: the form did not validate")
                        return 1
                    send = one_send(
                        window, args.deadline, collections, profiler if args.profile else None
                    )
                    results.append(send)
                    print(f"send {number + 1}: {send.outcome}", file=sys.stderr)
            window.shutdown()
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            server.communicate("")  # closes its stdin: the server stops

    print(
        f"FaultServer 'slow' ({args.delay:g} s before every reply), STARTTLS + AUTH, offscreen,"
        f" --lang {args.lang}"
    )
    print(
        f"{'send':>4} {'outcome':>8} {'duration s':>11} {'ticks':>6} {'longest ms':>11}"
        f" {'at s':>6} {'click ms':>9} {'network ms':>11} {'at s':>6} {'result ms':>10}"
        f" {'CPU ms':>7} {'at s':>6} | {'longest gap: GUI CPU':>20} {'process CPU':>11}"
        f" {'gc ms':>6}"
    )
    for number, r in enumerate(results, 1):
        print(
            f"{number:4} {r.outcome:>8} {r.duration:11.2f} {len(r.ticks):6}"
            f" {r.stall * 1000:11.1f} {r.stall_at:6.2f} {r.at_click * 1000:9.1f}"
            f" {r.network * 1000:11.1f} {r.network_at:6.2f} {r.at_result * 1000:10.1f}"
            f" {r.cpu * 1000:7.1f} {r.cpu_at:6.2f} | {r.stall_cpu * 1000:20.1f}"
            f" {r.stall_process_cpu * 1000:11.1f} {r.stall_gc * 1000:6.1f}"
        )
    print("(gaps between 10 ms GUI ticks, from the click to 0.2 s after the result appeared:")
    print(" click = first gap (start_test), result = gaps ending after the result showed,")
    print(" network = the longest gap in between, while the worker talks SMTP,")
    print(" CPU = the GUI thread's longest CPU time between two ticks: our slots and paints;")
    print(" longest gap: the CPU time of the GUI thread and of the process within it, and the")
    print(" time garbage collection ran in it)")
    ran = [c for c in collections.collections if c[0] >= results[0].ticks[0]] if results else []
    if ran:
        longest = max(ran, key=lambda c: c[1] - c[0])
        print(
            f"garbage collections during the sends: {len(ran)}, longest"
            f" {(longest[1] - longest[0]) * 1000:.1f} ms (generation {longest[2]}, {longest[3]})"
        )
    if args.profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    worst = max(r.stall for r in results)
    failed = [r for r in results if r.outcome != "success"]
    if failed:
        print(f"{len(failed)} sends did not succeed")
    print(f"longest GUI stall: {worst * 1000:.0f} ms (target ≤ 17, one frame at 60 Hz)")
    print(f"idle window, same run: {baseline * 1000:.0f} ms (the machine's own gaps, {IDLE_S:g} s)")
    print(
        f"GUI-thread CPU between two ticks: longest {max(r.cpu for r in results) * 1000:.1f} ms"
        f" (idle window: {baseline_cpu * 1000:.1f} ms; a frame leaves {17 - TICK_MS} ms of work)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
