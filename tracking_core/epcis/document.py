"""A page of the export: the outbox events with ``since`` < seq <= ``since + limit``, as
one ``EPCISDocument``, read in one read transaction and a fixed number of statements.

The outbox's numbers are committed in order without gaps (``tracking_core/events.py``), so
the page's upper end is known before a row is read and is the cursor to carry on from: a
reader that keeps it and asks again from there gets every event once. ``limit`` counts
outbox events; one may make several EPCIS events (commissioning, then receiving) or none
(a label printed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tracking_core.epcis.identifiers import Uris
from tracking_core.epcis.reading import outbox_rows, read
from tracking_core.epcis.translate import Translator, time
from tracking_core.errors import InvalidInput
from tracking_core.events import SEQ_KEY
from tracking_core.numbering import peek

__all__ = ["CONTEXT", "MAX_LIMIT", "EpcisPage", "page"]

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class EpcisPage:
    """``document``: the EPCISDocument (a JSON-LD object); ``next_since``: the cursor to
    ask from next; ``last``: the outbox's newest event as the page was read."""

    document: dict[str, Any]
    since: int
    next_since: int
    last: int

    @property
    def more(self) -> bool:
        return self.next_since < self.last

    @property
    def events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.document["epcisBody"]["eventList"]
        return events


def page(s: Session, *, since: int, limit: int, private_base: str, now: dt.datetime) -> EpcisPage:
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise InvalidInput(field="since", reason="must be a whole number >= 0")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(field="limit", reason=f"must be a whole number from 1 to {MAX_LIMIT}")
    last = peek(s, SEQ_KEY)
    top = max(since, min(last, since + limit))
    rows = outbox_rows(s, since, top) if top > since else []
    translator = Translator(read(s, rows), Uris(private_base))
    events = [e for row in rows for e in translator.events(row)]
    document = {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": time(now),
        "epcisBody": {"eventList": events},
    }
    return EpcisPage(document=document, since=since, next_since=top, last=last)
