"""Benchmarks: ``make bench`` (``python -m bench``). Figures and ratios, never assertions."""

from __future__ import annotations

from typing import Any


def print_rows(rows: list[dict[str, Any]]) -> None:
    """One line per figure: name, value, unit and the target when there is one."""
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        target = f"  (target {r['target']})" if r.get("target") else ""
        print(f"{r['name']:<{width}}  {r['value']!s:>12} {r['unit']}{target}")
