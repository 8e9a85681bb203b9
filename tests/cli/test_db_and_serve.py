"""Global options, schema commands, errors and ``serve``, plus the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.cli.conftest import Cli, ok
from tracking_core.migrate import head
from web_mobile.cli import main


def test_db_upgrade_creates_and_migrates_a_new_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'st.db'}"
    runner = CliRunner()
    assert ok(runner.invoke(main, ["--database-url", url, "db", "current"])) == (
        f"empty (head is {head()}: run `scantrack db upgrade`)\n"
    )
    out = ok(runner.invoke(main, ["--database-url", url, "db", "upgrade"]))
    assert out == f"database at revision {head()} (was empty)\n"
    out = ok(runner.invoke(main, ["--database-url", url, "db", "upgrade"]))
    assert out == f"database at revision {head()}, up to date\n"
    assert ok(runner.invoke(main, ["--database-url", url, "db", "current"])) == f"{head()} (head)\n"


def test_the_environment_names_the_database(db_url: str) -> None:
    r = CliRunner().invoke(main, ["db", "current"], env={"SCANTRACK_DATABASE_URL": db_url})
    assert ok(r) == f"{head()} (head)\n"


def test_commands_refuse_a_database_without_schema_and_create_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    r = CliRunner().invoke(main, ["--database-url", f"sqlite:///{missing}", "stock"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"error: schema_not_current: there is no database at {missing}; "
        "run `scantrack db upgrade` to create it\n",
    )
    assert not missing.exists()

    empty = tmp_path / "empty.db"
    assert ok(CliRunner().invoke(main, ["--database-url", f"sqlite:///{empty}", "db", "current"]))
    r = CliRunner().invoke(main, ["--database-url", f"sqlite:///{empty}", "demo", "load"])
    assert (r.exit_code, r.stderr) == (
        1,
        "error: schema_not_current: the database is at schema revision none (empty), this "
        f"scantrack needs {head()}; run `scantrack db upgrade`\n",
    )


@pytest.mark.parametrize("url", ["nonsense", "x://host/db"])
def test_a_bad_database_url_is_a_usage_error(url: str) -> None:
    r = CliRunner().invoke(main, ["--database-url", url, "stock"])
    assert r.exit_code == 2
    assert f"Invalid value for '--database-url': not a database URL: {url!r}" in r.stderr


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("receive", "--item").exit_code == 2
    assert cli("no-such-command").exit_code == 2
    assert cli("trace", "--item", "X").exit_code == 2
    r = cli("trace", "--item", "X", "--serial", "S", "--lot", "L")
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        2,
        "Error: give exactly one of --serial and --lot",
    )


def test_serve_dev_migrates_then_runs_werkzeug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        "flask_socketio.SocketIO.run", lambda self, app, **kw: calls.append((app, kw))
    )
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    args = ["--database-url", url, "serve", "--port", "8123", "--dev", "--no-event-workers"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    ((app, kw),) = calls
    assert kw == {
        "host": "127.0.0.1",
        "port": 8123,
        "allow_unsafe_werkzeug": True,
        "ssl_context": None,
    }
    assert isinstance(app, Flask) and app.config["DATABASE_URL"] == url
    assert r.stderr == f"scantrack on http://127.0.0.1:8123/ (database {url})\nevent workers: off\n"
    runner = CliRunner()
    assert ok(runner.invoke(main, ["--database-url", url, "db", "current"])) == f"{head()} (head)\n"


def test_serve_runs_gunicorn(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("web_mobile.server.Server.run", lambda self: calls.append(self.options))
    r = CliRunner().invoke(
        main,
        [
            "--database-url",
            db_url,
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "9000",
            "--threads",
            "8",
        ],
    )
    assert r.exit_code == 0, r.output
    ((opts,),) = [calls]
    assert (opts["bind"], opts["workers"], opts["threads"], opts["worker_class"]) == (
        "0.0.0.0:9000",
        1,
        8,
        "web_mobile.server.Worker",
    )


def test_the_installed_console_script(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("scantrack")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "scantrack: barcode scanning with serialized inventory" in out.stdout
    url = f"sqlite:///{tmp_path / 'sub.db'}"
    out = subprocess.run(
        [str(exe), "--database-url", url, "db", "upgrade"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == f"database at revision {head()} (was empty)\n"
    out = subprocess.run(
        [str(exe), "--database-url", url, "post", "NOPE"], capture_output=True, text=True
    )
    assert (out.returncode, out.stdout, out.stderr) == (
        1,
        "",
        "error: unknown_document: Unknown document 'NOPE'\n",
    )
