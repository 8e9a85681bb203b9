"""Benchmarks: ``make bench`` (``python -m bench``). Figures and ratios, never assertions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"  # not in git


def save(rows: object, prefix: str) -> Path:
    """The rows as ``bench/results/PREFIX-TIMESTAMP.json``; says where."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(rows, indent=2))
    print(f"\nresults: {path}")
    return path


def print_rows(rows: list[dict[str, Any]]) -> None:
    """One line per figure: name, value, unit and the target when there is one."""
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        target = f"  (target {r['target']})" if r.get("target") else ""
        print(f"{r['name']:<{width}}  {r['value']!s:>12} {r['unit']}{target}")


def markdown_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """(suite, row) pairs as one markdown table to paste into the README.

    Rows named ``(check)`` are the harness checking itself (every scan applied once), not
    figures: they stay in the printed tables and the JSON.
    """

    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").strip()

    out = ["| what | measured | target | suite |", "|---|---|---|---|"]
    for suite, r in rows:
        if "(check)" in r["name"]:
            continue
        value = r["value"]
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
        measured = f"{shown} {r['unit']}" if r.get("unit") else f"{shown}"
        target = cell(r.get("target") or "")
        out.append(f"| {cell(r['name'])} | {cell(measured)} | {target} | `{suite}` |")
    return "\n".join(out)
