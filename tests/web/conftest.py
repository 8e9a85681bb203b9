"""Web fixtures: the app over the test database's core, and a client speaking JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.openapi_check import conform
from tracking_core.core import Tracking
from web_mobile.app import create_app

ADMIN_TOKEN = "admin-token-0123456789"


@pytest.fixture
def app(core: Tracking) -> Flask:
    return create_app({"TRACKING": core, "BOOTSTRAP_TOKEN": ADMIN_TOKEN, "MIGRATE": False})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """The test client under /api/v1 with a bearer token, answering (status, json)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if body is not None:
            kw["json"] = body
        resp = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kw)
        conform(method, f"/api/v1{path}", resp)  # every answer is what the document says
        return resp.status_code, resp.get_json()

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """The JSON of a call that must answer ``status``."""
        got, data = self(method, path, body)
        assert got == status, data
        return data

    def error(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, str]:
        """(status, error code) of a call that must fail, after checking the error's shape."""
        status, data = self(method, path, body, **kw)
        assert set(data) == {"error"} and set(data["error"]) == {"code", "message", "details"}
        return status, data["error"]["code"]


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client, ADMIN_TOKEN)


@pytest.fixture
def as_role(client: FlaskClient, core: Tracking) -> Callable[[str], Api]:
    """An Api with a fresh token of the role, named ``<role>-user``."""

    def make(role: str) -> Api:
        token, _ = core.create_token(name=f"{role}-user", role=role)
        return Api(client, token)

    return make


LAPTOP_GTIN = "09506000134352"


@pytest.fixture
def master(api: Api) -> Api:
    """Locations A1, B2, dock D1; vendor V1, customer C1; LAP (serial), MILK (lot), BOLT."""
    for code, kind in (("A1", "bin"), ("B2", "bin"), ("D1", "dock")):
        api.ok("POST", "/locations", {"code": code, "kind": kind}, 201)
    api.ok("POST", "/partners", {"code": "V1", "kind": "vendor"}, 201)
    api.ok("POST", "/partners", {"code": "C1", "kind": "customer"}, 201)
    api.ok(
        "POST",
        "/items",
        {"sku": "LAP", "tracking": "serial", "serial_mask": "SN%%%%", "gtins": [LAPTOP_GTIN]},
        201,
    )
    api.ok("POST", "/items", {"sku": "MILK", "tracking": "lot", "lot_mask": "L####"}, 201)
    api.ok("POST", "/items", {"sku": "BOLT", "tracking": "none"}, 201)
    return api


def snapshot(api: Api) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    paths = ("/items", "/locations", "/partners", "/documents", "/stock", "/ledger", "/settings")
    return tuple(api.ok("GET", p) for p in paths)
