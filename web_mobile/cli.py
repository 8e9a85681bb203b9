"""The ``scantrack`` command line: one composition root for headless work."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from tracking_core.codec import encode
from tracking_core.core import Tracking
from tracking_core.db import Database
from tracking_core.db import database_url as default_url
from tracking_core.errors import DomainError


class Ctx:
    def __init__(self, url: str) -> None:
        self.url = url
        self._core: Tracking | None = None

    @property
    def core(self) -> Tracking:
        if self._core is None:
            from tracking_core.migrate import upgrade

            self._core = Tracking(Database.from_url(self.url))
            upgrade(self._core.db.engine)
        return self._core


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Plain aligned columns, for terminals and logs alike."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class DomainErrors(click.Group):
    """Domain errors end a command with their code on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as err:
            click.echo(f"error: {err.code}: {err}", err=True)
            sys.exit(1)


@click.group(cls=DomainErrors)
@click.option(
    "--database-url",
    envvar="SCANTRACK_DATABASE_URL",
    default=None,
    help="Default: sqlite:///var/scantrack.db",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """scantrack: barcode scanning with serial and lot tracking."""
    ctx.obj = Ctx(database_url or default_url())


pass_ctx = click.make_pass_decorator(Ctx)


def _json_or_table(as_json: bool, value: Any, render: Callable[[], str]) -> None:
    click.echo(json.dumps(encode(value), indent=2) if as_json else render())


# --- database and server -----------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(c: Ctx) -> None:
    """Migrate the database to the newest schema."""
    from tracking_core.migrate import current, upgrade

    database = Database.from_url(c.url)
    upgrade(database.engine)
    click.echo(f"database at revision {current(database.engine)}")


@db.command("current")
@pass_ctx
def db_current(c: Ctx) -> None:
    from tracking_core.migrate import current

    click.echo(current(Database.from_url(c.url).engine) or "empty")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_ctx
def serve(c: Ctx, host: str, port: int) -> None:
    """Migrate, then serve the web app, the API and the handheld protocol."""
    from web_mobile.app import create_app

    app = create_app({"DATABASE_URL": c.url})
    socketio = app.extensions.get("socketio")
    click.echo(f"scantrack on http://{host}:{port}/ (database {c.url})")
    if socketio is not None:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
    else:
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True)


@main.group()
def demo() -> None:
    """The demo warehouse."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when items exist already.")
@pass_ctx
def demo_load(c: Ctx, if_empty: bool) -> None:
    from tracking_core.demo import load_demo

    summary = load_demo(c.core, if_empty=if_empty)
    if not summary.loaded:
        click.echo(f"demo not loaded: the database has {summary.items} items already")
        return
    click.echo(
        f"demo warehouse loaded: {summary.items} items, {summary.locations} locations, "
        f"open documents {', '.join(summary.documents)}"
    )


# --- documents -----------------------------------------------------------------------


def _progress(label: str, total: int) -> Callable[[int, int], None] | None:
    if total < 5000:
        return None
    bar = click.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()
    seen = [0]

    def update(done: int, _total: int) -> None:
        bar.update(done - seen[0])
        seen[0] = done
        if done >= _total:
            bar.__exit__(None, None, None)

    return update


def _doc_summary(info: Any) -> str:
    rows = [(ln.line, ln.item, ln.quantity, ln.assigned, ln.location) for ln in info.lines]
    head = f"{info.doc_type} {info.number}: {info.status}"
    return head + "\n" + table(rows, ["line", "item", "qty", "assigned", "location"])


@main.command()
@click.option("--item", required=True)
@click.option("--location", required=True)
@click.option("--quantity", required=True, type=int)
@click.option("--partner")
@click.option("--serial", "serials", multiple=True, help="Serials printed on the goods.")
@click.option("--lot")
@click.option("--expiry", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--no-post", is_flag=True)
@pass_ctx
def receive(
    c: Ctx,
    item: str,
    location: str,
    quantity: int,
    partner: str | None,
    serials: tuple[str, ...],
    lot: str | None,
    expiry: dt.datetime | None,
    no_post: bool,
) -> None:
    """Receive stock: serials given or from the item's mask, or a lot."""
    info = c.core.receive(
        item=item,
        location=location,
        quantity=quantity,
        partner=partner,
        serials=list(serials) or None,
        lot=lot,
        expiry=expiry.date() if expiry else None,
        post=not no_post,
        progress=_progress("generating serials", quantity),
    )
    click.echo(_doc_summary(info))


