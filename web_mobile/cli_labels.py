"""``scantrack`` commands for label jobs, printers and the print worker."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracking_core import JOB_STATUSES, JobStatus
from web_mobile.cli_common import CliError, State, emit, json_option, pass_state, table

if TYPE_CHECKING:  # the printing stack is imported only by the commands that print
    from scanner_gateway.printing.worker import PrintWorker

CONFIG_HELP = "A TOML file with [printers.NAME] tables (and [stations.NAME] for routing)."


def _printers(config: str) -> Any:
    from scanner_gateway.printing.config import PrinterConfigError, load_printers

    try:
        return load_printers(config)
    except PrinterConfigError as exc:
        raise CliError("invalid_config", str(exc)) from None


@click.group()
def labels() -> None:
    """The label outbox: jobs written with every generated number."""


@labels.command("list")
@click.option("--status", type=click.Choice(JOB_STATUSES))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
@pass_state
def labels_list(state: State, status: JobStatus | None, limit: int, as_json: bool) -> None:
    jobs = state.core.outbox.jobs(status=status, limit=limit)
    emit(
        as_json,
        jobs,
        lambda: table(
            [
                (
                    j.id,
                    j.kind,
                    j.labels,
                    j.status,
                    j.attempts,
                    j.document,
                    j.device,
                    j.printer,
                    j.last_error,
                )
                for j in jobs
            ],
            [
                "id",
                "kind",
                "labels",
                "status",
                "tries",
                "document",
                "device",
                "printer",
                "last error",
            ],
        ),
    )


@labels.command("show")
@click.argument("job_id", type=int)
@json_option
@pass_state
def labels_show(state: State, job_id: int, as_json: bool) -> None:
    job = state.core.outbox.job(job_id)
    events = state.core.outbox.events(job_id)
    emit(
        as_json,
        {"job": job, "events": events},
        lambda: (
            f"job {job.id}: {job.labels} {job.kind} label(s), {job.status}, {job.attempts} tries\n"
            + table(sorted(job.payload.items()), ["field", "value"])
            + "\n\n"
            + table(
                [(at.strftime("%Y-%m-%d %H:%M:%S"), e, a, r) for e, a, r, at in events],
                ["when", "event", "who", "why"],
            )
        ),
    )


@labels.command("reprint")
@click.argument("job_id", type=int)
@click.option("--actor", required=True, help="Who asks for the reprint (audited).")
@click.option("--reason", required=True, help="Why, e.g. 'label torn'.")
@pass_state
def labels_reprint(state: State, job_id: int, actor: str, reason: str) -> None:
    """Print a job again (printed or unconfirmed), with who and why in the audit."""
    job = state.core.outbox.decide(job_id, "reprint", actor=actor, reason=reason)
    click.echo(f"job {job.id} queued again ({job.labels} labels)")


@labels.command("resolve")
@click.argument("job_id", type=int)
@click.argument("decision", type=click.Choice(["printed", "cancel"]))
@click.option("--actor", required=True)
@click.option("--reason", default="")
@pass_state
def labels_resolve(state: State, job_id: int, decision: str, actor: str, reason: str) -> None:
    """Settle an unconfirmed job: it did print, or it is not wanted."""
    job = state.core.outbox.decide(job_id, decision, actor=actor, reason=reason)  # type: ignore[arg-type]
    click.echo(f"job {job.id}: {job.status}")


@labels.command("preview")
@click.argument("job_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf", "zpl"]),
    default="png",
    show_default=True,
)
@click.option("--dpi", type=click.Choice(["203", "300", "600"]), default="203", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), required=True)
@pass_state
def labels_preview(state: State, job_id: int, fmt: str, dpi: str, output: str) -> None:
    """Render a job's labels to a file: the first label as PNG/SVG, all as PDF or ZPL."""
    from scanner_gateway.labels import labels_from_payload, render_job

    job = state.core.outbox.job(job_id)
    made = labels_from_payload(job.kind, job.payload)
    data = render_job(job.kind, job.payload, fmt, dpi=int(dpi), copies=job.copies)
    Path(output).write_bytes(data)
    click.echo(f"{output}: {len(made)} label(s) of job {job.id} as {fmt}")


