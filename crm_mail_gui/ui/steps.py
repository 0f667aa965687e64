"""The live step list shown while a test runs: 接続 → TLS → 認証 → 送信, each with ✓ or ✗."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from crm_mail_gui.core.address import Security
from crm_mail_gui.ui import accessibility, theme
from crm_mail_gui.ui.qt_props import set_enum
from crm_mail_gui.ui.translations import fill

# Display stages and the core steps each one covers.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("StepList", "Connect"), ("resolve", "connect")),
    (QT_TRANSLATE_NOOP("StepList", "TLS"), ("tls", "starttls")),
    (QT_TRANSLATE_NOOP("StepList", "Authenticate"), ("auth",)),
    (QT_TRANSLATE_NOOP("StepList", "Send"), ("mail", "rcpt", "data")),
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
COLORS = {  # names of ui.theme colours
    StepState.PENDING: "pending",
    StepState.RUNNING: "running",
    StepState.OK: "success",
    StepState.FAIL: "error",
    StepState.SKIPPED: "pending",
}


class StepList(QWidget):
    """A row of stage labels that follow the worker's progress signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepList")
        accessibility.set_role(self, "List")  # its items: "接続: 完了" (accessibility)
        self.setAccessibleName(self.tr("Test steps"))
        self.labels: list[QLabel] = []
        self.states: list[StepState] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, _ in enumerate(STAGES):
            label = QLabel()
            label.setObjectName(f"step{index}")
            set_enum(label, "textFormat", "PlainText")
            accessibility.set_role(label, "ListItem")
            self.labels.append(label)
            self.states.append(StepState.PENDING)
            if index:
                arrow = QLabel("→")
                theme.set_style(arrow, "color: {pending};")
                accessibility.set_role(arrow, "Separator")
                layout.addWidget(arrow)
            layout.addWidget(label)
        layout.addStretch(1)

    def _name(self, index: int) -> str:
        return QCoreApplication.translate("StepList", STAGES[index][0])

    def reset(self, security: Security, auth: bool) -> None:
        """Set every stage pending (or skipped when it does not apply)."""
        for index, (_, steps) in enumerate(STAGES):
            skip = ("tls" in steps and security is Security.PLAIN) or ("auth" in steps and not auth)
            self._set(index, StepState.SKIPPED if skip else StepState.PENDING)

    def update_step(self, step: str, state: str) -> None:
        """Apply one progress report from the worker."""
        for index, (_, steps) in enumerate(STAGES):
            if step not in steps:
                continue
            if state == "start":
                self._set(index, StepState.RUNNING)
            elif state == "fail":
                self._set(index, StepState.FAIL)
            elif state == "ok" and (step == steps[-1] or step == "tls"):
                self._set(index, StepState.OK)

    def finish(self, sent: bool) -> None:
        """Mark the last stage done after success (a check without sending skips it)."""
        last = len(STAGES) - 1
        self._set(last, StepState.OK if sent else StepState.SKIPPED)

    def state_text(self) -> str:
        """The stages as text, e.g. "接続 ✓ → TLS ✓ → 認証 ✗ → 送信 ○" (for tests and a11y)."""
        return " → ".join(f"{self._name(i)} {MARKS[s]}" for i, s in enumerate(self.states))

    def _set(self, index: int, state: StepState) -> None:
        self.states[index] = state
        label = self.labels[index]
        label.setText(f"{MARKS[state]} {self._name(index)}")
        state_name = QCoreApplication.translate("StepList", STATE_NAMES[state])
        label.setAccessibleName(fill(self.tr("%1: %2"), self._name(index), state_name))
        weight = "bold" if state is StepState.RUNNING else "normal"
        theme.set_style(label, f"color: {{{COLORS[state]}}}; font-weight: {weight};")
