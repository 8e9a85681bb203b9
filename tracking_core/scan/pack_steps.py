"""The scan steps of containers: pack mode, and SSCCs in the outbound and ship modes.

Pack mode opens one container (a scanned SSCC, or a new one with its label), packs what
is scanned into it, one ``PackContainer`` step per scan, and closes it on confirm with a
label that lists its contents. An outbound mode allocates a scanned container whole
(``AllocateContainer``); ship mode checks it is on the shipment. The count a pack scan
answers is one statement over what the container holds itself, never its whole tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from tracking_core import containers, documents
from tracking_core.catalog import location_code
from tracking_core.codec import encode
from tracking_core.command_handlers import handle
from tracking_core.commands import (
    AllocateContainer,
    PackContainer,
    ReceiveContainer,
    ReversePack,
    SetLineQuantity,
    UnassignContainer,
)
from tracking_core.context import Ctx
from tracking_core.errors import (
    ContainerNotAvailable,
    InvalidInput,
    SerialLotMismatch,
)
from tracking_core.models import (
    Container,
    ContainerLot,
    ContainerSerial,
    Document,
    Item,
    Lot,
    SerialNumber,
)
from tracking_core.scan.answer import Feedback, Status, ok
from tracking_core.scan.answer import box_name as short
from tracking_core.scan.document_steps import line_for
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import (
    OpenContainer,
    Pack,
    ReceiveSscc,
    TakeContainer,
    VerifyContainer,
)
from tracking_core.values import ContainerInfo, PackRecord

# the undo entries of container steps (``SessionState.undo``)
UNDO_KINDS = ("pack", "container")
FREE = "only a container in stock and held by no document can be packed"


@dataclass(frozen=True)
class Held:
    """What a container holds itself: serials, lot units, containers (cases)."""

    serials: int
    units: int
    cases: int

    @property
    def items(self) -> int:
        return self.serials + self.units + self.cases

    def json(self, code: str, location: str | None) -> dict[str, Any]:
        return {
            "code": code,
            "name": short(code),
            "location": location,
            "items": self.items,
            "serials": self.serials,
            "lot_units": self.units,
            "cases": self.cases,
        }


def _id_of(code: str) -> Any:
    """A container's id as a subquery: the count needs no statement of its own to find it."""
    return select(Container.id).where(Container.code == code).scalar_subquery()


def held(s: Session, container_id: Any) -> Held:
    """One statement: three indexed aggregates over the container's own contents
    (``container_id``: an id, or a subquery of one)."""
    serials = select(func.count()).where(ContainerSerial.container_id == container_id)
    units = select(func.coalesce(func.sum(ContainerLot.quantity), 0)).where(
        ContainerLot.container_id == container_id
    )
    cases = select(func.count()).where(Container.parent_id == container_id)
    row = s.execute(
        select(serials.scalar_subquery(), units.scalar_subquery(), cases.scalar_subquery())
    ).one()
    return Held(int(row[0]), int(row[1]), int(row[2]))


def _tree_ids(container_id: int) -> Any:
    """The container and all containers inside it: a recursive CTE of their ids."""
    base = select(Container.id).where(Container.id == container_id).cte("box", recursive=True)
    return base.union_all(select(Container.id).join(base, Container.parent_id == base.c.id))


def tree(s: Session, container_id: int) -> Held:
    """One statement over the whole tree: serials, lot units and cases under a container
    (for answers that move or check it whole, where the tree is touched anyway)."""
    tree_ = _tree_ids(container_id)
    ids = select(tree_.c.id)
    serials = select(func.count()).where(ContainerSerial.container_id.in_(ids))
    units = select(func.coalesce(func.sum(ContainerLot.quantity), 0)).where(
        ContainerLot.container_id.in_(ids)
    )
    cases = select(func.count() - literal(1)).select_from(tree_)
    row = s.execute(
        select(serials.scalar_subquery(), units.scalar_subquery(), cases.scalar_subquery())
    ).one()
    return Held(int(row[0]), int(row[1]), int(row[2]))


def summary(ctx: Ctx, code: str) -> dict[str, Any]:
    """The open container as the screen shows it: its code and what it holds itself."""
    box = containers.container_row(ctx.session, code)
    h = held(ctx.session, box.id)
    return h.json(box.code, location_code(ctx.session, box.location_id))


