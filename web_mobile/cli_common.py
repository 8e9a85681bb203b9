"""What every ``scantrack`` command shares: the database, errors, tables, JSON, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy.engine import make_url

from tracking_core import validate
from tracking_core.codec import encode
from tracking_core.core import Actor, Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError

# Shorter jobs finish before a bar would be worth drawing.
PROGRESS_MIN = 1000


class CliError(click.ClickException):
    """An error with a stable code, shown as ``error: <code>: <message>``, exit status 1."""

    exit_code = 1

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.code}: {self.message}", err=True, file=file)


class State:
    """The database a command works on, opened on first use and closed with the command."""

    def __init__(self, url: str, *, actor: str = "cli") -> None:
        self.url = url
        self.actor = actor
        self._db: Database | None = None
        self._core: Tracking | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            try:
                self._db = Database.from_url(self.url)
            except ImportError as exc:
                raise CliError(
                    "storage_error",
                    f"the driver for {make_url(self.url).drivername} is not installed ({exc})",
                ) from exc
        return self._db

    def forget_connections(self) -> None:
        """In a forked process: open new connections, leave the parent's alone."""
        if self._db is not None:
            self._db.engine.dispose(close=False)

    @property
    def core(self) -> Tracking:
        """The core, once the schema is known to be current.

        Only ``db upgrade`` and ``serve`` migrate: a command that quietly changed a
        shared PostgreSQL schema would surprise the other processes using it.
        """
        if self._core is None:
            from tracking_core.migrate import current, head

            url = make_url(self.url)
            db = self.db  # a missing folder is its own error
            path = url.database if url.get_backend_name() == "sqlite" else None
            if path and path != ":memory:" and not Path(path).exists():
                # Opening would create an empty file wherever we are.
                raise CliError(
                    "schema_not_current",
                    f"there is no database at {Path(path).absolute()}; "
                    "run `scantrack db upgrade` to create it",
                )
            have, want = current(db.engine), head()
            if have != want:
                raise CliError(
                    "schema_not_current",
                    f"the database is at schema revision {have or 'none (empty)'}, this "
                    f"scantrack needs {want}; run `scantrack db upgrade`",
                )
            try:
                name = validate.code("actor", self.actor)
            except DomainError as exc:
                raise CliError(exc.code, str(exc)) from None
            # the ledger names the CLI's actor as it names an API token
            self._core = Tracking(db, actor=Actor(token=name))
        return self._core

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


pass_state = click.make_pass_decorator(State)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        # money as people write it: 640.00, 0.80, but all of 0.1234
        places = max(2, -int(value.normalize().as_tuple().exponent))
        return f"{value:.{places}f}"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Plain aligned columns (numbers to the right), readable in terminals and logs alike.

    >>> print(table([("A-01", 5), ("DOCK-1", 120)], ["location", "qty"]))
    location  qty
    --------  ---
    A-01        5
    DOCK-1    120
    """
    cells = [[cell(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [
        bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows)
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def emit(as_json: bool, value: Any, render: Callable[[], str]) -> None:
    """The value as JSON (the API's encoding) or as text for people."""
    click.echo(json.dumps(encode(value), indent=2) if as_json else render())


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


class Progress:
    """A click progress bar fed either by steps or by ``(done, total)`` reports."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def step(self, n: int) -> None:
        self.bar.update(n)

    def at(self, done: int, total: int) -> None:
        self.bar.length = total
        self.bar.update(done - self.bar.pos)


@contextmanager
def progress(label: str, total: int) -> Iterator[Progress | None]:
    """A progress bar on stderr for long jobs; None for short ones."""
    if total < PROGRESS_MIN:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield Progress(bar)