@click.group()
def printers() -> None:
    """Printers named in the config file."""


@printers.command("list")
@click.option(
    "--config", required=True, type=click.Path(exists=True, dir_okay=False), help=CONFIG_HELP
)
@click.option("--status", "check", is_flag=True, help="Ask each printer whether it is ready.")
def printers_list(config: str, check: bool) -> None:
    ps = _printers(config)
    rows = []
    for c in ps.configs.values():
        status = ""
        if check:
            st = c.open().status()
            status = "ready" if st.ready else f"not ready: {st.reason}"
        rows.append((c.name, c.url, c.dpi, "yes" if c.default else "", status))
    click.echo(table(rows, ["printer", "url", "dpi", "default", "status"]))


@printers.command("test")
@click.argument("name")
@click.option(
    "--config", required=True, type=click.Path(exists=True, dir_okay=False), help=CONFIG_HELP
)
def printers_test(name: str, config: str) -> None:
    """Print a test label (a location label TEST) on one printer."""
    from scanner_gateway.labels import LocationLabel, render_zpl
    from scanner_gateway.printing import NotSent, UnknownOutcome

    ps = _printers(config)
    cfg = ps.configs.get(name)
    if cfg is None:
        raise CliError("unknown_printer", f"no printer {name!r} in {config}")
    printer = cfg.open()
    st = printer.status()
    if not st.ready:
        raise CliError("printer_not_ready", f"{name}: {st.reason}")
    try:
        printer.send(
            render_zpl(LocationLabel("TEST", f"scantrack test {name}"), dpi=cfg.dpi).encode()
        )
    except (NotSent, UnknownOutcome) as exc:
        raise CliError("print_failed", f"{name}: {exc}") from None
    click.echo(f"test label sent to {name}")


@click.command("printer-worker")
@click.option(
    "--config", required=True, type=click.Path(exists=True, dir_okay=False), help=CONFIG_HELP
)
@click.option("--worker-id", default=None, help="Default: printer-worker@HOST:PID.")
@click.option("--once", is_flag=True, help="Handle what is waiting, then stop.")
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Your own label templates (serial.json, lot.json, ...).",
)
@pass_state
def printer_worker(
    state: State, config: str, worker_id: str | None, once: bool, template_dir: str | None
) -> None:
    """Drain the label outbox to the printers; each label once, a printer down waits."""
    import os
    import socket

    worker = print_worker(
        state,
        config,
        worker_id=worker_id or f"printer-worker@{socket.gethostname()}:{os.getpid()}",
        template_dir=template_dir,
    )
    if once:
        total = 0
        while n := worker.run_once():
            total += n
        click.echo(f"{total} job(s) handled")
        return
    click.echo(f"printing to {', '.join(worker.printers) or 'no printers'}; Ctrl+C stops", err=True)
    stop = threading.Event()
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        stop.set()


def print_worker(
    state: State, config: str, *, worker_id: str, template_dir: str | None = None
) -> PrintWorker:
    """The print worker for a config file's printers, routed by its stations."""
    from scanner_gateway.printing.worker import PrintWorker, Routing, zpl_renderer

    ps = _printers(config)
    return PrintWorker(
        outbox=state.core.outbox,
        printers=ps.open_all(),
        render=zpl_renderer({n: c.dpi for n, c in ps.configs.items()}, template_dir=template_dir),
        route=Routing(default=ps.default, stations=_station_printers(config)),
        worker_id=worker_id,
    )


def _station_printers(config: str) -> dict[str, str]:
    """Which printer each station's device prints on, from the same file's stations."""
    import tomllib

    from scanner_gateway.stations import StationConfig, StationConfigError

    if "stations" not in tomllib.loads(Path(config).read_text(encoding="utf-8")):
        return {}  # a printers-only file
    try:
        stations = StationConfig.load(config)
    except StationConfigError as exc:
        raise CliError("invalid_config", str(exc)) from None
    return {st.device_id: st.printer for st in stations.stations if st.printer}


COMMANDS = (labels, printers, printer_worker)
