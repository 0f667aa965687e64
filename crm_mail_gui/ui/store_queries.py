"""Questions to the credential store on daemon threads; their answers handled on the GUI thread."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

POLL_MS = 15  # how often the GUI thread collects answers while a question is open


class StoreQueries:
    """Runs each question on its own daemon thread; `then(answer)` runs later on the GUI thread.

    The rule that keeps this crash-free: a question's thread touches no Qt object and holds no
    reference to a widget. It only puts (token, answer) on a queue, which a GUI-thread timer
    empties while questions are open. (Emitting a signal from a Python thread races with the
    window's destruction at close, and a thread that holds the last reference to a widget
    destroys it off the GUI thread.) A store that hangs keeps only its own thread waiting.
    `question` must therefore not capture the window: pass the store, the settings, the values.
    """

    def __init__(self, parent: QObject) -> None:
        self._answers: queue.SimpleQueue[tuple[int, object]] = queue.SimpleQueue()
        self._waiting: dict[int, Callable[[object], None]] = {}
        self._tokens = itertools.count()
        self._timer = QTimer(parent)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)
        self._closed = False

    def ask(
        self,
        question: Callable[[], object],
        then: Callable[[object], None],
        name: str = "credential-store-query",
    ) -> threading.Thread:
        """Start `question` on a thread; `then` gets its result, or the exception it raised."""
        token = next(self._tokens)
        self._waiting[token] = then
        answers = self._answers

        def run() -> None:
            try:
                answer: object = question()
            except Exception as error:  # handed to `then`, which decides
                answer = error
            answers.put((token, answer))

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        if not self._closed:
            self._timer.start()
        return thread

    def close(self) -> None:
        """Answers that arrive from now on are dropped; no `then` runs any more."""
        self._closed = True
        self._waiting.clear()
        self._timer.stop()

    def _collect(self) -> None:
        while True:
            try:
                token, answer = self._answers.get_nowait()
            except queue.Empty:
                break
            then = self._waiting.pop(token, None)
            if then is not None and not self._closed:
                then(answer)
        if not self._waiting:
            self._timer.stop()
