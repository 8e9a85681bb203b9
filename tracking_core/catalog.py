"""Items, locations and partners: the master data the flows refer to."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.context import Ctx
from tracking_core.errors import (
    DuplicateKey,
    InvalidInput,
    UnknownItem,
    UnknownLocation,
    UnknownPartner,
)
from tracking_core.masks import Mask
from tracking_core.models import Item, ItemGtin, Location, Partner
from tracking_core.settings import check_mask_collisions
from tracking_core.values import ItemInfo, LocationInfo, PartnerInfo
from tracking_core.vocabulary import (
    LOCATION_KINDS,
    PARTNER_KINDS,
    TRACKING,
    LocationKind,
    PartnerKind,
    TrackingKind,
    one_of,
)


def check_gtin(value: object) -> str:
    """A GTIN-8/12/13/14 with a valid check digit, returned as 14 digits."""
    from biip.checksums import gs1_standard_check_digit

    gtin = validate.code("gtin", value, max_len=14)
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise InvalidInput(field="gtin", reason=f"{gtin!r} is not 8, 12, 13 or 14 digits")
    if str(gs1_standard_check_digit(gtin[:-1])) != gtin[-1]:
        raise InvalidInput(field="gtin", reason=f"{gtin!r} has a wrong check digit")
    return gtin.zfill(14)


def check_gln(value: object) -> str:
    """A GLN: 13 digits with a valid GS1 check digit."""
    from biip.checksums import gs1_standard_check_digit

    gln = validate.code("gln", value, max_len=13)
    if not gln.isdigit() or len(gln) != 13:
        raise InvalidInput(field="gln", reason=f"{gln!r} is not 13 digits")
    if str(gs1_standard_check_digit(gln[:-1])) != gln[-1]:
        raise InvalidInput(field="gln", reason=f"{gln!r} has a wrong check digit")
    return gln


# --- lookups -------------------------------------------------------------------------


ITEMS_SEEN = "scantrack.items"  # Session.info: the items one transaction looked up, by key


def item_row(s: Session, key: str) -> Item:
    """An item by SKU, or by any of its GTINs (a SKU wins over another item's GTIN).

    One statement, and none for a key this transaction looked up already.
    """
    key = validate.code("item", key)  # callers pass raw input; PostgreSQL refuses NUL
    seen: dict[str, Item] = s.info.setdefault(ITEMS_SEEN, {})
    if key in seen:
        return seen[key]
    if key.isdigit() and len(key) in (8, 12, 13, 14):
        row = s.execute(
            select(Item)
            .outerjoin(ItemGtin, ItemGtin.item_id == Item.id)
            .where((Item.sku == key) | (ItemGtin.gtin == key.zfill(14)))
            .order_by(case((Item.sku == key, 0), else_=1))
            .limit(1)
        ).scalar()
    else:
        row = s.execute(select(Item).where(Item.sku == key)).scalar_one_or_none()
    if row is None:
        raise UnknownItem(key=key)
    seen[key] = seen[row.sku] = row
    return row


def forget_items(s: Session) -> None:
    """After an item's SKU or GTINs change: look items up afresh."""
    s.info.pop(ITEMS_SEEN, None)


def location_row(s: Session, code: str) -> Location:
    row = s.execute(select(Location).where(Location.code == code)).scalar_one_or_none()
    if row is None:
        raise UnknownLocation(key=code)
    return row


def location_code(s: Session, loc_id: int | None) -> str | None:
    """The code of a location id (from the session's identity map when already loaded)."""
    loc = s.get(Location, loc_id) if loc_id else None
    return loc.code if loc else None


def partner_row(s: Session, code: str) -> Partner:
    row = s.execute(select(Partner).where(Partner.code == code)).scalar_one_or_none()
    if row is None:
        raise UnknownPartner(key=code)
    return row


def item_info(s: Session, item: Item) -> ItemInfo:
    gtins = s.execute(
        select(ItemGtin.gtin).where(ItemGtin.item_id == item.id).order_by(ItemGtin.gtin)
    ).scalars()
    return ItemInfo(
        sku=item.sku,
        description=item.description,
        tracking=item.tracking,
        uom=item.uom,
        gtins=tuple(gtins),
        serial_mask=item.serial_mask,
        lot_mask=item.lot_mask,
        shelf_life_days=item.shelf_life_days,
        warranty_days=item.warranty_days,
        standard_cost=item.standard_cost,
    )


def location_info(s: Session, loc: Location) -> LocationInfo:
    parent = s.get(Location, loc.parent_id).code if loc.parent_id else None  # type: ignore[union-attr]
    return LocationInfo(code=loc.code, name=loc.name, kind=loc.kind, parent=parent, gln=loc.gln)


# --- writes --------------------------------------------------------------------------


def create_item(
    ctx: Ctx,
    *,
    sku: str,
    tracking: TrackingKind,
    description: str = "",
    uom: str = "EA",
    gtins: Iterable[str] = (),
    serial_mask: str | None = None,
    lot_mask: str | None = None,
    shelf_life_days: int | None = None,
    warranty_days: int | None = None,
    standard_cost: Decimal | str | int = 0,
) -> ItemInfo:
    s = ctx.session
    sku = validate.code("sku", sku)
    tracking = one_of("tracking", tracking, TRACKING)
    if s.execute(select(Item.id).where(Item.sku == sku)).first():
        raise DuplicateKey(entity="item", key=sku)
    item = Item(sku=sku, tracking=tracking)
    s.add(item)
    _apply_item_fields(
        ctx,
        item,
        {
            "description": description,
            "uom": uom,
            "serial_mask": serial_mask,
            "lot_mask": lot_mask,
            "shelf_life_days": shelf_life_days,
            "warranty_days": warranty_days,
            "standard_cost": standard_cost,
        },
    )
    s.flush()
    for g in gtins:
        add_gtin(ctx, item, g)
    check_mask_collisions(ctx.session, ctx.settings, item.sku)
    return item_info(s, item)


def _days(field: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(field=field, reason="must be a whole number of days")
    try:
        days = int(value)
    except ValueError:
        raise InvalidInput(field=field, reason=f"not a whole number: {value!r}") from None
    if days < 0 or days > 36500:
        raise InvalidInput(field=field, reason="must be between 0 and 36500 days")
    return days


def _apply_item_fields(ctx: Ctx, item: Item, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key == "description":
            item.description = validate.text("description", value)
        elif key == "uom":
            item.uom = validate.code("uom", value or "EA", max_len=16)
        elif key in ("serial_mask", "lot_mask"):
            mask = validate.code(key, value) if value else None
            if mask:
                Mask.parse(mask)
            setattr(item, key, mask)
        elif key in ("shelf_life_days", "warranty_days"):
            setattr(item, key, _days(key, value))
        elif key == "standard_cost":
            item.standard_cost = validate.money("standard_cost", value)
        else:
            raise InvalidInput(field=key, reason="not a field of an item that can be changed")


def update_item(ctx: Ctx, sku: str, changes: dict[str, Any]) -> ItemInfo:
    item = item_row(ctx.session, sku)
    gtins = changes.pop("gtins", None)
    _apply_item_fields(ctx, item, changes)
    if gtins is not None:
        for g in gtins:
            add_gtin(ctx, item, g)
    ctx.session.flush()
    check_mask_collisions(ctx.session, ctx.settings, item.sku)
    return item_info(ctx.session, item)


def add_gtin(ctx: Ctx, item: Item, gtin: str) -> None:
    g = check_gtin(gtin)
    owner = ctx.session.get(ItemGtin, g)
    if owner is not None:
        if owner.item_id == item.id:
            return
        raise DuplicateKey(entity="GTIN", key=g)
    ctx.session.add(ItemGtin(gtin=g, item_id=item.id))
    forget_items(ctx.session)
    ctx.session.flush()


def create_location(
    ctx: Ctx,
    *,
    code: str,
    name: str = "",
    kind: LocationKind = "bin",
    parent: str | None = None,
    gln: str | None = None,
) -> LocationInfo:
    s = ctx.session
    code = validate.code("code", code)
    kind = one_of("kind", kind, LOCATION_KINDS)
    checked_gln = check_gln(gln) if gln is not None else None
    if s.execute(select(Location.id).where(Location.code == code)).first():
        raise DuplicateKey(entity="location", key=code)
    parent_id = location_row(s, parent).id if parent else None
    loc = Location(
        code=code,
        name=validate.text("name", name),
        kind=kind,
        parent_id=parent_id,
        gln=checked_gln,
    )
    s.add(loc)
    s.flush()
    return location_info(s, loc)


LOCATION_CHANGES = ("name", "gln")


def update_location(ctx: Ctx, code: str, changes: dict[str, Any]) -> LocationInfo:
    """Change a location's name or GLN (``gln`` None: remove it); all checked before any."""
    unknown = sorted(set(changes) - set(LOCATION_CHANGES))
    if unknown:
        raise InvalidInput(field=unknown[0], reason="cannot be changed")
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = validate.text("name", changes["name"])
    if "gln" in changes:
        values["gln"] = None if changes["gln"] is None else check_gln(changes["gln"])
    loc = location_row(ctx.session, code)
    for key, value in values.items():
        setattr(loc, key, value)
    ctx.session.flush()
    return location_info(ctx.session, loc)


def create_partner(ctx: Ctx, *, code: str, name: str = "", kind: PartnerKind) -> PartnerInfo:
    s = ctx.session
    code = validate.code("code", code)
    kind = one_of("kind", kind, PARTNER_KINDS)
    if s.execute(select(Partner.id).where(Partner.code == code)).first():
        raise DuplicateKey(entity="partner", key=code)
    p = Partner(code=code, name=validate.text("name", name), kind=kind)
    s.add(p)
    s.flush()
    return PartnerInfo(code=p.code, name=p.name, kind=p.kind)


def list_items(s: Session) -> list[ItemInfo]:
    return [item_info(s, i) for i in s.execute(select(Item).order_by(Item.sku)).scalars()]


def list_locations(s: Session) -> list[LocationInfo]:
    rows = s.execute(select(Location).order_by(Location.code)).scalars()
    return [location_info(s, loc) for loc in rows]


def list_partners(s: Session) -> list[PartnerInfo]:
    rows = s.execute(select(Partner).order_by(Partner.code)).scalars()
    return [PartnerInfo(code=p.code, name=p.name, kind=p.kind) for p in rows]
