"""Outbox throughput: jobs from the database to a loopback port-9100 printer."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

from bench.core_bench import _fresh
from scanner_gateway.printing import open_printer
from scanner_gateway.printing.worker import PrintWorker, Routing, zpl_renderer

READY = (
    b"\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    b"\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)


class SinkPrinter:
    """Accepts jobs and answers ~HS, counting bytes; stands in for a Zebra on port 9100."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.received = 0
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                while chunk := conn.recv(65536):
                    if chunk == b"~HS":
                        conn.sendall(READY)
                        break
                    self.received += len(chunk)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def run(*, database_url: str | None, work: Path, quick: bool) -> list[dict[str, Any]]:
    jobs = 300 if quick else 2000
    core = _fresh(database_url, work, "printing")
    for _ in range(jobs):
        core.outbox.enqueue(kind="sscc", payload={"ssccs": ["106141412345678908"]}, labels=1)
    sink = SinkPrinter()
    rows: list[dict[str, Any]] = []
    try:
        for status in (True, False):
            if not status:
                for j in core.outbox.jobs(status="printed", limit=1000):
                    core.outbox.decide(j.id, "reprint", actor="bench", reason="second pass")
            url = f"tcp://127.0.0.1:{sink.port}" + ("" if status else "?status=0")
            worker = PrintWorker(
                outbox=core.outbox,
                printers={"zebra": open_printer("zebra", url)},
                render=zpl_renderer({"zebra": 203}),
                route=Routing(default="zebra"),
                batch=50,
            )
            count = len(core.outbox.jobs(status="pending", limit=1000)) if not status else jobs
            t = time.perf_counter()
            while worker.run_once():
                pass
            dt = time.perf_counter() - t
            label = "with ~HS per job" if status else "without status query"
            rows.append(
                {
                    "name": f"outbox to a 9100 printer, {label}",
                    "value": round(count / dt),
                    "unit": "jobs/s",
                    "target": ">= 500",
                }
            )
    finally:
        sink.close()
        core.db.dispose()
    return rows
