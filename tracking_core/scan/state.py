"""What a device's session remembers between scans (stored as JSON with the device)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

from tracking_core.vocabulary import DocType

# The scan session's modes: one list for sessions, command labels and station configs.
MODES: tuple[str, ...] = (
    "receive",
    "pick",
    "ship",
    "customer_return",
    "vendor_return",
    "transfer",
    "count",
    "inquiry",
    "pack",
)
# The document type each mode works on, and whether its scans generate or allocate.
DOC_TYPE: dict[str, DocType] = {
    "receive": "receipt",
    "pick": "shipment",
    "ship": "shipment",
    "customer_return": "customer_return",
    "vendor_return": "vendor_return",
    "transfer": "transfer",
}
INBOUND_MODES = ("receive", "customer_return")
UNDO_DEPTH = 20


@dataclass(frozen=True)
class SessionState:
    mode: str = "inquiry"
    document: str | None = None
    adhoc: bool = False  # the gateway opened the document; its lines grow with the scans
    location: str | None = None
    to_location: str | None = None  # transfers
    item: str | None = None
    quantity: int | None = None  # pending quantity for the next lot scan
    operator: str | None = None  # the signed-in operator's badge
    # a PIN sign-in lapses when idle: until when (ISO text), and the idle seconds each
    # scan renews it by (the core's sign_in_operator sets both)
    operator_until: str | None = None
    operator_idle: int | None = None
    partner: str | None = None  # a scanned partner label, for the next ad-hoc document
    station_partner: str | None = None  # the station's default partner (stations TOML)
    last_raw: str | None = None
    last_at: str | None = None
    undo: tuple[dict[str, Any], ...] = ()
    counted: tuple[str, ...] = ()  # count mode: serials seen at the location
    # An ambiguous scan waiting for CMD:CHOOSE: {"raw", "gs1", "literal", "readings"}
    # (the two readings as Barcode.to_dict()); any other scan drops it.
    pending: dict[str, Any] | None = None
    # inbound: a lot label scanned for a serialized item ({"item", "lot", "expiry",
    # "production_date"}, dates as ISO text), for the serials scanned or generated next
    lot: dict[str, Any] | None = None
    # pack mode: the open container's code (its contents are read from the core, not kept)
    container: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("undo", "counted"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["undo"] = list(self.undo)
        data["counted"] = list(self.counted)
        return data

    def with_(self, **changes: Any) -> SessionState:
        return replace(self, **changes)

    def pushed(self, entry: dict[str, Any]) -> SessionState:
        return replace(self, undo=(*self.undo, entry)[-UNDO_DEPTH:])

    def seen(self, raw: str, now: dt.datetime) -> SessionState:
        """After a scan: remembered for the double-read check; a PIN sign-in renewed."""
        until = self.operator_until
        if until is not None and self.operator_idle:
            until = (now + dt.timedelta(seconds=self.operator_idle)).isoformat()
        return replace(self, last_raw=raw, last_at=now.isoformat(), operator_until=until)

    def sign_in_lapsed(self, now: dt.datetime) -> bool:
        return self.operator_until is not None and now >= dt.datetime.fromisoformat(
            self.operator_until
        )

    def is_double_read(self, raw: str, now: dt.datetime, window: float) -> bool:
        if self.last_raw != raw or self.last_at is None:
            return False
        return (now - dt.datetime.fromisoformat(self.last_at)).total_seconds() < window

    def lot_for(self, sku: str) -> tuple[str, dt.date | None, dt.date | None] | None:
        """The pending lot label (lot, expiry, production date), if it is for ``sku``."""
        if not self.lot or self.lot.get("item") != sku:
            return None
        dates = [self.lot.get(k) for k in ("expiry", "production_date")]
        exp, prod = (dt.date.fromisoformat(d) if isinstance(d, str) else None for d in dates)
        return str(self.lot["lot"]), exp, prod

    def kept(self, **changes: Any) -> SessionState:
        """A fresh session that keeps who and where: operator, location, station partner."""
        return SessionState(
            mode=self.mode,
            operator=self.operator,
            operator_until=self.operator_until,
            operator_idle=self.operator_idle,
            location=self.location,
            station_partner=self.station_partner,
        ).with_(**changes)

    @property
    def doc_type(self) -> DocType | None:
        return DOC_TYPE.get(self.mode)

    @property
    def inbound(self) -> bool:
        return self.mode in INBOUND_MODES
