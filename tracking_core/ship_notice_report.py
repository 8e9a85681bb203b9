"""A receipt's ship notice as the dock sees it: its containers' trees with what each is
expected to hold, the latest check of each and its discrepancies, and the per-serial notice
of its lines (``documents.ship_notice``). A fixed number of queries, whatever the size."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracking_core.catalog import location_code
from tracking_core.container_checks import compare
from tracking_core.documents import ship_notice
from tracking_core.models import Container, Document, DocumentLine, ExpectedContent
from tracking_core.notice_contents import (
    Content,
    as_notice_content,
    checked_rows,
    expected_rows,
    latest_checks,
    lines_by_id,
)
from tracking_core.ship_notice_values import ContainerNotice, NoticeContainer


def container_ids(s: Session, doc: Document) -> list[int]:
    """The containers announced on the document (held by it, or once received on it)."""
    on_lines = select(ExpectedContent.container_id).join(
        DocumentLine, DocumentLine.id == ExpectedContent.line_id
    )
    held = select(Container.id).where(Container.document_id == doc.id)
    q = select(Container.id).where(
        Container.id.in_(on_lines.where(DocumentLine.document_id == doc.id))
        | Container.id.in_(held.where(Container.status.in_(("expected", "pending"))))
    )
    found = {int(i) for i in s.execute(q).scalars()}
    while True:  # and the pallets the announced cases are on (a pallet may hold only cases)
        up = select(Container.parent_id).where(
            Container.id.in_(sorted(found)), Container.parent_id.is_not(None)
        )
        more = {int(i) for i in s.execute(up).scalars() if i is not None} - found
        if not more:
            return sorted(found)
        found |= more


def container_notice(s: Session, doc: Document) -> ContainerNotice:
    ids = container_ids(s, doc)
    rows = {r.id: r for r in s.execute(select(Container).where(Container.id.in_(ids))).scalars()}
    expected = expected_rows(s, ids)
    checks = latest_checks(s, ids)
    scanned = checked_rows(s, checks)
    line_rows = lines_by_id(s, {r.line_id for r in expected + scanned})
    mine: dict[int, list[Content]] = {}
    for r in expected:
        mine.setdefault(r.container_id, []).append(r)
    found: dict[int, list[Content]] = {}
    for r in scanned:
        found.setdefault(r.container_id, []).append(r)
    kids: dict[int, list[int]] = {}
    for box in rows.values():
        if box.parent_id is not None and box.parent_id in rows:
            kids.setdefault(box.parent_id, []).append(box.id)
    places = {i: location_code(s, i) for i in {b.location_id for b in rows.values()} if i}
    counted = 0

    def build(cid: int) -> NoticeContainer:
        nonlocal counted
        r = rows[cid]
        check = checks.get(cid)
        diffs = compare(mine.get(cid, []), found.get(cid, []), line_rows) if check else ()
        counted += len(diffs)
        return NoticeContainer(
            code=r.code,
            status=r.status,
            location=places.get(r.location_id) if r.location_id else None,
            parent=rows[r.parent_id].code if r.parent_id in rows else None,
            expected=tuple(as_notice_content(x, line_rows) for x in mine.get(cid, [])),
            checked_at=check.at if check else None,
            scanned=tuple(as_notice_content(x, line_rows) for x in found.get(cid, [])),
            discrepancies=diffs,
            children=tuple(build(k) for k in sorted(kids.get(cid, []), key=lambda i: rows[i].code)),
        )

    roots = sorted(
        (i for i, r in rows.items() if r.parent_id not in rows), key=lambda i: rows[i].code
    )
    trees = tuple(build(i) for i in roots)
    waiting = sum(1 for r in rows.values() if r.status == "expected")
    return ContainerNotice(
        document=doc.number,
        status=doc.status,
        complete=waiting == 0 and counted == 0,
        expected=waiting,
        discrepancies=counted,
        containers=trees,
        serials=ship_notice(s, doc),
    )
