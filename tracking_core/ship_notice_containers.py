"""Announcing a receipt's containers: the SSCC hierarchy of an advance ship notice.

A notice names pallets, the cases on them and what each holds itself (serials of an item,
a lot quantity, an untracked quantity), each on a line of the receipt. Announcing writes
the containers as ``expected`` (held by the receipt, nowhere yet) with their heights, and
their ``expected_contents``; announced serials also join the line's per-serial notice
(``expected_serials``), so the serial notice and the container notice agree. All or
nothing: a known SSCC, a cycle, a serial twice, more than a line is for, or a tree whose
contents go to two locations refuses the whole call. Receiving and checking are in
``receiving_containers`` and ``container_checks``; docs/receiving-by-sscc.md has the whole picture.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.catalog import item_row, location_code
from tracking_core.containers import parse_code
from tracking_core.context import Ctx
from tracking_core.documents import open_document
from tracking_core.errors import (
    ContainerCycle,
    ContainerExists,
    ContainerSpansLocations,
    InvalidContainerCode,
    InvalidInput,
    NoticeExceedsLine,
    SerialAnnouncedTwice,
    UnknownLine,
    WrongDocumentType,
)
from tracking_core.models import (
    Container,
    DocumentLine,
    ExpectedContent,
    ExpectedSerial,
    Item,
)
from tracking_core.notice_contents import table
from tracking_core.serials import chunks
from tracking_core.ship_notice_values import AnnouncedContainer, AnnouncedContent, Announcement

RECEIVES_BY_SSCC = "receipt"


@dataclass
class _Node:
    code: str
    parent: str | None
    contents: tuple[AnnouncedContent, ...]
    height: int = 0
    rows: list[dict[str, object]] = field(default_factory=list)


def _sscc(raw: object, where: str) -> str:
    code, scheme = parse_code(raw)
    if scheme != "sscc":
        raise InvalidContainerCode(value=code, reason=f"a ship notice names SSCCs ({where})")
    return code


def _flatten(boxes: Sequence[AnnouncedContainer]) -> list[_Node]:
    """The announced containers in order, each naming its parent; a container nested in
    itself is a cycle, one listed twice otherwise a plain mistake."""
    out: dict[str, _Node] = {}

    def walk(box: AnnouncedContainer, nested_in: str | None, path: tuple[str, ...]) -> None:
        code = _sscc(box.sscc, "sscc")
        parent = _sscc(box.parent, "parent") if box.parent is not None else None
        if parent is not None and nested_in is not None and parent != nested_in:
            raise InvalidInput(
                field="parent", reason=f"container {code} is inside {nested_in}, not {parent}"
            )
        if code in path:
            raise ContainerCycle(container=code, into=nested_in or code)
        if code in out:
            raise InvalidInput(field="sscc", reason=f"container {code} is announced twice")
        out[code] = _Node(code, parent or nested_in, tuple(box.contents))
        for child in box.children:
            walk(child, code, (*path, code))

    for box in boxes:
        if not isinstance(box, AnnouncedContainer):
            raise InvalidInput(field="containers", reason="must be announced containers")
        walk(box, None, ())
    return list(out.values())


def _check_tree(nodes: dict[str, _Node]) -> list[_Node]:
    """Parents in the notice, no cycle; the nodes parents first, with their heights."""
    for n in nodes.values():
        if n.parent is not None and n.parent not in nodes:
            raise InvalidInput(
                field="parent",
                reason=f"container {n.parent}, the parent of {n.code}, is not in this notice",
            )
    for n in nodes.values():
        seen = {n.code}
        up = n.parent
        while up is not None:
            if up in seen:
                raise ContainerCycle(container=n.code, into=nodes[n.code].parent or n.code)
            seen.add(up)
            up = nodes[up].parent
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = nodes[code].parent
            depth[code] = 0 if parent is None else depth_of(parent) + 1
        return depth[code]

    ordered = sorted(nodes.values(), key=lambda n: depth_of(n.code))
    for n in reversed(ordered):  # children first: a parent sits above its highest child
        if n.parent is not None:
            p = nodes[n.parent]
            p.height = max(p.height, n.height + 1)
    return ordered


@dataclass
class _Lines:
    """The receipt's lines, by number and by item, read once."""

    rows: dict[int, tuple[DocumentLine, Item]]
    number: str

    def find(self, s: Session, content: AnnouncedContent) -> tuple[DocumentLine, Item]:
        if content.line is not None:
            if isinstance(content.line, bool) or not isinstance(content.line, int):
                raise InvalidInput(field="line", reason="must be a line number")
            found = self.rows.get(content.line)
            if found is None:
                raise UnknownLine(key=f"{self.number}/{content.line}")
            if content.item is not None and item_row(s, content.item).id != found[1].id:
                raise InvalidInput(
                    field="item",
                    reason=f"line {content.line} is for {found[1].sku}, not {content.item}",
                )
            return found
        if content.item is None:
            raise InvalidInput(field="line", reason="give a line number or an item")
        it = item_row(s, content.item)
        matches = [r for r in self.rows.values() if r[1].id == it.id]
        if not matches:
            raise UnknownLine(key=f"{self.number}/{it.sku}")
        if len(matches) > 1:
            numbers = ", ".join(str(ln.line_no) for ln, _ in matches)
            raise InvalidInput(
                field="line", reason=f"{it.sku} is on lines {numbers}: name the line"
            )
        return matches[0]


