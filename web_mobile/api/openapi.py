"""The OpenAPI 3.1 document of REST API v1, written as data.

Request bodies are checked against these same schemas (``web_mobile.api.inputs``), so
what the document says a body may hold is what the API accepts. A test checks that the
document and the registered routes name the same paths, methods, roles and bodies.

How to declare a response: pass the Python type the route encodes as ``answer`` to
``op(...)``, e.g. ``op("List items", "master data", ANY_ROLE, answer=ItemList)``.
``web_mobile.api.response_schema.schema_of`` derives its JSON Schema from the type hints
(a dataclass or TypedDict becomes a component of the same name), so the route and the
document share one definition. Where a route builds a dict by hand, give it a TypedDict
in ``web_mobile.api.answers`` and annotate the route's value with it; a dataclass answered
with some of its properties is a ``Shown`` there, and the route encodes it with
``present``. Descriptions of answer fields are in ``web_mobile.api.answer_notes``. A name
taken twice (a hand-written schema and a derived one) is an error when this module loads.
The errors an operation may answer are derived from what it takes (``error_statuses``),
each one the error envelope.

>>> doc = document()
>>> doc["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"]
{'$ref': '#/components/schemas/ItemCreate'}
>>> SCHEMAS["ItemCreate"]["required"]
['sku', 'tracking']
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any

from scanner_gateway.interpret import COMMANDS
from tracking_core import (
    CONTAINER_STATUSES,
    DIRECTIONS,
    DOC_STATUSES,
    DOC_TYPES,
    JOB_STATUSES,
    LABEL_KINDS,
    LEDGER_KINDS,
    LOCATION_KINDS,
    PARTNER_KINDS,
    ROLES,
    TRACKING,
)
from tracking_core.auth import TokenInfo, roles_for
from tracking_core.devices import DeviceInfo
from tracking_core.epcis import MAX_LIMIT as EPCIS_MAX_LIMIT
from tracking_core.events import EVENT_KINDS
from tracking_core.ledger_feed import COLUMNS as LEDGER_COLUMNS
from tracking_core.operators import OperatorInfo
from tracking_core.scan import SessionState
from tracking_core.settings import MAXIMUM as SETTING_MAXIMUM
from tracking_core.settings import SETUP_ROLES, SSCC_PREFIX_DIGITS, URI_BASE_PATTERN, Settings
from tracking_core.values import (
    ContainerInfo,
    ItemInfo,
    LineInfo,
    LocationInfo,
    PackRecord,
    PartnerInfo,
    PostResult,
    ShipNotice,
)
from web_mobile.api.answer_notes import NOTES
from web_mobile.api.answers import (
    ContainerLabel,
    ContainerList,
    ContainerStep,
    Deleted,
    DeliveryList,
    DeviceEnrolment,
    DeviceList,
    Document,
    DocumentList,
    EnrolledDevice,
    FeedbackAnswer,
    ItemList,
    LabelJobDetail,
    LabelJobList,
    LedgerPage,
    LedgerRecordsById,
    LocationList,
    Lot,
    NewToken,
    OperatorList,
    PackRecordList,
    PartnerList,
    Replay,
    Serial,
    SettingChanges,
    SignIns,
    SsccLabels,
    StepResult,
    Stock,
    Subscription,
    SubscriptionCreated,
    SubscriptionList,
    TokenList,
    TraceAnswer,
    ValuationAnswer,
)
from web_mobile.api.bodies import Outcome, SsccUnit, StepAction
from web_mobile.api.response_schema import ORIGIN, schema_of

Schema = dict[str, Any]

# Who may call what: the core's permission table; routes use these same tuples.
ANY_ROLE: tuple[str, ...] = roles_for("read")
MASTER = roles_for("master_data")  # master data, stock control
DOCUMENTS = roles_for("documents")  # create documents and lines, post, cancel, reverse
SCAN = roles_for("scan")  # scan-sized steps on documents, /scans, /commands
SETUP: tuple[str, ...] = SETUP_ROLES  # the core decides who may change settings
OPERATORS = roles_for("operators")
DEVICES = roles_for("devices")
ADMIN = roles_for("tokens")
LABELS = roles_for("labels")  # reprint a label job
LABEL_DECISIONS = roles_for("label_decisions")  # settle an unconfirmed job
LABEL_FORMATS = ("png", "pdf", "svg", "zpl")

EXPECTED_STATES = ("received", "missing", "unexpected")

# Integers are stored in 32-bit columns on PostgreSQL; larger ones are refused up front.
INT32_MAX = 2**31 - 1
INT64 = 2**63 - 1  # seqs and ids are 64-bit: their query values are held to this

_SEQ: Schema = {"type": "integer", "minimum": 0}
_FLAG: Schema = {"type": "string", "enum": ["true", "false"]}
STREAM_HEADERS: tuple[tuple[str, str, Schema], ...] = (
    ("X-Ledger-Next-Since", "the cursor to ask from next: every record up to it is here", _SEQ),
    ("X-Ledger-Last", "the highest seq committed when the stream began", _SEQ),
    ("X-Ledger-More", "more beyond X-Ledger-Next-Since", _FLAG),
)


def _s(description: str = "", **kw: Any) -> Schema:
    out: Schema = {"type": "string", **kw}
    if description:
        out["description"] = description
    return out


def _int(description: str = "", **kw: Any) -> Schema:
    out: Schema = {"type": "integer", "maximum": INT32_MAX, **kw}
    if description:
        out["description"] = description
    return out


def _count(description: str = "", **kw: Any) -> Schema:
    """A 64-bit whole number (seqs, ids, quantities summed): not held to INT32_MAX."""
    out: Schema = {"type": "integer", "minimum": 0, **kw}
    if description:
        out["description"] = description
    return out


# --- what the core takes as text (tracking_core/validate.py), for requests ------------------
# JSON Schema regexes cannot name Unicode categories portably (Python's re, which checks
# them here and generates them in the fuzz tests, has no \p{..}), so these classes refuse
# the controls (C0, DEL, C1), the no-break space and the soft hyphen; the core refuses the
# rarer invisible characters beyond Latin-1 (format characters, unassigned code points) too.
_PRINTABLE = r"[^\x00-\x1f\x7f-\xa0\xad]"  # a printable character or a space
_GRAPHIC = r"[^\x00-\x20\x7f-\xa0\xad]"  # a printable character, not a space
MAX_CODE = 64  # tracking_core.validate.MAX_CODE
MAX_QUANTITY = 10_000_000  # tracking_core.validate.quantity: the most in one step
MAX_BADGE = 32  # tracking_core.models.MAX_BADGE
MAX_DAYS = 36500  # an item's shelf life and warranty (tracking_core.catalog)
PATTERNS: dict[str, str] = {
    f"^{_PRINTABLE}*{_GRAPHIC}{_PRINTABLE}*$": "printable characters, not blank",
    f"^{_PRINTABLE}*$": "printable characters only",
    "^ *[!-~]+ *$": "printable ASCII without spaces ('!' to '~')",
    "^[0-9]{4,8}$": "4 to 8 digits",
    "^[A-Za-z0-9][A-Za-z0-9._-]*$": (
        "letters, digits, '.', '_' and '-', starting with one of the first two"
    ),
    "^([0-9]{8}|[0-9]{12,14})$": "8, 12, 13 or 14 digits",
    r"^[0-9]{1,14}(\.[0-9]{1,8})?$": "a decimal number >= 0 below 10^14, e.g. 12.50",
}
_CODE_RE, _TEXT_RE, _NUMBER_RE, _PIN_RE, _BADGE_RE, _GTIN_RE, _MONEY_RE = PATTERNS


# ``x-checked-by: core``: the core refuses what breaks these with its own error (so a body
# is refused as it always was); web_mobile.api.inputs checks path and query values itself.
_CORE: Schema = {"x-checked-by": "core"}


def _code(description: str = "", *, max_len: int = MAX_CODE, here: bool = False) -> Schema:
    """A code, SKU or number the core reads with ``validate.code``: 1 to max_len, not blank.

    ``here``: checked by the API itself, where the core takes "" as "none" (a parent, a
    partner) or never reads it (a printer's name).
    """
    return _s(
        description, minLength=1, maxLength=max_len, pattern=_CODE_RE, **({} if here else _CORE)
    )


def _text(description: str = "", *, max_len: int = 200) -> Schema:
    """Free text (``validate.text``): printable, up to max_len characters, may be empty."""
    return _s(description, maxLength=max_len, pattern=_TEXT_RE, **_CORE)


def _number(description: str = "") -> Schema:
    """A serial or lot number given from outside (``validate.serial_number``)."""
    return _s(description, minLength=1, maxLength=MAX_CODE, pattern=_NUMBER_RE, **_CORE)


def _key(description: str) -> Schema:
    """A scan's device or scan_id: checked here, since a scan answers feedback, not 422."""
    return _s(description, minLength=1, maxLength=MAX_CODE, pattern=_CODE_RE)


def _quantity(description: str) -> Schema:
    """Whole units in one step (``validate.quantity``)."""
    return _int(description, minimum=1, maximum=MAX_QUANTITY, **_CORE)


def _money(description: str) -> Schema:
    """Money (``validate.money``): a JSON number or a decimal string, >= 0, below 10^14."""
    return {
        "type": ["number", "string"],
        "minimum": 0,
        "exclusiveMaximum": 10**14,
        "pattern": _MONEY_RE,
        "description": description,
        **_CORE,
    }


def _badge() -> Schema:
    """An operator's badge (``tracking_core.operators.check_badge``)."""
    return _s(
        "the code on the operator's OP: badge: 1 to 32 letters, digits, '.', '_', '-'",
        minLength=1,
        maxLength=MAX_BADGE,
        pattern=_BADGE_RE,
    )


def _date(description: str = "") -> Schema:
    return _s(description or "ISO date YYYY-MM-DD", format="date")


def _gln() -> Schema:
    return _s("GS1 GLN, 13 digits with its check digit: the EPCIS read point", pattern=r"^\d{13}$")


def _nullable(schema: Schema, why: str) -> Schema:
    return {**schema, "type": [schema["type"], "null"], "description": why}


def _obj(props: dict[str, Schema], *required: str) -> Schema:
    out: Schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def _words(literal: Any) -> list[str]:
    """The values of a ``Literal`` type, for an enum (bodies type the field with it)."""
    return list(typing.get_args(literal))


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _setting_schema(name: str, hint: Any) -> Schema:
    """A setting as ``tracking_core.settings`` checks it."""
    if typing.get_origin(hint) is typing.Literal:
        return {"type": "string", "enum": _words(hint)}
    if hint is int:
        return {"type": "integer", "minimum": 0, "maximum": SETTING_MAXIMUM[name]}
    if name.endswith("_mask"):
        return _code("a serial or lot mask")
    if name == "sscc_company_prefix":
        low, high = SSCC_PREFIX_DIGITS
        return _s(f"{low} to {high} digits", pattern=f"^[0-9]{{{low},{high}}}$")
    if name == "epcis_private_base":
        return _s("an absolute URI ending in : or / (docs/epcis.md)", pattern=URI_BASE_PATTERN)
    kind = {bool: "boolean", str: "string"}[hint]
    return {"type": kind}


def _settings_patch() -> Schema:
    """Every setting the core knows, so a new setting shows up here by itself."""
    hints = typing.get_type_hints(Settings)
    props = {f.name: _setting_schema(f.name, hints[f.name]) for f in dataclasses.fields(Settings)}
    return {
        **_obj(props),
        "description": "only the settings to change; needs the setup or admin role",
    }


_ITEM_FIELDS: dict[str, Schema] = {
    "description": _text("free text, up to 200 characters"),
    "uom": _code("unit of measure, default EA", max_len=16),
    "gtins": {
        "type": "array",
        "items": _s("GTIN-8/12/13/14 with its check digit", pattern=_GTIN_RE),
        "description": "added to the item's GTINs",
    },
    "serial_mask": _code("e.g. SN{YY}-#####; default: the setting default_serial_mask"),
    "lot_mask": _code("e.g. L{YYMMDD}-##; default: the setting default_lot_mask"),
    "shelf_life_days": _int(
        "expiry of stock received without one on its label", minimum=0, maximum=MAX_DAYS
    ),
    "warranty_days": _int(minimum=0, maximum=MAX_DAYS),
    "standard_cost": _money("decimal; a string keeps every digit"),
}

SCAN_KEY: dict[str, Schema] = {
    "device": _code("with scan_id: the step is idempotent, a replay answers the same JSON"),
    "scan_id": _code("unique per scan of the device"),
}

SCHEMAS: dict[str, Schema] = {
    "ItemCreate": _obj(
        {
            "sku": _code("stock keeping unit, unique"),
            "tracking": {"type": "string", "enum": list(TRACKING)},
            **_ITEM_FIELDS,
        },
        "sku",
        "tracking",
    ),
    "ItemPatch": _obj(
        {
            **_ITEM_FIELDS,
            "serial_mask": _nullable(_ITEM_FIELDS["serial_mask"], "null: use the default"),
            "lot_mask": _nullable(_ITEM_FIELDS["lot_mask"], "null: use the default"),
            "shelf_life_days": _nullable(_ITEM_FIELDS["shelf_life_days"], "null: none"),
            "warranty_days": _nullable(_ITEM_FIELDS["warranty_days"], "null: none"),
        }
    ),
    "LocationCreate": _obj(
        {
            "code": _code("unique, printed on the location label"),
            "name": _text(),
            "kind": {"type": "string", "enum": list(LOCATION_KINDS), "default": "bin"},
            "parent": _code("code of the parent location", here=True),
            "gln": _gln(),
        },
        "code",
    ),
    "LocationPatch": _obj({"name": _text(), "gln": _nullable(_gln(), "null removes it")}),
    "PartnerCreate": _obj(
        {
            "code": _code("unique"),
            "name": _text(),
            "kind": {"type": "string", "enum": list(PARTNER_KINDS)},
        },
        "code",
        "kind",
    ),
    "OperatorCreate": _obj(
        {
            "badge": _badge(),
            "name": _code("the person's name, up to 200 characters", max_len=200),
            "role": {
                "type": "string",
                "enum": list(ROLES),
                "description": "what the operator may do on the supervisor pages",
            },
            "pin": _s(
                "4 to 8 digits: signs in on a handheld with the badge (never shown)",
                pattern=_PIN_RE,
            ),
        },
        "badge",
        "name",
    ),
    "SettingsPatch": _settings_patch(),
    "OperatorPin": _obj(
        {"pin": _nullable(_s(pattern=_PIN_RE), "4 to 8 digits; null clears the PIN")}, "pin"
    ),
    "OperatorRole": _obj({"role": {"type": "string", "enum": list(ROLES)}}, "role"),
    "DeviceCreate": _obj(
        {
            "name": _code("the device's name, unique, e.g. HH-07"),
            "station": _code("the station it belongs to (stations TOML), if any"),
            "profile": {
                "type": "object",
                "description": "scan profile overrides (ScanProfile fields), up to 4 KiB",
            },
        },
        "name",
    ),
    "DeviceProfile": _obj(
        {"profile": {"type": "object", "description": "scan profile overrides"}}, "profile"
    ),
    "Enrol": _obj({"code": _code("the one-time code from the enrolment QR code")}, "code"),
    "TokenCreate": _obj(
        {"name": _code("who uses the token"), "role": {"type": "string", "enum": list(ROLES)}},
        "name",
        "role",
    ),
    "Line": _obj(
        {
            "item": _code("SKU or GTIN"),
            "quantity": _quantity("whole units, 1 to 10,000,000"),
            "location": _code("where stock arrives or leaves"),
            "unit_cost": _money(
                "inbound lines: the cost of what comes in (default: standard cost); refused"
                " on outbound lines, which move stock at its own cost"
            ),
            "unit_price": _money(
                "shipment lines: the sales price; kept and exported, never a cost"
            ),
            "to_location": _code("transfers only: the destination"),
            "direction": {
                "type": "string",
                "enum": list(DIRECTIONS),
                "description": "adjustments only",
            },
            "expected_serials": {
                "type": "array",
                "items": _code(),
                "description": "inbound serialized lines: the advance ship notice",
            },
        },
        "item",
        "quantity",
        "location",
    ),
    "DocumentCreate": _obj(
        {
            "type": {"type": "string", "enum": list(DOC_TYPES)},
            "number": _code("default: the next number of the type"),
            "partner": _code(
                here=True,
                description="partner code: a vendor for receipts and vendor returns, a customer"
                " for shipments and customer returns (kind both fits either)",
            ),
            "reference": _text("the ERP's reference, up to 100 characters", max_len=100),
            "lines": {"type": "array", "items": _ref("Line")},
        },
        "type",
    ),
    "Reverse": _obj({"number": _code("number of the reversal document; default: the next")}),
    "SerialStep": _obj(
        {
            "action": {"type": "string", "enum": _words(StepAction)},
            "line": _int("line number; or give item", minimum=1),
            "item": _code("SKU or GTIN: its first line with room"),
            "serials": {
                "type": "array",
                "items": _number(),
                "description": "the scanned serials; or give count",
            },
            "count": _quantity("generate from the mask, or allocate by suggestion"),
            "lot": _number(
                "the lot printed beside the serial: generate keeps it; allocate checks the"
                " serials are of it, or with count takes serials of it"
            ),
            "expiry": _date("generate only"),
            "production_date": _date("generate only"),
            **SCAN_KEY,
        },
        "action",
    ),
    "Scan": _obj(
        {
            "device": _key("the scanning device's id"),
            "scan_id": _key("unique per scan: a replay answers the stored feedback"),
            "raw": _s("what the scanner sent, with or without an AIM identifier"),
            "symbology": _s("the AIM identifier when sent apart from the data, e.g. ]C1"),
        },
        "device",
        "scan_id",
        "raw",
    ),
    "Command": _obj(
        {
            "device": _key("the scanning device's id"),
            "scan_id": _key("unique per command"),
            "command": {
                "type": "string",
                "enum": list(COMMANDS),
            },
            "argument": _s(
                "the mode name, N for generate and quantity, gs1 or literal for choose "
                "(the answer to an ambiguous_scan)"
            ),
        },
        "device",
        "scan_id",
        "command",
    ),
    "LotStep": _obj(
        {
            "action": {"type": "string", "enum": _words(StepAction)},
            "line": _int("line number; or give item", minimum=1),
            "item": _code("SKU or GTIN: its first line with room"),
            "lot": _number("generate: default a new lot from the mask; allocate: by suggestion"),
            "quantity": _quantity("whole units"),
            "expiry": _date("generate only"),
            "production_date": _date("generate only"),
            **SCAN_KEY,
        },
        "action",
        "quantity",
    ),
    "Recall": _obj(
        {"recall_number": _code(), "reason": _text("up to 200 characters")}, "recall_number"
    ),
    "Quarantine": _obj(
        {
            "item": _code("SKU or GTIN"),
            "serial": _code("a serial, or"),
            "lot": _code("a lot"),
            "on": {"type": "boolean", "description": "true: quarantine; false: release"},
            "until": _date("the quarantine ends by itself on this date"),
        },
        "item",
        "on",
    ),
    "Scrap": _obj({"item": _code("SKU or GTIN"), "reason": _text()}, "item"),
    "Reprint": _obj(
        {
            "reason": _code("why, e.g. label torn (audited); 1 to 200 characters", max_len=200),
            "copies": _int("default: the job's", minimum=1, maximum=100),
            "printer": _code("default: the job's", here=True),
        },
        "reason",
    ),
    "Decision": _obj(
        {
            "outcome": {
                "type": "string",
                "enum": _words(Outcome),
                "description": "printed: it did print; resend: send the same job again",
            },
            "reason": _code("why (audited); 1 to 200 characters", max_len=200),
        },
        "outcome",
        "reason",
    ),
    "SsccRequest": _obj(
        {
            "count": _int("how many SSCCs, 1 to 1000", minimum=1, maximum=1000),
            "kind": {"type": "string", "enum": _words(SsccUnit), "default": "pallet"},
            "printer": _code("default: the device's station, else the default printer", here=True),
        },
        "count",
    ),
    "LocationLabelsRequest": _obj(
        {
            "codes": {
                "type": "array",
                "items": _code(),
                "minItems": 1,
                "description": "these locations, or",
            },
            "from": _code("every location from this code"),
            "to": _code("to this one, in code order"),
            "printer": _code(here=True),
        }
    ),
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": _s("stable, e.g. serial_already_allocated, invalid_request"),
                    "message": _s("for people"),
                    "details": {"type": "object", "description": "the error's data"},
                },
                "required": ["code", "message", "details"],
                "additionalProperties": False,
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    },
    "OpenApiDocument": {
        "type": "object",
        "description": "an OpenAPI 3.1 document: this one",
        "properties": {
            "openapi": {"type": "string", "enum": ["3.1.0"]},
            "info": {"type": "object"},
            "servers": {"type": "array", "items": {"type": "object"}},
            "security": {"type": "array", "items": {"type": "object"}},
            "paths": {"type": "object", "additionalProperties": {"type": "object"}},
            "components": {"type": "object"},
        },
        "required": ["openapi", "info", "paths", "components"],
    },
}


