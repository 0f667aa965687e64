"""The live step list shown while a test runs: 接続 → TLS → 認証 → 送信, each with ✓ or ✗."""

from __future__ import annotations

import time
from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from crm_mail_gui.core.address import Security
from crm_mail_gui.ui import accessibility, theme
from crm_mail_gui.ui.icons import Icon, pixmap
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.translations import fill

# Display stages and the core steps each one covers.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("StepList", "Connect"), ("resolve", "connect")),
    (QT_TRANSLATE_NOOP("StepList", "TLS"), ("tls", "starttls")),
    (QT_TRANSLATE_NOOP("StepList", "Authenticate"), ("auth",)),
    (QT_TRANSLATE_NOOP("StepList", "Send"), ("mail", "rcpt", "data")),
)
# What a running stage says, with the time its step has taken: "接続中… 6 / 20 秒".
RUNNING_NAMES = (
    QT_TRANSLATE_NOOP("StepList", "Connecting…"),
    QT_TRANSLATE_NOOP("StepList", "Starting TLS…"),
    QT_TRANSLATE_NOOP("StepList", "Authenticating…"),
    QT_TRANSLATE_NOOP("StepList", "Sending…"),
)


# What a screen reader says after a stage's name, e.g. "接続: 完了" (see StepList._set).
STATE_NAMES = {
    "pending": QT_TRANSLATE_NOOP("StepList", "not yet run"),
    "running": QT_TRANSLATE_NOOP("StepList", "running"),
    "ok": QT_TRANSLATE_NOOP("StepList", "done"),
    "fail": QT_TRANSLATE_NOOP("StepList", "failed"),
    "skipped": QT_TRANSLATE_NOOP("StepList", "skipped"),
}


class StepState(StrEnum):
    """Where a stage of the test stands."""

    PENDING = "pending"
    RUNNING = "running"
    OK = "ok"
    FAIL = "fail"
    SKIPPED = "skipped"


MARKS = {
    StepState.PENDING: "○",
    StepState.RUNNING: "…",
    StepState.OK: "✓",
    StepState.FAIL: "✗",
    StepState.SKIPPED: "–",
}
ICONS = {
    StepState.PENDING: Icon.PENDING,
    StepState.RUNNING: Icon.RUNNING,
    StepState.OK: Icon.SUCCESS,
    StepState.FAIL: Icon.ERROR,
    StepState.SKIPPED: Icon.SKIPPED,
}
COLORS = {  # names of ui.theme colours
    StepState.PENDING: "pending",
    StepState.RUNNING: "running",
    StepState.OK: "success",
    StepState.FAIL: "error",
    StepState.SKIPPED: "pending",
}