@main.command()
@click.option("--item", required=True)
@click.option("--location", required=True)
@click.option("--quantity", required=True, type=int)
@click.option("--partner")
@click.option("--serial", "serials", multiple=True)
@click.option("--lot")
@click.option("--no-post", is_flag=True)
@pass_ctx
def ship(
    c: Ctx,
    item: str,
    location: str,
    quantity: int,
    partner: str | None,
    serials: tuple[str, ...],
    lot: str | None,
    no_post: bool,
) -> None:
    """Ship stock: the serials or lot given, or the allocation order's suggestions."""
    info = c.core.ship(
        item=item,
        location=location,
        quantity=quantity,
        partner=partner,
        serials=list(serials) or None,
        lot=lot,
        post=not no_post,
        progress=_progress("allocating serials", quantity),
    )
    click.echo(_doc_summary(info))


@main.command()
@click.argument("number")
@pass_ctx
def post(c: Ctx, number: str) -> None:
    """Post an open document."""
    r = c.core.post(number)
    click.echo(
        f"{r.doc_type} {r.document} posted: {r.serial_records} serial and "
        f"{r.lot_records} lot records"
    )


@main.command()
@click.argument("number")
@pass_ctx
def cancel(c: Ctx, number: str) -> None:
    """Cancel an open document, releasing its reservations."""
    click.echo(_doc_summary(c.core.cancel(number)))


@main.command()
@click.argument("number")
@pass_ctx
def reverse(c: Ctx, number: str) -> None:
    """Reverse a posted document with a reversal document."""
    r = c.core.reverse(number)
    click.echo(f"{r.document} reverses {r.reverses}: {r.serial_records + r.lot_records} records")


# --- inquiry -------------------------------------------------------------------------

MOVE_HEADERS = ["id", "posted", "document", "type", "partner", "from", "to", "qty", "cost"]


def _moves(history: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [
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
        )
        for m in history
    ]


@main.command()
@click.argument("serial")
@click.option("--item")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def serial(c: Ctx, serial: str, item: str | None, as_json: bool) -> None:
    """A serial's status and full history."""
    info = c.core.serial(serial, item=item)
    _json_or_table(
        as_json,
        info,
        lambda: (
            f"{info.item} {info.serial}: {info.status} at {info.location or '-'}"
            + (f", held by {info.held_by}" if info.held_by else "")
            + "\n"
            + table(_moves(info.history), MOVE_HEADERS)
        ),
    )


@main.command()
@click.argument("item")
@click.argument("lot")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def lot(c: Ctx, item: str, lot: str, as_json: bool) -> None:
    """A lot's status, quantity per location and history."""
    info = c.core.lot(lot, item=item)
    _json_or_table(
        as_json,
        info,
        lambda: (
            f"{info.item} lot {info.lot}: {info.status}, expiry {info.expiry or '-'}\n"
            + table(
                [(r.location, r.on_hand, r.allocated) for r in info.stock],
                ["location", "on hand", "allocated"],
            )
            + "\n\n"
            + table(_moves(info.history), MOVE_HEADERS)
        ),
    )


@main.command()
@click.option("--item", required=True)
@click.option("--serial")
@click.option("--lot")
@click.option("--backward", is_flag=True, help="Where it came from, not where it went.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def trace(
    c: Ctx, item: str, serial: str | None, lot: str | None, backward: bool, as_json: bool
) -> None:
    """Recall trace: every customer a lot or serial reached, or the vendors it came from."""
    t = c.core.trace(item=item, serial=serial, lot=lot, forward=not backward)
    rows = [
        (
            h.document,
            h.doc_type,
            h.partner,
            h.quantity,
            h.location,
            h.posted_at.strftime("%Y-%m-%d"),
        )
        for h in t.hits
    ]
    _json_or_table(
        as_json,
        t,
        lambda: (
            f"{t.direction} trace of {t.item} {t.number}: partners {', '.join(t.partners) or '-'}\n"
            + table(rows, ["document", "type", "partner", "qty", "location", "date"])
        ),
    )


