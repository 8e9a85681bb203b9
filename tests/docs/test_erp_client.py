"""The typed ERP client example (docs/examples/erp_client.py) says what the API answers.

Each TypedDict of the client names fields of one schema in the OpenAPI document: every
field must be there, required, and of the JSON types the document gives it (nested
TypedDicts are followed). mypy --strict checks the example; the README runs it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from web_mobile.api.openapi import document
from web_mobile.api.response_schema import schema_of

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "erp_client.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("erp_client", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["erp_client"] = module  # so get_type_hints resolves its names
    spec.loader.exec_module(module)
    return module


def _answer(doc: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    """The 2xx JSON schema of an operation; of several (``anyOf``), the one named ``name``."""
    responses = doc["paths"][path][method]["responses"]
    ok = next(v for k, v in responses.items() if k.startswith("2"))
    schema: dict[str, Any] = ok["content"]["application/json"]["schema"]
    for one in schema.get("oneOf", schema.get("anyOf", ())):
        if one.get("$ref", "").endswith(f"/{name}"):
            return dict(one)
    return schema


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _types(doc: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema allows (``{}`` allows any: ``{"any"}``)."""
    schema = _resolve(doc, schema)
    if "anyOf" in schema or "oneOf" in schema:
        return set().union(*(_types(doc, s) for s in schema.get("anyOf", schema.get("oneOf"))))
    kind = schema.get("type")
    if kind is None and "enum" in schema:
        names = {str: "string", int: "integer", bool: "boolean", type(None): "null"}
        return {names[type(v)] for v in schema["enum"]}
    if kind is None:
        return {"any"}
    return set(kind) if isinstance(kind, list) else {kind}


def _check(doc: dict[str, Any], tp: Any, schema: dict[str, Any], where: str) -> list[str]:
    """What the TypedDict ``tp`` says that the document's ``schema`` does not."""
    schema = _resolve(doc, schema)
    props, required = schema.get("properties", {}), set(schema.get("required", ()))
    wrong = []
    for name, hint in typing.get_type_hints(tp).items():
        at = f"{where}.{name}"
        if name not in props:
            wrong.append(f"{at}: not in the document")
            continue
        if name not in required:
            wrong.append(f"{at}: the document does not promise it")
        mine = _types(doc, schema_of(hint, {}))
        theirs = _types(doc, props[name])
        allowed = theirs | ({"integer"} if "number" in theirs else set())
        if "any" not in theirs and not mine <= allowed:
            wrong.append(
                f"{at}: the client reads {sorted(mine)}, the document says {sorted(theirs)}"
            )
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is list else hint
        if isinstance(inner, type) and hasattr(inner, "__required_keys__"):
            sub = _resolve(doc, props[name])
            wrong += _check(doc, inner, sub.get("items", sub), at)
    return wrong


@pytest.mark.parametrize(
    ("name", "path", "method"),
    [
        ("Document", "/documents", "post"),
        ("Document", "/documents/{number}", "get"),
        ("Posted", "/documents/{number}/post", "post"),
        ("LedgerPage", "/ledger", "get"),
    ],
)
def test_the_clients_types_are_the_documents(name: str, path: str, method: str) -> None:
    doc = document()
    tp = getattr(_example(), name)
    assert _check(doc, tp, _answer(doc, path, method, name), name) == []


def test_the_clients_error_is_the_error_envelope() -> None:
    doc = document()
    envelope = _resolve(doc, {"$ref": "#/components/schemas/Error"})
    assert _check(doc, _example().ErrorBody, envelope["properties"]["error"], "error") == []


def test_the_check_finds_a_field_the_document_lacks() -> None:
    doc = document()

    class Wrong(typing.TypedDict):
        next_since: str  # an integer in the document
        cursor: int  # not there at all

    assert _check(doc, Wrong, _answer(doc, "/ledger", "get", "LedgerPage"), "Wrong") == [
        "Wrong.next_since: the client reads ['string'], the document says ['integer']",
        "Wrong.cursor: not in the document",
    ]


def test_the_example_is_strictly_typed() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
