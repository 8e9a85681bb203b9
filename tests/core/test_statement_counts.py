"""Reads and steps cost the same number of statements at 1 and at 50 document lines.

Each test counts the statements one core call sends (an SQLAlchemy
``before_cursor_execute`` listener on the engine) on a document of one line and on one of
fifty lines prepared the same way, and compares the two counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import statements
from tracking_core.core import ScanKey, Tracking
from tracking_core.values import Assignment, DocumentInfo, LineSpec

BIG = 50


def count(core: Tracking, call: Callable[[], object]) -> int:
    with statements(core) as seen:
        call()
    return len(seen)


def without_numbers(info: DocumentInfo) -> DocumentInfo:
    """A detailed document as the plain view shows it (no serials or lots listed)."""
    return replace(info, lines=tuple(replace(ln, serials=(), lots=()) for ln in info.lines))


# --- the document view ------------------------------------------------------------------


def test_the_document_view_costs_the_same_at_1_and_50_lines(wh: Tracking) -> None:
    wh.receive(partner="V1", item="MILK", location="A1", quantity=100, lot="LA")
    counts = []
    for n in (1, BIG):
        lines = [LineSpec("LAP" if i % 2 == 0 else "MILK", 2, "A1") for i in range(n)]
        doc = wh.create_document("receipt", partner="V1", lines=lines).number
        wh.generate_serials(doc, line=1, count=1)
        if n > 1:
            wh.generate_lot(doc, line=2, quantity=2, lot="LB")
        counts.append(count(wh, lambda d=doc: wh.document(d)))  # type: ignore[misc]
    # a read: the document's row and the one statement of its lines (SQLite adds BEGIN)
    assert counts[0] == counts[1] <= 3


def test_the_view_shows_what_the_detailed_read_counts(wh: Tracking) -> None:
    """Open, posted and cancelled documents, serial, lot and plain lines, an ASN."""
    lap = [f"P-{i}" for i in range(6)]
    wh.receive(partner="V1", item="LAP", location="A1", quantity=6, serials=lap)
    wh.receive(partner="V1", item="MILK", location="A1", quantity=50, lot="LA")
    receipt = wh.create_document(
        "receipt",
        partner="V1",
        reference="PO-9",
        lines=[
            LineSpec("LAP", 3, "DOCK", expected_serials=["E1", "E2"]),
            LineSpec("MILK", 10, "A2"),
            LineSpec("CABLE", 4, "A1"),
            LineSpec("LAP", 2, "A1"),
        ],
    ).number
    wh.generate_serials(receipt, line=1, serials=["E1", "X9"])
    wh.generate_lot(receipt, line=2, quantity=4, lot="LC")
    wh.generate_lot(receipt, line=2, quantity=3, lot="LD")
    ship = wh.create_document(
        "transfer",
        lines=[
            LineSpec("LAP", 2, "A1", to_location="A2"),
            LineSpec("MILK", 5, "A1", to_location="A2"),
        ],
    ).number
    wh.allocate_serials(ship, line=1, count=2)
    wh.allocate_lot(ship, line=2, quantity=5, lot="LA")
    cancelled = wh.create_document(
        "shipment", partner="C1", lines=[LineSpec("LAP", 1, "A1"), LineSpec("MILK", 2, "A1")]
    ).number
    wh.allocate_serials(cancelled, line=1, count=1)
    wh.allocate_lot(cancelled, line=2, quantity=2)
    wh.cancel(cancelled)
    posted = wh.ship(partner="C1", item="MILK", location="A1", quantity=7, lot="LA").number
    reversal = wh.reverse(posted).document
    wh.post(ship)
    empty = wh.create_document("adjustment").number
    for number in (receipt, ship, cancelled, posted, reversal, empty):
        view = wh.document(number)
        assert view == without_numbers(wh.document(number, detail=True))
    view = wh.document(receipt)
    assert [(ln.assigned, ln.open, ln.expected) for ln in view.lines] == [
        (2, 1, 2),
        (7, 3, 0),
        (0, 4, 0),
        (0, 2, 0),
    ]
    assert (view.partner, view.reference, view.lines[0].location) == ("V1", "PO-9", "DOCK")
    assert wh.document(ship).lines[0].to_location == "A2"
    assert wh.document(reversal).reverses == posted
    assert [ln.assigned for ln in wh.document(cancelled).lines] == [0, 0]


# --- scan-sized steps -------------------------------------------------------------------


def _steps(core: Tracking, n: int, *, inbound: bool, item: str) -> tuple[str, Callable[..., Any]]:
    """A document of ``n`` one-unit lines of ``item``, all but the last full; and its step."""
    if inbound:
        doc = core.create_document("receipt", partner="V1", lines=[LineSpec(item, 1, "A1")] * n)
    else:
        doc = core.create_document("shipment", partner="C1", lines=[LineSpec(item, 1, "A1")] * n)
    number = doc.number
    for line in range(1, n):
        if item == "LAP" and inbound:
            core.generate_serials(number, line=line, serials=[f"F-{n}-{line}"])
        elif item == "LAP":
            core.allocate_serials(number, line=line, count=1)
        elif inbound:
            core.generate_lot(number, line=line, quantity=1, lot="LA")
        else:
            core.allocate_lot(number, line=line, quantity=1, lot="LA")
    if item == "LAP" and inbound:
        return number, lambda **kw: core.generate_serials(number, serials=[f"NEW-{n}"], **kw)
    if item == "LAP":
        return number, lambda **kw: core.allocate_serials(number, count=1, **kw)
    if inbound:
        return number, lambda **kw: core.generate_lot(number, quantity=1, lot=f"NEW{n}", **kw)
    return number, lambda **kw: core.allocate_lot(number, quantity=1, lot="LA", **kw)


STEPS = [
    pytest.param(True, "LAP", id="generate-serial"),
    pytest.param(False, "LAP", id="allocate-serial"),
    pytest.param(True, "MILK", id="generate-lot"),
    pytest.param(False, "MILK", id="allocate-lot"),
]


@pytest.mark.parametrize(("inbound", "item"), STEPS)
@pytest.mark.parametrize("by", ["item", "line"])
def test_a_step_costs_the_same_at_1_and_50_lines(
    wh: Tracking, inbound: bool, item: str, by: str
) -> None:
    wh.receive(partner="V1", item="LAP", location="A1", quantity=2 * BIG)
    wh.receive(partner="V1", item="MILK", location="A1", quantity=2 * BIG, lot="LA")
    counts = []
    for n in (1, BIG):
        number, step = _steps(wh, n, inbound=inbound, item=item)
        where = {"item": item} if by == "item" else {"line": n}
        with statements(wh) as seen:
            a: Assignment = step(**where)
        counts.append(len(seen))
        # the step lands on the last line (the only one with room) and says how it left it
        assert (a.line, a.assigned, a.line_quantity) == (n, 1, 1)
        assert a.progress == wh.document(number).lines[n - 1]
    assert counts[0] == counts[1]


def test_a_step_and_its_replay_carry_the_lines_progress(wh: Tracking) -> None:
    doc = wh.create_document(
        "receipt",
        partner="V1",
        lines=[LineSpec("LAP", 3, "A1", expected_serials=["S1", "S2"]), LineSpec("MILK", 9, "A2")],
    ).number
    key = ScanKey("HH-1", "s1")
    a = wh.generate_serials(doc, item="LAP", serials=["S1"], scan=key)
    assert a.progress is not None
    assert (a.progress.assigned, a.progress.open, a.progress.expected) == (1, 2, 2)
    assert wh.generate_serials(doc, item="LAP", serials=["S1"], scan=key) == a  # the replay
    lot = wh.generate_lot(doc, line=2, quantity=4, lot="L1")
    assert lot.progress == wh.document(doc).lines[1]
    undone = wh.unassign_lot(doc, lot="L1", quantity=1)
    assert undone.progress == wh.document(doc).lines[1]
    assert (undone.assigned, undone.line_quantity) == (3, 9)
    back = wh.unassign_serial(doc, serial="S1")
    assert (back.assigned, back.progress) == (0, wh.document(doc).lines[0])


# --- posting ------------------------------------------------------------------------------


def _filled(core: Tracking, doc_type: str, item: str, n: int) -> str:
    """An open document of ``n`` one-unit lines of ``item``, each assigned."""
    partner = "V1" if doc_type == "receipt" else "C1"
    number = core.create_document(
        doc_type, partner=partner, lines=[LineSpec(item, 1, "A1")] * n
    ).number
    for line in range(1, n + 1):
        if item == "LAP" and doc_type == "receipt":
            core.generate_serials(number, line=line, serials=[f"R-{n}-{line}"])
        elif item == "LAP":
            core.allocate_serials(number, line=line, count=1)
        elif doc_type == "receipt":
            core.generate_lot(number, line=line, quantity=1, lot="LA")
        else:
            core.allocate_lot(number, line=line, quantity=1, lot="LA")
    return number


def _post_count(core: Tracking, doc_type: str, item: str, n: int) -> int:
    number = _filled(core, doc_type, item, n)
    used = count(core, lambda: core.post(number))
    assert [ln.assigned for ln in core.document(number).lines] == [1] * n
    return used


@pytest.mark.parametrize("doc_type", ["receipt", "shipment"])
def test_posting_serial_lines_costs_the_same_at_1_and_50_lines(wh: Tracking, doc_type: str) -> None:
    """The checks read every line in one statement; the records are one INSERT ... SELECT
    and the serials one UPDATE per direction, whatever the number of lines."""
    wh.receive(partner="V1", item="LAP", location="A1", quantity=2 * BIG)
    assert _post_count(wh, doc_type, "LAP", 1) == _post_count(wh, doc_type, "LAP", BIG)


@pytest.mark.parametrize("doc_type", ["receipt", "shipment"])
def test_posting_lot_lines_grows_only_by_each_lines_own_writes(wh: Tracking, doc_type: str) -> None:
    """A lot line's records are written per lot on the line (its stock, its record, its
    cost): a fixed few statements each, and nothing more per line for the checks."""
    wh.receive(partner="V1", item="MILK", location="A1", quantity=4 * BIG, lot="LA")
    one, two, big = (_post_count(wh, doc_type, "MILK", n) for n in (1, 2, BIG))
    per_line = two - one
    assert 0 < per_line <= 4
    assert big == one + (BIG - 1) * per_line