class StepList(QWidget):
    """A row of stage labels that follow the worker's progress signals.

    The running stage shows the seconds its step has taken against the timeout, once a second.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepList")
        accessibility.set_role(self, "List")  # its items: "接続: 完了" (accessibility)
        self.setAccessibleName(self.tr("Test steps"))
        self.labels: list[QLabel] = []
        self.icons: list[QLabel] = []
        self.arrows: list[QLabel] = []
        self.items: list[QWidget] = []
        self.states: list[StepState] = []
        self.timeout: float | None = None  # seconds per step of the running test
        self._step_started = 0.0  # time.monotonic() when the running step began
        self._ticker: QTimer | None = None  # one label update a second while a step runs
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, _ in enumerate(STAGES):
            label = QLabel()
            label.setObjectName(f"step{index}")
            set_enum(label, "textFormat", "PlainText")
            icon = QLabel()
            icon.setObjectName(f"step{index}Icon")
            item = QWidget()  # one list item: the state icon and the name, read as "接続: 完了"
            item.setObjectName(f"step{index}Item")
            accessibility.set_role(item, "ListItem")
            row = QHBoxLayout(item)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            row.addWidget(icon)
            row.addWidget(label)
            self.items.append(item)
            self.labels.append(label)
            self.icons.append(icon)
            self.states.append(StepState.PENDING)
            if index:
                arrow = QLabel("→")  # coloured by reset(), before it is first shown
                accessibility.set_role(arrow, "Separator")
                self.arrows.append(arrow)
                layout.addWidget(arrow)
            layout.addWidget(item)
        layout.addStretch(1)

    def _name(self, index: int) -> str:
        return QCoreApplication.translate("StepList", STAGES[index][0])

    def reset(self, security: Security, auth: bool, timeout: float | None = None) -> None:
        """Set every stage pending (or skipped when it does not apply); `timeout` per step."""
        for arrow in self.arrows:  # a style sheet costs even hidden: not before the first paint
            theme.set_style(arrow, "color: {pending};")
        self.timeout = timeout
        for index, (_, steps) in enumerate(STAGES):
            skip = ("tls" in steps and security is Security.PLAIN) or ("auth" in steps and not auth)
            self._set(index, StepState.SKIPPED if skip else StepState.PENDING)

    def update_step(self, step: str, state: str) -> None:
        """Apply one progress report from the worker."""
        for index, (_, steps) in enumerate(STAGES):
            if step not in steps:
                continue
            if state == "start":
                self._step_started = time.monotonic()  # the timeout applies to each step
                self._set(index, StepState.RUNNING)
            elif state == "fail":
                self._set(index, StepState.FAIL)
            elif state == "ok" and (step == steps[-1] or step == "tls"):
                self._set(index, StepState.OK)

    def finish(self, sent: bool) -> None:
        """Mark the last stage done after success (a check without sending skips it)."""
        last = len(STAGES) - 1
        self._set(last, StepState.OK if sent else StepState.SKIPPED)

    def stop(self) -> None:
        """The test ended without a report for the running stage (cancelled): it is not running."""
        for index, state in enumerate(self.states):
            if state is StepState.RUNNING:
                self._set(index, StepState.PENDING)
        if self._ticker is not None:
            self._ticker.stop()

    def elapsed(self) -> int:
        """Whole seconds the running step has taken."""
        return int(time.monotonic() - self._step_started)

    def _follow_time(self, running: bool) -> None:
        """Tick while a stage runs; the timer is made by the first test, not at start-up."""
        if running and self._ticker is None:
            self._ticker = QTimer(self)
            self._ticker.setInterval(1000)
            self._ticker.timeout.connect(self._tick)
        if running and self._ticker is not None and not self._ticker.isActive():
            self._ticker.start()
        elif not running and self._ticker is not None and StepState.RUNNING not in self.states:
            self._ticker.stop()

    def _tick(self) -> None:
        for index, state in enumerate(self.states):
            if state is StepState.RUNNING:
                self.labels[index].setText(self._running_text(index))

    def _running_text(self, index: int) -> str:
        name = QCoreApplication.translate("StepList", RUNNING_NAMES[index])
        if not self.timeout:
            return name  # the running icon beside it says it runs
        return fill(
            QCoreApplication.translate("StepList", "%1 %2 / %3 s"),
            name,
            str(self.elapsed()),
            f"{self.timeout:g}",
        )

    def state_text(self) -> str:
        """The stages as text, e.g. "接続 ✓ → TLS ✓ → 認証 ✗ → 送信 ○" (for tests and a11y)."""
        return " → ".join(f"{self._name(i)} {MARKS[s]}" for i, s in enumerate(self.states))

    def _set(self, index: int, state: StepState) -> None:
        self.states[index] = state
        label = self.labels[index]
        running = state is StepState.RUNNING
        # the state shows as the icon beside the name (ui.icons)
        label.setText(self._running_text(index) if running else self._name(index))
        size = label.fontMetrics().height()
        self.icons[index].setPixmap(pixmap(ICONS[state], size, self.devicePixelRatioF()))
        self._follow_time(running)
        state_name = QCoreApplication.translate("StepList", STATE_NAMES[state])
        spoken = fill(self.tr("%1: %2"), self._name(index), state_name)
        label.setAccessibleName(spoken)
        self.items[index].setAccessibleName(spoken)
        weight = "bold" if state is StepState.RUNNING else "normal"
        theme.set_style(label, f"color: {{{COLORS[state]}}}; font-weight: {weight};")