@main.command()
@click.option("--item")
@click.option("--location")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stock(c: Ctx, item: str | None, location: str | None, as_json: bool) -> None:
    """On hand and allocated by item, location and lot."""
    rows = c.core.stock(item=item, location=location)
    _json_or_table(
        as_json,
        rows,
        lambda: table(
            [(r.item, r.location, r.lot, r.on_hand, r.allocated, r.expiry) for r in rows],
            ["item", "location", "lot", "on hand", "allocated", "expiry"],
        ),
    )


@main.group()
def ledger() -> None:
    """Transaction records."""


LEDGER_COLUMNS = [
    "id",
    "kind",
    "posted_at",
    "document",
    "doc_type",
    "serial",
    "lot",
    "partner",
    "from_location",
    "to_location",
    "quantity",
    "cost",
    "operator",
    "device",
    "reversal_of",
]


@ledger.command("export")
@click.option("--output", type=click.File("w"), default="-")
@click.option("--since-id", type=int, default=0)
@pass_ctx
def ledger_export(c: Ctx, output: Any, since_id: int) -> None:
    """Every transaction record as CSV (serials, then lots)."""
    w = csv.writer(output)
    w.writerow(LEDGER_COLUMNS)
    for m in c.core.ledger(since_id=since_id):
        w.writerow(
            [
                m.id,
                "serial" if m.serial else "lot",
                m.posted_at.isoformat(),
                m.document,
                m.doc_type,
                m.serial,
                m.lot,
                m.partner,
                m.from_location,
                m.to_location,
                m.quantity,
                m.cost,
                m.operator,
                m.device,
                m.reversal_of,
            ]
        )


@main.command("import")
@click.argument("kind", type=click.Choice(["items", "locations", "partners"]))
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
@pass_ctx
def import_(c: Ctx, kind: str, file: Any, skip_bad: bool) -> None:
    """Import master data from CSV: nothing is imported when a row is bad (unless --skip-bad)."""
    from tracking_core.csv_import import import_csv

    lines = file.read().splitlines(keepends=True)
    with click.progressbar(
        length=max(0, len(lines) - 1), label=f"checking {kind}", file=sys.stderr
    ) as bar:
        report = import_csv(c.core.db, kind, lines, skip_bad=skip_bad, progress=bar.update)
    for e in report.errors:
        click.echo(f"row {e.row}: {e.code}: {e.message}", err=True)
    click.echo(f"{report.imported} of {report.rows} {kind} imported")
    if report.errors and not skip_bad:
        click.echo("nothing imported: fix the rows above or use --skip-bad", err=True)
        sys.exit(1)


# --- settings, tokens, masks -----------------------------------------------------------


@main.group()
def settings() -> None:
    """Settings (changes are audited)."""


@settings.command("show")
@pass_ctx
def settings_show(c: Ctx) -> None:
    click.echo(table(sorted(c.core.settings().as_dict().items()), ["setting", "value"]))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--actor", required=True, help="Who makes the change (for the audit).")
@pass_ctx
def settings_set(c: Ctx, key: str, value: str, actor: str) -> None:
    try:
        parsed: Any = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    c.core.update_settings({key: parsed}, actor=actor, role="setup")
    click.echo(f"{key} = {json.dumps(parsed)}")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "setup", "operator", "integration"])
)
@pass_ctx
def token_create(c: Ctx, name: str, role: str) -> None:
    secret, info = c.core.create_token(name=name, role=role)
    click.echo(f"token {info.id} ({info.role}): {secret}")
    click.echo("Keep it now: it is stored only as a hash.", err=True)


@token.command("list")
@pass_ctx
def token_list(c: Ctx) -> None:
    rows = [
        (t.id, t.name, t.role, t.created_at.strftime("%Y-%m-%d"), "revoked" if t.revoked else "")
        for t in c.core.tokens()
    ]
    click.echo(table(rows, ["id", "name", "role", "created", ""]))


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_ctx
def token_revoke(c: Ctx, token_id: int) -> None:
    c.core.revoke_token(token_id)
    click.echo(f"token {token_id} revoked")


@main.group()
def masks() -> None:
    """Number masks."""


@masks.command("preview")
@click.argument("mask")
@click.option("--count", default=5, show_default=True)
@pass_ctx
def masks_preview(c: Ctx, mask: str, count: int) -> None:
    for n in c.core.preview_mask(mask, count=count):
        click.echo(n)
