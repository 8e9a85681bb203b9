"""Bad input gets a clear typed error and changes nothing."""

from __future__ import annotations

import pytest

from tracking_core.core import ScanKey, Tracking
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec


def snapshot(core: Tracking) -> tuple[object, ...]:
    return (
        tuple(core.stock()),
        tuple(core.ledger()),
        tuple((d.number, d.status, d.assigned) for d in core.documents()),
    )


@pytest.mark.parametrize(
    ("call", "code", "details"),
    [
        (lambda c, n: c.generate_serials(n, item="NOPE", count=1), "unknown_item", None),
        (lambda c, n: c.generate_serials("RC-X", line=1, count=1), "unknown_document", None),
        (lambda c, n: c.generate_serials(n, line=1, count=0), "invalid_quantity", None),
        (lambda c, n: c.generate_serials(n, line=1, count=-1), "invalid_quantity", None),
        (lambda c, n: c.generate_serials(n, line=1, count=1.5), "invalid_quantity", None),
        (lambda c, n: c.generate_serials(n, line=1, serials=[]), "invalid_input", None),
        (
            lambda c, n: c.generate_serials(n, line=1, serials=["A\x00B"]),
            "invalid_serial",
            {"field": "serial", "reason": "control character U+0000 not allowed"},
        ),
        (
            lambda c, n: c.generate_serials(n, line=1, serials=["X" * 65]),
            "invalid_serial",
            {"field": "serial", "reason": "longer than 64 characters (65)"},
        ),
        (lambda c, n: c.generate_serials(n, line=1, serials=["A", "A"]), "invalid_input", None),
        (lambda c, n: c.generate_serials(n, line=1, serials=["A"], count=1), "invalid_input", None),
        (lambda c, n: c.generate_lot(n, line=1, quantity=1), "tracking_mismatch", None),
        (lambda c, n: c.allocate_serials(n, line=1, count=1), "wrong_document_type", None),
        (lambda c, n: c.serial("NOPE"), "unknown_serial", None),
        (lambda c, n: c.lot("NOPE", item="MILK"), "unknown_lot", None),
        (lambda c, n: c.create_item(sku="BAD", tracking="weird"), "invalid_input", None),
        (lambda c, n: c.create_item(sku="LAP", tracking="serial"), "duplicate", None),
        (
            lambda c, n: c.create_item(sku="G", tracking="none", gtins=["09506000134353"]),
            "invalid_input",
            {"field": "gtin", "reason": "'09506000134353' has a wrong check digit"},
        ),
        (
            lambda c, n: c.create_item(sku="M", tracking="serial", serial_mask="SN{XX}#"),
            "invalid_mask",
            None,
        ),
        (
            lambda c, n: c.create_document(
                "receipt", lines=[LineSpec("LAP", 1, "NOWHERE")], partner="V1"
            ),
            "unknown_location",
            None,
        ),
        (lambda c, n: c.create_document("receipt", partner="NOBODY"), "unknown_partner", None),
        (lambda c, n: c.create_document("invoice"), "invalid_input", None),
        (
            lambda c, n: c.create_document("transfer", lines=[LineSpec("LAP", 1, "A1")]),
            "invalid_input",
            None,
        ),
        (
            lambda c, n: c.update_settings({"allocation_order": "random"}, actor="t", role="setup"),
            "invalid_input",
            None,
        ),
        (
            lambda c, n: c.update_settings({"use_lots": False}, actor="t", role="operator"),
            "permission_denied",
            None,
        ),
        (
            lambda c, n: c.update_settings({"nope": 1}, actor="t", role="admin"),
            "invalid_input",
            None,
        ),
        (lambda c, n: c.post("NOPE"), "unknown_document", None),
        (lambda c, n: c.reverse(n), "document_not_posted", None),
        (
            lambda c, n: c.generate_serials(n, line=1, serials=["A"], scan=ScanKey("", "1")),
            "invalid_input",
            None,
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    wh: Tracking, call: object, code: str, details: dict[str, str] | None
) -> None:
    n = wh.create_document("receipt", lines=[LineSpec("LAP", 2, "A1")], partner="V1").number
    before = snapshot(wh)
    with pytest.raises(DomainError) as e:
        call(wh, n)  # type: ignore[operator]
    assert e.value.code == code
    if details:
        assert {k: e.value.details()[k] for k in details} == details
    assert str(e.value)  # every error has a message
    assert snapshot(wh) == before


def test_replay_returns_stored_result_and_changes_nothing(wh: Tracking) -> None:
    n = wh.create_document("receipt", lines=[LineSpec("LAP", 5, "A1")], partner="V1").number
    key = ScanKey("HH-1", "6f1c")
    first = wh.generate_serials(n, line=1, count=2, scan=key)
    again = wh.generate_serials(n, line=1, count=2, scan=key)
    assert again == first
    assert wh.document(n).assigned == 2
    with pytest.raises(DomainError) as e:
        wh.generate_serials(n, line=1, count=3, scan=key)
    assert (e.value.code, e.value.details()) == (
        "idempotency_conflict",
        {"device": "HH-1", "scan_id": "6f1c"},
    )
    assert wh.document(n).assigned == 2


def test_ledger_is_append_only_in_the_database(wh: Tracking) -> None:
    from sqlalchemy import text

    wh.receive(item="MILK", location="A1", quantity=1, lot="L", partner="V1")
    for stmt in ("UPDATE lot_transactions SET quantity = 5", "DELETE FROM lot_transactions"):
        with pytest.raises(DomainError) as e:
            wh.db.run(lambda s, q=stmt: s.execute(text(q)))
        assert e.value.code == "ledger_immutable"
    assert [m.quantity for m in wh.ledger()] == [1]


def test_ledger_rows_cannot_be_changed_through_the_orm(wh: Tracking) -> None:
    from sqlalchemy import select

    from tracking_core.models import LotTransaction

    wh.receive(item="MILK", location="A1", quantity=2, lot="L", partner="V1")

    def tamper(s, delete: bool):  # type: ignore[no-untyped-def]
        row = s.execute(select(LotTransaction)).scalar_one()
        if delete:
            s.delete(row)
        else:
            row.quantity = 9
        s.flush()

    for delete in (False, True):
        with pytest.raises(DomainError) as e:
            wh.db.run(lambda s, d=delete: tamper(s, d))
        assert (e.value.code, e.value.details()) == (
            "ledger_immutable",
            {"table": "lot_transactions"},
        )
    assert [m.quantity for m in wh.ledger()] == [2]