def plural(n: int, word: str) -> str:
    """A count and its noun.

    >>> plural(1, "item"), plural(10000, "unit")
    ('1 item', '10,000 units')
    """
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def describe(code: str, h: Held, *, closed: bool = False) -> str:
    """``Pallet …8908: 40 cases, 10,000 units`` (a container with cases is a pallet)."""
    word = "Pallet" if h.cases else "Case"
    cases = f"{plural(h.cases, 'case')}, " if h.cases else ""
    return f"{word} {short(code)}{' closed' if closed else ''}: {cases}" + plural(
        h.serials + h.units, "unit"
    )


def _label(ctx: Ctx, info: ContainerInfo) -> int | None:
    """The SSCC label job listing what the container holds now (plates get none).

    The payload is the one ``Tracking.container_label`` writes (containers.enqueue_label)."""
    if info.scheme != "sscc":
        return None
    return containers.enqueue_label(ctx, info)


def _label_data(job: int | None) -> dict[str, Any]:
    return {} if job is None else {"label_job": job}


# --- pack mode ----------------------------------------------------------------------


def open_container(
    ctx: Ctx, state: SessionState, step: OpenContainer
) -> tuple[Feedback, SessionState]:
    s = ctx.session
    if step.code is not None:
        key, _scheme = containers.parse_code(step.code)
        row = s.execute(select(Container).where(Container.code == key)).scalar_one_or_none()
        if row is not None:
            return _reopen(ctx, state, row)
    if state.location is None:
        raise InvalidInput(
            field="location", reason="scan a location first: a new container is made there"
        )
    row = containers.create_container(ctx, location=state.location, code=step.code)
    job = None
    if step.code is None:  # a number we made needs its label; a pre-printed one has it
        job = _label(ctx, containers.container_info(s, row))
    what = "label queued" if job is not None else "from its label"
    msg = f"New container {short(row.code)} at {state.location} ({what}): scan what goes in"
    new = state.with_(container=row.code, item=None, quantity=None)
    data = {"container": Held(0, 0, 0).json(row.code, state.location), **_label_data(job)}
    return ok("container_opened", msg, **data), new


def _reopen(ctx: Ctx, state: SessionState, row: Container) -> tuple[Feedback, SessionState]:
    s = ctx.session
    containers.require_free(s, row, FREE)
    here = location_code(s, row.location_id)
    if state.location is not None and here != state.location:
        raise ContainerNotAvailable(
            container=row.code,
            status=f"at {here}",
            reason=f"this session packs at {state.location}: scan LOC:{here} first",
        )
    h = held(s, row.id)
    msg = f"Container {short(row.code)} open at {here}: {plural(h.items, 'item')}"
    new = state.with_(container=row.code, location=here, item=None, quantity=None)
    return ok("container_opened", msg, container=h.json(row.code, here)), new


def _open_row(ctx: Ctx, state: SessionState) -> Container:
    if state.container is None:
        raise InvalidInput(field="container", reason="no container is open: scan an SSCC")
    return containers.container_row(ctx.session, state.container)


def pack(ctx: Ctx, state: SessionState, step: Pack) -> tuple[Feedback, SessionState]:
    s = ctx.session
    if state.container is None:
        raise InvalidInput(field="container", reason="no container is open: scan an SSCC")
    code = state.container
    sku = step.item.sku if step.item else None
    if step.container is not None:
        rec = handle(ctx, PackContainer(code, containers=[step.container]))
        text = f"case {short(rec.containers[0])}"
    elif step.serial is not None:
        rec = handle(ctx, PackContainer(code, serials=[(sku, step.serial)]))
        packed = rec.serials[0]
        if step.lot is not None:
            _check_label_lot(s, packed.item, packed.serial, step.lot)
        text = f"{packed.item} serial {packed.serial}"
    else:
        if sku is None or step.lot is None:
            raise InvalidInput(field="lot", reason="a lot is packed with its item")
        rec = handle(ctx, PackContainer(code, lots=[(sku, step.lot, step.quantity)]))
        text = f"{sku} lot {step.lot} x {step.quantity}"
    h = held(s, _id_of(code))
    new = state.pushed(_entry(rec, text)).with_(item=sku or state.item, quantity=None)
    msg = f"Packed {text} into {short(rec.container)} ({plural(h.items, 'item')})"
    return ok("packed", msg, container=h.json(rec.container, rec.location), operation=rec.id), new


def _check_label_lot(s: Session, sku: str, serial: str, label_lot: str) -> None:
    """A unit's label names a lot: it must be the one on record (as when picking it)."""
    lot = s.execute(
        select(SerialNumber.lot_number)
        .join(Item, Item.id == SerialNumber.item_id)
        .where(Item.sku == sku, SerialNumber.serial == serial)
    ).scalar()
    if lot is not None and lot != label_lot:
        raise SerialLotMismatch(item=sku, serial=serial, lot=lot, label_lot=label_lot)


