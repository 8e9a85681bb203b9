"""What a device's session remembers between scans (stored as JSON by the core)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import Any

# The document type each mode works on, and whether its scans generate or allocate.
DOC_TYPE = {
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
    partner: str | None = None  # a scanned partner label, for the next ad-hoc document
    station_partner: str | None = None  # the station's default partner (stations TOML)
    last_raw: str | None = None
    last_at: str | None = None
    undo: tuple[dict[str, Any], ...] = ()
    counted: tuple[str, ...] = ()  # count mode: serials seen at the location

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
        return replace(self, last_raw=raw, last_at=now.isoformat())

    def is_double_read(self, raw: str, now: dt.datetime, window: float) -> bool:
        if self.last_raw != raw or self.last_at is None:
            return False
        return (now - dt.datetime.fromisoformat(self.last_at)).total_seconds() < window

    def kept(self, **changes: Any) -> SessionState:
        """A fresh session that keeps who and where: operator, location, station partner."""
        return SessionState(
            mode=self.mode,
            operator=self.operator,
            location=self.location,
            station_partner=self.station_partner,
        ).with_(**changes)

    @property
    def doc_type(self) -> str | None:
        return DOC_TYPE.get(self.mode)

    @property
    def inbound(self) -> bool:
        return self.mode in INBOUND_MODES
