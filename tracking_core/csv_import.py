"""Import items, locations and partners from CSV: all rows or none, with a per-row report."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from tracking_core import catalog
from tracking_core.context import Ctx
from tracking_core.db import Database
from tracking_core.errors import DomainError, InvalidInput

Kind = Literal["items", "locations", "partners"]
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    "items": (
        ("sku", "tracking"),
        (
            "description",
            "uom",
            "gtins",
            "serial_mask",
            "lot_mask",
            "shelf_life_days",
            "warranty_days",
            "standard_cost",
        ),
    ),
    "locations": (("code",), ("name", "kind", "parent")),
    "partners": (("code", "kind"), ("name",)),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the line number in the file (the header is line 1)
    code: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    kind: str
    rows: int
    imported: int
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _fields(kind: str, row: dict[str, str]) -> dict[str, Any]:
    vals: dict[str, Any] = {
        k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""
    }
    if kind == "items" and "gtins" in vals:
        vals["gtins"] = [g for g in vals["gtins"].replace(";", " ").split() if g]
    return vals


def _create(ctx: Ctx, kind: str, vals: dict[str, Any]) -> None:
    if kind == "items":
        catalog.create_item(ctx, **vals)
    elif kind == "locations":
        catalog.create_location(ctx, **vals)
    else:
        catalog.create_partner(ctx, **vals)


def read_rows(kind: str, lines: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    if kind not in COLUMNS:
        raise InvalidInput(field="kind", reason="must be items, locations or partners")
    reader = csv.DictReader(lines)
    required, optional = COLUMNS[kind]
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(field="columns", reason=f"missing column {missing[0]!r}")
    unknown = [c for c in header if c not in required + optional]
    if unknown:
        raise InvalidInput(
            field="columns",
            reason=f"unknown column {unknown[0]!r}; known: {', '.join(required + optional)}",
        )
    reader.fieldnames = header
    return [(reader.line_num, dict(r)) for r in reader]


def import_csv(
    db: Database,
    kind: str,
    lines: Iterable[str],
    *,
    skip_bad: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row through the core in one transaction; commit only if all are good
    (or, with ``skip_bad``, commit the good ones and report the rest)."""
    rows = read_rows(kind, lines)
    when = now or dt.datetime.now(dt.UTC)
    errors: list[RowError] = []

    def run(s: Session) -> int:
        errors.clear()
        ctx = Ctx(s, when)
        done = 0
        for line_no, row in rows:
            # A savepoint per row: a bad row is undone alone and the rest carries on.
            sp = s.begin_nested()
            try:
                _create(ctx, kind, _fields(kind, row))
                sp.commit()
                done += 1
            except DomainError as err:
                sp.rollback()
                errors.append(RowError(line_no, err.code, str(err)))
            except TypeError as err:  # a column the core function does not take
                sp.rollback()
                errors.append(RowError(line_no, "invalid_input", str(err)))
            if progress:
                progress(1)
        if errors and not skip_bad:
            raise _Rollback()
        return done

    try:
        imported = db.run(run)
    except _Rollback:
        imported = 0
    return ImportReport(kind, len(rows), imported, tuple(errors))


class _Rollback(DomainError):
    code = "import_rolled_back"
