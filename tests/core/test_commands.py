"""Every command through ``Tracking.execute``: its result, its replay, its conflicts, bad input.

Each case sets up a document and gives a command, another command (sent under the same
ScanKey it must be refused) and a bad command with the error code it must raise.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core import command_handlers, commands, idempotency
from tracking_core.codec import encode
from tracking_core.commands import (
    AddLine,
    AllocateContainer,
    AllocateLot,
    AllocateSerials,
    AnnounceContainers,
    CancelDocument,
    CheckContainer,
    GenerateLot,
    GenerateSerials,
    PackContainer,
    PostDocument,
    ReceiveContainer,
    ReverseDocument,
    ReversePack,
    SetLineQuantity,
    Step,
    UnassignContainer,
    UnassignLot,
    UnassignSerial,
    UnpackContainer,
)
from tracking_core.context import Ctx
from tracking_core.core import ScanKey, Tracking
from tracking_core.errors import DomainError
from tracking_core.models import Base
from tracking_core.ship_notice_values import AnnouncedContainer, AnnouncedContent
from tracking_core.sscc import make_sscc
from tracking_core.values import Assignment, LineSpec


def snapshot(core: Tracking) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary key order."""

    def read(s: Session) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in Base.metadata.sorted_tables:
            q = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in s.execute(q).all()]
        return out

    return core.db.run(read, readonly=True)


@dataclass(frozen=True)
class Case:
    command: Step[Any]
    other: Step[Any]  # refused under the command's ScanKey
    bad: Step[Any]
    bad_code: str
    check: Callable[[Any], bool]  # what the command's result must show


def _receipt(core: Tracking, item: str, quantity: int) -> str:
    return core.create_document(
        "receipt", lines=[LineSpec(item, quantity, "A1")], partner="V1"
    ).number


def _with_two_serials(core: Tracking, quantity: int) -> str:
    """A receipt of ``quantity`` LAP with SN-26-00001 and SN-26-00002 on its line."""
    n = _receipt(core, "LAP", quantity)
    core.generate_serials(n, line=1, count=2)
    return n


def _shipment(core: Tracking, item: str, quantity: int) -> str:
    return core.create_document(
        "shipment", lines=[LineSpec(item, quantity, "A1")], partner="C1"
    ).number


def generate_serials(core: Tracking) -> Case:
    n = _receipt(core, "LAP", 5)
    return Case(
        GenerateSerials(n, line=1, count=2),
        GenerateSerials(n, line=1, count=3),
        GenerateSerials(n, line=1, count=0),
        "invalid_quantity",
        lambda a: a.serials == ("SN-26-00001", "SN-26-00002") and a.assigned == 2,
    )


def allocate_serials(core: Tracking) -> Case:
    core.receive(item="LAP", location="A1", quantity=3, partner="V1")
    n = _shipment(core, "LAP", 2)
    return Case(
        AllocateSerials(n, line=1, serials=["SN-26-00002"]),
        AllocateSerials(n, line=1, count=1),
        AllocateSerials(n, line=1, serials=["SN-26-00009"]),
        "unknown_serial",
        lambda a: a.serials == ("SN-26-00002",) and a.action == "allocate",
    )


def unassign_serial(core: Tracking) -> Case:
    n = _with_two_serials(core, 5)
    return Case(
        UnassignSerial(n, serial="SN-26-00001"),
        UnassignSerial(n, serial="SN-26-00002"),
        UnassignSerial(n, serial="SN-26-00009"),
        "serial_not_on_line",
        lambda a: a.serials == ("SN-26-00001",) and a.assigned == 1,
    )


def generate_lot(core: Tracking) -> Case:
    n = _receipt(core, "MILK", 10)
    return Case(
        GenerateLot(n, line=1, quantity=4, lot="L1"),
        GenerateLot(n, line=1, quantity=5, lot="L1"),
        GenerateLot(n, line=1, quantity=4, lot="L 1"),
        "invalid_lot",
        lambda a: a.lots == (("L1", 4),) and a.expiry == dt.date(2026, 12, 4),
    )


def allocate_lot(core: Tracking) -> Case:
    core.receive(item="MILK", location="A1", quantity=10, lot="L1", partner="V1")
    n = _shipment(core, "MILK", 5)
    return Case(
        AllocateLot(n, line=1, quantity=3, lot="L1"),
        AllocateLot(n, line=1, quantity=2, lot="L1"),
        AllocateLot(n, line=1, quantity=3, lot="NOPE"),
        "unknown_lot",
        lambda a: a.lots == (("L1", 3),) and a.assigned == 3,
    )


