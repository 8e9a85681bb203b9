"""``scantrack`` commands for the supervisor's desk: ASNs, recalls, quarantine, scrap,
transfers, returns, and the master data lists.

Each command is one transaction through the core's facade (as the REST routes call it):
a refused command prints ``error: <code>: <message>`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tracking_core import PARTNER_KINDS
from tracking_core.core import Tracking
from tracking_core.values import ShipNotice
from web_mobile.cli_common import State, emit, json_option, pass_state, table
from web_mobile.cli_stock import (
    DATE,
    serial_options,
    whole_document,
)
from web_mobile.cli_stock import lot as lot_show

EXPECTED_STATES = ("received", "missing", "unexpected")


# --- the advance ship notice -----------------------------------------------------------


def _notice_text(n: ShipNotice) -> str:
    head = f"{n.doc_type} {n.document} ({n.status}"
    head += f", partner {n.partner})" if n.partner else ")"
    if not n.lines:
        return f"{head}: no expected serials"
    counts = [
        (ln.line, ln.item, ln.expected, ln.received, ln.missing, ln.unexpected) for ln in n.lines
    ]
    expected, received, missing, unexpected = (
        sum(getattr(ln, k) for ln in n.lines)
        for k in ("expected", "received", "missing", "unexpected")
    )
    head += (
        f": {received} of {expected} expected serials received, {missing} missing, "
        f"{unexpected} unexpected"
    )
    rows = [(ln.line, x.serial, x.state) for ln in n.lines for x in ln.serials]
    return "\n\n".join(
        [
            head,
            table(counts, ["line", "item", "expected", "received", "missing", "unexpected"]),
            table(rows, ["line", "serial", "state"]),
        ]
    )


@click.command()
@click.argument("number")
@click.option(
    "--state", "only", type=click.Choice(EXPECTED_STATES), help="Only serials in this state."
)
@json_option
@pass_state
def asn(state: State, number: str, only: str | None, as_json: bool) -> None:
    """A document's expected serials (its advance ship notice): received, missing, unexpected."""
    notice = state.core.ship_notice(number).only(only)
    emit(as_json, notice, lambda: _notice_text(notice))


# --- lots: show, recall, release -------------------------------------------------------


class ShowOrAct(click.Group):
    """``lot ITEM LOT`` shows the lot; ``lot recall|release ITEM LOT`` acts on it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=ShowOrAct)
def lot() -> None:
    """A lot: `lot ITEM LOT` shows its status, stock and history; recall or release it."""


lot.add_command(lot_show, "show")


def _lot_line(core: Tracking, item: str, lot_: str) -> str:
    info = core.lot(lot_, item=item)
    where = ", ".join(f"{r.on_hand} at {r.location}" for r in info.stock if r.on_hand)
    line = f"{info.item} lot {info.lot}: {info.status}"
    if info.status == "recalled" and info.recall_number:
        line += f" (recall {info.recall_number}: {info.recall_reason or 'no reason given'})"
    if info.status == "quarantine" and info.quarantine_until:
        line += f" until {info.quarantine_until}"
    return line + (f"; on hand {where}" if where else "; none on hand")


@lot.command("recall")
@click.argument("item")
@click.argument("lot_", metavar="LOT")
@click.option("--number", required=True, help="The recall's number, e.g. R-1.")
@click.option("--reason", default="", help="Why, up to 200 characters.")
@pass_state
def lot_recall(state: State, item: str, lot_: str, number: str, reason: str) -> None:
    """Recall a lot: it can no longer be allocated or shipped (its serials neither)."""
    core = state.core
    core.recall_lot(item=item, lot=lot_, recall_number=number, reason=reason)
    click.echo(_lot_line(core, item, lot_))
    click.echo(f"who got it: scantrack trace --item {item} --lot {lot_}")


@lot.command("release")
@click.argument("item")
@click.argument("lot_", metavar="LOT")
@pass_state
def lot_release(state: State, item: str, lot_: str) -> None:
    """Lift a lot's recall or quarantine: it is available again."""
    core = state.core
    core.release_lot(item=item, lot=lot_)
    click.echo(_lot_line(core, item, lot_))