def _q(name: str, schema: Schema, description: str = "", *, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def answer_schema(answer: Any) -> Schema:
    """The schema of what a route answers, from the Python type it encodes (a string: a
    schema written by hand in ``SCHEMAS``, for this document itself)."""
    if isinstance(answer, str):
        if answer not in SCHEMAS:
            raise KeyError(f"no schema {answer!r} in SCHEMAS")
        return _ref(answer)
    return schema_of(answer, SCHEMAS, NOTES)


def op(
    summary: str,
    tag: str,
    roles: tuple[str, ...],
    *,
    body: str | None = None,
    query: tuple[Schema, ...] = (),
    status: int = 200,
    answer: Any = None,
    ambiguous: bool = False,
) -> Schema:
    """One operation: who may call it, its query, body and answer.

    ``answer``: the Python type the route encodes (its schema derived, components added to
    ``SCHEMAS``); None: the caller writes the responses (other media types). The errors
    it may answer are derived when the document is built (``error_statuses``);
    ``ambiguous``: a read that may find several things and then asks which (409).
    """
    out: Schema = {
        "summary": summary,
        "tags": [tag],
        "x-roles": list(roles),
        "description": f"Roles: {', '.join(roles)}.",
        "responses": {},
    }
    if ambiguous:
        out["x-ambiguous"] = True
    if answer is not None:
        out["responses"][str(status)] = {
            "description": "OK",
            "content": {"application/json": {"schema": answer_schema(answer)}},
        }
    if query:
        out["parameters"] = list(query)
    if body:
        out["requestBody"] = {
            # a body whose fields are all optional may be left out: the same as {}
            "required": bool(SCHEMAS[body].get("required")),
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return out


_SCAN_QUERY = (
    _q("item", _code(), "SKU or GTIN, when several items share the number"),
    _q("device", _code(), "with scan_id: the step is idempotent"),
    _q("scan_id", _code()),
)

PATHS: dict[str, dict[str, Schema]] = {
    "/openapi.json": {
        "get": {
            **op("This document", "meta", ANY_ROLE, answer="OpenApiDocument"),
            "security": [],
            "x-roles": [],
            "description": "No token needed.",
        }
    },
    "/items": {
        "get": op("List items", "master data", ANY_ROLE, answer=ItemList),
        "post": op(
            "Create an item", "master data", MASTER, body="ItemCreate", status=201, answer=ItemInfo
        ),
    },
    "/items/{key}": {
        "get": op("An item by SKU or GTIN", "master data", ANY_ROLE, answer=ItemInfo),
        "patch": op("Change an item", "master data", MASTER, body="ItemPatch", answer=ItemInfo),
    },
    "/locations": {
        "get": op("List locations", "master data", ANY_ROLE, answer=LocationList),
        "post": op(
            "Create a location",
            "master data",
            MASTER,
            body="LocationCreate",
            status=201,
            answer=LocationInfo,
        ),
    },
    "/locations/{code}": {
        "patch": op(
            "Change a location's name or GLN",
            "master data",
            MASTER,
            body="LocationPatch",
            answer=LocationInfo,
        ),
    },
    "/partners": {
        "get": op("List partners", "master data", ANY_ROLE, answer=PartnerList),
        "post": op(
            "Create a partner",
            "master data",
            MASTER,
            body="PartnerCreate",
            status=201,
            answer=PartnerInfo,
        ),
    },
    "/settings": {
        "get": op("The settings", "settings", ANY_ROLE, answer=Settings),
        "patch": op(
            "Change settings (audited)", "settings", SETUP, body="SettingsPatch", answer=Settings
        ),
    },
    "/settings/changes": {
        "get": op(
            "The audit of setting changes, newest first",
            "settings",
            ANY_ROLE,
            query=(_q("limit", _int(minimum=1), "at most 1000, default 100"),),
            answer=SettingChanges,
        )
    },
    "/tokens": {
        "get": op("List API tokens", "tokens", ADMIN, answer=TokenList),
        "post": op(
            "Create an API token; the answer is the only time it is shown",
            "tokens",
            ADMIN,
            body="TokenCreate",
            status=201,
            answer=NewToken,
        ),
    },
    "/tokens/{token_id}": {"delete": op("Revoke an API token", "tokens", ADMIN, answer=TokenInfo)},
    "/operators": {
        "get": op(
            "List operators (badges that may sign in with OP:)",
            "operators",
            ANY_ROLE,
            answer=OperatorList,
        ),
        "post": op(
            "Add an operator",
            "operators",
            OPERATORS,
            body="OperatorCreate",
            status=201,
            answer=OperatorInfo,
        ),
    },
    "/operators/{badge}/pin": {
        "put": op(
            "Set or clear an operator's PIN (also lifts a lock-out)",
            "operators",
            OPERATORS,
            body="OperatorPin",
            answer=OperatorInfo,
        )
    },
    "/operators/{badge}/role": {
        "put": op(
            "Set an operator's role",
            "operators",
            OPERATORS,
            body="OperatorRole",
            answer=OperatorInfo,
        )
    },
    "/operators/signins": {
        "get": op(
            "PIN sign-in attempts, newest first (failures included)",
            "operators",
            OPERATORS,
            query=(
                _q("badge", _badge(), "only this badge"),
                _q("limit", _int(minimum=1, maximum=1000), "at most this many (default 100)"),
            ),
            answer=SignIns,
        )
    },
    "/devices": {
        "get": op(
            "List devices (handhelds, station displays)", "devices", ANY_ROLE, answer=DeviceList
        ),
        "post": op(
            "Add a device: answers its one-time enrolment code",
            "devices",
            DEVICES,
            body="DeviceCreate",
            status=201,
            answer=DeviceEnrolment,
        ),
    },
    "/devices/enrol": {
        "post": {
            **op(
                "Trade an enrolment code for the device's token (no token needed: the "
                "code is the credential)",
                "devices",
                (),
                body="Enrol",
                answer=EnrolledDevice,
            ),
            "security": [],
        }
    },
    "/devices/{name}": {"get": op("One device", "devices", ANY_ROLE, answer=DeviceInfo)},
    "/devices/{name}/enrolment": {
        "post": op(
            "A new one-time enrolment code for a device",
            "devices",
            DEVICES,
            status=201,
            answer=DeviceEnrolment,
        )
    },
    "/devices/{name}/revoke": {
        "post": op(
            "Revoke a device: its token stops working and it is disconnected",
            "devices",
            DEVICES,
            answer=DeviceInfo,
        )
    },
    "/devices/{name}/profile": {
        "put": op(
            "Set a device's scan profile",
            "devices",
            DEVICES,
            body="DeviceProfile",
            answer=DeviceInfo,
        )
    },
    "/operators/{badge}/deactivate": {
        "post": op(
            "Deactivate an operator: the badge no longer signs in",
            "operators",
            OPERATORS,
            answer=OperatorInfo,
        )
    },
    "/operators/{badge}/activate": {
        "post": op("Activate an operator again", "operators", OPERATORS, answer=OperatorInfo)
    },
    "/documents": {
        "get": op(
            "List documents, newest first",
            "documents",
            ANY_ROLE,
            query=(
                _q("type", {"type": "string", "enum": list(DOC_TYPES)}),
                _q("status", {"type": "string", "enum": list(DOC_STATUSES)}),
                _q("limit", _int(minimum=1), "at most 1000, default 100"),
            ),
            answer=DocumentList,
        ),
        "post": op(
            "Create a document with its lines",
            "documents",
            DOCUMENTS,
            body="DocumentCreate",
            status=201,
            answer=Document,
        ),
    },
    "/documents/{number}": {
        "get": op(
            "A document with its lines, numbers and progress",
            "documents",
            ANY_ROLE,
            answer=Document,
        )
    },
    "/documents/{number}/expected": {
        "get": op(
            "The expected serials (advance ship notice): received, missing, unexpected",
            "documents",
            ANY_ROLE,
            query=(
                _q(
                    "state",
                    {"type": "string", "enum": list(EXPECTED_STATES)},
                    "only serials in this state (the counts stay whole)",
                ),
            ),
            answer=ShipNotice,
        )
    },
    "/documents/{number}/lines": {
        "post": op(
            "Add a line to an open document",
            "documents",
            DOCUMENTS,
            body="Line",
            status=201,
            answer=LineInfo,
        )
    },
    "/documents/{number}/post": {
        "post": op("Post an open document", "documents", DOCUMENTS, answer=PostResult)
    },
    "/documents/{number}/cancel": {
        "post": op("Cancel an open document", "documents", DOCUMENTS, answer=Document)
    },
    "/documents/{number}/reverse": {
        "post": op(
            "Reverse a posted document with a new document",
            "documents",
            DOCUMENTS,
            body="Reverse",
            status=201,
            answer=PostResult,
        )
    },
    "/documents/{number}/serials": {
        "post": op(
            "Generate or allocate serials on a line",
            "scan steps",
            SCAN,
            body="SerialStep",
            status=201,
            answer=StepResult,
        )
    },
    "/documents/{number}/serials/{serial}": {
        "delete": op(
            "Take a serial off a document", "scan steps", SCAN, query=_SCAN_QUERY, answer=StepResult
        )
    },
    "/documents/{number}/lots": {
        "post": op(
            "Generate or allocate a lot quantity on a line",
            "scan steps",
            SCAN,
            body="LotStep",
            status=201,
            answer=StepResult,
        )
    },
    "/documents/{number}/lots/{lot}": {
        "delete": op(
            "Take a lot quantity off a document",
            "scan steps",
            SCAN,
            query=(*_SCAN_QUERY, _q("quantity", _int(minimum=0), "default: all of it")),
            answer=StepResult,
        )
    },
    "/stock": {
        "get": op(
            "On hand, allocated, available and value by item, location and lot",
            "inquiry",
            ANY_ROLE,
            query=(_q("item", _code()), _q("location", _code()), _q("lot", _code())),
            answer=Stock,
        )
    },
    "/serials/{serial}": {
        "get": op(
            "A serial's status and history",
            "inquiry",
            ANY_ROLE,
            query=(_q("item", _code(), "needed when several items share the serial"),),
            answer=Serial,
            ambiguous=True,  # several items' serial, no item: 409 serial_ambiguous
        )
    },
    "/lots/{item}/{lot}": {
        "get": op(
            "A lot's status, quantity per location and history", "inquiry", ANY_ROLE, answer=Lot
        )
    },
    "/trace": {
        "get": op(
            "Where a serial or lot went (forward) or came from (backward)",
            "inquiry",
            ANY_ROLE,
            query=(
                _q("item", _code(), "SKU or GTIN", required=True),
                _q("serial", _code(), "a serial, or"),
                _q("lot", _code(), "a lot"),
                _q("direction", {"type": "string", "enum": ["forward", "backward"]}),
            ),
            answer=TraceAnswer,
        )
    },
    "/ledger": {
        "get": {
            **op(
                "The ledger feed: records with a seq above since, in seq order (one cursor for"
                " serial and lot records); without since, the old way by id per kind",
                "inquiry",
                ANY_ROLE,
                query=(
                    _q(
                        "since",
                        _count(maximum=INT64),
                        "the last seq you have (the page's next_since); 0",
                    ),
                    _q(
                        "limit",
                        _count(minimum=1, maximum=INT64),
                        "JSON: at most this many seqs, default 1000, capped at 10000; CSV and"
                        " JSON Lines: default all to the end, streamed",
                    ),
                    _q("kind", {"type": "string", "enum": list(LEDGER_KINDS)}, "only these"),
                    _q(
                        "format",
                        {"type": "string", "enum": ["json", "csv", "jsonl"]},
                        "instead of the Accept header (text/csv, application/x-ndjson or"
                        " application/jsonl); default JSON",
                    ),
                    _q(
                        "since_id",
                        _count(maximum=INT64),
                        "the old way, without since: ids above it; serial and lot records are"
                        " numbered apart, so page each kind on its own; JSON only",
                    ),
                ),
            ),
            "responses": {
                "200": {
                    "description": "A page (since given), or the old way's records; CSV and"
                    " JSON Lines stream the range, its cursor in X-Ledger-Next-Since",
                    "headers": {
                        name: {"description": text, "schema": schema}
                        for name, text, schema in STREAM_HEADERS
                    },
                    "content": {
                        "application/json": {
                            "schema": answer_schema(LedgerPage | LedgerRecordsById)
                        },
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "a header row, then a record a row: "
                                + ",".join(LEDGER_COLUMNS),
                            }
                        },
                        "application/x-ndjson": {
                            "schema": {
                                "type": "string",
                                "description": "a LedgerRecord a line",
                            }
                        },
                    },
                },
            },
        }
    },
    "/valuation": {
        "get": {
            **op(
                "On hand and value per item, location and lot at the end of a day, from the"
                " ledger; for today also reconciled with the stock tables",
                "inquiry",
                ANY_ROLE,
                query=(
                    _q("at", _date("the day, default today (UTC)")),
                    _q("item", _code(), "SKU or GTIN"),
                    _q("location", _code()),
                    _q(
                        "format",
                        {"type": "string", "enum": ["json", "csv"]},
                        "instead of the Accept header (text/csv); default JSON",
                    ),
                ),
            ),
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": answer_schema(ValuationAnswer)},
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "item,location,lot,tracking,on_hand,value;"
                                " the last row (tracking total) holds the sums",
                            }
                        },
                    },
                },
            },
        }
    },
    "/lots/{item}/{lot}/recall": {
        "post": op("Recall a lot", "stock control", MASTER, body="Recall", answer=Lot)
    },
    "/lots/{item}/{lot}/release": {
        "post": op("Lift a lot's recall or quarantine", "stock control", MASTER, answer=Lot)
    },
    "/quarantine": {
        "post": op(
            "Put a serial or lot into quarantine, or release it",
            "stock control",
            MASTER,
            body="Quarantine",
            answer=Serial | Lot,
        )
    },
    "/scans": {
        "post": op(
            "Handle one scan: answers a Feedback",
            "scanning",
            SCAN,
            body="Scan",
            answer=FeedbackAnswer,
        )
    },
    "/commands": {
        "post": op(
            "A command from a button (mode, confirm, undo, ...)",
            "scanning",
            SCAN,
            body="Command",
            answer=FeedbackAnswer,
        )
    },
    "/devices/{device}/session": {
        "get": op("A device's scan session state", "scanning", ANY_ROLE, answer=SessionState)
    },
    "/labels/jobs": {
        "get": op(
            "The label outbox, newest first",
            "labels",
            ANY_ROLE,
            query=(
                _q("status", {"type": "string", "enum": list(JOB_STATUSES)}),
                _q("printer", _code()),
                _q("document", _code()),
                _q("kind", {"type": "string", "enum": list(LABEL_KINDS)}),
                _q("limit", _int(minimum=1, maximum=1000), "default 100"),
                _q("after", _int(minimum=1), "only jobs with a lower id: the previous next"),
            ),
            answer=LabelJobList,
        )
    },
    "/labels/jobs/{job_id}": {
        "get": op("A label job with its events", "labels", ANY_ROLE, answer=LabelJobDetail)
    },
    "/labels/jobs/{job_id}/label.{fmt}": {
        "get": {
            **op(
                "A job's labels: PNG or SVG one label (label=N), PDF and ZPL all of them",
                "labels",
                ANY_ROLE,
                query=(
                    _q("dpi", {"type": "integer", "enum": [203, 300, 600]}, "default 203"),
                    _q("label", _int(minimum=1), "PNG and SVG: which label, default 1"),
                ),
            ),
            "responses": {
                "200": {
                    "description": "The label body, with a Content-Disposition filename",
                    "content": {
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/svg+xml": {"schema": {"type": "string"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        "text/plain": {"schema": {"type": "string", "description": "ZPL II"}},
                    },
                },
            },
        }
    },
    "/labels/jobs/{job_id}/reprint": {
        "post": op(
            "Print a job's labels again as a new job (audited on both)",
            "labels",
            LABELS,
            body="Reprint",
            status=201,
            answer=LabelJobDetail,
        )
    },
    "/labels/jobs/{job_id}/decide": {
        "post": op(
            "Settle an unconfirmed job (audited)",
            "labels",
            LABEL_DECISIONS,
            body="Decision",
            answer=LabelJobDetail,
        )
    },
    "/labels/sscc": {
        "post": op(
            "New SSCCs for cases or pallets, and their label job (one transaction)",
            "labels",
            LABELS,
            body="SsccRequest",
            status=201,
            answer=SsccLabels,
        )
    },
    "/labels/locations": {
        "post": op(
            "Location labels: codes, or a range from/to (at most 1000)",
            "labels",
            LABELS,
            body="LocationLabelsRequest",
            status=201,
            answer=LabelJobDetail,
        )
    },
    "/serials/{serial}/scrap": {
        "post": op(
            "Scrap a serial (a posted adjustment)",
            "stock control",
            MASTER,
            body="Scrap",
            status=201,
            answer=PostResult,
        )
    },
}