def _content_rows(
    s: Session, content: AnnouncedContent, lines: _Lines
) -> tuple[DocumentLine, list[dict[str, object]]]:
    """The ``expected_contents`` rows of one announced content (container id set later)."""
    ln, it = lines.find(s, content)
    lot = validate.lot_number(content.lot) if content.lot is not None else None
    expiry = content.expiry
    if it.tracking == "serial":
        if not content.serials:
            raise InvalidInput(field="serials", reason=f"{it.sku} is serialized: list its serials")
        if content.quantity is not None and content.quantity != len(content.serials):
            raise InvalidInput(
                field="quantity",
                reason=f"{content.quantity} for {len(content.serials)} serials of {it.sku}",
            )
        return ln, [
            {
                "line_id": ln.id,
                "serial": validate.serial_number(sn),
                "lot": lot,
                "quantity": 1,
                "expiry_date": expiry,
            }
            for sn in content.serials
        ]
    if content.serials:
        raise InvalidInput(field="serials", reason=f"{it.sku} is not serialized")
    qty = validate.quantity(content.quantity)
    if it.tracking == "lot":
        if lot is None:
            raise InvalidInput(field="lot", reason=f"{it.sku} is lot-tracked: name the lot")
    elif lot is not None or expiry is not None:
        raise InvalidInput(field="lot", reason=f"{it.sku} is not lot-tracked")
    return ln, [
        {"line_id": ln.id, "serial": None, "lot": lot, "quantity": qty, "expiry_date": expiry}
    ]


def _receipt_lines(s: Session, doc_id: int, number: str) -> _Lines:
    rows = s.execute(
        select(DocumentLine, Item)
        .join(Item, Item.id == DocumentLine.item_id)
        .where(DocumentLine.document_id == doc_id)
    ).all()
    return _Lines({ln.line_no: (ln, it) for ln, it in rows}, number)


def _known_serials(s: Session, doc_id: int, serials: list[str]) -> dict[str, str]:
    """Serials of ``serials`` already announced in a container of the document: its code."""
    out: dict[str, str] = {}
    for part in chunks(serials):
        q = (
            select(ExpectedContent.serial, Container.code)
            .join(Container, Container.id == ExpectedContent.container_id)
            .join(DocumentLine, DocumentLine.id == ExpectedContent.line_id)
            .where(DocumentLine.document_id == doc_id, ExpectedContent.serial.in_(part))
        )
        out.update((str(sn), str(code)) for sn, code in s.execute(q))
    return out


def _announced(s: Session, line_ids: list[int]) -> dict[int, int]:
    q = (
        select(ExpectedContent.line_id, func.sum(ExpectedContent.quantity))
        .where(ExpectedContent.line_id.in_(line_ids))
        .group_by(ExpectedContent.line_id)
    )
    return {int(i): int(n) for i, n in s.execute(q)}


def _roots_of(nodes: dict[str, _Node]) -> dict[str, str]:
    """Each container's top container."""
    out: dict[str, str] = {}
    for code in nodes:
        up = code
        while nodes[up].parent is not None:
            up = nodes[up].parent  # type: ignore[assignment]
        out[code] = up
    return out