# --- quarantine and scrap --------------------------------------------------------------


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--serial", help="A serial, or")
@click.option("--lot", "lot_", help="a lot.")
@click.option("--until", type=DATE, help="YYYY-MM-DD: the quarantine ends by itself then.")
@click.option("--release", is_flag=True, help="Release it from quarantine instead.")
@pass_state
def quarantine(
    state: State,
    item: str,
    serial: str | None,
    lot_: str | None,
    until: dt.datetime | None,
    release: bool,
) -> None:
    """Put a serial or a lot into quarantine (optionally until a date), or release it."""
    if (serial is None) == (lot_ is None):
        raise click.UsageError("give exactly one of --serial and --lot")
    if release and until:
        raise click.UsageError("--until is for putting into quarantine, not for --release")
    core = state.core
    if release:
        core.release_quarantine(item=item, serial=serial, lot=lot_)
    else:
        core.quarantine(item=item, serial=serial, lot=lot_, until=until.date() if until else None)
    if lot_ is not None:
        click.echo(_lot_line(core, item, lot_))
        return
    info = core.serial(serial or "", item=item)
    held = (
        f"in quarantine until {info.quarantine_until or 'released'}"
        if info.quarantine
        else "not in quarantine"
    )
    click.echo(f"{info.item} serial {info.serial}: {info.status}, {held}")


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--serial", required=True)
@click.option("--reason", default="", help="Why, for the record.")
@pass_state
def scrap(state: State, item: str, serial: str, reason: str) -> None:
    """Scrap a serial: a posted adjustment takes it out of stock for good."""
    r = state.core.scrap_serial(item=item, serial=serial, reason=reason)
    click.echo(
        f"{item} serial {serial} scrapped on {r.doc_type} {r.document} "
        f"({r.serial_records} serial transaction record)"
    )


# --- transfers and returns -------------------------------------------------------------


def movement_options(fn: Any) -> Any:
    """``--quantity``, ``--serial``/``--serials-file`` and ``--lot``, shared by the moves."""
    fn = click.option("--no-post", is_flag=True, help="Leave the document open.")(fn)
    fn = click.option("--lot", help="The lot (default: by the allocation order).")(fn)
    fn = serial_options(fn)
    return click.option("--quantity", type=int, help="Default: the number of serials given.")(fn)


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--from", "from_", required=True, metavar="LOCATION", help="Where it is.")
@click.option("--to", required=True, metavar="LOCATION", help="Where it goes.")
@movement_options
@pass_state
def transfer(state: State, /, from_: str, to: str, **move: Any) -> None:
    """Move stock between locations in one transfer: serials, a lot quantity, or a quantity."""
    whole_document(
        state,
        "transferring serials",
        inbound=False,
        location=from_,
        to_location=to,
        doc_type="transfer",
        **move,
    )


@click.command("return")
@click.option("--customer", "--partner", "partner", required=True, help="Who sends it back.")
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--location", required=True, help="Where it arrives.")
@movement_options
@click.option("--expiry", type=DATE, help="YYYY-MM-DD, for a lot new to the warehouse.")
@pass_state
def customer_return(state: State, /, expiry: dt.datetime | None, **move: Any) -> None:
    """A customer return: shipped serials come back with their history, or a lot quantity."""
    whole_document(
        state,
        "returning serials",
        inbound=True,
        expiry=expiry.date() if expiry else None,
        doc_type="customer_return",
        **move,
    )


@click.command("vendor-return")
@click.option("--vendor", "--partner", "partner", required=True, help="Who gets it back.")
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--location", required=True, help="Where it leaves from.")
@movement_options
@pass_state
def vendor_return(state: State, /, **move: Any) -> None:
    """Return stock to the vendor: serials or a lot quantity leave the warehouse."""
    whole_document(state, "returning serials", inbound=False, doc_type="vendor_return", **move)


# --- master data lists -----------------------------------------------------------------


@click.command()
@json_option
@pass_state
def items(state: State, as_json: bool) -> None:
    """The items: SKU, tracking, GTINs, masks, standard cost."""
    rows = state.core.items()
    emit(
        as_json,
        rows,
        lambda: table(
            [
                (
                    i.sku,
                    i.tracking,
                    i.description,
                    " ".join(i.gtins),
                    i.serial_mask or i.lot_mask,
                    i.standard_cost,
                )
                for i in rows
            ],
            ["sku", "tracking", "description", "gtins", "mask", "standard cost"],
        ),
    )


@click.command()
@json_option
@pass_state
def locations(state: State, as_json: bool) -> None:
    """The locations: code, kind, name, parent."""
    rows = state.core.locations()
    emit(
        as_json,
        rows,
        lambda: table(
            [(x.code, x.kind, x.name, x.parent) for x in rows], ["code", "kind", "name", "parent"]
        ),
    )


@click.command()
@click.option("--kind", type=click.Choice(PARTNER_KINDS), help="Only this kind.")
@json_option
@pass_state
def partners(state: State, kind: str | None, as_json: bool) -> None:
    """The partners (vendors and customers): code, kind, name."""
    rows = [p for p in state.core.partners() if kind is None or p.kind == kind]
    emit(
        as_json,
        rows,
        lambda: table([(p.code, p.kind, p.name) for p in rows], ["code", "kind", "name"]),
    )


COMMANDS = (
    asn,
    lot,
    quarantine,
    scrap,
    transfer,
    customer_return,
    vendor_return,
    items,
    locations,
    partners,
)
