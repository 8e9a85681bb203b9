"""Kill the worker (and the generator) at random points, over and over.

After every kill and a final drain: every committed number has a job, no job reached the
printer twice on its own, and every job whose outcome was unknown is ``unconfirmed``.
"""

from __future__ import annotations

import os
import random
import signal
import time

from sqlalchemy import select

from scanner_gateway.printing import open_printer
from scanner_gateway.printing.worker import PrintWorker, Routing
from tests.printing.fake_printer import FakePrinter
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.models import SerialNumber
from tracking_core.outbox import JobInfo

KILLS = 110


def zpl(job: JobInfo, printer: str = "zebra") -> list[bytes]:
    return [f"^XA^FD{n}^FS^XZ".encode() for n in job.payload["serials"]]


def _child(url: str, printer_url: str, seed: int) -> None:
    """Receive a few serials, print, repeat, until killed."""
    rnd = random.Random(seed)
    core = Tracking(Database.from_url(url))
    worker = PrintWorker(
        outbox=core.outbox,
        printers={"zebra": open_printer("zebra", printer_url)},
        render=zpl,
        route=Routing(default="zebra"),
        worker_id=f"w{os.getpid()}",
        batch=2,
        chunk=1,
    )
    while True:
        core.receive(item="LAP", location="A1", quantity=rnd.randint(1, 3), partner="V1")
        worker.run_once()


def test_kill_worker_at_random_points(db: Database, db_url: str) -> None:
    core = Tracking(db)  # the real clock: the children's claims carry real times
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN%%%%%%")
    printer = FakePrinter()
    rnd = random.Random(1234)
    try:
        for i in range(KILLS):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child never returns
                try:
                    _child(db_url, printer.url + "&status=0", i)
                finally:
                    os._exit(0)
            time.sleep(rnd.uniform(0.005, 0.08))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
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
        printer.settle()  # let the fake printer record the last connections
    finally:
        printer.close()

    jobs = core.outbox.jobs(limit=1000)
    assert jobs, "the children never committed anything"
    numbers = core.db.run(lambda s: list(s.execute(select(SerialNumber.serial)).scalars()))
    in_jobs = [n for j in jobs for n in j.payload["serials"]]
    # every committed number has exactly one job, and no job names an uncommitted number
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
    assert printed  # the test exercised both paths
    print(
        f"{KILLS} kills: {len(jobs)} jobs, {len(printed)} printed, {len(unconfirmed)} unconfirmed"
    )
