"""The ``scantrack`` command line: the composition root for headless work.

Domain errors end a command with ``error: <code>: <message>`` on stderr and exit
status 1; usage errors exit with 2. Nothing opens the database before a command runs.
"""

from __future__ import annotations

import io
from typing import IO, Any

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from tracking_core.db import database_url, default_url
from tracking_core.errors import DomainError
from web_mobile import (
    cli_admin,
    cli_events,
    cli_gateway,
    cli_labels,
    cli_ledger,
    cli_stock,
    cli_supervisor,
)
from web_mobile.cli_common import CliError, State, pass_state, progress

# gunicorn's threads for `serve`: each connected handheld holds one (web_mobile.server)
DEFAULT_THREADS = 64


class ScantrackGroup(click.Group):
    """Turns domain errors (and an unreachable database) into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as err:
            raise CliError(err.code, err.message) from err
        except OperationalError as exc:
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "failed"
            raise CliError("storage_error", f"the database could not be used: {first}") from exc


def _database_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    url = value or database_url()
    try:
        make_url(url).get_dialect()  # a known database kind, not only the URL syntax
    except ArgumentError:
        raise click.BadParameter(f"not a database URL: {url!r}") from None
    return url


@click.group(cls=ScantrackGroup)
@click.option(
    "--database-url",
    envvar="SCANTRACK_DATABASE_URL",
    callback=_database_url,
    metavar="URL",
    help=f"SQLAlchemy URL [env SCANTRACK_DATABASE_URL; default {default_url()}]",
)
@click.option(
    "--actor",
    envvar="SCANTRACK_ACTOR",
    default="cli",
    show_default=True,
    metavar="NAME",
    help="The name the ledger records for this command's movements [env SCANTRACK_ACTOR].",
)
@click.version_option(package_name="scantrack")
@click.pass_context
def main(ctx: click.Context, database_url: str, actor: str) -> None:
    """scantrack: barcode scanning with serialized inventory and lot tracking."""
    state = State(database_url, actor=actor)
    ctx.obj = state
    ctx.call_on_close(state.close)


for _command in (
    *cli_stock.COMMANDS,
    *cli_ledger.COMMANDS,
    *cli_admin.COMMANDS,
    *cli_labels.COMMANDS,
    *cli_events.COMMANDS,
    *cli_gateway.COMMANDS,
    # after cli_stock: its `lot` (show) becomes `lot show` of the group `lot`
    *cli_supervisor.COMMANDS,
):
    main.add_command(_command)


# --- database and server -------------------------------------------------------------


@main.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Migrate the database to the newest schema (creating it if needed)."""
    from tracking_core.migrate import current, upgrade

    before = current(state.db.engine)
    upgrade(state.db.engine)
    after = current(state.db.engine)
    if before == after:
        click.echo(f"database at revision {after}, up to date")
    else:
        click.echo(f"database at revision {after} (was {before or 'empty'})")


@db.command("current")
@pass_state
def db_current(state: State) -> None:
    """The database's schema revision, and whether it is the newest."""
    from tracking_core.migrate import current, head

    have, want = current(state.db.engine), head()
    if have == want:
        click.echo(f"{have} (head)")
    else:
        click.echo(f"{have or 'empty'} (head is {want}: run `scantrack db upgrade`)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--stations",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Also run these stations' scanners (and printers) in-process; their feedback "
    "goes to the station displays.",
)
@click.option(
    "--threads",
    default=DEFAULT_THREADS,
    show_default=True,
    type=click.IntRange(2, 10000),
    help="Worker threads. Every connected handheld, station display or supervisor page "
    "holds one: give more than you have, with room for plain requests.",
)
@click.option(
    "--certfile", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM)."
)
@click.option(
    "--keyfile", type=click.Path(exists=True, dir_okay=False), help="TLS private key (PEM)."
)
@click.option(
    "--self-signed",
    is_flag=True,
    help="Serve HTTPS with a self-signed certificate for this host's names and LAN "
    "addresses, made once in the data directory (trials: phones' cameras need HTTPS).",
)
@click.option("--dev", is_flag=True, help="Werkzeug's development server instead of gunicorn.")
@click.option(
    "--event-workers/--no-event-workers",
    default=True,
    show_default=True,
    envvar="SCANTRACK_EVENT_WORKERS",
    help="Deliver events to the webhook and MQTT subscriptions in this process (off: run "
    "`scantrack events worker` elsewhere).",
)
@pass_state
def serve(
    state: State,
    host: str,
    port: int,
    stations: str | None,
    threads: int,
    certfile: str | None,
    keyfile: str | None,
    self_signed: bool,
    dev: bool,
    event_workers: bool,
) -> None:
    """Migrate, then serve the web app, the API and the handheld protocol (gunicorn)."""
    # Imported here so the other commands start fast and need no web stack.
    from web_mobile.app import create_app
    from web_mobile.cli_events import start_in_serve

    if self_signed and (certfile or keyfile):
        raise click.UsageError("--self-signed makes its own certificate: drop --certfile/--keyfile")
    if bool(certfile) != bool(keyfile):
        raise click.UsageError("--certfile and --keyfile go together")
    if self_signed:
        from tracking_core.db import data_dir
        from web_mobile.tls import self_signed as make_cert

        cert, key, made = make_cert(data_dir() / "tls")
        certfile, keyfile = str(cert), str(key)
        click.echo(f"{'made' if made else 'using'} self-signed certificate {cert}", err=True)
    try:
        app = create_app({"DATABASE_URL": state.url, "MIGRATE": True})
    except ValueError as exc:  # e.g. ALLOWED_ORIGINS
        raise CliError(getattr(exc, "code", "invalid_config"), str(exc)) from None
    start_stations = _stations(state, app, stations) if stations else None
    scheme = "https" if certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"scantrack on {scheme}://{shown}:{port}/ (database {_safe(state.url)})", err=True)
    click.echo(f"event workers: {'webhook, mqtt' if event_workers else 'off'}", err=True)
    socketio = app.extensions["socketio"]
    start_events = (
        (lambda: start_in_serve(app, app.extensions["scantrack"])) if event_workers else None
    )
    if dev:
        if start_stations is not None:
            start_stations()
        if start_events is not None:
            start_events()
        # Werkzeug: one process, for development only.
        ssl = (certfile, keyfile) if certfile else None
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, ssl_context=ssl)
        return
    from web_mobile.server import ON_WORKER_START, Server

    # The forked worker must not share the master's database connections.
    app.extensions.setdefault(ON_WORKER_START, []).append(state.forget_connections)
    if start_stations is not None:
        app.extensions[ON_WORKER_START].append(start_stations)
    if start_events is not None:  # threads do not survive the fork: started in the worker
        app.extensions[ON_WORKER_START].append(start_events)
    Server(app, host=host, port=port, threads=threads, certfile=certfile, keyfile=keyfile).run()


