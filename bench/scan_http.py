"""Scans over HTTP against a real ``scantrack serve``, beside a bare ``GET /healthz``.

The server is a subprocess on a fresh demo database (a new SQLite file; with a PostgreSQL
``--database-url`` that database too, emptied first). Each client is a device of its own
(an enrolled device token) with its own receipt of LAPTOP-14, and scans laptops with serials
nobody used (``POST /api/v1/scans``, ``]C1 01 GTIN 21 SERIAL``) as fast as the answers come,
on one keep-alive connection. Every client is a process of its own, so no client GIL is
measured; on a small machine they still share the CPU with the server, which is why each
phase reports the server's share of CPU. At each level the same clients first load
``GET /healthz`` (a request with one ``SELECT 1``: what HTTP, Flask and gunicorn cost
alone), then scan. Only requests started after a warm-up count.

Standalone: ``python -m bench.scan_http [--quick] [--clients 1,8] [--seconds S]
[--database-url URL]``; ``python -m bench --only http`` runs it with the other suites.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import RESULTS, print_rows, save
from bench.core_bench import _ms, _pct, _short_ms, empty_postgres
from bench.processes import Processes
from bench.socket_bench import (
    GTIN,
    Handheld,
    Settings,
    _letters,
    cpu_seconds,
    prepare,
    received,
    server,
)

Row = dict[str, Any]
WAIT = 120.0  # a safety net per request and per phase, never a measurement
PHASES = ("healthz", "scan")


@dataclass(frozen=True)
class Load:
    levels: tuple[int, ...]
    seconds: float  # per phase and level, warm-up included
    warm: float
    units: int  # units on each client's receipt: more than it can scan


def load(quick: bool, **override: Any) -> Load:
    base = (
        Load(levels=(1, 8), seconds=1.5, warm=0.3, units=2_000)
        if quick
        else Load(levels=(1, 8), seconds=10.0, warm=2.0, units=50_000)
    )
    return Load(**{**base.__dict__, **{k: v for k, v in override.items() if v is not None}})


# --- one client process: one device, one connection -------------------------------------


class Client:
    def __init__(self, base: str, h: Handheld) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.h = h
        self.headers = {
            "Authorization": f"Bearer {h.auth['token']}",
            "Content-Type": "application/json",
        }
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        self.seq = 0

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, data, self.headers)
                r = self.conn.getresponse()
                return r.status, json.loads(r.read() or b"null")
            except (http.client.RemoteDisconnected, ConnectionError):
                # the server closed an idle keep-alive connection; a scan retry is safe
                # (same scan_id: the stored answer)
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def scan(self, raw: str) -> tuple[int, Any]:
        self.seq += 1
        body = {"device": self.h.device, "scan_id": f"{self.h.device}-{self.seq}", "raw": raw}
        return self.request("POST", "/api/v1/scans", body)

    def outcome(self, phase: str) -> str:
        if phase == "healthz":
            status, body = self.request("GET", "/healthz")
            return "ok" if status == 200 and body.get("status") == "ok" else f"http {status}"
        status, body = self.scan(f"]C101{GTIN}21{self.h.prefix}{_letters(self.seq + 1, 6)}")
        if status != 200 or not isinstance(body, dict):
            return f"http {status}"
        return "ok" if body.get("status") == "ok" else f"{body.get('status')} {body.get('code')}"


def _client(conn: Any, base: str, h: Handheld) -> None:
    """Puts its device on its receipt, then runs the phases the parent sends."""
    c = Client(base, h)
    errors = []
    for raw in ("CMD:MODE:RECEIVE", f"DOC:{h.document}"):
        status, body = c.scan(raw)
        if status != 200 or body.get("status") != "ok":
            errors.append(f"{h.device}: {raw} answered {status} {body!r}")
    conn.send(errors)
    while True:
        cmd, *args = conn.recv()
        if cmd != "run":
            break
        phase, start_at, warm_until, end_at = args
        c.conn.close()  # a fresh connection, opened in the warm-up
        samples: list[float] = []
        outcomes: Counter[str] = Counter()
        while time.time() < start_at:
            time.sleep(0.001)
        while (now := time.time()) < end_at:
            t = time.perf_counter()
            try:
                outcome = c.outcome(phase)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                outcome = type(exc).__name__
            elapsed = time.perf_counter() - t
            outcomes[outcome] += 1
            if now >= warm_until:
                samples.append(elapsed)
        conn.send((samples, dict(outcomes)))
    c.conn.close()


class Clients(Processes):
    """One process per client, all set up (mode and receipt) before the first phase."""

    def __init__(self, base: str, handhelds: list[Handheld]) -> None:
        super().__init__(_client, [(base, h) for h in handhelds], WAIT * 2)
        errors = [e for pipe in self.pipes for e in self.recv(pipe)]
        if errors:
            raise RuntimeError(f"clients failed to start: {errors[:5]}")

    def run(self, phase: str, n: int, s: Load) -> tuple[list[float], Counter[str], float]:
        start_at = time.time() + 0.5
        warm_until, end_at = start_at + s.warm, start_at + s.seconds
        for pipe in self.pipes[:n]:
            pipe.send(("run", phase, start_at, warm_until, end_at))
        samples: list[float] = []
        outcomes: Counter[str] = Counter()
        for pipe in self.pipes[:n]:
            got, out = self.recv(pipe)
            samples += got
            outcomes.update(out)
        return samples, outcomes, end_at - warm_until


# --- the run ----------------------------------------------------------------------------


def measure(url: str, work: Path, s: Load, db_label: str) -> list[Row]:
    """One server on ``url`` (a fresh demo in it), every level, both phases."""
    clients_max = max(s.levels)
    handhelds = prepare(
        url, Settings(levels=(clients_max,), idle=0, seconds=0, warm=0, procs=1, units=s.units)
    )
    rows: list[Row] = []
    bad: Counter[str] = Counter()
    scans_ok = 0
    with server(url, work, clients_max + 8) as (proc, base):
        clients = Clients(base, handhelds)
        try:
            for n in s.levels:
                for phase in PHASES:
                    cpu, t = cpu_seconds(proc.pid), time.monotonic()
                    samples, outcomes, window = clients.run(phase, n, s)
                    share = (cpu_seconds(proc.pid) - cpu) / (time.monotonic() - t)
                    if not samples:
                        raise RuntimeError(f"no {phase} answers at {n} clients: {outcomes}")
                    bad.update({f"{phase} {k}": v for k, v in outcomes.items() if k != "ok"})
                    if phase == "scan":
                        scans_ok += outcomes["ok"]
                    rows.append(_row(phase, n, samples, outcomes, window, share, db_label))
        finally:
            clients.close()
    got = received(url, [h.document for h in handhelds if h.document])
    rows += [
        {
            "name": f"HTTP answers not ok, all phases (check) ({db_label})",
            "value": sum(bad.values()),
            "unit": json.dumps(dict(bad)) if bad else "",
            "bad": dict(bad),
        },
        {
            "name": f"HTTP serials received (check) ({db_label})",
            "value": got,
            "unit": f"of {scans_ok} ok scan answers",
            "received": got,
            "scans_ok": scans_ok,
        },
    ]
    return rows


def _row(
    phase: str,
    n: int,
    samples: list[float],
    outcomes: Counter[str],
    window: float,
    share: float,
    db_label: str,
) -> Row:
    p50, p99 = _ms(_pct(samples, 0.5)), _ms(_pct(samples, 0.99))
    rate = len(samples) / window
    what = "POST /api/v1/scans" if phase == "scan" else "GET /healthz"
    per = "scans/s" if phase == "scan" else "req/s"
    clients = f"{n} client" + ("s" if n != 1 else "")
    row: Row = {
        "name": f"HTTP {what}, {clients} ({db_label})",
        "value": f"{rate:,.0f} {per}, p50 {_short_ms(p50)} ms, p99 {_short_ms(p99)} ms",
        "unit": f"(server CPU {share:.0%})",
        "phase": phase,
        "clients": n,
        "database": db_label,
        "per_second": round(rate, 1),
        "p50_ms": p50,
        "p99_ms": p99,
        "samples": len(samples),
        "answers": sum(outcomes.values()),
        "ok": outcomes["ok"],
        "server_cpu": round(share, 3),
    }
    if phase == "scan" and n == 8:
        row["target"] = "≥ 500 scans/s, p99 ≤ 30 ms"
    return row


def run(*, database_url: str | None, work: Path, quick: bool, **override: Any) -> list[Row]:
    """Rows for the bench table; ``override`` sets any field of :class:`Load`."""
    s = load(quick, **override)
    tmp = Path(tempfile.mkdtemp(prefix="http-bench-", dir=work))
    try:
        rows = measure(f"sqlite:///{tmp / 'scantrack.db'}", tmp, s, "SQLite")
        if database_url and database_url.startswith("postgresql"):
            empty_postgres(database_url)
            rows += measure(database_url, tmp, s, "PostgreSQL")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.scan_http")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--database-url", help="PostgreSQL as well (emptied); SQLite always")
    p.add_argument("--clients", help="comma-separated levels, e.g. 1,8")
    p.add_argument("--seconds", type=float, help="per phase and level")
    args = p.parse_args(argv)
    levels = tuple(int(x) for x in args.clients.split(",")) if args.clients else None
    override = {"levels": levels, "seconds": args.seconds}
    RESULTS.mkdir(exist_ok=True)
    rows = run(database_url=args.database_url, work=RESULTS, quick=args.quick, **override)
    print_rows(rows)
    save(rows, "http")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
