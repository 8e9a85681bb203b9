"""Every scan in tests/corpus/scans.jsonl gives its expected interpretation.

A line is ``{"raw": ..., "note": ..., "profile": {...}?, "expect": {...}}`` (or ``raw_hex``
for bytes). ``expect`` names the kind and what was read; what it leaves out must be
empty, so a scan that reads more than expected fails too. ``warnings`` is a count,
``error``, ``symbology`` and ``fields`` are compared when given.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scanner_gateway.interpret import ScanProfile, interpret

CORPUS = Path(__file__).parent.parent / "corpus" / "scans.jsonl"
STRICT = (
    "kind", "gtin", "serial", "lot", "sscc", "expiry", "best_before", "production_date",
    "quantity", "item", "location", "document", "operator", "command", "argument", "vendor_rule",
)  # fmt: skip
OPTIONAL = ("error", "symbology", "fields", "value")


def load() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


LINES = load()


@cache
def profile(overrides: str) -> ScanProfile:
    return ScanProfile.from_mapping(json.loads(overrides))


def raw_of(line: dict[str, Any]) -> str | bytes:
    return bytes.fromhex(line["raw_hex"]) if "raw_hex" in line else str(line["raw"])


@pytest.mark.parametrize(
    "line", LINES, ids=[f"{i + 1}:{line['note'][:40]}" for i, line in enumerate(LINES)]
)
def test_corpus_line(line: dict[str, Any]) -> None:
    p = profile(json.dumps(line.get("profile", {}), sort_keys=True))
    got = interpret(raw_of(line), profile=p).to_dict()
    expect = line["expect"]
    unknown = set(expect) - set(STRICT) - set(OPTIONAL) - {"warnings"}
    assert not unknown, f"unknown expect keys {unknown}"
    actual = {k: got[k] for k in STRICT} | {"warnings": len(got["warnings"])}
    wanted = {k: expect.get(k) for k in STRICT} | {"warnings": expect.get("warnings", 0)}
    for k in OPTIONAL:
        if k in expect:
            actual[k], wanted[k] = got[k], expect[k]
    assert actual == wanted, got


def test_corpus_size_and_breadth() -> None:
    assert len(LINES) >= 200
    kinds = Counter(line["expect"]["kind"] for line in LINES)
    assert set(kinds) == {
        "gs1", "gtin", "hibc", "location", "document", "operator", "command", "vendor", "plain",
        "invalid",
    }  # fmt: skip
    raws = [json.dumps(line.get("raw", line.get("raw_hex"))) for line in LINES]
    assert any("\\u001d" in r for r in raws)  # ASCII 29 separators
    assert any(line.get("profile", {}).get("separators") for line in LINES)  # replacements
    for ident in ("]C1", "]d2", "]Q3", "]e0", "]E0", "]Q1", "]C0"):
        assert any(str(line.get("raw", "")).startswith(ident) for line in LINES), ident
