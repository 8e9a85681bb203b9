"""The print worker: drains the label outbox, each label once.

It retries on its own only when it is certain nothing was sent (connection refused,
printer not ready). A send that may have reached the printer makes the job
``unconfirmed`` for an operator to reprint or mark printed; a worker that dies while
sending leaves a claim that ``recover`` turns into ``unconfirmed`` as well.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from scanner_gateway.printing.transports import NotSent, Printer, UnknownOutcome
from tracking_core.outbox import JobInfo, LabelOutbox

log = logging.getLogger(__name__)
# (job, printer name) -> one print-ready payload per label, copies included
Render = Callable[[JobInfo, str], list[bytes]]


@dataclass
class Routing:
    """Which printer a job goes to: its own, its station's (by device), or the default."""

    default: str | None = None
    stations: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, job: JobInfo) -> str | None:
        if job.printer:
            return job.printer
        if job.device and job.device in self.stations:
            return self.stations[job.device]
        return self.default


def zpl_renderer(dpi: Mapping[str, int], *, template_dir: str | None = None) -> Render:
    """ZPL for each job at its printer's resolution (203 dpi unless configured)."""
    from scanner_gateway.labels import zpl_for_job

    def render(job: JobInfo, printer: str) -> list[bytes]:
        return zpl_for_job(
            job.kind,
            job.payload,
            copies=job.copies,
            dpi=dpi.get(printer, 203),
            template_dir=template_dir,
        )

    return render


@dataclass
class PrintWorker:
    outbox: LabelOutbox
    printers: Mapping[str, Printer]
    render: Render
    route: Callable[[JobInfo], str | None] = field(default_factory=Routing)
    worker_id: str = "printer-worker"
    retry_in: float = 10.0
    stale_after: float = 120.0
    batch: int = 10
    chunk: int = 200

    def run_once(self) -> int:
        """Claim and handle one batch; returns how many jobs were handled."""
        self.outbox.recover(stale_after=self.stale_after)
        jobs = self.outbox.claim(worker=self.worker_id, limit=self.batch)
        for job in jobs:
            self.handle(job)
        return len(jobs)

    def run(self, stop: threading.Event, *, idle: float = 0.5) -> None:
        while not stop.is_set():
            try:
                if self.run_once() == 0:
                    stop.wait(idle)
            except Exception:  # keep draining: one bad cycle must not stop printing
                log.exception("print worker cycle failed")
                stop.wait(idle)

    def handle(self, job: JobInfo) -> None:
        name = self.route(job)
        printer = self.printers.get(name) if name else None
        if name is None or printer is None:
            self.outbox.release(
                job.id,
                worker=self.worker_id,
                error=f"unknown printer {name!r}",
                retry_in=self.retry_in * 6,
            )
            return
        try:
            labels = self.render(job, name)
        except Exception as exc:  # a label that cannot be made needs a person, not a retry loop
            log.warning("job %s cannot be rendered: %s", job.id, exc)
            self.outbox.unconfirmed(job.id, worker=self.worker_id, error=f"cannot render: {exc}")
            return
        status = printer.status()
        if not status.ready:
            self.outbox.release(
                job.id,
                worker=self.worker_id,
                error=f"{name}: {status.reason}",
                retry_in=self.retry_in,
            )
            return
        sent = 0
        try:
            # Labels go out in chunks (one connection each) so big jobs are fast and the
            # operator can see how far a job got.
            for start in range(0, len(labels), self.chunk):
                part = labels[start : start + self.chunk]
                printer.send(b"".join(part))
                sent += len(part)
                if sent < len(labels):
                    self.outbox.progress(job.id, worker=self.worker_id, sent_labels=sent)
        except NotSent as exc:
            if sent == 0:
                self.outbox.release(
                    job.id, worker=self.worker_id, error=str(exc), retry_in=self.retry_in
                )
            else:  # part of a multi-label job went out: never resend it blindly
                self.outbox.unconfirmed(
                    job.id,
                    worker=self.worker_id,
                    error=f"{sent} of {len(labels)} labels sent, then: {exc}",
                )
            return
        except UnknownOutcome as exc:
            self.outbox.unconfirmed(
                job.id, worker=self.worker_id, error=f"after {sent} of {len(labels)}: {exc}"
            )
            return
        self.outbox.printed(job.id, worker=self.worker_id)
