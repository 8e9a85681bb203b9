"""``scantrack`` commands for documents (receive, ship, post, ...) and inquiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import click

from tracking_core.commands import CancelDocument, PostDocument, ReverseDocument
from tracking_core.core import Tracking
from tracking_core.values import DocumentInfo, Movement
from web_mobile.cli_common import State, cell, emit, json_option, pass_state, progress, table
from web_mobile.cli_ledger import valuation

# Up to this many serial/lot numbers are listed after a receive or ship.
SHOW_NUMBERS = 20
DATE = click.DateTime(["%Y-%m-%d"])


def _document_text(info: DocumentInfo) -> str:
    head = f"{info.doc_type} {info.number}: {info.status}"
    if info.partner:
        head += f", partner {info.partner}"
    if info.reference:
        head += f", reference {info.reference}"
    if info.reverses:
        head += f", reverses {info.reverses}"
    headers = ["line", "item", "dir", "qty", "assigned", "expected", "location", "to"]
    rows: list[list[Any]] = [
        [
            ln.line,
            ln.item,
            ln.direction,
            ln.quantity,
            ln.assigned,
            ln.expected,
            ln.location,
            ln.to_location,
        ]
        for ln in info.lines
    ]
    # Columns that say nothing for this document (no ASN, no transfer) are left out.
    keep = [
        i for i, h in enumerate(headers) if h not in ("expected", "to") or any(r[i] for r in rows)
    ]
    rows = [[r[i] for i in keep] for r in rows]
    out = [head, table(rows, [headers[i] for i in keep])]
    for ln in info.lines:
        numbers = list(ln.serials) + [f"{lot} ({qty})" for lot, qty in ln.lots]
        if numbers and len(numbers) <= SHOW_NUMBERS:
            out.append(f"line {ln.line}: {', '.join(numbers)}")
        elif numbers:
            out.append(f"line {ln.line}: {', '.join(numbers[:3])}, ... ({len(numbers)} numbers)")
    return "\n".join(out)


def _serials(given: Sequence[str], files: Sequence[IO[str]]) -> list[str] | None:
    """Serials from ``--serial`` and ``--serials-file`` (one a line), in that order."""
    out = list(given)
    for f in files:
        out.extend(s.strip() for s in f if s.strip())
    return out or None


def _quantity(quantity: int | None, serials: list[str] | None) -> int:
    if quantity is not None:
        return quantity
    if serials:
        return len(serials)
    raise click.UsageError("give --quantity, or the serials with --serial/--serials-file")


def _serial_count(core: Tracking, item: str, quantity: int, serials: list[str] | None) -> int:
    """How many serials a flow will make or take: what the progress bar counts."""
    if core.item(item).tracking != "serial":
        return 0
    return len(serials) if serials else quantity


def serial_options(fn: Any) -> Any:
    """``--serial`` (repeatable) and ``--serials-file``, shared by receive and ship."""
    fn = click.option(
        "--serials-file",
        type=click.File("r", encoding="utf-8-sig"),
        multiple=True,
        help="A file with one serial a line (repeatable).",
    )(fn)
    return click.option("--serial", "serial_args", multiple=True, help="A serial (repeatable).")(fn)


def whole_document(
    state: State,
    label: str,
    *,
    inbound: bool,
    item: str,
    quantity: int | None,
    serial_args: tuple[str, ...],
    serials_file: tuple[IO[str], ...],
    lot: str | None,
    no_post: bool,
    **kw: Any,
) -> None:
    """One whole document in one call (a bar for many serials), then the document read back
    with its numbers, so the operator sees which were made or taken."""
    serials = _serials(serial_args, serials_file)
    qty = _quantity(quantity, serials)
    core = state.core
    run = core.receive if inbound else core.ship
    with progress(label, _serial_count(core, item, qty, serials)) as bar:
        info = run(
            item=item,
            quantity=qty,
            serials=serials,
            lot=lot,
            post=not no_post,
            progress=bar.at if bar else None,
            **kw,
        )
    click.echo(_document_text(core.document(info.number, detail=True)))


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--location", required=True)
@click.option("--quantity", type=int, help="Default: the number of serials given.")
@click.option("--partner", help="The vendor.")
@serial_options
@click.option("--lot", help="The lot number on the goods (default: from the item's mask).")
@click.option("--expiry", type=DATE, help="YYYY-MM-DD (default: from the shelf life).")
@click.option("--production-date", type=DATE, help="YYYY-MM-DD.")
@click.option("--unit-cost", help="Default: the item's standard cost.")
@click.option("--no-post", is_flag=True, help="Leave the receipt open.")
@pass_state
def receive(
    state: State,
    item: str,
    location: str,
    quantity: int | None,
    partner: str | None,
    serial_args: tuple[str, ...],
    serials_file: tuple[IO[str], ...],
    lot: str | None,
    expiry: dt.datetime | None,
    production_date: dt.datetime | None,
    unit_cost: str | None,
    no_post: bool,
) -> None:
    """Receive stock in one receipt: serials given or made by the item's mask, or a lot."""
    whole_document(
        state,
        "receiving serials",
        inbound=True,
        item=item,
        location=location,
        quantity=quantity,
        partner=partner,
        serial_args=serial_args,
        serials_file=serials_file,
        lot=lot,
        no_post=no_post,
        expiry=expiry.date() if expiry else None,
        production_date=production_date.date() if production_date else None,
        unit_cost=unit_cost,
    )


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--location", required=True)
@click.option("--quantity", type=int, help="Default: the number of serials given.")
@click.option("--partner", help="The customer.")
@serial_options
@click.option("--lot", help="Take this lot (default: by the allocation order).")
@click.option("--unit-price", help="The sales price (kept and exported; never a cost).")
@click.option("--no-post", is_flag=True, help="Leave the shipment open.")
@pass_state
def ship(
    state: State,
    item: str,
    location: str,
    quantity: int | None,
    partner: str | None,
    serial_args: tuple[str, ...],
    serials_file: tuple[IO[str], ...],
    lot: str | None,
    unit_price: str | None,
    no_post: bool,
) -> None:
    """Ship stock in one shipment: the serials or lot given, or the allocation order's."""
    whole_document(
        state,
        "allocating serials",
        inbound=False,
        item=item,
        location=location,
        quantity=quantity,
        partner=partner,
        serial_args=serial_args,
        serials_file=serials_file,
        lot=lot,
        no_post=no_post,
        unit_price=unit_price,
    )


