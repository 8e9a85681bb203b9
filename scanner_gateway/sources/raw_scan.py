"""The first value of a scan's chain: what a device sent, before any interpretation.

>>> scan = RawScan.new("]C101095011010209171719050810ABCD1234", device_id="dock-1")
>>> scan.device_id, len(scan.scan_id), scan.symbology
('dock-1', 32, None)
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

__all__ = ["RawScan", "new_scan_id"]


def new_scan_id() -> str:
    """A fresh scan id: device sources make one per scan (handhelds send their own)."""
    return uuid.uuid4().hex


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class RawScan:
    """One scan as received.

    ``raw`` is the text between the framing (terminators are removed). Bytes that are
    not valid in the source's encoding are kept as lone surrogates (``surrogateescape``)
    so that interpretation can say which bytes were bad instead of seeing a silent
    replacement. ``symbology`` is an AIM identifier reported *beside* the data (a
    handheld's decoder API); device sources leave it ``None`` because a scanner that
    sends identifiers sends them inside ``raw``.
    """

    raw: str
    device_id: str
    scan_id: str
    symbology: str | None
    received_at: dt.datetime

    @classmethod
    def new(
        cls,
        raw: str,
        *,
        device_id: str,
        symbology: str | None = None,
        received_at: dt.datetime | None = None,
    ) -> RawScan:
        return cls(
            raw=raw,
            device_id=device_id,
            scan_id=new_scan_id(),
            symbology=symbology,
            received_at=received_at if received_at is not None else _utcnow(),
        )
