"""Stock rules shared by serials and lots: blocked stock, expiry policy, pick order."""

from __future__ import annotations

import datetime as dt

from tracking_core.errors import LotConflict, LotRecalled, StockExpired, StockQuarantined
from tracking_core.models import Lot
from tracking_core.settings import Settings

# Moving stock is not releasing it: transfers and vendor returns may take blocked stock.
TAKES_BLOCKED = ("vendor_return", "transfer")


def quarantined(flag: bool, until: dt.date | None, today: dt.date) -> bool:
    return flag and (until is None or until > today)


def check_quarantine(
    *, doc_type: str, item: str, number: str, flag: bool, until: dt.date | None, today: dt.date
) -> None:
    if doc_type not in TAKES_BLOCKED and quarantined(flag, until, today):
        raise StockQuarantined(item=item, number=number, until=until.isoformat() if until else None)


def check_lot_blocked(*, doc_type: str, item: str, row: Lot, today: dt.date) -> None:
    """A recalled or quarantined lot (its units, serialized or not) is refused where
    blocked stock is."""
    if row.status == "recalled" and doc_type not in TAKES_BLOCKED:
        raise LotRecalled(item=item, lot=row.lot, recall_number=row.recall_number)
    check_quarantine(
        doc_type=doc_type,
        item=item,
        number=row.lot,
        flag=row.status == "quarantine",
        until=row.quarantine_until,
        today=today,
    )


def check_expiry(
    *,
    settings: Settings,
    doc_type: str,
    item: str,
    number: str,
    expiry: dt.date | None,
    today: dt.date,
) -> str | None:
    """None when fine, a warning text when the policy warns; raises when it refuses."""
    if expiry is None or expiry >= today or doc_type == "vendor_return":
        return None
    policy = settings.expired_stock_policy
    if policy == "refuse":
        raise StockExpired(item=item, number=number, expiry=expiry.isoformat())
    if policy == "warn":
        return f"{item} {number} expired on {expiry.isoformat()}"
    return None


def suggest_expired(settings: Settings, doc_type: str) -> bool:
    """Suggestions never offer expired stock unless the policy allows it outright."""
    return settings.expired_stock_policy == "allow" or doc_type == "vendor_return"


def agree_lot_dates(
    row: Lot, *, item: str, expiry: dt.date | None, production_date: dt.date | None
) -> None:
    """A label's dates for an existing lot: another date is refused, a missing one is taken."""
    for field, attr, given in (
        ("expiry", "expiry_date", expiry),
        ("production date", "production_date", production_date),
    ):
        have = getattr(row, attr)
        if given is not None and have is not None and given != have:
            raise LotConflict(
                item=item,
                lot=row.lot,
                field=field,
                existing=have.isoformat(),
                given=given.isoformat(),
            )
        if given is not None and have is None:
            setattr(row, attr, given)
