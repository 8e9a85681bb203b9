"""The composition root: config and environment, migration, bootstrap token, health."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import Api
from tracking_core.core import Tracking
from tracking_core.errors import InvalidInput, StorageError
from tracking_core.migrate import current, head
from web_mobile.app import create_app

TOKEN = "bootstrap-token-for-tests"


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """create_app, closing the database pools of the apps it made."""
    made: list[Flask] = []

    def make(config: dict[str, Any] | None = None) -> Flask:
        app = create_app(config)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["scantrack"].db.dispose()


def test_a_database_url_and_a_bootstrap_token(db_url: str, make_app: Any) -> None:
    app = make_app({"DATABASE_URL": db_url, "BOOTSTRAP_TOKEN": TOKEN})
    core: Tracking = app.extensions["scantrack"]
    dialect = core.db.dialect
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": dialect}
    assert Api(client, TOKEN).ok("GET", "/tokens")["tokens"][0]["name"] == "bootstrap"
    # a restart with the same token keeps the one token
    again = make_app({"DATABASE_URL": db_url, "BOOTSTRAP_TOKEN": TOKEN})
    tokens = Api(again.test_client(), TOKEN).ok("GET", "/tokens")["tokens"]
    assert [(t["id"], t["name"], t["role"]) for t in tokens] == [(1, "bootstrap", "admin")]


def test_a_new_database_is_migrated_on_start(tmp_path: Path, make_app: Any) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    app = make_app({"DATABASE_URL": url})
    assert current(app.extensions["scantrack"].db.engine) == head()
    assert app.test_client().get("/healthz").status_code == 200


def test_migrate_false_leaves_the_database_alone(tmp_path: Path, make_app: Any) -> None:
    app = make_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'bare.db'}", "MIGRATE": False})
    assert current(app.extensions["scantrack"].db.engine) is None


def test_defaults_come_from_the_environment(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("SCANTRACK_DATABASE_URL", url)
    monkeypatch.setenv("SCANTRACK_BOOTSTRAP_TOKEN", TOKEN)
    app = make_app()
    assert (app.config["DATABASE_URL"], app.config["BOOTSTRAP_TOKEN"]) == (url, TOKEN)
    assert Api(app.test_client(), TOKEN).ok("GET", "/items") == {"items": []}


def test_config_overrides_the_environment_and_passes_other_keys(
    tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCANTRACK_DATABASE_URL", "postgresql://nowhere.invalid/none")
    monkeypatch.setenv("SCANTRACK_BOOTSTRAP_TOKEN", "from-the-environment-1234")
    url = f"sqlite:///{tmp_path / 'cfg.db'}"
    app = make_app({"DATABASE_URL": url, "BOOTSTRAP_TOKEN": None, "SECRET_KEY": "s"})
    assert (app.config["BOOTSTRAP_TOKEN"], app.config["SECRET_KEY"]) == (None, "s")
    assert app.extensions["scantrack"].tokens() == []


def test_a_clock_for_the_core_it_builds(tmp_path: Path, make_app: Any) -> None:
    when = dt.datetime(2030, 1, 2, 3, 4, tzinfo=dt.UTC)
    app = make_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
            "BOOTSTRAP_TOKEN": TOKEN,
            "CLOCK": lambda: when,
        }
    )
    (token,) = Api(app.test_client(), TOKEN).ok("GET", "/tokens")["tokens"]
    assert token["created_at"] == "2030-01-02T03:04:00+00:00"
    assert "CLOCK" not in app.config


def test_an_existing_core_is_served_as_it_is(core: Tracking, make_app: Any) -> None:
    app = make_app({"TRACKING": core, "MIGRATE": False})
    assert app.extensions["scantrack"] is core
    assert "TRACKING" not in app.config


def test_a_short_bootstrap_token_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "BOOTSTRAP_TOKEN": "short"})
    assert err.value.details() == {"field": "token", "reason": "must be at least 16 characters"}


def test_health_says_when_the_database_is_down(
    app: Flask, core: Tracking, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_a: Any, **_kw: Any) -> None:
        raise StorageError(reason="connection refused")

    monkeypatch.setattr(core.db, "run", down)
    resp = app.test_client().get("/healthz")
    assert (resp.status_code, resp.get_json()) == (
        503,
        {"status": "unavailable", "database": core.db.dialect, "error": "storage_error"},
    )


def test_importing_the_app_opens_no_database(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "SCANTRACK_DATABASE_URL"}
    env["PYTHONPATH"] = str(root)
    code = "import web_mobile.app, web_mobile.api, web_mobile.api.openapi"
    # from an empty directory: the default database would appear as var/scantrack.db
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    assert list(tmp_path.iterdir()) == []
