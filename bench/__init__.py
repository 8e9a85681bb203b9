"""Benchmarks: ``make bench`` (``python -m bench``). Figures and ratios, never assertions."""

from __future__ import annotations

from typing import Any


def print_rows(rows: list[dict[str, Any]]) -> None:
    """One line per figure: name, value, unit and the target when there is one."""
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        target = f"  (target {r['target']})" if r.get("target") else ""
        print(f"{r['name']:<{width}}  {r['value']!s:>12} {r['unit']}{target}")


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """All rows as one markdown table (what | measured | target), to paste into the README."""

    def cell(x: object) -> str:
        return str(x).replace("|", "\\|").strip()

    out = ["| what | measured | target |", "|---|---|---|"]
    for r in rows:
        value = r["value"]
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
        measured = f"{shown} {r['unit']}" if r.get("unit") else f"{shown}"
        out.append(f"| {cell(r['name'])} | {cell(measured)} | {cell(r.get('target') or '')} |")
    return "\n".join(out)
