"""Operators are records: only a known, active badge signs in, and the ledger names who did it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from tests.conftest import Clock
from tests.gateway.handheld import Hand
from tracking_core.core import Actor, Tracking
from tracking_core.errors import DomainError, DuplicateKey, OperatorInactive, UnknownOperator
from tracking_core.values import LineSpec

BAD_BADGES = {
    "rtl override": "00\u202e42",
    "zero width space": "00\u200b42",
    "zero width joiner": "0\u200d042",
    "bell": "00\x0742",
    "newline": "0042\n",
    "over 32": "B" * 33,
    "over 64 (the old PostgreSQL trap)": "B" * 65,
    "empty": "",
    "space inside": "00 42",
    "fullwidth digits": "\uff10\uff10\uff14\uff12",
}


@pytest.fixture
def ops(wh: Tracking) -> Tracking:
    wh.create_operator(badge="0042", name="Ann")
    wh.create_operator(badge="JSMITH", name="Jo Smith")
    return wh


@pytest.fixture
def hand(ops: Tracking, clock: Clock) -> Hand:
    # an operator token's handheld, working on the ERP's documents
    return Hand(Gateway(ops, interpret, caller=Actor(token="hh-token", role="operator")), clock)


def test_operators_are_added_listed_and_deactivated(ops: Tracking) -> None:
    assert [(o.badge, o.name, o.active) for o in ops.operators()] == [
        ("0042", "Ann", True),
        ("JSMITH", "Jo Smith", True),
    ]
    off = ops.deactivate_operator("0042")
    assert (off.active, off.deactivated_at is not None) == (False, True)
    assert ops.activate_operator("0042").active is True
    with pytest.raises(DuplicateKey):
        ops.create_operator(badge="0042", name="Someone else")
    with pytest.raises(UnknownOperator):
        ops.deactivate_operator("NOPE")


@pytest.mark.parametrize("badge", list(BAD_BADGES.values()), ids=list(BAD_BADGES))
def test_a_bad_badge_is_refused_before_any_lookup(ops: Tracking, badge: str) -> None:
    before = ops.operators()
    with pytest.raises(DomainError) as e:
        ops.create_operator(badge=badge, name="X")
    assert (e.value.code, e.value.details()["field"]) == ("invalid_input", "badge")
    with pytest.raises(DomainError) as e2:
        ops.deactivate_operator(badge)
    assert e2.value.code == "invalid_input"
    assert ops.operators() == before


def test_the_database_holds_the_badge_limit(ops: Tracking) -> None:
    def insert(s: Any) -> None:
        s.execute(
            text(
                "INSERT INTO operators (badge, name, active, created_at)"
                " VALUES (:b, 'X', true, CURRENT_TIMESTAMP)"
            ),
            {"b": "B" * 33},
        )

    with pytest.raises((IntegrityError, DomainError)):
        ops.db.run(insert)
    assert len(ops.operators()) == 2


def test_a_badge_scan_signs_in_only_a_known_active_operator(ops: Tracking, hand: Hand) -> None:
    ops.deactivate_operator("JSMITH")
    state = hand.gw.state(hand.device)
    for raw, code in (
        ("OP:9999", "unknown_operator"),
        ("OP:JSMITH", "operator_inactive"),
        ("OP:00\u202e42", "invalid_input"),  # bidi override: refused before the lookup
        ("OP:00\u200b42", "invalid_input"),  # zero width space
        ("OP:" + "B" * 65, "invalid_input"),
        ("OP:00.42/x", "invalid_input"),
    ):
        fb = hand(raw)
        assert (fb.status, fb.code) == ("error", code), raw
        assert hand.gw.state(hand.device).operator == state.operator
    fb = hand("OP:0042")
    assert (fb.status, fb.code, fb.data["operator"]) == ("ok", "operator", "0042")
    assert hand.gw.state(hand.device).operator == "0042"


def test_every_record_names_operator_token_and_device(ops: Tracking, hand: Hand) -> None:
    doc = ops.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 1, "DOCK")])
    milk = ops.create_document("receipt", partner="V1", lines=[LineSpec("MILK", 5, "DOCK")])
    # a badge over 64 characters first: refused, and it does not spoil the confirm after
    assert hand("OP:" + "B" * 70).code == "invalid_input"
    for raw in ("OP:0042", "CMD:MODE:RECEIVE", f"DOC:{doc.number}", "LAP", "SN-A"):
        assert hand(raw).status == "ok", raw
    assert hand("CMD:CONFIRM").code == "posted"
    for raw in (f"DOC:{milk.number}", "MILK", "CMD:QTY:5", "LOT-A", "CMD:CONFIRM"):
        assert hand(raw).status == "ok", raw
    records = ops.ledger()
    assert {(m.document, m.operator, m.token, m.device) for m in records} == {
        (doc.number, "0042", "hh-token", "HH-1"),
        (milk.number, "0042", "hh-token", "HH-1"),
    }
    # the badge is a reference to the operator's row, not free text
    ids = ops.db.run(
        lambda s: s.execute(
            text(
                "SELECT o.badge FROM serial_transactions t JOIN operators o ON o.id = t.operator_id"
                " UNION ALL SELECT o.badge FROM lot_transactions t"
                " JOIN operators o ON o.id = t.operator_id"
            )
        ).all(),
        readonly=True,
    )
    assert sorted(r[0] for r in ids) == ["0042", "0042"]


def test_a_deactivated_operator_records_nothing_more(ops: Tracking, hand: Hand) -> None:
    doc = ops.create_document("receipt", partner="V1", lines=[LineSpec("LAP", 2, "DOCK")])
    for raw in ("OP:0042", "CMD:MODE:RECEIVE", f"DOC:{doc.number}", "LAP", "SN-B"):
        assert hand(raw).status == "ok", raw
    ops.deactivate_operator("0042")
    before = (ops.document(doc.number, detail=True), ops.ledger())
    for raw in ("SN-C", "CMD:CONFIRM"):
        fb = hand(raw)
        assert (fb.status, fb.code) == ("error", "operator_inactive"), raw
    assert (ops.document(doc.number, detail=True), ops.ledger()) == before
    assert hand("OP:JSMITH").code == "operator"  # another badge carries on
    assert hand("SN-C").status == "ok"


def test_the_core_records_a_badge_only_for_a_known_operator(ops: Tracking) -> None:
    info = ops.receive(
        item="LAP",
        location="A1",
        quantity=1,
        serials=["K1"],
        partner="V1",
        actor=Actor(operator="0042", token="erp", device="D-1"),
    )
    (m,) = ops.serial("K1").history
    assert (m.document, m.operator, m.token, m.device) == (info.number, "0042", "erp", "D-1")
    before = ops.ledger()
    with pytest.raises(UnknownOperator):
        ops.receive(
            item="LAP",
            location="A1",
            quantity=1,
            serials=["K2"],
            partner="V1",
            actor=Actor(operator="NOBODY"),
        )
    ops.deactivate_operator("0042")
    with pytest.raises(OperatorInactive):
        ops.receive(
            item="LAP",
            location="A1",
            quantity=1,
            serials=["K2"],
            partner="V1",
            actor=Actor(operator="0042"),
        )
    assert ops.ledger() == before