@click.command()
@click.argument("number")
@json_option
@pass_state
def document(state: State, number: str, as_json: bool) -> None:
    """A document with its lines and their serial/lot numbers."""
    info = state.core.document(number, detail=True)
    emit(as_json, info, lambda: _document_text(info))


@click.command()
@click.argument("number")
@pass_state
def post(state: State, number: str) -> None:
    """Post an open document: its assignments become stock movements."""
    r = state.core.execute(PostDocument(number))
    click.echo(
        f"{r.doc_type} {r.document} posted: {r.serial_records} serial and "
        f"{r.lot_records} lot transaction records"
    )


@click.command()
@click.argument("number")
@pass_state
def cancel(state: State, number: str) -> None:
    """Cancel an open document, releasing its reservations and pending numbers."""
    click.echo(_document_text(state.core.execute(CancelDocument(number))))


@click.command()
@click.argument("number")
@pass_state
def reverse(state: State, number: str) -> None:
    """Undo a posted document with a reversal document."""
    r = state.core.execute(ReverseDocument(number))
    click.echo(
        f"{r.doc_type} {r.document} reverses {r.reverses}: {r.serial_records} serial and "
        f"{r.lot_records} lot transaction records"
    )


# --- inquiry -------------------------------------------------------------------------

MOVE_HEADERS = [
    "id",
    "posted",
    "document",
    "type",
    "partner",
    "from",
    "to",
    "qty",
    "cost",
    "who",
    "undoes",
]


def _who(m: Movement) -> str:
    """operator badge / token @ device, whichever are known."""
    text = " / ".join(x for x in (m.operator, m.token) if x)
    return f"{text} @ {m.device}" if m.device else text


def _moves(history: Iterable[Movement]) -> str:
    rows = [
        (
            m.id,
            m.posted_at.strftime("%Y-%m-%d %H:%M"),
            m.document,
            m.doc_type,
            m.partner,
            m.from_location,
            m.to_location,
            m.quantity,
            m.cost,
            _who(m),
            m.reversal_of,
        )
        for m in history
    ]
    return table(rows, MOVE_HEADERS)


@click.command()
@click.argument("serial")
@click.option("--item", help="Needed when several items use the same serial.")
@json_option
@pass_state
def serial(state: State, serial: str, item: str | None, as_json: bool) -> None:
    """A serial's status and history."""
    info = state.core.serial(serial, item=item)

    def text() -> str:
        head = f"{info.item} {info.serial}: {info.status}"
        if info.location:
            head += f" at {info.location}"
        if info.held_by:
            head += f", held by {info.held_by}"
        if info.quarantine:
            head += f", in quarantine until {info.quarantine_until or 'released'}"
        facts = [
            ("lot", info.lot),
            ("expiry", info.expiry),
            ("warranty until", info.warranty_until),
            ("cost", info.cost),
        ]
        details = ", ".join(f"{k} {cell(v)}" for k, v in facts if v is not None)
        return "\n".join([head, *([details] if details else []), "", _moves(info.history)])

    emit(as_json, info, text)


