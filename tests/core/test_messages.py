"""Every domain error's message reads as a sentence, whatever data it carries.

Each DomainError subclass (the core's and the labels') is built with representative
data, and again with None in each field that may be None: the message must start with
a capital letter or a code/number, hold no ``*`` and no ``None``, no doubled word, no
"cannot <past participle>", and end without stray punctuation.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest

import scanner_gateway.labels.errors  # noqa: F401  (registers the label errors)
from tracking_core.core import Tracking
from tracking_core.errors import DomainError, InvalidInput

SAMPLE: dict[str, Any] = {
    "field": "lot",
    "reason": "must be 1 to 64 characters",
    "quantity": 0,
    "mask": "SN-{YY}-#####",
    "capacity": 99999,
    "item": "LAPTOP-14",
    "other_item": "PHONE-5",
    "items": ["LAPTOP-14", "PHONE-5"],
    "other_mask": "SN-{YY}-####",
    "kind": "serial",
    "tracking": "lot",
    "expected": "serial",
    "entity": "item",
    "key": "PHONE",
    "serial": "NOPE",
    "lot": "L7",
    "status": "shipped",
    "document": "RC-1",
    "job": 12,
    "location": "A-01-01",
    "wanted_location": "DOCK-1",
    "line": 2,
    "requested": 5,
    "available": 3,
    "number": "L7",
    "expiry": "2026-11-20",
    "until": "2027-01-31",
    "recall_number": "R-1",
    "existing": "2027-01-31",
    "given": "2027-02-28",
    "doc_type": "customer_return",
    "assigned": 1,
    "reversal": "RC-2",
    "table": "serial_transactions",
    "device": "HH-7",
    "scan_id": "0b7c6f1e",
    "action": "changing settings",
    "role": "operator",
    "needed": "setup",
    "value": "L^1",
    "symbology": "gs1_128",
    "characters": "^",
    "template_name": "serial",
    "needed_mm": 42.5,
    "available_mm": 40.0,
    "name": "serial",
    "searched": ("templates",),
    "width_mm": 0.0,
    "height_mm": 50.0,
    "dpi": 203,
    "path": "/srv/scantrack/var/scantrack.db",
    "directory": "/srv/scantrack/var",
    "variable": "SCANTRACK_SQLITE_SYNCHRONOUS",
    "position": 3,
    "character": " ",
    "use": "unit_price",
    "label_lot": "B44",
    "badge": "0042",
    "failures": 3,
    "retry_after": 4,
    "partner": "C-BETA",
    "shipped_to": "C-GAMMA",
    "partner_kind": "vendor",
    "container": "106141412345678908",
    "into": "006141410000000012",
    "what": "serial SN-1 of LAPTOP-14",
    "cause": "lot_recalled",
    "operation": 7,
    "pallet": "306141410000000013",
    "locations": ["A-01-01", "DOCK-1"],
    "other": "306141410000000020",
    "announced": 4,
}


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


ERRORS = sorted(set(_subclasses(DomainError)), key=lambda c: c.__name__)


def _examples(cls: type[DomainError]) -> Iterator[tuple[str, DomainError]]:
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    missing = [f.name for f in fields if f.name not in SAMPLE]
    assert not missing, f"add representative data for {cls.__name__}: {missing}"
    data = {f.name: SAMPLE[f.name] for f in fields}
    yield "sample", cls(**data)
    for f in fields:
        if "None" in str(f.type):
            yield f"{f.name}=None", cls(**{**data, f.name: None})


def problems(message: str) -> list[str]:
    """What keeps ``message`` from reading as a sentence."""
    out = []
    if not re.match(r"[A-Z0-9]", message):
        out.append("starts with neither a capital letter nor a code or number")
    if "*" in message:
        out.append("holds a *")
    if re.search(r"\bNone\b", message):
        out.append("holds None")
    doubled = re.search(r"\b(\w+) \1\b", message, re.IGNORECASE)
    if doubled:
        out.append(f"doubles {doubled.group(1)!r}")
    wrong = re.search(r"\bcannot (?!be\b)(\w+ed)\b", message)
    if wrong:
        out.append(f"says 'cannot {wrong.group(1)}'")
    if re.search(r"[\s,;:(\[-]$|\.\.$|\s[,.;:]", message):
        out.append("has stray punctuation")
    if "()" in message or "''" in message:
        out.append("has an empty quote or parenthesis")
    return out


def test_every_error_has_a_code_and_the_list_is_complete() -> None:
    codes = [c.code for c in ERRORS]
    assert len(ERRORS) >= 40 and "unknown_serial" in codes and "label_invalid_data" in codes


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_error_message_is_a_sentence(cls: type[DomainError]) -> None:
    for variant, err in _examples(cls):
        assert problems(str(err)) == [], (variant, str(err))


def test_the_checks_catch_the_messages_that_were_wrong() -> None:
    assert problems("Serial NOPE of * is not known") == ["holds a *"]
    assert problems("Invalid decision: cannot printed a job that is printed") == [
        "says 'cannot printed'"
    ]
    assert problems("item 'X' already exists") != []
    assert problems("Serial S of I is already allocated to None") == ["holds None"]
    assert problems("Lot L7 is is recalled") == ["doubles 'is'"]
    assert problems("Stock is in quarantine (until ") != []


def test_label_job_decisions_read_as_sentences(core: Tracking) -> None:
    core.create_location(code="A1")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN####")
    core.create_partner(code="V1", kind="vendor")
    core.receive(item="LAP", location="A1", quantity=1, partner="V1")
    job = core.outbox.jobs()[0]
    assert job.status == "pending"
    seen = []
    for decision in ("printed", "reprint", "cancel", "cancel"):
        try:
            core.outbox.decide(job.id, decision, actor="ann")  # type: ignore[arg-type]
        except InvalidInput as err:
            seen.append(str(err))
            assert problems(str(err)) == [], str(err)
    assert seen and all(m.startswith("Invalid decision: a job that is ") for m in seen)


def test_an_unknown_serial_of_no_item_names_no_item() -> None:
    from tracking_core.errors import UnknownSerial

    assert str(UnknownSerial(item=None, serial="NOPE")) == "Serial NOPE is not known"
    assert str(UnknownSerial(item="LAPTOP-14", serial="NOPE")) == (
        "Serial NOPE of LAPTOP-14 is not known"
    )
    assert UnknownSerial(item=None, serial="NOPE").code == "unknown_serial"
