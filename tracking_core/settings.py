"""Settings that decide how the document flows behave; changing them needs the setup role."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tracking_core.auth import PERMISSIONS
from tracking_core.errors import DuplicateKey, InvalidInput, MaskCollision, PermissionDenied
from tracking_core.masks import Mask
from tracking_core.models import Item, SerialNumber, Setting, SettingChange

AllocationOrder = Literal["fifo", "fefo", "lifo", "by_number"]
Policy = Literal["refuse", "warn", "allow"]

SETUP_ROLES = PERMISSIONS["settings"]


@dataclass(frozen=True)
class Settings:
    use_serials: bool = True
    use_lots: bool = True
    allow_duplicate_serials: bool = False
    allow_different_quantities: bool = False
    allocation_order: AllocationOrder = "fifo"
    expired_stock_policy: Policy = "refuse"
    unexpected_serial_policy: Policy = "warn"
    allow_unknown_returns: bool = False
    # a customer return of a serial never shipped to that customer
    unexpected_return_policy: Policy = "warn"
    # receipts and vendor returns need a vendor, shipments and customer returns a customer
    require_partners: bool = True
    # operators may create, fill and confirm ad-hoc documents from scans
    operator_adhoc_documents: bool = False
    quarantine_days_on_receipt: int = 0
    # a PIN sign-in on a handheld lapses after this many minutes without a scan (0: never)
    operator_idle_minutes: int = 60
    default_serial_mask: str = "SN{YY}%%%%%%%"
    default_lot_mask: str = "L{YYMMDD}-###"
    sscc_company_prefix: str = "0614141"
    sscc_extension: int = 0
    # every scan answered with an error writes a scan.refused event (tracking_core/scan/refusals.py)
    scan_refused_events: bool = False
    # EPCIS export: the prefix of the URIs of what has no GS1 key (an item without a GTIN,
    # a licence plate, a location without a GLN, a partner, a document); docs/epcis.md
    epcis_private_base: str = "urn:scantrack:"

    @classmethod
    def load(cls, s: Session) -> Settings:
        stored: dict[str, Any] = dict(s.execute(select(Setting.key, Setting.value)).all())
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: The most a whole-number setting may be: days and minutes that still give a date
#: (``quarantine_days_on_receipt`` is added to today on every receipt).
MAXIMUM: dict[str, int] = {
    "quarantine_days_on_receipt": 36500,
    "operator_idle_minutes": 525600,  # a year
    "sscc_extension": 9,
}
SSCC_PREFIX_DIGITS = (4, 12)
#: an absolute URI's scheme and characters that need no escaping, ending in ":" or "/" so
#: the identifiers after it read as its segments (tracking_core/epcis/identifiers.py)
URI_BASE_PATTERN = r"^[a-z][a-z0-9+.-]*:[A-Za-z0-9._~:/@!$&'()*+,;=-]{0,100}[:/]$"

_CHOICES: dict[str, tuple[str, ...]] = {
    "allocation_order": get_args(AllocationOrder),
    "expired_stock_policy": get_args(Policy),
    "unexpected_serial_policy": get_args(Policy),
    "unexpected_return_policy": get_args(Policy),
}


def _validate(key: str, value: Any) -> Any:
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    if key not in fields:
        raise InvalidInput(field=key, reason="no such setting")
    default = fields[key].default
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise InvalidInput(field=key, reason=f"must be one of {', '.join(_CHOICES[key])}")
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise InvalidInput(field=key, reason="must be true or false")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(field=key, reason="must be a whole number >= 0")
        if key == "sscc_extension" and value > MAXIMUM[key]:
            raise InvalidInput(field=key, reason="must be a digit 0-9")
        if value > MAXIMUM[key]:
            raise InvalidInput(field=key, reason=f"must be from 0 to {MAXIMUM[key]}")
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise InvalidInput(field=key, reason="must be text")
        if key.endswith("_mask"):
            Mask.parse(value)
        low, high = SSCC_PREFIX_DIGITS
        if key == "sscc_company_prefix" and not (value.isdigit() and low <= len(value) <= high):
            raise InvalidInput(field=key, reason="must be 4 to 12 digits")
        if key == "epcis_private_base" and not re.fullmatch(URI_BASE_PATTERN, value):
            raise InvalidInput(
                field=key, reason="must be an absolute URI ending in : or / (urn:acme:)"
            )
    return value


def update_settings(
    s: Session, changes: Mapping[str, Any], *, actor: str, role: str | None, now: dt.datetime
) -> Settings:
    """Apply and audit setting changes; the caller's role must be setup or admin."""
    if role not in SETUP_ROLES:
        raise PermissionDenied(action="changing settings", role=role, needed="setup")
    current = Settings.load(s)
    validated = {k: _validate(k, v) for k, v in changes.items()}
    for key, value in validated.items():
        old = getattr(current, key)
        if old == value:
            continue
        if key == "allow_duplicate_serials":
            _switch_duplicate_serials(s, allow=bool(value))
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value
        s.add(SettingChange(key=key, old_value=old, new_value=value, actor=actor, changed_at=now))
    s.flush()
    new = Settings.load(s)
    if {"allow_duplicate_serials", "default_serial_mask"} & validated.keys():
        check_mask_collisions(s, new)
    return new


def _switch_duplicate_serials(s: Session, *, allow: bool) -> None:
    """Keep the database's cross-item uniqueness column in step with the setting."""
    if allow:
        s.execute(update(SerialNumber).values(unique_serial=None))
        return
    dup = s.execute(
        select(SerialNumber.serial).group_by(SerialNumber.serial).having(func.count() > 1).limit(1)
    ).scalar()
    if dup is not None:
        raise DuplicateKey(entity="serial used by several items", key=dup)
    s.execute(update(SerialNumber).values(unique_serial=SerialNumber.serial))


def check_mask_collisions(s: Session, settings: Settings, focus: str | None = None) -> None:
    """Refuse serial masks of two items that could generate the same number.

    Items sharing one mask text share one counter, so those never collide. Only checked
    while duplicate serials across items are not allowed; ``focus`` names the item just
    changed, so the error speaks of it first. It guards the ``allow_duplicate_serials``
    promise, so it lives here beside that setting; catalog calls it on item changes.
    """
    if settings.allow_duplicate_serials:
        return
    rows = s.execute(select(Item.sku, Item.serial_mask).where(Item.tracking == "serial")).all()
    by_mask: dict[str, str] = {}
    for sku, text in sorted(rows, key=lambda r: (r[0] != focus, r[0])):
        by_mask.setdefault(text or settings.default_serial_mask, sku)
    masks = [(sku, Mask.parse(text)) for text, sku in by_mask.items()]
    for i, (sku, mine) in enumerate(masks):
        for other_sku, other in masks[i + 1 :]:
            if mine.could_collide(other):
                raise MaskCollision(
                    mask=mine.text, item=sku, other_item=other_sku, other_mask=other.text
                )


@dataclass(frozen=True)
class SettingChangeInfo:
    key: str
    old_value: Any
    new_value: Any
    actor: str
    changed_at: dt.datetime


def setting_changes(s: Session, *, limit: int = 100) -> list[SettingChangeInfo]:
    """The audit of setting changes, newest first."""
    rows = s.execute(
        select(SettingChange).order_by(SettingChange.id.desc()).limit(min(limit, 1000))
    ).scalars()
    return [SettingChangeInfo(r.key, r.old_value, r.new_value, r.actor, r.changed_at) for r in rows]
