"""One job model for all work off the GUI thread: a `Job`, run by the window's `JobManager`.

Send, check, sign-in, sign-out, loading the credential store and every question to it are jobs.
The rules that keep this crash-free and hang-free (the GUI suite once died with "Fatal Python
error: Segmentation fault" while collecting garbage on the GUI thread, after a Python thread had
emitted signals carrying Python objects):

- `Job.prepare()` runs on the GUI thread and returns the job's `Task`: a plain callable that
  touches no Qt object and holds no widget (it captures values, the store, the settings). Only the
  task goes to a thread of the manager's `QThreadPool`; the `Job` (a QObject) stays on the GUI
  thread, so no thread ever holds the last reference to a Qt object.
- The task reports progress and its result by putting them on the manager's queue; a GUI-thread
  timer empties it and emits `Job.progress` and `Job.finished` there. Nothing is ever emitted from
  a pool thread, so nothing is emitted on an object that may be deleted concurrently.
- Exactly one `finished(result)` per job that is not dropped: whatever the task raises becomes
  `Crashed` (its type only: an exception text may carry a secret; tasks that can say more
  catch and redact themselves).
- `cancel(job)` sets the job's cancel token and drops the job: whatever it still reports (its
  stale generation) is never emitted. `shutdown()` cancels all and waits for the pool.
- Every secret a task needs is a `Secret`: a call that reads it on the pool thread.
- A task's Python holds the GIL in slices of `sys.getswitchinterval()`: the GUI thread's next
  slot waits up to one slice. With the first job the manager sets it to `GIL_SLICE_S`
  (process-wide, for good): at 5 ms, the default, the send's first Python (the test message and
  its checks) stretched the window's 10 ms ticks to 15-27 ms; at 1 ms, to 10-13 ms
  (bench_responsiveness.py, the gaps 25-90 ms after the click).
"""

from __future__ import annotations

import itertools
import queue
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from crm_mail_gui.core.records import record

if TYPE_CHECKING:
    from PySide6.QtCore import QThreadPool

    from crm_mail_gui.core.connection import CancelToken

POLL_MS = 15  # how often the GUI thread collects reports while a job runs
MAX_THREADS = 16  # a store that hangs keeps only its own thread; the others go on
GIL_SLICE_S = 0.001  # the longest a GUI-thread slot waits for the GIL while a task runs Python

Report = Callable[[object], None]
Task = Callable[["CancelToken", Report], object]
"""What runs on a pool thread: (cancel token, report) -> the result (or it raises)."""
Secret = Callable[[], "str | None"]
"""A secret handed to a task: read when called, on the task's thread."""


def secret_of(value: str | Secret | None) -> Secret:
    """The one kind of secret: a typed text (or nothing) as a call, a call as it is."""
    if callable(value):
        return value
    return lambda: value


@record
class Crashed:
    """The result of a task that raised: the exception's type (its text may carry a secret)."""

    text: str


class Job(QObject):
    """One piece of work: `prepare()` (GUI thread) builds the task that runs on the pool.

    Signals:
        progress(object): something the task reported, on the GUI thread.
        finished(object): the result (what the task returned, or Crashed), once, on the GUI thread.
    """

    progress = Signal(object)
    finished = Signal(object)

    def __init__(self, name: str) -> None:
        from crm_mail_gui.core.connection import CancelToken  # imports ssl: not at start-up

        super().__init__()
        self.name = name
        self.cancel_token = CancelToken()
        self.done = False  # True once finished was emitted (or the job was dropped)

    def prepare(self) -> Task:
        """Build the task; it must capture no Qt object (see the module's rules)."""
        raise NotImplementedError


class CallJob(Job):
    """A job around one call (a question to the credential store, a sign-out).

    Its result is what the call returned, or the Exception it raised (the caller decides).
    """

    def __init__(self, call: Callable[[], object], name: str = "credential-store") -> None:
        super().__init__(name)
        self._call: Callable[[], object] | None = call

    def prepare(self) -> Task:
        """The call, once: the job keeps no reference to it afterwards."""
        call, self._call = self._call, None
        assert call is not None, "a job is started once"

        def ask(_cancel: CancelToken, _report: Report) -> object:
            try:
                return call()
            except Exception as error:  # handed to the caller's slot, which decides
                return error

        return ask


def _run(
    task: Task, key: int, token: CancelToken, reports: queue.SimpleQueue
) -> Callable[[], None]:
    """The pool thread's function: run the task, put each report and the one result on the queue."""

    def run() -> None:
        try:
            result: object = task(token, lambda value: reports.put((key, False, value)))
        except BaseException as error:  # anything at all: the job still ends with one result
            result = Crashed(type(error).__name__)
        reports.put((key, True, result))

    return run


class JobManager:
    """Owns the threads of every job of one window and delivers their reports on the GUI thread.

    A plain class (its timer is a child of `parent`): no PySide6 type to set up at start-up.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        self._pool: QThreadPool | None = None  # with the first job: after the first paint
        self._reports: queue.SimpleQueue[tuple[int, bool, object]] = queue.SimpleQueue()
        self._open: dict[int, Job] = {}  # jobs whose reports are wanted
        self._keys = itertools.count()
        self._timer = QTimer(parent)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)
        self._closed = False
        self.running = 0  # tasks not yet ended (dropped ones included)

    def start(self, job: Job) -> Job:
        """Prepare `job` here and run its task on a pool thread; returns the job."""
        if self._closed:
            job.done = True
            return job
        task = job.prepare()
        key = next(self._keys)
        self._open[key] = job
        self.running += 1
        if self._pool is None:
            from PySide6.QtCore import QThreadPool

            sys.setswitchinterval(GIL_SLICE_S)  # see the module's docstring
            self._pool = QThreadPool()
            self._pool.setMaxThreadCount(MAX_THREADS)
        self._pool.start(_run(task, key, job.cancel_token, self._reports))
        self._timer.start()
        return job

    def cancel(self, job: Job) -> None:
        """Ask the job to stop and drop it: nothing it reports from now on is emitted."""
        job.cancel_token.cancel()
        job.done = True
        for key in [key for key, open_job in self._open.items() if open_job is job]:
            del self._open[key]

    def shutdown(self, milliseconds: int = 5000) -> bool:
        """Cancel every job and wait (bounded) until every task has ended."""
        self._closed = True
        for job in list(self._open.values()):
            self.cancel(job)
        self._timer.stop()
        ended = self._pool is None or self._pool.waitForDone(milliseconds)
        self._collect()  # counts the ended tasks; emits nothing any more
        return ended

    def _drain(self) -> list[tuple[int, bool, object]]:
        reports = []
        while True:
            try:
                reports.append(self._reports.get_nowait())
            except queue.Empty:
                return reports

    def _collect(self) -> None:
        for key, final, value in self._drain():
            if final:
                self.running -= 1
            job = self._open.get(key)
            if job is None or self._closed:
                continue  # a dropped (stale) job: its reports are not wanted
            if final:
                del self._open[key]
                job.done = True
                job.finished.emit(value)
            else:
                job.progress.emit(value)
        if self.running == 0:
            self._timer.stop()
