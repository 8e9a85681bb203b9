"""Scan idempotency: ``(device, scan_id) -> result``, stored in the step's own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from tracking_core import validate
from tracking_core.codec import encode
from tracking_core.errors import IdempotencyConflict
from tracking_core.models import ScanResult


def request_hash(action: str, payload: dict[str, Any]) -> str:
    text = json.dumps({"action": action, **encode(payload)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(s: Session, device: str, scan_id: str, digest: str) -> Any | None:
    """The stored result of a replayed scan, or None for a new one."""
    row = s.get(ScanResult, (device, scan_id), with_for_update=True)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyConflict(device=device, scan_id=scan_id)
    return row.result


def record(
    s: Session, device: str, scan_id: str, digest: str, result: Any, now: dt.datetime
) -> None:
    s.add(
        ScanResult(
            device=device, scan_id=scan_id, request_hash=digest, result=result, created_at=now
        )
    )
    s.flush()


def check_key(device: str, scan_id: str) -> tuple[str, str]:
    return validate.code("device", device), validate.code("scan_id", scan_id)
