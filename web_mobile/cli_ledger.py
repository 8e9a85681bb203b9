"""``scantrack ledger export`` (the feed as CSV) and ``scantrack stock valuation``."""

from __future__ import annotations

import csv
import datetime as dt
from typing import IO

import click

from tracking_core import LEDGER_KINDS, LedgerKind, one_of
from tracking_core.ledger_feed import COLUMNS, csv_row
from web_mobile.cli_common import State, cell, emit, json_option, pass_state, table

DATE = click.DateTime(["%Y-%m-%d"])


@click.group()
def ledger() -> None:
    """Transaction records."""


@ledger.command("export")
@click.option(
    "--output", type=click.File("w", encoding="utf-8"), default="-", help="A file, or - for stdout."
)
@click.option(
    "--since",
    type=click.IntRange(min=0),
    help="Only records with a greater seq: the last seq you have (the one cursor for serial"
    " and lot records).",
)
@click.option(
    "--since-id",
    type=click.IntRange(min=0),
    help="The old way: records with a greater id, serials then lots (each kind numbered"
    " apart, so give --kind).",
)
@click.option("--kind", type=click.Choice(LEDGER_KINDS), help="Only this kind of record.")
@pass_state
def ledger_export(
    state: State, output: IO[str], since: int | None, since_id: int | None, kind: str | None
) -> None:
    """Transaction records as CSV, in seq order (the columns of GET /ledger?format=csv).

    Read in batches as they are written, up to the last record when the export began.
    """
    if since is not None and since_id is not None:
        raise click.UsageError("give --since (the seq) or --since-id (the old way), not both")
    wanted: LedgerKind | None = one_of("kind", kind, LEDGER_KINDS) if kind else None
    w = csv.writer(output, lineterminator="\n")
    w.writerow(COLUMNS)
    if since_id is not None:
        for m in state.core.ledger(since_id=since_id):
            if wanted is None or m.kind == wanted:
                w.writerow(csv_row(m))
        return
    for page in state.core.ledger_stream(since=since or 0, kind=wanted).batches():
        w.writerows(csv_row(m) for m in page.records)


@click.command()
@click.option("--at", type=DATE, help="The day (records posted up to its end, UTC); default today.")
@click.option("--item", help="SKU or GTIN.")
@click.option("--location")
@json_option
@pass_state
def valuation(
    state: State, at: dt.datetime | None, item: str | None, location: str | None, as_json: bool
) -> None:
    """On hand and value per item, location and lot at a day's end, from the ledger; for
    today also reconciled with the stock tables (exit 1 listing each difference)."""
    v = state.core.valuation(at=at.date() if at else None, item=item, location=location)

    def text() -> str:
        lines = [(r.item, r.location, r.lot, r.on_hand, r.value) for r in v.rows]
        out = [
            f"stock by the ledger at the end of {v.at}",
            table(lines, ["item", "location", "lot", "on hand", "value"]),
            f"total {v.on_hand} on hand, value {cell(v.value)}",
        ]
        rec = v.reconciliation
        if rec is not None and rec.ok:
            out.append(f"reconciled: the stock tables hold the same, value {cell(rec.stock_value)}")
        elif rec is not None:
            diffs = [
                (d.item, d.location, d.lot, d.ledger_on_hand, d.ledger_value, *d.stock)
                for d in rec.differences
            ]
            headers = ["item", "location", "lot", "ledger", "ledger value", "stock", "stock value"]
            out += [
                f"not reconciled: {len(diffs)} places where the stock tables hold otherwise",
                table(diffs, headers),
            ]
        return "\n".join(out)

    emit(as_json, v, text)
    if v.reconciliation is not None and not v.reconciliation.ok:
        raise SystemExit(1)


COMMANDS = (ledger,)