_PATH_TYPES: dict[str, Schema] = {
    "token_id": {"type": "integer", "minimum": 0, "maximum": INT32_MAX},
    "job_id": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
    "sub_id": {"type": "integer", "minimum": 0, "maximum": INT32_MAX},
    "seq": {"type": "integer", "minimum": 0, "maximum": INT32_MAX},
    "fmt": {"type": "string", "enum": list(LABEL_FORMATS)},
    "badge": _badge(),
    "operation": {"type": "integer", "minimum": 1, "maximum": INT32_MAX},
}
PATH_CODE = _code()  # every other path value: a code, SKU or number


def path_schema(name: str) -> Schema:
    """The schema of the path value ``name`` (the same for every path that has it)."""
    return _PATH_TYPES.get(name, PATH_CODE)


def openapi_path(flask_path: str) -> str:
    """``/tokens/<int:token_id>`` -> ``/tokens/{token_id}``."""
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", flask_path)


def _path_parameters(path: str) -> list[Schema]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": path_schema(name),
        }
        for name in re.findall(r"{(\w+)}", path)
    ]


# --- events: subscriptions and dead letters (admin) ---------------------------------------

_KINDS: Schema = {
    "type": "array",
    "items": {"type": "string", "enum": list(EVENT_KINDS)},
    "description": "only these event kinds; empty or absent: all",
}
SCHEMAS.update(
    {
        "SubscriptionCreate": _obj(
            {
                "name": _code("unique, a code"),
                "channel": {"type": "string", "enum": ["webhook", "mqtt"]},
                "url": _code("http(s)://host/... or mqtt://host:port", max_len=200),
                "kinds": _KINDS,
                "topic_prefix": _text("MQTT: default scantrack"),
            },
            "name",
            "channel",
            "url",
        ),
        "SubscriptionUpdate": _obj(
            {"url": _code(max_len=200), "kinds": _KINDS, "topic_prefix": _text("MQTT only")}
        ),
    }
)
PATHS.update(
    {
        "/subscriptions": {
            "get": op("Event subscriptions", "events", ADMIN, answer=SubscriptionList),
            "post": op(
                "Subscribe a webhook or an MQTT broker to events (a webhook's secret once)",
                "events",
                ADMIN,
                body="SubscriptionCreate",
                status=201,
                answer=SubscriptionCreated,
            ),
        },
        "/subscriptions/{sub_id}": {
            "get": op("A subscription", "events", ADMIN, answer=Subscription),
            "patch": op(
                "Change a subscription's URL, kinds or topic prefix",
                "events",
                ADMIN,
                body="SubscriptionUpdate",
                answer=Subscription,
            ),
            "delete": op("Delete a subscription", "events", ADMIN, answer=Deleted),
        },
        "/subscriptions/{sub_id}/dead-letters": {
            "get": op("Events that ran out of attempts", "events", ADMIN, answer=DeliveryList)
        },
        "/subscriptions/{sub_id}/dead-letters/{seq}/replay": {
            "post": op(
                "Send a dead letter again (a second replay changes nothing)",
                "events",
                ADMIN,
                answer=Replay,
            )
        },
    }
)


