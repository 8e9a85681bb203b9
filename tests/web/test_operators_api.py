"""/api/v1/operators: setup and admin manage the badges; anyone may list them."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Api


def test_operators_through_the_api(api: Api, as_role: Callable[[str], Api]) -> None:
    setup, operator = as_role("setup"), as_role("operator")
    made = setup.ok("POST", "/operators", {"badge": "0042", "name": "Ann"}, 201)
    assert (made["badge"], made["name"], made["active"]) == ("0042", "Ann", True)
    assert operator.error("POST", "/operators", {"badge": "0043", "name": "Bo"}) == (
        403,
        "permission_denied",
    )
    assert operator.error("POST", "/operators/0042/deactivate") == (403, "permission_denied")
    before = operator.ok("GET", "/operators")
    for body, code in (
        ({"badge": "00\u202e43", "name": "Bo"}, "invalid_input"),
        ({"badge": "B" * 65, "name": "Bo"}, "invalid_input"),
        ({"badge": "0042", "name": "Again"}, "duplicate"),
        ({"badge": "0044"}, "invalid_request"),
    ):
        assert setup.error("POST", "/operators", body)[1] == code, body
    assert api.error("POST", "/operators/NOPE/deactivate") == (404, "unknown_operator")
    assert operator.ok("GET", "/operators") == before
    off = api.ok("POST", "/operators/0042/deactivate")
    assert off["active"] is False and off["deactivated_at"]
    assert api.ok("POST", "/operators/0042/activate")["active"] is True
