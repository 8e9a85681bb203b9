"""interpret() over the scan corpus: per-scan time (p50, p99) and scans per second, one core.

Every corpus line is timed on its own, in rounds, with the profile it names built once
outside the clock (a device's profile is built when its station starts). The target
follows biip's own parse time: p50 under 150 microseconds.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from scanner_gateway.interpret import ScanProfile, interpret

Row = dict[str, Any]
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "scans.jsonl"


def _scans() -> list[tuple[str | bytes, ScanProfile]]:
    profiles: dict[str, ScanProfile] = {}
    scans: list[tuple[str | bytes, ScanProfile]] = []
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            entry = json.loads(line)
            key = json.dumps(entry.get("profile", {}), sort_keys=True)
            if key not in profiles:
                profiles[key] = ScanProfile.from_mapping(json.loads(key))
            raw = bytes.fromhex(entry["raw_hex"]) if "raw_hex" in entry else entry["raw"]
            scans.append((raw, profiles[key]))
    return scans


def _pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


def run(*, database_url: str | None, work: Path, quick: bool) -> list[Row]:
    del database_url, work  # interpretation is pure: no database, no files
    scans = _scans()
    rounds = 20 if quick else 200
    for raw, profile in scans:  # warm caches (AI table, regexes) outside the clock
        interpret(raw, profile=profile)
    samples: list[float] = []
    clock = time.perf_counter
    t_all = clock()
    for _ in range(rounds):
        for raw, profile in scans:
            t = clock()
            interpret(raw, profile=profile)
            samples.append(clock() - t)
    elapsed = clock() - t_all
    is_gs1 = [interpret(raw, profile=profile).kind == "gs1" for raw, profile in scans]
    gs1 = [s for i, s in enumerate(samples) if is_gs1[i % len(scans)]]
    us = 1e6
    return [
        {"name": f"interpret corpus ({len(scans)} scans)", "value": len(scans), "unit": "scans"},
        {
            "name": "interpret p50",
            "value": round(statistics.median(samples) * us, 1),
            "unit": "us",
            "target": "< 150 us",
        },
        {"name": "interpret p99", "value": round(_pct(samples, 0.99) * us, 1), "unit": "us"},
        {
            "name": "interpret p50, GS1 scans only",
            "value": round(statistics.median(gs1) * us, 1),
            "unit": "us",
        },
        {
            "name": "interpret scans per second",
            "value": round(len(samples) / elapsed),
            "unit": "/s",
        },
    ]


if __name__ == "__main__":
    for row in run(database_url=None, work=Path("."), quick=False):
        target = f"  (target {row['target']})" if row.get("target") else ""
        print(f"{row['name']:<36} {row['value']:>10} {row['unit']}{target}")
