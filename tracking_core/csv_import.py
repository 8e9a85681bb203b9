"""Import items, locations and partners from CSV: all rows or none, with a per-row report.

Every row goes through the same catalog functions as the API, inside one transaction
with a savepoint per row: a bad row is undone alone, so the rows after it are checked
against a consistent state and every problem is reported in one run. Then the whole
transaction commits (all rows good, or ``skip_bad``) or rolls back.

Row numbers are the file's line numbers as a spreadsheet shows them: the header is
row 1, the first data row is row 2.

>>> rows = read_rows("partners", ["code,name,kind", "V-1,Acme,vendor"])
>>> rows
[(2, {'code': 'V-1', 'name': 'Acme', 'kind': 'vendor'})]
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracking_core import catalog
from tracking_core.context import Ctx
from tracking_core.db import Database
from tracking_core.errors import DomainError, InvalidInput, StorageError

__all__ = ["COLUMNS", "ImportReport", "RowError", "import_csv", "read_rows"]

Kind = Literal["items", "locations", "partners"]
# kind: (required columns, optional columns); the names are the catalog functions'
# keyword arguments, so a row maps straight onto a call.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
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
    row: int
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


EXTRA = "\0extra"  # cannot clash with a column name


def read_rows(kind: str, lines: Iterable[str]) -> list[tuple[int, dict[str, Any]]]:
    """The data rows with their row numbers; a bad header raises ``InvalidInput``.

    A row with fewer values than the header gets None for the rest; extra values are
    kept under ``EXTRA`` so the row can be reported.
    """
    if kind not in COLUMNS:
        raise InvalidInput(field="kind", reason="must be items, locations or partners")
    required, optional = COLUMNS[kind]
    # csv.reader rather than DictReader: DictReader skips blank lines unseen, and the
    # row numbers must match the file.
    reader = csv.reader(lines)
    # Headers typed by hand or exported from spreadsheets vary in case and spacing.
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        raise InvalidInput(
            field="header", reason=f"the file is empty; expected {', '.join(required)}"
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            field="header",
            reason=f"missing column(s) {', '.join(missing)}; "
            f"required: {', '.join(required)}, optional: {', '.join(optional)}",
        )
    unknown = [c for c in header if c not in required + optional]
    if unknown:
        raise InvalidInput(
            field="header",
            reason=f"unknown column(s) {', '.join(unknown)}; "
            f"known: {', '.join(required + optional)}",
        )
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InvalidInput(field="header", reason=f"column(s) {', '.join(twice)} appear twice")
    rows: list[tuple[int, dict[str, Any]]] = []
    while True:
        start = reader.line_num + 1  # a quoted value may span lines: a row starts here
        values = next(reader, None)
        if values is None:
            break
        if not values:
            continue  # a blank line
        row: dict[str, Any] = dict(zip(header, values, strict=False))
        row.update({h: None for h in header[len(values) :]})
        if len(values) > len(header):
            row[EXTRA] = values[len(header) :]
        rows.append((start, row))
    return rows


def _fields(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)  # the rows are read again if the transaction is retried
    extra = row.pop(EXTRA, None)
    if extra is not None and any(v.strip() for v in extra):
        raise InvalidInput(
            field="row", reason=f"{len(row) + len(extra)} values, the header has {len(row)}"
        )
    # Empty cells (and cells missing at the end of a short row) take the default.
    vals = {k: v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
    if kind == "items" and "gtins" in vals:
        vals["gtins"] = vals["gtins"].replace(";", " ").split()
    return vals


def _create(ctx: Ctx, kind: str, vals: dict[str, Any]) -> None:
    if kind == "items":
        catalog.create_item(ctx, **vals)
    elif kind == "locations":
        catalog.create_location(ctx, **vals)
    else:
        catalog.create_partner(ctx, **vals)


class _Rollback(Exception):
    """Leaves ``Database.run`` so its transaction rolls back; never escapes this module."""


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
    (or, with ``skip_bad``, commit the good ones and report the rest).

    ``progress(n)`` is called with the number of rows just checked.
    """
    rows = read_rows(kind, lines)
    when = now or dt.datetime.now(dt.UTC)
    errors: list[RowError] = []

    def run(s: Session) -> int:
        errors.clear()  # Database.run may retry the whole transaction after a lock
        ctx = Ctx(s, when)
        done = 0
        for row_no, row in rows:
            sp = s.begin_nested()
            try:
                _create(ctx, kind, _fields(kind, row))
                sp.commit()
                done += 1
            except DomainError as err:
                sp.rollback()
                errors.append(RowError(row_no, err.code, err.message))
            except IntegrityError as exc:
                # A constraint the catalog does not pre-check: still this row's fault.
                sp.rollback()
                storage = StorageError(reason=str(exc.orig).strip().splitlines()[0])
                errors.append(RowError(row_no, storage.code, storage.message))
            if progress:
                progress(1)
        if errors and not skip_bad:
            raise _Rollback
        return done

    try:
        imported = db.run(run)
    except _Rollback:
        imported = 0
    return ImportReport(kind, len(rows), imported, tuple(errors))
