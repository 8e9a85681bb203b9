"""The line a generate or allocate step works on, for serials and lots alike.

One path finds it (by number, or the first line of the item with room), checks its item's
tracking and its direction and the quantity left, and carries the line's progress, so a
step answers with the line as it left it without reading the document again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracking_core.context import Ctx
from tracking_core.documents import find_line_row, open_document
from tracking_core.errors import LineQuantityExceeded, TrackingMismatch, WrongDocumentType
from tracking_core.models import Document, DocumentLine, Item
from tracking_core.progress import after_step, line_by_number
from tracking_core.values import Assignment, LineInfo


@dataclass(frozen=True)
class StepLine:
    doc: Document
    line: DocumentLine
    item: Item
    progress: LineInfo  # before the step

    @property
    def location(self) -> str:
        return self.progress.location

    def room_for(self, wanted: int) -> int:
        """The line's assigned count, after checking ``wanted`` more fit in its quantity."""
        assigned = self.progress.assigned
        if assigned + wanted > self.line.quantity:
            raise LineQuantityExceeded(
                document=self.doc.number,
                line=self.line.line_no,
                quantity=self.line.quantity,
                assigned=assigned,
                requested=wanted,
            )
        return assigned

    def after(self, added: int) -> LineInfo:
        """The line's progress once the step put ``added`` on it."""
        return after_step(self.progress, added)


def step_line_for(
    ctx: Ctx, number: str, *, line: int | None, item: str | None, tracking: str, direction: str
) -> StepLine:
    """The open document's line for a step on ``tracking`` numbers going ``direction``."""
    s = ctx.session
    doc = open_document(s, number)
    ln, it, progress = find_line_row(s, doc, line_no=line, item=item)
    if it.tracking != tracking:
        raise TrackingMismatch(item=it.sku, tracking=it.tracking, expected=tracking)
    if ln.direction != direction:
        raise WrongDocumentType(
            document=doc.number,
            doc_type=doc.doc_type,
            expected="an inbound document" if direction == "in" else "an outbound document",
        )
    return StepLine(doc, ln, it, progress)


def unassigned(
    s: Session,
    doc: Document,
    line_no: int,
    *,
    serials: tuple[str, ...] = (),
    lots: tuple[tuple[str, int], ...] = (),
) -> Assignment:
    """What an unassign step did, with the line as it is now (one statement)."""
    after = line_by_number(s, doc, line_no)
    assert after is not None  # the step found the line
    return Assignment(
        document=doc.number,
        line=line_no,
        item=after.item.sku,
        action="unassign",
        location=after.progress.location,
        serials=serials,
        lots=lots,
        assigned=after.progress.assigned,
        line_quantity=after.line.quantity,
        progress=after.progress,
    )
