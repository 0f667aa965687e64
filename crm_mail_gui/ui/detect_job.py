"""Detection from a mail address as a job: core.discovery.detect() off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from crm_mail_gui.ui.jobs import Job, Report, Task

if TYPE_CHECKING:
    from crm_mail_gui.core.connection import CancelToken

Detector = Callable[..., Any]
"""crm_mail_gui.core.discovery.detect unless a test passes another (same signature)."""


class DetectJob(Job):
    """Runs one detection.

    Progress: each event of the core's on_event callback (SourceEvent, ProbeEvent), in the order
    the sources answered. Result: the Detection (anything raised becomes jobs.Crashed).
    """

    def __init__(
        self,
        address: str,
        *,
        ispdb: bool,
        deadline: float,
        ca_file: str | None,
        detector: Detector | None = None,
    ) -> None:
        super().__init__("detect")
        self.address = address
        self.ispdb = ispdb
        self.deadline = deadline
        self.ca_file = ca_file
        self._detector = detector

    def prepare(self) -> Task:
        """The detection's task (values only, no Qt object)."""
        address, ispdb, deadline, ca_file = self.address, self.ispdb, self.deadline, self.ca_file
        detector = self._detector

        def task(cancel: CancelToken, report: Report) -> object:
            detect = detector if detector is not None else _core_detect()
            return detect(
                address,
                ispdb=ispdb,
                allow_http=False,  # HTTPS only: plain HTTP is for the user to allow, per lookup
                deadline=deadline,
                cancel=cancel,
                on_event=report,
                ca_file=ca_file,
            )

        return task


def _core_detect() -> Detector:
    """The core's detect(), imported on the job's thread (dnspython is slow to load)."""
    from crm_mail_gui.core.discovery import detect

    return detect
