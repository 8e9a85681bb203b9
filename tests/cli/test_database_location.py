"""Where the database is: never a new folder by accident, never the current directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

import tracking_core.db as db_module
from tests.cli.conftest import Cli, ok
from tracking_core.core import Tracking
from tracking_core.db import Database, data_dir, database_url, default_url
from tracking_core.errors import DatabaseDirectoryMissing
from web_mobile.cli import main

CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "args",
    [("db", "upgrade"), ("db", "current"), ("stock",), ("demo", "load"), ("serve", "--port", "1")],
)
def test_a_url_in_a_missing_folder_is_an_error_and_makes_no_folder(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "nonexistent" / "dir"
    r = CliRunner().invoke(main, ["--database-url", f"sqlite:///{missing}/x.db", *args])
    assert (r.exit_code, r.stderr) == (
        1,
        f"error: database_directory_missing: There is no directory {missing} for the database "
        f"file {missing}/x.db: create it, or name another database with --database-url or "
        "SCANTRACK_DATABASE_URL\n",
    )
    assert not missing.parent.exists()


def test_a_bad_sqlite_synchronous_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        ["--database-url", f"sqlite:///{tmp_path}/x.db", "db", "upgrade"],
        env={"SCANTRACK_SQLITE_SYNCHRONOUS": "off"},
    )
    assert (r.exit_code, r.stderr) == (
        1,
        "error: invalid_configuration: SCANTRACK_SQLITE_SYNCHRONOUS is 'off': it must be full "
        "or normal\n",
    )
    assert not (tmp_path / "x.db").exists()


def test_the_root_level_example_from_the_issue() -> None:
    with pytest.raises(DatabaseDirectoryMissing) as e:
        Database.from_url("sqlite:////nonexistent/dir/x.db")
    assert (e.value.path, e.value.directory) == ("/nonexistent/dir/x.db", "/nonexistent/dir")
    assert not Path("/nonexistent").exists()


def test_the_default_database_does_not_depend_on_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCANTRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCANTRACK_DATA_DIR", raising=False)
    here = database_url()
    monkeypatch.chdir(tmp_path)
    assert database_url() == here == default_url()
    assert make_url(here).database == str(CHECKOUT / "var" / "scantrack.db")
    r = CliRunner().invoke(main, ["--help"])
    assert f"default sqlite:///{CHECKOUT}/var/scantrack.db" in " ".join(r.stdout.split())


def test_an_installed_scantrack_keeps_its_data_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-packages" / "tracking_core"
    site.mkdir(parents=True)
    monkeypatch.setattr(db_module, "__file__", str(site / "db.py"))
    monkeypatch.delenv("SCANTRACK_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data" / "scantrack"
    assert default_url() == f"sqlite:///{tmp_path}/data/scantrack/scantrack.db"


def test_token_admin_makes_one_token_keeps_it_private_and_shows_it_again(
    cli: Cli, live: Tracking, tmp_path: Path
) -> None:
    path = tmp_path / "admin.token"
    first = ok(cli("token", "admin", "--file", str(path))).strip()
    assert path.read_text() == first + "\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    info = live.authenticate(first)
    assert info is not None and (info.name, info.role) == ("admin", "admin")
    assert ok(cli("token", "admin", "--file", str(path))).strip() == first
    assert len(live.tokens()) == 1
    # A revoked token in the file is replaced by a new one.
    live.revoke_token(info.id)
    second = ok(cli("token", "admin", "--file", str(path))).strip()
    assert second != first and path.read_text() == second + "\n"
    assert live.authenticate(second) is not None


def test_token_admin_registers_the_file_s_token_in_a_new_database(
    cli: Cli, live: Tracking, tmp_path: Path
) -> None:
    path = tmp_path / "admin.token"
    path.write_text("st_" + "k" * 40 + "\n")
    assert ok(cli("token", "admin", "--file", str(path))).strip() == "st_" + "k" * 40
    assert live.authenticate("st_" + "k" * 40) is not None


def test_scantrack_data_dir_names_another_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCANTRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCANTRACK_DATA_DIR", str(tmp_path / "data"))
    assert database_url() == f"sqlite:///{tmp_path}/data/scantrack.db"
    r = CliRunner().invoke(main, ["db", "upgrade"])  # our own folder: made on first use
    assert r.exit_code == 0, r.output
    assert (tmp_path / "data" / "scantrack.db").is_file()
    token = CliRunner().invoke(main, ["token", "admin"])
    assert token.exit_code == 0, token.output
    assert (tmp_path / "data" / "admin.token").read_text() == token.stdout
