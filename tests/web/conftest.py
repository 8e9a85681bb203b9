from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracking_core.core import Tracking
from web_mobile.app import create_app

ADMIN = "admin-token-0123456789"


@pytest.fixture
def app(core: Tracking) -> Flask:
    return create_app({"TRACKING": core, "BOOTSTRAP_TOKEN": ADMIN, "MIGRATE": False})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """The test client with a bearer token, returning (status, json)."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        resp = self.client.open(f"/api/v1{path}", method=method, json=body, headers=headers, **kw)
        return resp.status_code, resp.get_json()


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client, ADMIN)


@pytest.fixture
def role_api(client: FlaskClient, core: Tracking) -> Any:
    def make(role: str) -> Api:
        token, _ = core.create_token(name=f"{role}-user", role=role)
        return Api(client, token)

    return make