@click.command()
@click.argument("item")
@click.argument("lot")
@json_option
@pass_state
def lot(state: State, item: str, lot: str, as_json: bool) -> None:
    """A lot's status, quantity per location and history (and its serials, if serialized)."""
    info = state.core.lot(lot, item=item)

    def text() -> str:
        head = f"{info.item} lot {info.lot}: {info.status}, {info.on_hand} on hand"
        if info.expiry:
            head += f", expiry {info.expiry}"
        if info.recall_number:
            head += f", recall {info.recall_number} ({info.recall_reason or 'no reason given'})"
        stock_rows = [(r.location, r.on_hand, r.allocated) for r in info.stock]
        stock_table = table(stock_rows, ["location", "on hand", "allocated"])
        parts = [head, stock_table]
        if info.serials:  # a serialized item's lot: each of its serials, where it is now
            units = [(u.serial, u.status, u.location, u.expiry) for u in info.serials]
            parts.append(table(units, ["serial", "status", "location", "expiry"]))
        return "\n\n".join([*parts, _moves(info.history)])

    emit(as_json, info, text)


@click.command()
@click.option("--item", required=True, help="SKU or GTIN.")
@click.option("--serial")
@click.option("--lot")
@click.option("--backward", is_flag=True, help="Where it came from, not where it went.")
@json_option
@pass_state
def trace(
    state: State, item: str, serial: str | None, lot: str | None, backward: bool, as_json: bool
) -> None:
    """Recall trace: every customer a serial or lot reached, or the vendors it came from."""
    if (serial is None) == (lot is None):
        raise click.UsageError("give exactly one of --serial and --lot")
    t = state.core.trace(item=item, serial=serial, lot=lot, forward=not backward)

    def text() -> str:
        rows = [
            (
                h.posted_at.strftime("%Y-%m-%d"),
                h.document,
                h.doc_type,
                h.partner,
                h.partner_kind,
                h.serial or h.lot,
                h.quantity,
                h.location,
            )
            for h in t.hits
        ]
        head = f"{t.direction} trace of {t.item} {t.number}: "
        head += f"partners {', '.join(t.partners)}" if t.partners else "no partners"
        headers = ["date", "document", "type", "partner", "kind", "number", "qty", "location"]
        return head + "\n" + table(rows, headers)

    emit(as_json, t, text)


@click.group(invoke_without_command=True)
@click.option("--item", help="SKU or GTIN.")
@click.option("--location")
@click.option("--lot")
@json_option
@click.pass_context
def stock(
    ctx: click.Context, item: str | None, location: str | None, lot: str | None, as_json: bool
) -> None:
    """On hand and allocated by item, location and lot (``stock valuation``: at a date)."""
    if ctx.invoked_subcommand is not None:
        return
    state: State = ctx.obj
    rows = state.core.stock(item=item, location=location, lot=lot)
    total = sum((r.value for r in rows), Decimal("0.0000"))

    def text() -> str:
        lines = [
            (r.item, r.location, r.lot, r.on_hand, r.allocated, r.available, r.expiry, r.value)
            for r in rows
        ]
        headers = ["item", "location", "lot", "on hand", "allocated", "available", "expiry"]
        return table(lines, [*headers, "value"]) + f"\ntotal value {cell(total)}"

    emit(as_json, rows, text)


stock.add_command(valuation)


@click.command()
@pass_state
def check(state: State) -> None:
    """Check that the ledger's values sum to the value on hand everywhere (exit 1 if not)."""
    r = state.core.check_ledger()
    if r.ok:
        click.echo(
            f"ledger consistent: {r.items} items, {r.locations} locations, {r.lots} lots,"
            f" value {r.value}"
        )
        return
    rows = [
        (d.item, d.location, d.lot, d.serial, d.ledger_value, d.on_hand_value) for d in r.drifts
    ]
    click.echo(f"ledger drift: {len(r.drifts)} places where the ledger's value is not on hand")
    headers = ["item", "location", "lot", "serial", "ledger value", "value on hand"]
    click.echo(table(rows, headers))
    raise SystemExit(1)


COMMANDS = (
    receive,
    ship,
    document,
    post,
    cancel,
    reverse,
    serial,
    lot,
    trace,
    stock,
    check,
)
