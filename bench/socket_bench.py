"""Handhelds over Socket.IO against a real ``scantrack serve``: scan round trip beside echo.

The server is a subprocess on a fresh demo database in a temporary directory. Each
handheld is a python-socketio client (websocket transport) with its own device token and
its own receipt (one line of LAPTOP-14, far more units than it can scan), so handhelds
never fight over the same serials. A timed scan is a real step: a GS1 scan of a laptop
with a serial nobody has used (``]C1 01 GTIN 21 SERIAL``), received on that receipt
(a serial row, a ledger-ready assignment, the idempotency row, the session, the ``session``
push). Beside it, in the same run and on the same connections, the bare ``echo`` event
measures what Socket.IO, JSON and the server's threads cost alone.

At each level N handhelds scan (or echo) as fast as their acks return; only requests
started after a warm-up count. Clients run in several processes so the client's GIL is
not what is measured; on a small machine they still share the CPU with the server, which
is why each phase reports the server's share of CPU. Then more handhelds connect and sit
idle, and the server's memory (RSS from /proc, the process and its children) is read.

Standalone: ``python -m bench.socket_bench [--quick] [--handhelds 1,50,200] [--idle 500]
[--database-url URL]`` (PostgreSQL: that database is emptied first; default a new SQLite file);
``python -m bench --only socket`` runs it with the other suites' table and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import RESULTS, print_rows, save
from bench.core_bench import _ms, _pct, empty_postgres
from bench.processes import Processes

Row = dict[str, Any]
GTIN = "09506000134352"  # the demo's LAPTOP-14
NAMESPACE = "/scan"
START_WAIT = 60.0  # only so a broken server cannot hang the run; it starts in ~1-2 s
ACK_WAIT = 120.0  # a safety net per ack, never a measurement


@dataclass(frozen=True)
class Handheld:
    device: str
    auth: dict[str, Any]
    document: str | None  # None: an idle handheld, it only connects
    prefix: str  # its serials: PREFIX + a running number


@dataclass(frozen=True)
class Settings:
    levels: tuple[int, ...]
    idle: int
    seconds: float  # per phase (echo, scan) and level, warm-up included
    warm: float
    procs: int
    units: int  # expected units per receipt


def settings(quick: bool, **override: Any) -> Settings:
    base = (
        Settings(levels=(1, 5), idle=20, seconds=2.0, warm=0.5, procs=2, units=5_000)
        if quick
        else Settings(levels=(1, 50, 200), idle=500, seconds=10.0, warm=2.0, procs=4, units=50_000)
    )
    return Settings(**{**base.__dict__, **{k: v for k, v in override.items() if v is not None}})


# --- the server ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scantrack() -> list[str]:
    exe = Path(sys.executable).with_name("scantrack")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from web_mobile.cli import main; main()"]


def _raise_fd_limit(want: int) -> int:
    """Each handheld is a socket on both sides; the server inherits the raised limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def prepare(url: str, s: Settings) -> list[Handheld]:
    """The demo, plus one device (token) per handheld and a receipt per active one."""
    from tracking_core.core import Tracking
    from tracking_core.db import Database
    from tracking_core.demo import load_demo
    from tracking_core.migrate import upgrade
    from tracking_core.values import LineSpec

    db = Database.from_url(url)
    try:
        upgrade(db.engine)
        core = Tracking(db)
        load_demo(core)
        active = max(s.levels)
        handhelds = []
        for i in range(max(active, s.idle)):
            name = f"HH-BENCH-{i:03d}"
            doc = None
            if i < active:
                doc = core.create_document(
                    "receipt",
                    partner="V-ACME",
                    reference=f"BENCH-{i:03d}",
                    lines=[LineSpec("LAPTOP-14", s.units, "DOCK-1")],
                ).number
            handhelds.append(Handheld(name, _device_auth(core, name), doc, f"B{_letters(i)}-"))
        return handhelds
    finally:
        db.dispose()