def _entry(rec: PackRecord, text: str) -> dict[str, Any]:
    return {"kind": "pack", "operation": rec.id, "container": rec.container, "what": text}


def close(ctx: Ctx, state: SessionState) -> tuple[Feedback, SessionState]:
    """Confirm: the container is done; its label, listing the contents, is printed."""
    s = ctx.session
    box = _open_row(ctx, state)
    info = containers.container_info(s, box)  # the label lists it all: read once, here
    if info.empty:
        raise InvalidInput(
            field="container",
            reason=f"{short(box.code)} is empty: pack something into it, or cancel",
        )
    job = _label(ctx, info)
    totals = [
        {"item": t.item, "lot": t.lot, "quantity": t.quantity, "expiry": t.expiry}
        for t in info.totals
    ]
    listed = ", ".join(
        f"{t.item}{f' lot {t.lot}' if t.lot else ''} x {t.quantity:,}" for t in info.totals
    )
    h = held(s, box.id)
    label = "; label queued" if job is not None else ""
    msg = f"{describe(box.code, tree(s, box.id), closed=True)} ({listed}){label}"
    new = state.with_(container=None, item=None, quantity=None, undo=())
    data = {
        "container": {**h.json(box.code, info.location), "closed": True},
        "totals": encode(totals),
        **_label_data(job),
    }
    return ok("container_closed", msg, **data), new


def undo(ctx: Ctx, state: SessionState) -> tuple[Feedback, SessionState]:
    """The last container step undone: a packing step reversed, or a container taken off
    the document it was allocated on."""
    last = state.undo[-1]
    rest = state.with_(undo=state.undo[:-1])
    if last["kind"] == "container":
        doc = last["document"]
        handle(ctx, UnassignContainer(doc, container=last["container"]))
        for line, quantity in last.get("grown", ()):  # an ad-hoc document shrinks again
            row = documents.line_row(ctx.session, documents.document_row(ctx.session, doc), line)
            if row.quantity - quantity > 0:
                handle(ctx, SetLineQuantity(doc, line=line, quantity=row.quantity - quantity))
        msg = f"Undone: {short(last['container'])} taken off {last['document']}"
        return ok("undone", msg), rest
    rec = handle(ctx, ReversePack(int(last["operation"])))
    data: dict[str, Any] = {"operation": rec.id}
    if state.container == rec.container:
        h = held(ctx.session, _id_of(rec.container))
        data["container"] = h.json(rec.container, rec.location)
    msg = f"Undone: {last['what']} out of {short(last['container'])}"
    return ok("undone", msg, **data), rest


# --- outbound and ship modes ----------------------------------------------------------


def take(ctx: Ctx, state: SessionState, step: TakeContainer) -> tuple[Feedback, SessionState]:
    """A case or pallet allocated whole on the session's document, or refused whole; an
    ad-hoc document (made by this scan, or by the scans before) grows its lines first."""
    grown: list[list[int]] = []
    if state.document is None or state.adhoc:
        state, grown = _grow_lines(ctx, state, step.code)
    if state.document is None:  # nothing grew a line: an empty container
        raise ContainerNotAvailable(
            container=step.code, status="empty", reason="there is nothing in it to move"
        )
    done = handle(ctx, AllocateContainer(state.document, container=step.code))
    box = containers.container_row(ctx.session, done.container)
    msg = f"{describe(box.code, tree(ctx.session, box.id))} allocated"
    if done.unpacked_from:
        msg += f" (taken off {short(done.unpacked_from)})"
    status: Status = "ok"
    data: dict[str, Any] = {
        "container": box.code,
        "allocated": done.quantity,
        "lines": sorted({a.line for a in done.assignments}),
    }
    if done.warnings:
        status = "warn"
        msg += "; " + "; ".join(done.warnings)
        data["warnings"] = list(done.warnings)
    entry: dict[str, Any] = {"kind": "container", "document": done.document, "container": box.code}
    if grown:
        entry["grown"] = grown
    return Feedback(status, "allocated", msg, data=data), state.pushed(entry)


def _grow_lines(ctx: Ctx, state: SessionState, code: str) -> tuple[SessionState, list[list[int]]]:
    """The ad-hoc document's lines grown by what the container holds, per item: ``[line,
    quantity]`` each, for undo to shrink them again."""
    s = ctx.session
    box = containers.container_row(s, code)
    room: dict[str, int] = {}  # what the document's lines here still have open, per item
    if state.document is not None:
        for ln in documents.document_info(s, documents.document_row(s, state.document)).lines:
            if ln.location == state.location:
                room[ln.item] = room.get(ln.item, 0) + ln.open
    grown: list[list[int]] = []
    for sku, quantity in _per_item(s, box.id):
        need = quantity - room.get(sku, 0)
        if need > 0:
            _number, line, state = line_for(ctx, state, sku, need)
            grown.append([line, need])
    return state, grown