def unassign_lot(core: Tracking) -> Case:
    n = _receipt(core, "MILK", 10)
    core.generate_lot(n, line=1, quantity=4, lot="L1")
    return Case(
        UnassignLot(n, lot="L1", quantity=1),
        UnassignLot(n, lot="L1"),
        UnassignLot(n, lot="L1", quantity=99),
        "invalid_input",
        lambda a: a.lots == (("L1", 1),) and a.assigned == 3,
    )


def add_line(core: Tracking) -> Case:
    n = _receipt(core, "LAP", 1)
    return Case(
        AddLine(n, LineSpec("CABLE", 3, "A2")),
        AddLine(n, LineSpec("CABLE", 4, "A2")),
        AddLine(n, LineSpec("NOPE", 3, "A2")),
        "unknown_item",
        lambda ln: (ln.line, ln.item, ln.quantity, ln.location) == (2, "CABLE", 3, "A2"),
    )


def set_line_quantity(core: Tracking) -> Case:
    n = _with_two_serials(core, 5)
    return Case(
        SetLineQuantity(n, line=1, quantity=3),
        SetLineQuantity(n, line=1, quantity=4),
        SetLineQuantity(n, line=1, quantity=1),
        "line_quantity_exceeded",
        lambda ln: (ln.quantity, ln.assigned, ln.open) == (3, 2, 1),
    )


def post(core: Tracking) -> Case:
    n = _with_two_serials(core, 2)
    return Case(
        PostDocument(n),
        CancelDocument(n),
        PostDocument("RC-NOPE"),
        "unknown_document",
        lambda r: (r.document, r.serial_records) == (n, 2),
    )


def cancel(core: Tracking) -> Case:
    n = _with_two_serials(core, 2)
    return Case(
        CancelDocument(n),
        PostDocument(n),
        CancelDocument("RC-NOPE"),
        "unknown_document",
        lambda d: (d.number, d.status, d.assigned) == (n, "cancelled", 0),
    )


def reverse(core: Tracking) -> Case:
    n = core.receive(item="LAP", location="A1", quantity=2, partner="V1").number
    still_open = _receipt(core, "LAP", 1)
    return Case(
        ReverseDocument(n),
        ReverseDocument(n, reversal_number="REV-1"),
        ReverseDocument(still_open),
        "document_not_posted",
        lambda r: (r.reverses, r.serial_records) == (n, 2),
    )


NO_SUCH_SSCC = "006141419999999994"  # a good check digit, never generated here


def _stocked_case(core: Tracking, packed: int = 2) -> tuple[str, list[str]]:
    """Four LAP in stock at A1 and an SSCC case there holding the first ``packed``."""
    n = core.receive(item="LAP", location="A1", quantity=4, partner="V1").number
    sns = list(core.document(n, detail=True).lines[0].serials)
    box = core.create_container(location="A1").code
    if packed:
        core.pack(box, serials=[("LAP", sn) for sn in sns[:packed]])
    return box, sns


def pack(core: Tracking) -> Case:
    box, sns = _stocked_case(core, packed=0)
    return Case(
        PackContainer(box, serials=[("LAP", sns[0])]),
        PackContainer(box, serials=[("LAP", sns[1])]),
        PackContainer(NO_SUCH_SSCC, serials=[("LAP", sns[2])]),
        "unknown_container",
        lambda r: (r.action, [x.serial for x in r.serials]) == ("pack", [sns[0]]),
    )


def unpack(core: Tracking) -> Case:
    box, sns = _stocked_case(core)
    return Case(
        UnpackContainer(box, serials=[("LAP", sns[0])]),
        UnpackContainer(box, serials=[("LAP", sns[1])]),
        UnpackContainer(box, serials=[("LAP", sns[3])]),
        "not_packed",
        lambda r: (r.action, [x.serial for x in r.serials]) == ("unpack", [sns[0]]),
    )


def reverse_pack(core: Tracking) -> Case:
    box, sns = _stocked_case(core)
    first = core.pack_records(box)[0].id
    second = core.pack(box, serials=[("LAP", sns[2])]).id
    return Case(
        ReversePack(first),
        ReversePack(second),
        ReversePack(10_000),
        "unknown_pack_operation",
        lambda r: (r.action, r.reverses, len(r.serials)) == ("unpack", first, 2),
    )