# --- containers: cases and pallets (docs/containers.md) -----------------------------------

_CONTAINER_CODE = _code("an SSCC (18 digits, good check digit) or a licence plate")
SCHEMAS.update(
    {
        "PackedSerialRef": _obj(
            {"serial": _number(), "item": _code("SKU or GTIN, when several items share it")},
            "serial",
        ),
        "PackedLotRef": _obj(
            {"item": _code("SKU or GTIN"), "lot": _number(), "quantity": _quantity("units")},
            "item",
            "lot",
            "quantity",
        ),
    }
)
_PACKED = {
    "serials": {
        "type": "array",
        "items": _ref("PackedSerialRef"),
        "description": "serials, each once",
    },
    "lots": {
        "type": "array",
        "items": _ref("PackedLotRef"),
        "description": "lot quantities (loose units only when packing)",
    },
    "containers": {
        "type": "array",
        "items": _CONTAINER_CODE,
        "description": "cases: the containers themselves, with all they hold",
    },
    **SCAN_KEY,
}
SCHEMAS.update(
    {
        "ContainerCreate": _obj(
            {
                "location": _code("where the empty container is"),
                "code": _CONTAINER_CODE,
                "label": {"type": "boolean", "description": "print its SSCC label now"},
                "printer": _code("the printer's name (default: the routing's)", here=True),
            },
            "location",
        ),
        "Pack": _obj(
            {
                **_PACKED,
                "repack": {
                    "type": "boolean",
                    "description": "take serials and cases out of their containers first",
                },
            }
        ),
        "Unpack": _obj(
            {**_PACKED, "all": {"type": "boolean", "description": "everything it holds itself"}}
        ),
        "ScanKeyBody": _obj(dict(SCAN_KEY)),
        "ContainerOnDocument": _obj({"container": _CONTAINER_CODE, **SCAN_KEY}, "container"),
        "ContainerLabelBody": _obj(
            {
                "printer": _code("the printer's name (default: the routing's)", here=True),
                "copies": _int("default 1", minimum=1, maximum=100),
            }
        ),
    }
)
_CONTAINER_FILTERS = (
    _q("location", _code(), "only containers at this location"),
    _q("status", {"type": "string", "enum": list(CONTAINER_STATUSES)}),
    _q("limit", _int(minimum=1, maximum=1000), "default 100, newest first"),
)
PATHS.update(
    {
        "/containers": {
            "get": op(
                "Cases and pallets (top-level ones) with their trees",
                "containers",
                ANY_ROLE,
                query=_CONTAINER_FILTERS,
                answer=ContainerList,
            ),
            "post": op(
                "A new empty case or pallet: a scanned code, or a new SSCC",
                "containers",
                SCAN,
                body="ContainerCreate",
                status=201,
                answer=ContainerInfo,
            ),
        },
        "/containers/{code}": {
            "get": op(
                "A case or pallet: status, location, its tree and totals",
                "containers",
                ANY_ROLE,
                answer=ContainerInfo,
            )
        },
        "/containers/{code}/packing-list.pdf": {
            "get": {
                **op("Its packing list: the tree, each case's contents", "containers", ANY_ROLE),
                "responses": {
                    "200": {
                        "description": "A PDF, Page N of M, with a Content-Disposition filename",
                        "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                        },
                    }
                },
            }
        },
        "/containers/{code}/tree.svg": {
            "get": {
                **op(
                    "A picture of its tree: the pallet, its cases, their totals",
                    "containers",
                    ANY_ROLE,
                ),
                "responses": {
                    "200": {
                        "description": "An SVG drawing",
                        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/containers/{code}/records": {
            "get": op(
                "Its packing steps, oldest first: who, when, where, what",
                "containers",
                ANY_ROLE,
                answer=PackRecordList,
            )
        },
        "/containers/{code}/pack": {
            "post": op(
                "Pack serials, lot quantities and cases into it",
                "containers",
                SCAN,
                body="Pack",
                status=201,
                answer=PackRecord,
            )
        },
        "/containers/{code}/unpack": {
            "post": op(
                "Take serials, lot quantities or cases out of it",
                "containers",
                SCAN,
                body="Unpack",
                status=201,
                answer=PackRecord,
            )
        },
        "/containers/{code}/label": {
            "post": op(
                "Print its SSCC label, listing what it holds now",
                "containers",
                LABELS,
                body="ContainerLabelBody",
                status=201,
                answer=ContainerLabel,
            )
        },
        "/pack-records/{operation}/reverse": {
            "post": op(
                "Undo a packing step (once) with the opposite step",
                "containers",
                SCAN,
                body="ScanKeyBody",
                status=201,
                answer=PackRecord,
            )
        },
        "/documents/{number}/containers": {
            "post": op(
                "Allocate a case or pallet whole on an open outbound document",
                "scan steps",
                SCAN,
                body="ContainerOnDocument",
                status=201,
                answer=ContainerStep,
            )
        },
        "/documents/{number}/containers/{code}": {
            "delete": op(
                "Take a container allocated whole off a document",
                "scan steps",
                SCAN,
                query=(_SCAN_QUERY[1], _SCAN_QUERY[2]),
                answer=ContainerStep,
            )
        },
    }
)


# --- GS1 EPCIS 2.0 export (docs/epcis.md) ---------------------------------------------------

EPCIS_MEDIA = ("application/json", "application/ld+json")
EPCIS_HEADERS: tuple[tuple[str, str, Schema], ...] = (
    ("Link", '<...?since=N&limit=M>; rel="next": the next page (EPCIS query paging)', _s()),
    ("X-EPCIS-Next-Since", "the cursor to ask from next: every event up to it is here", _SEQ),
    ("X-EPCIS-Last", "the outbox's newest event when the page was read", _SEQ),
    ("X-EPCIS-More", "more beyond X-EPCIS-Next-Since", _FLAG),
    ("GS1-EPCIS-Version", "2.0.0", _s()),
)
SCHEMAS["EPCISDocument"] = {
    "type": "object",
    "description": "A GS1 EPCIS 2.0 EPCISDocument (JSON-LD); its events are held to GS1's"
    " EPCIS JSON Schema in the tests. eventID is the EPCIS event hash: the same event, the"
    " same id, so a receiver drops what it has",
    "properties": {
        "@context": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "string", "enum": ["EPCISDocument"]},
        "schemaVersion": {"type": "string", "enum": ["2.0"]},
        "creationDate": {"type": "string", "format": "date-time"},
        "epcisBody": {
            "type": "object",
            "properties": {
                "eventList": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["ObjectEvent", "AggregationEvent"]},
                            "eventID": {"type": "string", "pattern": "^ni:///sha-256;[0-9a-f]{64}"},
                            "eventTime": {"type": "string", "format": "date-time"},
                            "action": {"type": "string", "enum": ["ADD", "OBSERVE", "DELETE"]},
                        },
                        "required": ["type", "eventID", "eventTime", "action"],
                    },
                }
            },
            "required": ["eventList"],
            "additionalProperties": False,
        },
    },
    "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
    "additionalProperties": False,
}
PATHS.update(
    {
        "/epcis/events": {
            "get": {
                **op(
                    "GS1 EPCIS 2.0 events of the event outbox after since, as an EPCISDocument"
                    " (docs/epcis.md): receipts, shipments, returns, transfers, scrap, lot"
                    " status, packing",
                    "inquiry",
                    ANY_ROLE,
                    query=(
                        _q(
                            "since",
                            _count(maximum=INT64),
                            "the last outbox seq you have (X-EPCIS-Next-Since); 0",
                        ),
                        _q(
                            "limit",
                            _count(minimum=1, maximum=EPCIS_MAX_LIMIT),
                            "at most this many outbox events (one may make several EPCIS"
                            " events, or none); default 500",
                        ),
                    ),
                ),
                "responses": {
                    "200": {
                        "description": "A page; the next in the Link header. application/json"
                        " unless the Accept header prefers application/ld+json",
                        "headers": {
                            name: {"description": text, "schema": schema}
                            for name, text, schema in EPCIS_HEADERS
                        },
                        "content": {
                            media: {"schema": _ref("EPCISDocument")} for media in EPCIS_MEDIA
                        },
                    }
                },
            }
        }
    }
)