def _per_item(s: Session, container_id: int) -> list[tuple[str, int]]:
    """Units per item anywhere in the container's tree (two statements)."""
    ids = select(_tree_ids(container_id).c.id)
    totals: dict[str, int] = {}
    serials = (
        select(Item.sku, func.count())
        .join(SerialNumber, SerialNumber.item_id == Item.id)
        .join(ContainerSerial, ContainerSerial.serial_id == SerialNumber.id)
        .where(ContainerSerial.container_id.in_(ids))
        .group_by(Item.sku)
    )
    lots = (
        select(Item.sku, func.sum(ContainerLot.quantity))
        .join(Lot, Lot.item_id == Item.id)
        .join(ContainerLot, ContainerLot.lot_id == Lot.id)
        .where(ContainerLot.container_id.in_(ids))
        .group_by(Item.sku)
    )
    for q in (serials, lots):
        for sku, n in s.execute(q):
            totals[str(sku)] = totals.get(str(sku), 0) + int(n)
    return sorted(totals.items())


def verify(ctx: Ctx, state: SessionState, step: VerifyContainer) -> tuple[Feedback, SessionState]:
    """Ship-check: everything in a container on the shipment counts as checked."""
    if state.document is None:
        raise InvalidInput(field="document", reason="scan the shipment to check first")
    s = ctx.session
    box = containers.container_row(s, step.code)
    doc = documents.document_row(s, state.document)
    if box.document_id != doc.id:
        holder = s.get(Document, box.document_id) if box.document_id else None
        status = box.status + (f" on {holder.number}" if holder else "")
        raise ContainerNotAvailable(
            container=box.code, status=status, reason=f"it is not on {doc.number}"
        )
    h = tree(s, box.id)
    msg = f"{describe(box.code, h)} on {doc.number}: all verified"
    return ok("verified", msg, container=box.code, units=h.serials + h.units), state


# --- inquiry --------------------------------------------------------------------------


def inquire(ctx: Ctx, code: str) -> Feedback:
    """A container's tree as a summary: status, where, which document, its cases, the
    totals per item and lot, its parent (not every serial: a pallet holds thousands)."""
    s = ctx.session
    info = containers.container_info(s, containers.container_row(s, code))
    where = f" at {info.location}" if info.location else ""
    on = f" on {info.document}" if info.document else ""
    inside = f", in {short(info.parent)}" if info.parent else ""
    cases = len(info.children)
    units = info.quantity
    msg = (
        f"Container {short(info.code)}: {info.status}{where}{on}, "
        f"{plural(cases, 'case')}, {plural(units, 'unit')}{inside}"
    )
    summary = {
        "code": info.code,
        "scheme": info.scheme,
        "status": info.status,
        "location": info.location,
        "document": info.document,
        "parent": info.parent,
        "cases": [c.code for c in info.children],
        "units": units,
        "totals": encode(info.totals),
    }
    return Feedback("ok", "container", msg, data={"container": summary})


def receive(ctx: Ctx, state: SessionState, step: ReceiveSscc) -> tuple[Feedback, SessionState]:
    """Receive mode: everything under a pallet or case of the receipt's ship notice, on
    its lines, with one scan (docs/receiving-by-sscc.md); a case checked open comes in as
    it was counted, and the answer warns of what the check found."""
    if state.document is None:
        return Feedback(
            "error",
            "no_document",
            f"Scan the receipt that announces {short(step.code)} first",
        ), state
    done = handle(ctx, ReceiveContainer(state.document, container=step.code))
    cases = len(done.containers) - 1
    word = "Pallet" if cases else "Case"
    what = f"{cases} case{'s' if cases != 1 else ''}, " if cases else ""
    msg = f"{word} {short(done.container)}: {what}{done.quantity:,} units received"
    data: dict[str, Any] = {
        "container": done.container,
        "received": done.quantity,
        "containers": list(done.containers),
        "lines": sorted({x.line for x in done.lines}),
    }
    status: Status = "ok"
    notes = list(done.warnings)
    if done.discrepancies:
        notes.append(f"{len(done.discrepancies)} discrepancies found by the check")
        data["discrepancies"] = encode(done.discrepancies)
    if notes:
        status = "warn"
        msg += "; " + "; ".join(notes)
    return Feedback(status, "received", msg, data=data), state