def allocate_container(core: Tracking) -> Case:
    box, _sns = _stocked_case(core)
    n = _shipment(core, "LAP", 2)
    return Case(
        AllocateContainer(n, container=box),
        AllocateContainer(n, container=NO_SUCH_SSCC),
        AllocateContainer("SO-NOPE", container=box),
        "unknown_document",
        lambda r: (r.container, r.quantity, r.action) == (box, 2, "allocate"),
    )


def unassign_container(core: Tracking) -> Case:
    box, _sns = _stocked_case(core)
    n = _shipment(core, "LAP", 2)
    core.allocate_container(n, container=box)
    other = core.create_container(location="A1").code
    return Case(
        UnassignContainer(n, container=box),
        UnassignContainer(n, container=other),
        UnassignContainer(n, container=other),
        "container_not_available",
        lambda r: (r.container, r.quantity, r.action) == (box, 2, "unassign"),
    )


# --- receiving by SSCC -------------------------------------------------------------------

_SSCC_REFS = itertools.count(1)


def _two_ssccs() -> tuple[str, str]:
    """A pallet's and a case's SSCC never used before (the setups run more than once)."""
    a, b = next(_SSCC_REFS), next(_SSCC_REFS)
    return tuple(  # type: ignore[return-value]
        make_sscc(company_prefix="0614141", extension=3, serial_reference=x) for x in (a, b)
    )


def _announced(core: Tracking) -> tuple[str, str, str]:
    pallet, case = _two_ssccs()
    n = _receipt(core, "LAP", 2)
    box = AnnouncedContainer(case, contents=[AnnouncedContent(line=1, serials=["VS-1", "VS-2"])])
    core.announce_containers(n, [AnnouncedContainer(pallet, children=[box])])
    return n, pallet, case


def announce_containers(core: Tracking) -> Case:
    pallet, case = _two_ssccs()
    n = _receipt(core, "LAP", 2)
    one = AnnouncedContainer(case, contents=[AnnouncedContent(line=1, serials=["VS-1"])])
    other = AnnouncedContainer(pallet, contents=[AnnouncedContent(line=1, serials=["VS-2"])])
    too_many = AnnouncedContainer(
        pallet, contents=[AnnouncedContent(line=1, serials=["A", "B", "C"])]
    )
    return Case(
        AnnounceContainers(n, containers=[one]),
        AnnounceContainers(n, containers=[other]),
        AnnounceContainers(n, containers=[too_many]),
        "notice_exceeds_line",
        lambda r: (r.containers, r.units) == ((case,), 1),
    )


def receive_container(core: Tracking) -> Case:
    n, pallet, case = _announced(core)
    return Case(
        ReceiveContainer(n, container=pallet),
        ReceiveContainer(n, container=case),
        ReceiveContainer(n, container=case),
        "container_not_available",
        lambda r: (r.containers, r.quantity) == ((pallet, case), 2),
    )


def check_container(core: Tracking) -> Case:
    n, _pallet, case = _announced(core)
    return Case(
        CheckContainer(n, container=case, serials=[(None, "VS-1")]),
        CheckContainer(n, container=case, serials=[(None, "VS-2")]),
        CheckContainer(n, container=NO_SUCH_SSCC, serials=[(None, "VS-1")]),
        "unknown_container",
        lambda r: [(d.kind, d.serial) for d in r.discrepancies] == [("missing", "VS-2")],
    )


CASES = [
    generate_serials,
    allocate_serials,
    unassign_serial,
    generate_lot,
    allocate_lot,
    unassign_lot,
    add_line,
    set_line_quantity,
    post,
    cancel,
    reverse,
    pack,
    unpack,
    reverse_pack,
    allocate_container,
    unassign_container,
    announce_containers,
    receive_container,
    check_container,
]


def _all_commands() -> set[type[Step[Any]]]:
    return {
        c
        for c in vars(commands).values()
        if inspect.isclass(c) and issubclass(c, Step) and c is not Step
    }


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_command_through_execute(wh: Tracking, make: Callable[[Tracking], Case]) -> None:
    case = make(wh)
    key = ScanKey("HH-1", "scan-1")

    before = snapshot(wh)
    with pytest.raises(DomainError) as e:
        wh.execute(case.bad, scan=ScanKey("HH-1", "scan-bad"))
    assert e.value.code == case.bad_code
    assert snapshot(wh) == before  # nothing written, no result stored for its key

    result = wh.execute(case.command, scan=key)
    assert isinstance(result, case.command.result_type)
    assert case.check(result), result
    done = snapshot(wh)
    assert done != before

    assert wh.execute(case.command, scan=key) == result  # the stored result, decoded
    assert snapshot(wh) == done

    with pytest.raises(DomainError) as e:
        wh.execute(case.other, scan=key)
    assert (e.value.code, e.value.details()) == (
        "idempotency_conflict",
        {"device": "HH-1", "scan_id": "scan-1"},
    )
    assert snapshot(wh) == done