# Error answers: (component, description); every one is the error envelope.
ERRORS: dict[str, tuple[str, str]] = {
    "401": ("Unauthorized", "No bearer token, or an unknown or revoked one (code unauthorized)"),
    "403": ("Forbidden", "The token's role may not do this, or the credential is refused"),
    "404": ("NotFound", "Something the path, query or body names does not exist"),
    "409": (
        "Conflict",
        "It conflicts with the state (already allocated, not open, exists) or a scan_id"
        " was used for other content (idempotency_conflict)",
    ),
    "413": ("PayloadTooLarge", "The body is larger than 1 MiB"),
    "422": (
        "Unprocessable",
        "A body, path value or query parameter is invalid or unknown; details name the field",
    ),
    "5XX": ("ServerError", "An internal error (logged), or the database unavailable (503)"),
}
WRITES = ("post", "put", "patch", "delete")


def error_statuses(method: str, path: str, operation: Schema) -> list[str]:
    """What a route may refuse with, from what it takes, so a new route gets them too.

    The endpoint wrapper checks every route's query names and path values (422); a token
    (401, 403 by role) unless the route is public, whose body is then the credential
    (403); whatever names a thing may name a missing one (404); writes meet the state
    (409) and a body may be too large (413). Only this document itself takes nothing.
    """
    roles, body = operation["x-roles"], "requestBody" in operation
    takes = bool(roles or body or operation.get("parameters") or "{" in path)
    out: list[str] = []
    if takes:
        out.append("422")
    if roles:
        out += ["401", "403"]
    elif body:
        out.append("403")
    if "{" in path or body or operation.get("parameters"):
        out.append("404")
    if method in WRITES:
        out += ["409", "413"]
    elif operation.get("x-ambiguous"):
        out.append("409")
    return [*sorted(out), "5XX"]


