"""What each role may scan: every mode x scan kind x role, through /scans and /commands.

The rule (README, "Roles"): every role with scan rights may scan against an existing
document and confirm it; starting an ad-hoc document, scanning or generating onto one and
confirming it needs the admin, setup or integration role, or `operator_adhoc_documents`
for operators. A refused scan is `permission_denied` and changes nothing, session included.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.web.conftest import Api, snapshot
from tracking_core.core import Tracking
from tracking_core.scan import DOC_TYPE, SessionState
from tracking_core.values import LineSpec

ROLES = ("admin", "setup", "operator", "integration")
# Written out, not read from the code: who may do what.
MAY = {
    "scan": {"admin", "setup", "operator", "integration"},
    "scan_adhoc": {"admin", "setup", "integration"},
}
MODES = (
    "receive",
    "pick",
    "ship",
    "customer_return",
    "vendor_return",
    "transfer",
    "count",
    "inquiry",
    "pack",
)
PARTNER = {"receipt": "V1", "vendor_return": "V1", "shipment": "C1", "customer_return": "C1"}
INBOUND = ("receive", "customer_return")

# scan kind -> (raw label, command for /commands or None)
PROBES: dict[str, tuple[str, tuple[str, str | None] | None]] = {
    "mode": ("CMD:MODE:INQUIRY", ("mode", "inquiry")),
    "document": ("DOC:{existing}", None),
    "location": ("LOC:B2", None),
    "partner": ("PTN:{partner}", None),
    "operator": ("OP:0042", None),
    "item": ("LAP", None),
    "serial": ("{serial}", None),
    "quantity": ("CMD:QTY:2", ("quantity", "2")),
    "generate": ("CMD:GENERATE:1", ("generate", "1")),
    "new": ("CMD:NEW", ("new", None)),
    "confirm": ("CMD:CONFIRM", ("confirm", None)),
    "undo": ("CMD:UNDO", ("undo", None)),
    "cancel": ("CMD:CANCEL", ("cancel", None)),
}
# what the session holds before the probe: an ERP document, an ad-hoc one, or none yet
CONTEXTS = ("existing", "adhoc", "none")


def needs(mode: str, context: str, kind: str) -> str:
    """The permission a scan needs, as the README's role table says."""
    if DOC_TYPE.get(mode) is None:  # count, inquiry: no documents
        return "scan"
    on_adhoc = context == "adhoc" or (context == "none" and kind in ("serial", "generate"))
    if kind == "new" or (kind in ("serial", "generate", "confirm") and on_adhoc):
        if mode == "ship" and kind == "serial":
            return "scan"  # a packing check changes nothing
        return "scan_adhoc"
    return "scan"


@pytest.fixture
def site(master: Api, core: Tracking) -> Tracking:
    """Serials S1-S3 in stock at A1 (from V1), an operator badge 0042."""
    master.ok(
        "POST",
        "/documents",
        {
            "type": "receipt",
            "partner": "V1",
            "number": "R-0",
            "lines": [{"item": "LAP", "quantity": 3, "location": "A1"}],
        },
        201,
    )
    master.ok(
        "POST",
        "/documents/R-0/serials",
        {"action": "generate", "serials": ["S1", "S2", "S3"], "line": 1},
        201,
    )
    master.ok("POST", "/documents/R-0/post")
    core.create_operator(badge="0042", name="Ann")
    return core


def _prepare(core: Tracking, mode: str, context: str, docs: dict[str, str]) -> dict[str, str]:
    """Put device HH on a state for the probe; returns the values the probe labels use.

    ``docs`` keeps the mode's untouched open document for the next round.
    """
    doc_type = DOC_TYPE.get(mode)
    partner = PARTNER.get(doc_type or "", "V1")
    values = {"existing": "R-0", "partner": partner, "serial": "S1"}
    if mode == "receive":
        values["serial"] = "NEW-1"
    state = SessionState(mode=mode, location="A1", item="LAP", operator="0042")
    if doc_type is not None:
        number = docs.get(mode)
        if number is not None:
            info = core.document(number)
            if info.status != "open" or info.assigned:
                number = None
        if number is None:
            spec = LineSpec("LAP", 3, "A1", to_location="B2" if doc_type == "transfer" else None)
            doc = core.create_document(
                doc_type, partner=PARTNER.get(doc_type), lines=[spec], reference="probe"
            )
            number = docs[mode] = doc.number
        values["existing"] = number
        if context != "none":
            state = state.with_(document=number, adhoc=context == "adhoc")
        if doc_type == "transfer":
            state = state.with_(to_location="B2")
    core.set_device_state("HH", state.to_json())
    return values


