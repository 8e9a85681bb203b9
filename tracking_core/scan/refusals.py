"""``scan.refused`` events: a scan answered with an error, reported to the ERP once.

Off unless the setting ``scan_refused_events`` is on. A refusal that stores its answer
(a refused step) writes its event in that transaction, so a replay of the ``scan_id``
answers the stored feedback and writes nothing. A refusal by a domain error rolls the
step back and stores no answer (its retry is evaluated afresh); its event is written with
a ``refused_scans`` key, so a retry refused again writes no second event.
"""

from __future__ import annotations

from typing import Any

from tracking_core import events
from tracking_core.codec import encode
from tracking_core.context import Ctx
from tracking_core.models import RefusedScan
from tracking_core.scan.answer import Feedback
from tracking_core.scan.steps import ScanInput

# a raw scan is operator input of any length: the event carries its start and its length
RAW_LIMIT = 200
MESSAGE_LIMIT = 500  # a message may quote the raw scan


def _first_time(ctx: Ctx, device: str, scan_id: str) -> bool:
    """Note the key; False when it was noted already (a retry refused again)."""
    s = ctx.session
    values = {"device": device, "scan_id": scan_id, "created_at": ctx.now}
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(RefusedScan).values(**values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(RefusedScan).values(**values).on_conflict_do_nothing()
    return bool(s.execute(stmt.returning(RefusedScan.device)).first())


def report(
    ctx: Ctx, scan: ScanInput, answer: Feedback, *, document: str | None, stored: bool
) -> None:
    """Write the refusal's event when the setting asks for it.

    ``stored``: the answer is stored with this transaction (a replay never comes here);
    otherwise the ``refused_scans`` key keeps a retry from writing a second event.
    """
    if answer.status != "error" or not ctx.settings.scan_refused_events:
        return
    device, scan_id, raw = scan.device, scan.scan_id, scan.raw
    if not stored and not _first_time(ctx, device, scan_id):
        return
    error = answer.data.get("error")
    details = encode(error) if isinstance(error, dict) else {}
    item = details.get("item")
    events.emit(
        ctx,
        "scan.refused",
        document=document,
        item=item if isinstance(item, str) else None,
        data={
            "device": device,
            "scan_id": scan_id,
            "code": answer.code,
            "message": answer.message[:MESSAGE_LIMIT],
            "raw": raw[:RAW_LIMIT],
            "raw_length": len(raw),
            "details": details,
        },
    )