def _with_errors(method: str, path: str, operation: Schema) -> Schema:
    errors = {
        status: {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
        for status in error_statuses(method, path, operation)
    }
    return {**operation, "responses": {**operation["responses"], **errors}}


def _error_responses() -> dict[str, Schema]:
    out: dict[str, Schema] = {}
    for status, (name, text) in ERRORS.items():
        response: Schema = {
            "description": text,
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        if status == "401":
            response["headers"] = {
                "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}
            }
        out[name] = response
    return out


def _public(schemas: dict[str, Schema]) -> dict[str, Schema]:
    """The components without the note of which Python type made each."""
    return {
        name: {k: v for k, v in schema.items() if k != ORIGIN} for name, schema in schemas.items()
    }


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, ops in PATHS.items():
        item: dict[str, Any] = {m: _with_errors(m, path, o) for m, o in ops.items()}
        params = _path_parameters(path)
        if params:
            item["parameters"] = params
        paths[path] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "scantrack REST API",
            "version": "1",
            "description": (
                "Serialized inventory and lot tracking. JSON only; dates are ISO strings; "
                "decimals are strings. Errors are {error: {code, message, details}}."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": _error_responses(),
            "schemas": _public(SCHEMAS),
        },
    }


# --- receiving by SSCC: a receipt's ship notice of containers (docs/receiving-by-sscc.md) ---

# The answers are the core's values (tracking_core/ship_notice_values.py), derived as the
# others are; imported here, at the section that uses them, to keep the section whole.
from tracking_core.ship_notice_values import (  # noqa: E402
    Announcement,
    CheckResult,
    ContainerNotice,
    ContainerReceipt,
)

_SSCC = _code("an SSCC: 18 digits with a good check digit")
SCHEMAS.update(
    {
        "NoticeContentIn": _obj(
            {
                "line": _int("the receipt's line number; or give item", minimum=1),
                "item": _code("SKU or GTIN: its only line on the receipt"),
                "serials": {
                    "type": "array",
                    "items": _number(),
                    "description": "serialized items: the serials, each once in the notice",
                },
                "lot": _number("lot-tracked items: the lot; serials: the lot on their labels"),
                "quantity": _quantity("lot or untracked items: the units"),
                "expiry": _date("the lot's best before"),
            }
        ),
        "NoticeContainerIn": _obj(
            {
                "sscc": _SSCC,
                "parent": _code("the SSCC it is on, when listed alongside instead of nested"),
                "contents": {
                    "type": "array",
                    "items": _ref("NoticeContentIn"),
                    "description": "what it holds itself",
                },
                "children": {
                    "type": "array",
                    "items": _ref("NoticeContainerIn"),
                    "description": "the containers in it (cases on a pallet)",
                },
            },
            "sscc",
        ),
        "ShipNoticeContainers": _obj(
            {
                "containers": {
                    "type": "array",
                    "items": _ref("NoticeContainerIn"),
                    "description": "pallets with their cases: all announced, or none",
                },
                **SCAN_KEY,
            },
            "containers",
        ),
        "ShipNoticeCsv": _obj(
            {
                "csv": _s(
                    "the file: header sscc, parent_sscc, line or item, serial, lot, quantity,"
                    " expiry; one row per content",
                    maxLength=1024 * 1024,
                ),
                **SCAN_KEY,
            },
            "csv",
        ),
        "CheckedLotRef": _obj(
            {
                "item": _code("SKU or GTIN; default: the item the notice has the lot of"),
                "lot": _number(),
                "quantity": _quantity("units counted"),
            },
            "lot",
            "quantity",
        ),
        "CountedRef": _obj(
            {"item": _code("SKU or GTIN of an untracked item"), "quantity": _quantity("units")},
            "item",
            "quantity",
        ),
        "ContainerCheckBody": _obj(
            {
                "container": _SSCC,
                "serials": {"type": "array", "items": _ref("PackedSerialRef")},
                "lots": {"type": "array", "items": _ref("CheckedLotRef")},
                "quantities": {"type": "array", "items": _ref("CountedRef")},
                **SCAN_KEY,
            },
            "container",
        ),
    }
)
PATHS.update(
    {
        "/documents/{number}/ship-notice": {
            "get": op(
                "A receipt's ship notice: its containers' trees, checks and discrepancies, and"
                " the expected serials of its lines",
                "receiving by SSCC",
                ANY_ROLE,
                answer=ContainerNotice,
            )
        },
        "/documents/{number}/ship-notice/containers": {
            "post": op(
                "Announce containers (pallets, their cases and contents) on an open receipt",
                "receiving by SSCC",
                DOCUMENTS,
                body="ShipNoticeContainers",
                status=201,
                answer=Announcement,
            )
        },
        "/documents/{number}/ship-notice/csv": {
            "post": op(
                "Announce containers from a CSV file (one row per content)",
                "receiving by SSCC",
                DOCUMENTS,
                body="ShipNoticeCsv",
                status=201,
                answer=Announcement,
            )
        },
        "/documents/{number}/ship-notice/receive": {
            "post": op(
                "Receive an announced container with one scan: everything under it",
                "receiving by SSCC",
                SCAN,
                body="ContainerOnDocument",
                status=201,
                answer=ContainerReceipt,
            )
        },
        "/documents/{number}/ship-notice/check": {
            "post": op(
                "Open and check an announced container: what was scanned in it, and the"
                " discrepancies with the notice",
                "receiving by SSCC",
                SCAN,
                body="ContainerCheckBody",
                status=201,
                answer=CheckResult,
            )
        },
    }
)