def _send(api: Api, kind: str, values: dict[str, str], via: str, n: int) -> dict[str, Any]:
    raw, command = PROBES[kind]
    if via == "commands":
        assert command is not None
        name, argument = command
        body: dict[str, Any] = {"device": "HH", "scan_id": f"c{n}", "command": name}
        if argument is not None:
            body["argument"] = argument
        return api.ok("POST", "/commands", body)  # type: ignore[no-any-return]
    return api.ok(  # type: ignore[no-any-return]
        "POST", "/scans", {"device": "HH", "scan_id": f"s{n}", "raw": raw.format(**values)}
    )


@pytest.mark.parametrize("mode", MODES)
def test_each_role_may_or_may_not_scan(
    mode: str, site: Tracking, master: Api, as_role: Callable[[str], Api]
) -> None:
    """Every scan kind, in every session context of the mode, for every role."""
    callers = {role: as_role(role) for role in ROLES}
    contexts = CONTEXTS if DOC_TYPE.get(mode) else ("none",)
    n = 0
    docs: dict[str, str] = {}
    for context, kind in itertools.product(contexts, PROBES):
        need = needs(mode, context, kind)
        vias = ("scans", "commands") if PROBES[kind][1] is not None else ("scans",)
        for role, via in itertools.product(ROLES, vias):
            n += 1
            values = _prepare(site, mode, context, docs)
            allowed = role in MAY[need]
            before = None if allowed else (snapshot(master), site.device_state("HH"))
            fb = _send(callers[role], kind, values, via, n)
            where = (context, kind, role, via)
            if allowed:
                assert fb["code"] != "permission_denied", (where, fb)
            else:
                assert (fb["status"], fb["code"]) == ("error", "permission_denied"), (where, fb)
                assert fb["data"]["error"]["role"] == role
                assert (snapshot(master), site.device_state("HH")) == before, where


@pytest.mark.parametrize("grant", [False, True])
def test_operators_make_ad_hoc_documents_only_when_the_setting_grants_it(
    grant: bool, site: Tracking, master: Api, as_role: Callable[[str], Api]
) -> None:
    master.ok("PATCH", "/settings", {"operator_adhoc_documents": grant})
    operator = as_role("operator")
    before = snapshot(master)
    scans = ["OP:0042", "CMD:MODE:RECEIVE", "LOC:D1", "PTN:V1", "LAP", "ADHOC-1", "CMD:CONFIRM"]
    answers = [
        operator.ok("POST", "/scans", {"device": "HH-9", "scan_id": f"g{i}", "raw": raw})
        for i, raw in enumerate(scans)
    ]
    codes = [a["code"] for a in answers]
    if grant:
        assert codes == ["operator", "mode", "location", "partner", "item", "generated", "posted"]
        (record,) = [r for r in master.ok("GET", "/ledger")["records"] if r["serial"] == "ADHOC-1"]
        assert (record["operator"], record["token"], record["device"], record["partner"]) == (
            "0042",
            "operator-user",
            "HH-9",
            "V1",
        )
    else:
        assert codes[:5] == ["operator", "mode", "location", "partner", "item"]
        assert codes[5] == "permission_denied"  # no stock from nothing with a badge
        assert snapshot(master) == before


def test_operators_confirm_an_existing_document(
    site: Tracking, master: Api, as_role: Callable[[str], Api]
) -> None:
    """The ERP's shipment: an operator picks and confirms it; the ledger names all three."""
    master.ok(
        "POST",
        "/documents",
        {
            "type": "shipment",
            "partner": "C1",
            "number": "SO-1",
            "lines": [{"item": "LAP", "quantity": 1, "location": "A1"}],
        },
        201,
    )
    operator = as_role("operator")
    for i, raw in enumerate(["OP:0042", "CMD:MODE:PICK", "DOC:SO-1", "LAP", "S2", "CMD:CONFIRM"]):
        fb = operator.ok("POST", "/scans", {"device": "HH-3", "scan_id": f"p{i}", "raw": raw})
        assert fb["status"] == "ok", fb
    assert fb["code"] == "posted"
    (record,) = [r for r in master.ok("GET", "/ledger")["records"] if r["document"] == "SO-1"]
    assert (record["operator"], record["token"], record["device"]) == (
        "0042",
        "operator-user",
        "HH-3",
    )
    # the REST path agrees: an operator token does not post over REST
    assert operator.error("POST", "/documents/R-0/post") == (403, "permission_denied")
