"""Detection from a mail address as a job: core.discovery.detect() off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from crm_mail_gui.core.records import record
from crm_mail_gui.ui.jobs import Job, Report, Task

if TYPE_CHECKING:
    from crm_mail_gui.core.connection import CancelToken

Detector = Callable[..., Any]
"""crm_mail_gui.core.discovery.detect unless a test passes another (same signature)."""


@record
class Refused:
    """The core refused the address (InvalidAddress): its explanation, localised."""

    text: str


class DetectJob(Job):
    """Runs one detection.

    Progress: each event of the core's on_event callback (SourceEvent, ProbeEvent), in the order
    the sources answered. Result: the Detection, Refused for an address the core cannot use
    (its InvalidAddress), or jobs.Crashed for anything else raised.
    """

    def __init__(
        self,
        address: str,
        *,
        ispdb: bool,
        deadline: float,
        allow_http: bool = False,
        ca_file: str | None,
        detector: Detector | None = None,
        lang: str = "en",
    ) -> None:
        super().__init__("detect")
        self.address = address
        self.ispdb = ispdb
        self.allow_http = allow_http  # the user allowed plain HTTP autoconfig for this lookup
        self.deadline = deadline
        self.ca_file = ca_file
        self._detector = detector
        self.lang = lang

    def prepare(self) -> Task:
        """The detection's task (values only, no Qt object)."""
        address, ispdb, deadline, ca_file = self.address, self.ispdb, self.deadline, self.ca_file
        allow_http = self.allow_http
        detector, lang = self._detector, self.lang

        def task(cancel: CancelToken, report: Report) -> object:
            detect = detector if detector is not None else _core_detect()
            try:
                return detect(
                    address,
                    ispdb=ispdb,
                    allow_http=allow_http,  # HTTPS only unless the user ticked it for this one
                    deadline=deadline,
                    cancel=cancel,
                    on_event=report,
                    ca_file=ca_file,
                )
            except ValueError as error:  # the core's InvalidAddress says why, in `lang`
                message = getattr(error, "message", None)
                if not callable(message):
                    raise
                return Refused(str(message(lang)))

        return task


def _core_detect() -> Detector:
    """The core's detect(), imported on the job's thread (dnspython is slow to load)."""
    from crm_mail_gui.core.discovery import detect

    return detect