def announce(ctx: Ctx, number: str, boxes: Sequence[AnnouncedContainer]) -> Announcement:
    """Announce containers (pallets with their cases) and their contents on an open receipt."""
    s = ctx.session
    doc = open_document(s, number)
    if doc.doc_type != RECEIVES_BY_SSCC:
        raise WrongDocumentType(document=doc.number, doc_type=doc.doc_type, expected="receipt")
    flat = _flatten(boxes)
    if not flat:
        raise InvalidInput(field="containers", reason="no containers announced")
    nodes = {n.code: n for n in flat}
    ordered = _check_tree(nodes)
    for part in chunks(list(nodes)):
        known = s.execute(select(Container.code).where(Container.code.in_(part))).scalars().first()
        if known is not None:
            raise ContainerExists(container=known)
    lines = _receipt_lines(s, doc.id, doc.number)
    serial_in: dict[str, str] = {}
    per_line: dict[int, int] = {}
    places: dict[str, set[int]] = {}
    roots = _roots_of(nodes)
    for n in flat:
        for content in n.contents:
            if not isinstance(content, AnnouncedContent):
                raise InvalidInput(field="contents", reason="must be announced contents")
            ln, rows = _content_rows(s, content, lines)
            for row in rows:
                sn = row["serial"]
                if isinstance(sn, str):
                    if sn in serial_in:
                        raise SerialAnnouncedTwice(serial=sn, container=n.code, other=serial_in[sn])
                    serial_in[sn] = n.code
                per_line[ln.id] = per_line.get(ln.id, 0) + int(row["quantity"])  # type: ignore[call-overload]
            n.rows += rows
            places.setdefault(roots[n.code], set()).add(ln.location_id)
    for root in (n for n in ordered if n.parent is None):
        where = places.get(root.code, set())
        if not where:
            raise InvalidInput(
                field="contents", reason=f"container {root.code} and what is in it hold nothing"
            )
        if len(where) > 1:
            codes = sorted(location_code(s, i) or "?" for i in where)
            raise ContainerSpansLocations(container=root.code, locations=codes)
    clash = _known_serials(s, doc.id, list(serial_in))
    if clash:
        sn, other = next(iter(sorted(clash.items())))
        raise SerialAnnouncedTwice(serial=sn, container=serial_in[sn], other=other)
    by_id = {ln.id: ln for ln, _ in lines.rows.values()}
    before = _announced(s, list(per_line))
    for line_id, qty in sorted(per_line.items(), key=lambda kv: by_id[kv[0]].line_no):
        ln = by_id[line_id]
        if before.get(line_id, 0) + qty > ln.quantity:
            raise NoticeExceedsLine(
                document=doc.number,
                line=ln.line_no,
                quantity=ln.quantity,
                announced=before.get(line_id, 0),
                requested=qty,
            )
    _write(ctx, doc.id, doc.number, ordered, nodes, by_id)
    return Announcement(
        document=doc.number,
        containers=tuple(n.code for n in ordered),
        contents=sum(len(n.rows) for n in flat),
        units=sum(per_line.values()),
    )


def _write(
    ctx: Ctx,
    doc_id: int,
    number: str,
    ordered: list[_Node],
    nodes: dict[str, _Node],
    by_id: dict[int, DocumentLine],
) -> None:
    """The containers (parents first, so each child names its parent's id), their expected
    contents, and the announced serials on their lines' per-serial notice."""
    s = ctx.session
    ids: dict[str, int] = {}
    for n in ordered:
        parent = nodes[n.parent] if n.parent is not None else None
        row = Container(
            code=n.code,
            scheme="sscc",
            status="expected",
            location_id=None,
            document_id=doc_id,
            parent_id=ids[parent.code] if parent else None,
            height=n.height,
            parent_height=parent.height if parent else None,
            created_at=ctx.now,
        )
        s.add(row)
        s.flush()
        ids[n.code] = row.id
    rows = [{**r, "container_id": ids[n.code]} for n in ordered for r in n.rows]
    for part in chunks(rows):
        s.execute(insert(table(ExpectedContent)), list(part))
    _expect_serials(s, number, [r for r in rows if r["serial"] is not None], by_id)


def _expect_serials(
    s: Session, number: str, rows: list[dict[str, object]], by_id: dict[int, DocumentLine]
) -> None:
    """Announced serials join their line's serial notice (``expected_serials``), which
    then lists at most the line's quantity."""
    by_line: dict[int, list[str]] = {}
    for r in rows:
        by_line.setdefault(int(r["line_id"]), []).append(str(r["serial"]))  # type: ignore[call-overload]
    for line_id, serials in by_line.items():
        have = set(
            s.execute(select(ExpectedSerial.serial).where(ExpectedSerial.line_id == line_id))
            .scalars()
            .all()
        )
        new = [sn for sn in serials if sn not in have]
        ln = by_id[line_id]
        if len(have) + len(new) > ln.quantity:
            raise NoticeExceedsLine(
                document=number,
                line=ln.line_no,
                quantity=ln.quantity,
                announced=len(have),
                requested=len(new),
            )
        for part in chunks(new):
            s.execute(
                insert(table(ExpectedSerial)), [{"line_id": line_id, "serial": x} for x in part]
            )


def iter_announced(boxes: Sequence[AnnouncedContainer]) -> Iterator[AnnouncedContainer]:
    """Every container of a nested notice, parents first."""
    for box in boxes:
        yield box
        yield from iter_announced(box.children)