def test_every_command_has_a_case_and_a_handler(wh: Tracking) -> None:
    """The union the handler table matches on, and these cases, name every command."""
    in_union = set(typing.get_args(commands.Command))
    assert _all_commands() == in_union
    covered = {type(make(wh).command) for make in CASES}
    assert covered == in_union


def test_a_command_outside_the_table_is_never_run() -> None:
    @dataclass(frozen=True)
    class Stray(Step[Assignment], action="stray"):
        document: str

    with pytest.raises(AssertionError):  # assert_never: mypy names the missing case
        command_handlers.handle(cast(Ctx, None), Stray("RC-1"))
    assert Stray.result_type is Assignment


# --- the idempotency hash, as ``Tracking._step`` took it before the commands ----------------

N = "RC-2026-0001"
DAY = dt.date(2026, 11, 24)
OLD_PAYLOADS: list[tuple[Step[Any], str, dict[str, Any]]] = [
    (
        GenerateSerials(N, line=1, count=2),
        "generate_serials",
        dict(
            document=N,
            line=1,
            item=None,
            serials=None,
            count=2,
            lot=None,
            expiry=None,
            production_date=None,
        ),
    ),
    (
        GenerateSerials(
            N, item="LAP", serials=("A", "B"), lot="L1", expiry=DAY, production_date=DAY
        ),
        "generate_serials",
        dict(
            document=N,
            line=None,
            item="LAP",
            serials=["A", "B"],
            count=None,
            lot="L1",
            expiry=DAY,
            production_date=DAY,
        ),
    ),
    (
        AllocateSerials(N, line=1, serials=["A"]),
        "allocate_serials",
        dict(document=N, line=1, item=None, serials=["A"], count=None),  # no lot: not hashed
    ),
    (
        AllocateSerials(N, line=1, count=1, lot="L1"),
        "allocate_serials",
        dict(document=N, line=1, item=None, serials=None, count=1, lot="L1"),
    ),
    (
        GenerateLot(N, quantity=4, line=1, lot="L1", expiry=DAY),
        "generate_lot",
        dict(
            document=N,
            quantity=4,
            line=1,
            item=None,
            lot="L1",
            expiry=DAY,
            production_date=None,
        ),
    ),
    (
        AllocateLot(N, quantity=3, item="MILK"),
        "allocate_lot",
        dict(document=N, quantity=3, line=None, item="MILK", lot=None),
    ),
    (
        UnassignSerial(N, serial="A"),
        "unassign_serial",
        dict(document=N, serial="A", item=None),
    ),
    (
        UnassignLot(N, lot="L1", quantity=2),
        "unassign_lot",
        dict(document=N, lot="L1", item=None, quantity=2),
    ),
    (PostDocument(N), "post", dict(document=N)),
]


@pytest.mark.parametrize(("command", "action", "payload"), OLD_PAYLOADS)
def test_hash_is_the_one_steps_had(
    command: Step[Any], action: str, payload: dict[str, Any]
) -> None:
    assert command.action == action
    assert idempotency.request_hash(command.action, command.payload()) == (
        idempotency.request_hash(action, payload)
    )


def test_a_result_stored_before_the_commands_still_replays(wh: Tracking) -> None:
    """A row as ``_step`` wrote it (its hash from the old payload) answers the command."""
    command, action, old = OLD_PAYLOADS[0]  # GenerateSerials(N, line=1, count=2)
    wh.create_document("receipt", number=N, lines=[LineSpec("LAP", 5, "A1")], partner="V1")
    first = wh.execute(command, scan=ScanKey("HH-1", "new"))
    digest = idempotency.request_hash(action, old)

    def store(s: Session) -> None:
        idempotency.record(s, "HH-1", "old", digest, encode(first), wh.clock())

    wh.db.run(store)
    before = snapshot(wh)
    again = wh.execute(command, scan=ScanKey("HH-1", "old"))
    assert again == first
    assert snapshot(wh) == before
    assert wh.document(N).assigned == 2


def test_serials_given_as_one_text_are_refused() -> None:
    with pytest.raises(DomainError) as e:
        GenerateSerials("RC-1", line=1, serials="SN1")
    assert (e.value.code, e.value.details()["field"]) == ("invalid_input", "serials")
