"""schemathesis against the app: every operation of the OpenAPI document, all its checks.

Each operation is one test on its own copy of a database holding the demo warehouse and
a token per role; every generated request is sent as each role, the lower ones first, and
each answer must pass every check: no 5xx, only documented statuses and content types, the
body fits its schema, a schema-valid request is not refused, a schema-violating one is.

The short run (in ``make test``): a few examples per operation, derandomized, so it is the
same every time. ``make fuzz-api`` sets ``SCANTRACK_FUZZ_EXAMPLES`` for the long run, with
random seeds and schemathesis' coverage phase (boundary values of every field) as well.
No Hypothesis example database is kept (nothing is written beside the tests).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance as _accepts_valid
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracking_core.core import Tracking
from tracking_core.db import Database, make_engine
from tracking_core.demo import load_demo
from tracking_core.migrate import upgrade
from web_mobile.api import openapi
from web_mobile.app import create_app

PG_URL = os.environ.get("SCANTRACK_TEST_DATABASE_URL", "")
SHORT_EXAMPLES = 5
EXAMPLES = int(os.environ.get("SCANTRACK_FUZZ_EXAMPLES", SHORT_EXAMPLES))
LONG = EXAMPLES > SHORT_EXAMPLES
# lower roles first: what admin changes comes after what the others were refused
ROLES = ("operator", "integration", "setup", "admin")
TOKENS = {role: f"fuzz-{role}-token-0123456789" for role in ROLES}

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": EXAMPLES,
            "deterministic": not LONG,
            "database": "none",
            "mode": "all",  # schema-valid requests and schema-violating ones
            # Latin-1 text only: JSON Schema patterns here cannot name the invisible
            # characters beyond it that the core refuses too (see openapi._PRINTABLE)
            "codec": "latin-1",
            # the token is the test's (one per role), never generated nor left out
            "with-security-parameters": False,
        },
        "checks": {"enabled": True},
        "phases": {"coverage": {"enabled": LONG}},
    }
)

# Rules over several fields, or over what is stored, that the schemas do not state: a
# schema-valid request may break one and is refused with a 422 naming it. Each is a
# (code, field) of the error and why JSON Schema as used here cannot say it.
NOT_IN_SCHEMA: dict[tuple[str, str | None], str] = {
    ("invalid_mask", None): "a mask's grammar ({YY} tokens, one counter run) is no regex here",
    ("invalid_input", "gtin"): "a GTIN's check digit",
    ("invalid_input", "gln"): "a GLN's check digit",
    ("invalid_input", "profile"): "a device profile's fields are ScanProfile's, checked there",
    ("invalid_request", "expiry"): "expiry goes with action generate only",
    ("invalid_request", "production_date"): "production_date goes with action generate only",
    ("invalid_input", "serials"): "serials or count, one of the two",
    ("invalid_request", "scan_id"): "device and scan_id go together",
    ("invalid_request", "device"): "device and scan_id go together",
    ("invalid_request", "since_id"): "since or since_id, not both",
    ("invalid_request", "format"): "since_id pages JSON only",
    ("invalid_request", "until"): "until goes with on: true only",
    ("invalid_request", "codes"): "codes, or from and to",
    ("invalid_request", "from"): "from and to go together",
    ("invalid_request", "to"): "from and to go together",
    ("invalid_input", "url"): "a URL's scheme follows the channel (http(s) or mqtt)",
    ("invalid_input", "topic_prefix"): "MQTT subscriptions only",
    ("label_invalid_data", "label"): "label N of a job with fewer labels: depends on the job",
    ("invalid_input", "header"): "a CSV ship notice's header is the first line of its text",
    ("invalid_input", "csv"): "a CSV ship notice's rows are lines of its text",
    ("invalid_container_code", None): "an SSCC's check digit",
    ("notice_exceeds_line", None): "what the notices announce against the line's quantity",
    ("serial_announced_twice", None): "a serial once across a notice's containers",
    ("container_spans_locations", None): "the locations of the lines a tree's contents are on",
}


def _rule_not_in_schema(response: schemathesis.Response) -> bool:
    if response.status_code != 422:
        return False
    error = response.json().get("error", {})
    details = error.get("details", {})
    return (error.get("code"), details.get("field")) in NOT_IN_SCHEMA


def accepts_valid(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> Any:
    """schemathesis' positive_data_acceptance, but for the rules in ``NOT_IN_SCHEMA``."""
    if _rule_not_in_schema(response):
        return None
    return _accepts_valid(ctx, response, case)


class _CurrentApp:
    """A WSGI app handing each request to the app of the running test (its own database).

    schemathesis sends its probes (no token, a wrong token) through the schema's app.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None, "no fuzz_app fixture is active"
        return self.app(environ, start_response)


CURRENT = _CurrentApp()
schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)
schema.app = CURRENT


def _fill(url: str) -> None:
    """Migrate, then the demo warehouse and one token per role."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database.from_url(url)
    core = Tracking(db)
    load_demo(core)
    for role, token in TOKENS.items():
        core.create_token(name=f"{role}-fuzz", role=role, token=token)
    db.dispose()


def _pg_admin() -> Any:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo database once (loading it takes seconds); each test gets a copy."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("fuzz") / "demo.db"
        _fill(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"scantrack_fuzz_tpl_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = _pg_admin()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    _fill(_pg_url(name))
    yield name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fuzz_db_url(demo_template: str, tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        shutil.copy(demo_template, tmp_path / "demo.db")
        yield f"sqlite:///{tmp_path / 'demo.db'}"
        return
    name = demo_template.replace("_tpl_", "_run_")
    admin = _pg_admin()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"'))
    yield _pg_url(name)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fuzz_app(fuzz_db_url: str) -> Iterator[Flask]:
    """The app on this test's copy; state builds up over the examples of one operation."""
    db = Database.from_url(fuzz_db_url)
    CURRENT.app = create_app({"TRACKING": Tracking(db), "MIGRATE": False})
    yield CURRENT.app
    CURRENT.app = None
    db.dispose()


@schema.parametrize()
@settings(
    # one database per operation, not per example: an operation's examples build on each
    # other as a client's calls would; the checks hold for each answer on its own
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api(case: schemathesis.Case, fuzz_app: Flask) -> None:
    for role in ROLES:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {TOKENS[role]}"},
            excluded_checks=[_accepts_valid],
            additional_checks=[accepts_valid],
        )