def _letters(n: int, width: int = 3) -> str:
    """n in letters: a serial with digits in it may look like it hides another GS1 AI
    (``21 ...10...``), which draws the gateway's missing-separator warning."""
    return "".join(chr(65 + (n // 26**k) % 26) for k in reversed(range(width)))


def _device_auth(core: Any, name: str) -> dict[str, Any]:
    if hasattr(core, "enrol_device"):  # the devices slice: a real device token
        code, _ = core.create_device(name)
        token, _ = core.enrol_device(code)
        return {"token": token}
    token, _ = core.create_token(name=name, role="operator")
    return {"token": token, "device": name}


@contextmanager
def server(url: str, work: Path, threads: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    log = (work / "server.log").open("wb")
    env = {**os.environ, "SCANTRACK_DATABASE_URL": url}
    proc = subprocess.Popen(
        # every connected handheld holds one of gunicorn's threads
        [
            *_scantrack(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WAIT
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"scantrack serve did not come up:\n{_tail(work)}") from None
                time.sleep(0.1)
        yield proc, base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _tail(work: Path, n: int = 4000) -> str:
    return (work / "server.log").read_text(errors="replace")[-n:]


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return pids


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def memory(pid: int) -> dict[str, float]:
    """RSS (and PSS, which counts pages shared with a forked parent once) in MiB."""
    rss = pss = 0
    threads = 0
    for p in _tree(pid):
        try:
            rss += _status(p, "VmRSS")
            threads += _status(p, "Threads")
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return {"rss": round(rss / 1024, 1), "pss": round(pss / 1024, 1), "threads": threads}


def cpu_seconds(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


# --- the clients (one process holds many handhelds) ------------------------------------


def _worker(conn: Any, base: str, handhelds: list[Handheld]) -> None:
    """Connects its handhelds, then runs the phases the parent sends over ``conn``."""
    import socketio  # the client lives only in these processes

    clients: list[tuple[Handheld, Any]] = []
    seq = Counter[str]()

    def connect(h: Handheld) -> tuple[Handheld, Any] | str:
        sio = socketio.Client(reconnection=False)
        try:
            sio.connect(
                base,
                transports=["websocket"],
                namespaces=[NAMESPACE],
                auth=h.auth,
                wait_timeout=ACK_WAIT,
            )
            if h.document is not None:  # put it on its receipt; not timed
                for raw in ("CMD:MODE:RECEIVE", f"DOC:{h.document}"):
                    ack = sio.call(
                        "scan",
                        {"scan_id": f"{h.device}-setup-{raw}", "raw": raw},
                        namespace=NAMESPACE,
                        timeout=ACK_WAIT,
                    )
                    if not isinstance(ack, dict) or ack.get("status") != "ok":
                        return f"{h.device}: {raw} answered {ack!r}"
        except Exception as exc:  # reported to the parent, which fails the run
            return f"{h.device}: {type(exc).__name__}: {exc}"
        return h, sio

    def run(event: str, n: int, start_at: float, warm_until: float, end_at: float) -> Any:
        samples: list[list[float]] = [[] for _ in range(n)]
        outcomes: list[Counter[str]] = [Counter() for _ in range(n)]
        examples: dict[str, str] = {}  # one message per kind of ack that was not ok

        def loop(k: int) -> None:
            h, sio = clients[k]
            while time.time() < start_at:
                time.sleep(0.001)
            while (now := time.time()) < end_at:
                seq[h.device] += 1
                i = seq[h.device]
                payload = {
                    "scan_id": f"{h.device}-{i}",
                    "raw": f"]C101{GTIN}21{h.prefix}{_letters(i, 6)}",
                }
                t = time.perf_counter()
                try:
                    ack = sio.call(event, payload, namespace=NAMESPACE, timeout=ACK_WAIT)
                except Exception as exc:
                    outcomes[k][f"{type(exc).__name__}"] += 1
                    continue
                elapsed = time.perf_counter() - t
                if event == "echo":
                    outcome = "ok" if ack == payload else "echo_mismatch"
                elif isinstance(ack, dict):
                    outcome = "ok"
                    if ack.get("status") != "ok":
                        outcome = f"{ack.get('status')} {ack.get('code')}"
                        examples.setdefault(outcome, str(ack.get("message"))[:200])
                else:
                    outcome = "not_feedback"
                outcomes[k][outcome] += 1
                if now >= warm_until:
                    samples[k].append(elapsed)

        threads = [threading.Thread(target=loop, args=(k,)) for k in range(n)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        merged: Counter[str] = Counter()
        for c in outcomes:
            merged.update(c)
        return [x for s in samples for x in s], dict(merged), examples

    try:
        while True:
            cmd, *args = conn.recv()
            if cmd == "connect":
                # a few at a time: a real fleet does not connect in one instant either
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(8) as pool:
                    done = list(pool.map(connect, handhelds[len(clients) : args[0]]))
                errors = [d for d in done if isinstance(d, str)]
                clients += [d for d in done if not isinstance(d, str)]
                conn.send((len(clients), errors))
            elif cmd == "run":
                conn.send(run(*args))
            else:
                break
    finally:
        for _, sio in clients:
            with suppress(Exception):
                sio.disconnect()
        conn.send("bye")


class Fleet(Processes):
    """Handhelds spread over client processes, driven phase by phase."""

    def __init__(self, base: str, handhelds: list[Handheld], procs: int) -> None:
        self.groups: list[list[Handheld]] = [handhelds[k::procs] for k in range(procs)]
        self.examples: dict[str, str] = {}
        super().__init__(_worker, [(base, g) for g in self.groups], START_WAIT + ACK_WAIT * 2)

    def _split(self, n: int) -> list[int]:
        """How many of the first n handhelds live in each process (round robin)."""
        return [len(range(k, n, len(self.groups))) for k in range(len(self.groups))]

    def connect(self, n: int) -> None:
        for pipe, k in zip(self.pipes, self._split(n), strict=True):
            pipe.send(("connect", k))
        errors = []
        for pipe in self.pipes:
            _, errs = self.recv(pipe)
            errors += errs
        if errors:
            raise RuntimeError(f"{len(errors)} handhelds failed to connect: {errors[:5]}")

    def run(self, event: str, n: int, s: Settings) -> tuple[list[float], dict[str, int], float]:
        start_at = time.time() + 0.5
        window = (start_at + s.warm, start_at + s.seconds)
        busy = [(p, k) for p, k in zip(self.pipes, self._split(n), strict=True) if k]
        for pipe, k in busy:
            pipe.send(("run", event, k, start_at, *window))
        samples: list[float] = []
        outcomes: Counter[str] = Counter()
        for pipe, _ in busy:
            got, out, examples = self.recv(pipe)
            samples += got
            outcomes.update(out)
            self.examples.update(examples)
        return samples, dict(outcomes), window[1] - window[0]


# --- the step itself, in-process (where the time goes) ---------------------------------


def step_cost(url: str, document_units: int, scans: int) -> dict[str, float]:
    """The same receive scan through ``Gateway.scan`` in-process: time and SQL statements."""
    from sqlalchemy import event

    from scanner_gateway.interpret import interpret
    from scanner_gateway.session import Gateway
    from scanner_gateway.session.gateway import ScanRequest
    from tracking_core.core import Tracking
    from tracking_core.db import Database
    from tracking_core.values import LineSpec

    db = Database.from_url(url)
    try:
        core = Tracking(db)
        doc = core.create_document(
            "receipt", partner="V-ACME", lines=[LineSpec("LAPTOP-14", document_units, "DOCK-1")]
        ).number
        gw = Gateway(core, interpret)
        for i, raw in enumerate(("CMD:MODE:RECEIVE", f"DOC:{doc}")):
            gw.scan(ScanRequest("HH-INPROC", f"setup-{i}", raw))
        statements = Counter[str]()

        def count(_c: Any, _cur: Any, stmt: str, *_: Any) -> None:
            statements[stmt.split(None, 1)[0].upper()] += 1

        samples, ok = [], 0
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for i in range(scans):
                raw = f"]C101{GTIN}21INPROC-{_letters(i, 6)}"
                t = time.perf_counter()
                fb = gw.scan(ScanRequest("HH-INPROC", f"inproc-{i}", raw))
                samples.append(time.perf_counter() - t)
                ok += fb.status == "ok"
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        per = {k: round(v / scans, 1) for k, v in statements.most_common()}
        return {
            "p50": _pct(samples, 0.5),
            "p99": _pct(samples, 0.99),
            "ok": ok,
            "statements": round(sum(statements.values()) / scans, 1),
            "by_kind": per,  # type: ignore[dict-item]
        }
    finally:
        db.dispose()


def received(url: str, documents: Sequence[str]) -> int:
    from tracking_core.core import Tracking
    from tracking_core.db import Database

    db = Database.from_url(url)
    try:
        core = Tracking(db)
        return sum(core.document(d).assigned for d in documents)
    finally:
        db.dispose()


# --- the run --------------------------------------------------------------------------


def run(*, database_url: str | None, work: Path, quick: bool, **override: Any) -> list[Row]:
    """Rows for the bench table; ``override`` sets any field of :class:`Settings`."""
    s = settings(quick, **override)
    _raise_fd_limit(max(s.idle, max(s.levels)) * 2 + 256)
    tmp = Path(tempfile.mkdtemp(prefix="socket-bench-", dir=work))
    if database_url is None or database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp / 'scantrack.db'}"  # always a fresh file of its own
    else:
        url = database_url
        empty_postgres(url)
    rows: list[Row] = []
    try:
        handhelds = prepare(url, s)
        load = os.getloadavg()[0]
        dialect = url.split(":", 1)[0].split("+", 1)[0]
        with server(url, tmp, max(s.idle, *s.levels) + 32) as (proc, base):
            rows.append(_mem_row("server memory, 0 handhelds connected", memory(proc.pid)))
            fleet = Fleet(base, handhelds, min(s.procs, len(handhelds)))
            try:
                fleet.connect(max(s.levels))
                bad: Counter[str] = Counter()
                scans_ok = 0
                for n in s.levels:
                    phase: dict[str, Any] = {}
                    for ev in ("echo", "scan"):
                        cpu = cpu_seconds(proc.pid)
                        t = time.monotonic()
                        samples, outcomes, window = fleet.run(ev, n, s)
                        share = (cpu_seconds(proc.pid) - cpu) / (time.monotonic() - t)
                        if not samples:
                            raise RuntimeError(f"no {ev} acks at {n} handhelds: {outcomes}")
                        bad.update({f"{ev} {k}": v for k, v in outcomes.items() if k != "ok"})
                        if ev == "scan":
                            scans_ok += outcomes.get("ok", 0)
                        phase[ev] = (samples, outcomes, window, share)
                    rows += _level_rows(n, phase)
                rows.append(
                    {
                        "name": "acks not ok (all phases)",
                        "value": sum(bad.values()),
                        "unit": json.dumps(dict(bad)) if bad else "",
                        "target": "0",
                        "bad": dict(bad),
                        "examples": fleet.examples,
                    }
                )
                fleet.connect(s.idle)
                # let the server settle after the connect burst before reading /proc
                time.sleep(1.0 if quick else 5.0)
                mem = memory(proc.pid)
                rows.append(
                    _mem_row(
                        f"server memory, {s.idle} handhelds connected idle",
                        mem,
                        target="< 200 MB" if s.idle >= 500 else None,
                    )
                )
            finally:
                fleet.close()
        docs = [h.document for h in handhelds if h.document]
        got = received(url, docs)
        rows.append(
            {
                "name": "serials received (check)",
                "value": got,
                "unit": f"of {scans_ok} ok scan acks",
                "received": got,
                "scans_ok": scans_ok,
            }
        )
        cost = step_cost(url, s.units, 100 if quick else 500)
        rows += [
            {
                "name": "same scan in-process (Gateway.scan) p50",
                "value": _ms(cost["p50"]),
                "unit": "ms",
            },
            {
                "name": "same scan in-process (Gateway.scan) p99",
                "value": _ms(cost["p99"]),
                "unit": "ms",
            },
            {
                "name": "SQL statements per receive scan",
                "value": cost["statements"],
                "unit": json.dumps(cost["by_kind"]),
                "by_kind": cost["by_kind"],
            },
            {
                "name": "load average (1 min) at start",
                "value": round(load, 2),
                "unit": f"on {os.cpu_count()} CPUs; database {dialect}",
            },
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _level_rows(n: int, phase: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    p = {}
    for ev in ("echo", "scan"):
        samples, outcomes, window, share = phase[ev]
        p[ev] = (_pct(samples, 0.5), _pct(samples, 0.99))
        rows.append(
            {
                "name": f"{ev:<4} at {n:>3} handhelds p50 / p99",
                "value": f"{_ms(p[ev][0])} / {_ms(p[ev][1])}",
                "unit": (f"ms, {len(samples) / window:,.0f} acks/s, server CPU {share:.0%}"),
                "event": ev,
                "handhelds": n,
                "p50_ms": _ms(p[ev][0]),
                "p99_ms": _ms(p[ev][1]),
                "acks": sum(outcomes.values()),
                "ok": outcomes.get("ok", 0),
                "samples": len(samples),
                "per_second": round(len(samples) / window, 1),
                "server_cpu": round(share, 3),
            }
        )
    r50 = p["scan"][0] / p["echo"][0]
    r99 = p["scan"][1] / p["echo"][1]
    rows.append(
        {
            "name": f"scan/echo at {n:>3} handhelds p50 / p99",
            "value": f"{r50:.2f} / {r99:.2f}",
            "unit": "x",
            "target": "<= 2 / <= 3",
            "handhelds": n,
            "ratio_p50": round(r50, 2),
            "ratio_p99": round(r99, 2),
        }
    )
    return rows


def _mem_row(name: str, mem: dict[str, float], target: str | None = None) -> Row:
    row: Row = {
        "name": name,
        "value": mem["rss"],
        "unit": f"MiB RSS (PSS {mem['pss']} MiB, {mem['threads']} threads)",
        **mem,
    }
    if target:
        row["target"] = target
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.socket_bench")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--database-url", help="PostgreSQL to use (emptied); default a new SQLite file")
    p.add_argument("--handhelds", help="comma-separated levels, e.g. 1,50,200")
    p.add_argument("--idle", type=int, help="handhelds connected for the memory figure")
    p.add_argument("--seconds", type=float, help="per phase and level")
    p.add_argument("--procs", type=int, help="client processes")
    args = p.parse_args(argv)
    levels = tuple(int(x) for x in args.handhelds.split(",")) if args.handhelds else None
    RESULTS.mkdir(exist_ok=True)
    rows = run(
        database_url=args.database_url,
        work=RESULTS,
        quick=args.quick,
        levels=levels,
        idle=args.idle,
        seconds=args.seconds,
        procs=args.procs,
    )
    print_rows(rows)
    for r in rows:
        for kind, message in (r.get("examples") or {}).items():
            print(f"  e.g. {kind}: {message}")
    save(rows, "socket")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
