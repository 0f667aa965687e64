"""The live step list shown while a test runs: 接続 → TLS → 認証 → 送信, each with ✓ or ✗."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from crm_mail_gui.core.address import Security
from crm_mail_gui.ui.icons import Icon, pixmap
from crm_mail_gui.ui.qt_props import set_enum

# Display stages and the core steps each one covers.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (QT_TRANSLATE_NOOP("StepList", "Connect"), ("resolve", "connect")),
    (QT_TRANSLATE_NOOP("StepList", "TLS"), ("tls", "starttls")),
    (QT_TRANSLATE_NOOP("StepList", "Authenticate"), ("auth",)),
    (QT_TRANSLATE_NOOP("StepList", "Send"), ("mail", "rcpt", "data")),
)


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
COLORS = {
    StepState.PENDING: "#777",
    StepState.RUNNING: "#1565c0",
    StepState.OK: "#2e7d32",
    StepState.FAIL: "#c62828",
    StepState.SKIPPED: "#999",
}


class StepList(QWidget):
    """A row of stage labels that follow the worker's progress signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepList")
        self.labels: list[QLabel] = []
        self.icons: list[QLabel] = []
        self.states: list[StepState] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for index, _ in enumerate(STAGES):
            label = QLabel()
            label.setObjectName(f"step{index}")
            set_enum(label, "textFormat", "PlainText")
            icon = QLabel()
            icon.setObjectName(f"step{index}Icon")
            self.labels.append(label)
            self.icons.append(icon)
            self.states.append(StepState.PENDING)
            if index:
                arrow = QLabel("→")
                arrow.setStyleSheet("color: #999;")
                layout.addWidget(arrow)
            layout.addWidget(icon)
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
        label.setText(self._name(index))  # the state: the icon beside it (ui.icons)
        size = label.fontMetrics().height()
        self.icons[index].setPixmap(pixmap(ICONS[state], size, self.devicePixelRatioF()))
        weight = "bold" if state is StepState.RUNNING else "normal"
        label.setStyleSheet(f"color: {COLORS[state]}; font-weight: {weight};")
