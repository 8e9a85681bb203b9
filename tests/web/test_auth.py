"""Bearer tokens and the role rules, route by route."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import Api

READ = {"admin", "setup", "operator", "integration"}
MASTER = {"admin", "setup", "integration"}
# setup (a supervisor) scans too; what each role may scan is tests/web/test_scan_permissions.py
SCAN = {"admin", "setup", "operator", "integration"}
SETUP = {"admin", "setup"}
ADMIN = {"admin"}

# The role rules as the API promises them, written out (not read from the code).
RULES: dict[tuple[str, str], set[str]] = {
    ("GET", "/items"): READ,
    ("POST", "/items"): MASTER,
    ("GET", "/items/<key>"): READ,
    ("PATCH", "/items/<key>"): MASTER,
    ("GET", "/locations"): READ,
    ("POST", "/locations"): MASTER,
    ("PATCH", "/locations/<code>"): MASTER,
    ("GET", "/partners"): READ,
    ("POST", "/partners"): MASTER,
    ("GET", "/settings"): READ,
    ("PATCH", "/settings"): SETUP,
    ("GET", "/settings/changes"): READ,
    ("GET", "/tokens"): ADMIN,
    ("POST", "/tokens"): ADMIN,
    ("DELETE", "/tokens/<token_id>"): ADMIN,
    ("GET", "/subscriptions"): ADMIN,
    ("POST", "/subscriptions"): ADMIN,
    ("GET", "/subscriptions/<sub_id>"): ADMIN,
    ("PATCH", "/subscriptions/<sub_id>"): ADMIN,
    ("DELETE", "/subscriptions/<sub_id>"): ADMIN,
    ("GET", "/subscriptions/<sub_id>/dead-letters"): ADMIN,
    ("POST", "/subscriptions/<sub_id>/dead-letters/<seq>/replay"): ADMIN,
    ("GET", "/documents"): READ,
    ("POST", "/documents"): MASTER,
    ("GET", "/documents/<number>"): READ,
    ("GET", "/documents/<number>/expected"): READ,
    ("POST", "/documents/<number>/lines"): MASTER,
    ("POST", "/documents/<number>/post"): MASTER,
    ("POST", "/documents/<number>/cancel"): MASTER,
    ("POST", "/documents/<number>/reverse"): MASTER,
    ("POST", "/documents/<number>/serials"): SCAN,
    ("POST", "/scans"): SCAN,
    ("POST", "/commands"): SCAN,
    ("GET", "/devices/<device>/session"): READ,
    ("DELETE", "/documents/<number>/serials/<serial>"): SCAN,
    ("POST", "/documents/<number>/lots"): SCAN,
    ("DELETE", "/documents/<number>/lots/<lot>"): SCAN,
    ("GET", "/stock"): READ,
    ("GET", "/serials/<serial>"): READ,
    ("GET", "/lots/<item>/<lot>"): READ,
    ("GET", "/trace"): READ,
    ("GET", "/ledger"): READ,
    ("GET", "/epcis/events"): READ,
    ("GET", "/valuation"): READ,
    ("POST", "/lots/<item>/<lot>/recall"): MASTER,
    ("POST", "/lots/<item>/<lot>/release"): MASTER,
    ("POST", "/quarantine"): MASTER,
    ("POST", "/serials/<serial>/scrap"): MASTER,
    ("GET", "/operators"): READ,
    ("POST", "/operators"): SETUP,
    ("POST", "/operators/<badge>/deactivate"): SETUP,
    ("POST", "/operators/<badge>/activate"): SETUP,
    ("GET", "/labels/jobs"): READ,
    ("GET", "/labels/jobs/<job_id>"): READ,
    ("GET", "/labels/jobs/<job_id>/label.<fmt>"): READ,
    ("POST", "/labels/jobs/<job_id>/reprint"): SCAN,
    ("POST", "/labels/jobs/<job_id>/decide"): {"admin", "setup", "operator"},
    ("POST", "/labels/sscc"): SCAN,
    ("POST", "/labels/locations"): SCAN,
    ("PUT", "/operators/<badge>/pin"): SETUP,
    ("PUT", "/operators/<badge>/role"): SETUP,
    ("GET", "/operators/signins"): SETUP,
    ("GET", "/devices"): READ,
    ("POST", "/devices"): SETUP,
    ("POST", "/devices/enrol"): READ,  # public: the code is the credential
    ("GET", "/devices/<name>"): READ,
    ("POST", "/devices/<name>/enrolment"): SETUP,
    ("POST", "/devices/<name>/revoke"): SETUP,
    ("PUT", "/devices/<name>/profile"): SETUP,
    ("GET", "/containers"): READ,
    ("POST", "/containers"): SCAN,
    ("GET", "/containers/<code>"): READ,
    ("GET", "/containers/<code>/records"): READ,
    ("GET", "/containers/<code>/packing-list.pdf"): READ,
    ("GET", "/containers/<code>/tree.svg"): READ,
    ("POST", "/containers/<code>/pack"): SCAN,
    ("POST", "/containers/<code>/unpack"): SCAN,
    ("POST", "/containers/<code>/label"): SCAN,
    ("POST", "/pack-records/<operation>/reverse"): SCAN,
    ("POST", "/documents/<number>/containers"): SCAN,
    ("DELETE", "/documents/<number>/containers/<code>"): SCAN,
    ("GET", "/documents/<number>/ship-notice"): READ,
    ("POST", "/documents/<number>/ship-notice/containers"): MASTER,
    ("POST", "/documents/<number>/ship-notice/csv"): MASTER,
    ("POST", "/documents/<number>/ship-notice/receive"): SCAN,
    ("POST", "/documents/<number>/ship-notice/check"): SCAN,
}


def _plain(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"<\1>", rule.removeprefix("/api/v1"))


def test_the_rules_name_every_protected_route(app: Flask) -> None:
    routes = {
        (method, _plain(r.rule))
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/") and r.rule != "/api/v1/openapi.json"
        for method in (r.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert routes == set(RULES)


@pytest.mark.parametrize(("method", "rule"), sorted(RULES))
def test_each_role_may_or_may_not(method: str, rule: str, as_role: Callable[[str], Api]) -> None:
    # path values that exist nowhere: allowed calls fail later (404, 422), never 401/403
    path = rule.replace("<token_id>", "999").replace("<job_id>", "999")
    path = path.replace("<sub_id>", "999").replace("<seq>", "999").replace("<operation>", "999")
    path = re.sub(r"<\w+>", "NOPE", path)
    for role in sorted(READ):
        status, data = as_role(role)(method, path)
        if role in RULES[(method, rule)]:
            assert status not in (401, 403), (role, data)
        else:
            assert (status, data["error"]["code"]) == (403, "permission_denied"), role
            assert data["error"]["details"]["role"] == role


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-token"},
    ],
)
def test_no_valid_token_is_401(client: FlaskClient, headers: dict[str, str]) -> None:
    resp = client.get("/api/v1/items", headers=headers)
    assert (resp.status_code, resp.get_json()["error"]["code"]) == (401, "unauthorized")
    assert resp.headers["WWW-Authenticate"] == "Bearer"


def test_the_openapi_document_needs_no_token(client: FlaskClient) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_tokens_are_shown_once_and_can_be_revoked(api: Api, client: FlaskClient) -> None:
    made = api.ok("POST", "/tokens", {"name": "erp", "role": "integration"}, 201)
    secret = made.pop("token")
    assert secret.startswith("st_")
    assert made == {
        "id": 2,
        "name": "erp",
        "role": "integration",
        "created_at": "2026-11-24T09:00:00+00:00",
        "revoked": False,
    }
    listed = api.ok("GET", "/tokens")["tokens"]
    assert [(t["name"], t["role"], t["revoked"]) for t in listed] == [
        ("bootstrap", "admin", False),
        ("erp", "integration", False),
    ]
    assert all("token" not in t for t in listed)
    erp = Api(client, secret)
    assert erp("GET", "/items")[0] == 200
    assert api.ok("DELETE", "/tokens/2")["revoked"] is True
    assert erp.error("GET", "/items") == (401, "unauthorized")
    assert api.error("DELETE", "/tokens/77") == (404, "not_found")
    assert api.error("DELETE", "/tokens/99999999999") == (404, "not_found")  # no such route
    assert api.error("POST", "/tokens", {"name": "x", "role": "root"}) == (422, "invalid_request")


def test_settings_change_needs_setup_rights(as_role: Callable[[str], Api]) -> None:
    operator, setup = as_role("operator"), as_role("setup")
    status, data = operator("PATCH", "/settings", {"allocation_order": "lifo"})
    assert (status, data["error"]["code"]) == (403, "permission_denied")
    assert operator.ok("GET", "/settings")["allocation_order"] == "fifo"

    changed = setup.ok("PATCH", "/settings", {"allocation_order": "lifo", "use_lots": True})
    assert (changed["allocation_order"], changed["use_lots"]) == ("lifo", True)
    assert operator.ok("GET", "/settings/changes")["changes"] == [
        {
            "key": "allocation_order",
            "old_value": "fifo",
            "new_value": "lifo",
            "actor": "setup-user",
            "changed_at": "2026-11-24T09:00:00+00:00",
        }
    ]
    assert setup.error("PATCH", "/settings", {"allocation_order": "random"}) == (
        422,
        "invalid_request",
    )
    assert setup.error("PATCH", "/settings", {"no_such_setting": 1}) == (422, "invalid_request")
    assert setup.error("PATCH", "/settings", {"default_lot_mask": "L{NOPE}"}) == (
        422,
        "invalid_mask",
    )


def test_the_ledger_names_the_token_that_posted(master: Api, as_role: Callable[[str], Api]) -> None:
    erp = as_role("integration")
    erp.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1"}],
        },
        201,
    )
    erp.ok(
        "POST",
        "/documents/R-1/serials",
        {"action": "generate", "line": 1, "serials": ["S1"], "device": "HH-2", "scan_id": "k"},
        201,
    )
    erp.ok("POST", "/documents/R-1/post")
    (record,) = erp.ok("GET", "/ledger")["records"]
    # no badge signed in: the record names the token; posting over REST names no device
    assert (record["operator"], record["token"], record["device"], record["serial"]) == (
        None,
        "integration-user",
        None,
        "S1",
    )
