"""Kill the worker (and the generator) at random points, over and over.

The child reports every step it takes through a pipe and waits for a go-ahead before the
next one, so a kill point is a step, not a moment: the test kills the child either while it
waits right after a step, or just after letting it go on (somewhere inside the next step).
After every kill and a final drain: every committed number has a job, no job reached the
printer twice on its own, and every job whose outcome was unknown is ``unconfirmed``.
"""

from __future__ import annotations

import os
import random
import select
import signal
import traceback
from collections import Counter
from typing import Any

from sqlalchemy import select as sql_select

from scanner_gateway.printing import open_printer
from scanner_gateway.printing.worker import PrintWorker, Routing
from tests.printing.fake_printer import FakePrinter
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.models import SerialNumber
from tracking_core.outbox import JobInfo

KILLS = 110
# What the child reports, in the order it does it: receiving -> received (the numbers and
# their job are committed) -> claimed -> sending -> sent [-> progress -> sending -> sent]
# -> printed.
STEPS = ("receiving", "received", "claimed", "sending", "sent", "progress", "printed")
WAIT = 60.0  # only so a broken child cannot hang the test; a step normally takes ms


def zpl(job: JobInfo, printer: str = "zebra") -> list[bytes]:
    return [f"^XA^FD{n}^FS^XZ".encode() for n in job.payload["serials"]]


class Steps:
    """The child's side: report a step, then wait until the test says go on."""

    def __init__(self, report: int, go: int) -> None:
        self.report, self.go = report, go

    def __call__(self, step: str) -> None:
        os.write(self.report, step.encode() + b"\n")
        if os.read(self.go, 1) != b"g":
            os._exit(0)  # the test is gone


class ReportingOutbox:
    """The worker's outbox, reporting each committed state change."""

    def __init__(self, outbox: Any, step: Steps) -> None:
        self._outbox, self._step = outbox, step

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outbox, name)

    def claim(self, **kw: Any) -> list[JobInfo]:
        jobs: list[JobInfo] = self._outbox.claim(**kw)
        if jobs:
            self._step("claimed")
        return jobs

    def progress(self, job_id: int, **kw: Any) -> None:
        self._outbox.progress(job_id, **kw)
        self._step("progress")

    def printed(self, job_id: int, **kw: Any) -> JobInfo:
        job: JobInfo = self._outbox.printed(job_id, **kw)
        self._step("printed")
        return job


class ReportingPrinter:
    def __init__(self, printer: Any, step: Steps) -> None:
        self._printer, self._step = printer, step

    def status(self) -> Any:
        return self._printer.status()

    def send(self, data: bytes) -> None:
        self._step("sending")
        self._printer.send(data)
        self._step("sent")


def _child(url: str, printer_url: str, seed: int, step: Steps) -> None:
    """Receive a few serials, print, repeat, until killed."""
    rnd = random.Random(seed)
    core = Tracking(Database.from_url(url))
    worker = PrintWorker(
        outbox=ReportingOutbox(core.outbox, step),  # type: ignore[arg-type]
        printers={"zebra": ReportingPrinter(open_printer("zebra", printer_url), step)},
        render=zpl,
        route=Routing(default="zebra"),
        worker_id=f"w{os.getpid()}",
        batch=2,
        chunk=1,
    )
    while True:
        step("receiving")
        core.receive(item="LAP", location="A1", quantity=rnd.randint(1, 3), partner="V1")
        step("received")
        worker.run_once()


class Child:
    """The test's side of one forked child."""

    def __init__(self, db_url: str, printer_url: str, seed: int) -> None:
        report_r, report_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(report_r)
            os.close(go_w)
            try:
                _child(db_url, printer_url, seed, Steps(report_w, go_r))
            except BaseException:
                os.write(report_w, b"error " + traceback.format_exc().encode().replace(b"\n", b"|"))
                os.write(report_w, b"\n")
            finally:
                os._exit(0)
        os.close(report_w)
        os.close(go_r)
        self.pid, self.reports, self.go_fd = pid, report_r, go_w
        self.buffer = b""
        self.history: list[str] = []

    def next_step(self) -> str:
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.reports], [], [], WAIT)
            assert ready, f"child reported nothing for {WAIT} s after {self.history[-5:]}"
            chunk = os.read(self.reports, 65536)
            assert chunk, f"child ended on its own after {self.history[-5:]}"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        step = line.decode()
        assert not step.startswith("error "), step.replace("|", "\n")
        self.history.append(step)
        return step

    def go(self) -> None:
        os.write(self.go_fd, b"g")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.reports)
        os.close(self.go_fd)


def test_kill_worker_at_random_points(db: Database, db_url: str) -> None:
    core = Tracking(db)  # the real clock: the children's claims carry real times
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%%%")
    printer = FakePrinter()
    rnd = random.Random(1234)
    # Each kill point: a step, which occurrence of it, and whether the child dies waiting
    # after it ("at") or somewhere in the step after it ("during").
    plan = [
        (STEPS[i % len(STEPS)], rnd.randint(1, 3), rnd.choice(("at", "during")))
        for i in range(KILLS)
    ]
    rnd.shuffle(plan)
    killed_at: Counter[tuple[str, str]] = Counter()
    try:
        for i, (kill_step, nth, how) in enumerate(plan):
            child = Child(db_url, printer.url + "&status=0", i)
            try:
                seen: Counter[str] = Counter()
                while True:
                    step = child.next_step()
                    seen[step] += 1
                    if step == kill_step and seen[step] == nth:
                        break
                    child.go()
                if how == "during":
                    child.go()  # the kill lands somewhere in the next step
            finally:
                child.kill()
            killed_at[kill_step, how] += 1
            # The dead worker's claims have unknown outcomes.
            core.outbox.recover(stale_after=0)
        # A clean worker drains what is still pending.
        final = PrintWorker(
            outbox=core.outbox,
            printers={"zebra": open_printer("zebra", printer.url + "&status=0")},
            render=zpl,
            route=Routing(default="zebra"),
            worker_id="final",
        )
        while final.run_once():
            pass
        printer.settle()  # every connection made so far is recorded
    finally:
        printer.close()

    assert set(killed_at) == {(s, h) for s in STEPS for h in ("at", "during")}
    jobs = core.outbox.jobs(limit=1000)
    numbers = core.db.run(lambda s: list(s.execute(sql_select(SerialNumber.serial)).scalars()))
    in_jobs = [n for j in jobs for n in j.payload["serials"]]
    # every committed number has exactly one job, and no job names an uncommitted number
    assert numbers
    assert sorted(in_jobs) == sorted(numbers)
    received = b"".join(printer.jobs)
    statuses = {j.status for j in jobs}
    assert statuses <= {"printed", "unconfirmed"}
    for j in jobs:
        times = [received.count(f"^FD{n}^FS".encode()) for n in j.payload["serials"]]
        assert max(times) <= 1, f"job {j.id} reached the printer twice: {times}"
        if j.status == "printed":
            assert times == [1] * len(times)
    unconfirmed = [j for j in jobs if j.status == "unconfirmed"]
    printed = [j for j in jobs if j.status == "printed"]
    assert printed and unconfirmed  # the test exercised both paths
    print(
        f"{KILLS} kills: {len(jobs)} jobs, {len(printed)} printed, {len(unconfirmed)} unconfirmed"
    )
