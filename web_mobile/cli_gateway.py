"""``scantrack gateway``: run the stations' scanners headless."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import click

from web_mobile.cli_common import CliError, State, pass_state


@click.command("gateway")
@click.option(
    "--config",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The stations file ([stations.NAME] tables, optional [printers.NAME]).",
)
@click.option(
    "--print/--no-print",
    "print_labels",
    default=True,
    show_default=True,
    help="Run the print worker in-process for the file's printers.",
)
@pass_state
def gateway(state: State, config: str, print_labels: bool) -> None:
    """Read every station's scanner and run each scan through the gateway until Ctrl+C."""
    from scanner_gateway.headless import run_stations
    from scanner_gateway.interpret import interpret
    from scanner_gateway.session import Gateway
    from scanner_gateway.stations import StationConfig, StationConfigError

    try:
        stations = StationConfig.load(config)
    except StationConfigError as exc:
        raise CliError("invalid_config", str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    core = state.core
    check_partners(core, stations)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker_thread = _start_printing(state, config, stop) if print_labels else None
    names = ", ".join(s.device_id for s in stations.stations)
    click.echo(f"gateway: stations {names}; Ctrl+C stops", err=True)
    sink = run_stations(Gateway(core, interpret), stations, stop)
    if worker_thread is not None:
        worker_thread.join(timeout=10)
    click.echo(f"gateway stopped after {sink.handled} scan(s)", err=True)


def check_partners(core: Any, stations: Any) -> None:
    """Every station's default partner must exist before a scan relies on it."""
    known = {p.code for p in core.partners()}
    for st in stations.stations:
        if st.partner is not None and st.partner not in known:
            raise CliError(
                "invalid_config",
                f"{stations.path}: stations.{st.device_id}.partner: no partner {st.partner!r}",
            )


def start_in_background(
    state: State, gw: Any, config: str, feedback: Any = None
) -> threading.Event:
    """``serve --stations``: the stations and the print worker beside the web server.

    ``feedback``: the stations' ``FeedbackSink`` (the station displays'); set the
    answered event to stop them.
    """
    from scanner_gateway.headless import run_stations
    from scanner_gateway.stations import StationConfig, StationConfigError

    try:
        stations = StationConfig.load(config)
    except StationConfigError as exc:
        raise CliError("invalid_config", str(exc)) from None
    check_partners(state.core, stations)
    stop = threading.Event()
    _start_printing(state, config, stop)
    threading.Thread(
        target=run_stations,
        args=(gw, stations, stop),
        kwargs={"feedback": feedback},
        name="stations",
        daemon=True,
    ).start()
    return stop


def _start_printing(state: State, config: str, stop: threading.Event) -> Any:
    """The print worker beside the stations, when the file names printers."""
    from web_mobile.cli_labels import print_worker

    worker = print_worker(state, config, worker_id="gateway-printer")
    if not worker.printers:
        return None
    t = threading.Thread(target=worker.run, args=(stop,), name="printer-worker", daemon=True)
    t.start()
    return t


COMMANDS = (gateway,)