def _stations(state: State, app: Any, config: str) -> Any:
    """Check the stations file now; answer what starts them in the serving process."""
    from scanner_gateway.stations import StationConfig, StationConfigError
    from web_mobile.cli_gateway import check_partners, start_in_background
    from web_mobile.realtime import StationFeedback
    from web_mobile.realtime.hub import STATIONS
    from web_mobile.server import ON_WORKER_STOP

    try:
        loaded = StationConfig.load(config)
    except StationConfigError as exc:
        raise CliError("invalid_config", str(exc)) from None
    check_partners(state.core, loaded)
    app.extensions[STATIONS] = loaded

    def start() -> None:
        from scanner_gateway.headless import LogFeedback

        sink = StationFeedback(app, also=LogFeedback())
        stop = start_in_background(state, app.extensions["scantrack.gateway"], config, sink)
        app.extensions.setdefault(ON_WORKER_STOP, []).append(stop.set)

    return start


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- demo and CSV import -------------------------------------------------------------


@main.group()
def demo() -> None:
    """The demo warehouse."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has items.")
@pass_state
def demo_load(state: State, if_empty: bool) -> None:
    """Load demo items, locations, partners, stock and two open documents."""
    from tracking_core.demo import load_demo

    s = load_demo(state.core, if_empty=if_empty)
    if not s.loaded:
        click.echo(f"demo not loaded: the database has {s.items} items already")
        return
    lots = ", ".join(f"{lot} ({qty}, expiry {expiry})" for lot, qty, expiry in s.lots)
    click.echo(
        "\n".join(
            [
                f"demo warehouse loaded: {s.items} items, {s.locations} locations, "
                f"{s.partners} partners",
                f"in stock: LAPTOP-14 {s.serials[0]}..{s.serials[-1]} at A-01-01; "
                f"MILK-1L lots {lots} at A-01-02 (posted on {', '.join(s.posted_documents)})",
                f"open documents: {', '.join(s.open_documents)}",
            ]
        )
    )


@main.command("import")
@click.argument("kind", type=click.Choice(["items", "locations", "partners"]))
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--skip-bad", is_flag=True, help="Import the good rows and report the bad ones.")
@pass_state
def import_(state: State, kind: str, file: IO[str], skip_bad: bool) -> None:
    """Import master data from a CSV file with a header row.

    \b
    items:     sku,tracking[,description,uom,gtins,serial_mask,lot_mask,
               shelf_life_days,warranty_days,standard_cost]
    locations: code[,name,kind,parent]
    partners:  code,kind[,name]

    Nothing is imported when a row is bad, unless --skip-bad. Row numbers count the
    header as row 1. gtins are separated by spaces or semicolons.
    """
    from tracking_core.csv_import import import_csv

    text = file.read()
    core = state.core
    with progress(f"importing {kind}", text.count("\n") - 1) as bar:
        report = import_csv(
            core.db,
            kind,
            # newline="" leaves line ends inside quoted values to the csv module
            io.StringIO(text, newline=""),
            skip_bad=skip_bad,
            now=core.clock(),
            progress=bar.step if bar else None,
        )
    for e in report.errors:
        click.echo(f"row {e.row}: {e.code}: {e.message}", err=True)
    if report.errors and not skip_bad:
        raise CliError(
            "import_failed",
            f"{len(report.errors)} of {report.rows} rows are bad; nothing imported "
            "(fix them, or use --skip-bad to import the good rows)",
        )
    bad = len(report.errors)
    skipped = f", {bad} bad row{'' if bad == 1 else 's'} skipped" if bad else ""
    click.echo(f"{report.imported} of {report.rows} {kind} imported{skipped}")
