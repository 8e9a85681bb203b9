"""EPCIS documents held to GS1's schema (tests/vendor/epcis2) and their event ids to the
event hash's reference implementation (``epcis-event-hash-generator``)."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SCHEMA = Path(__file__).parent / "vendor" / "epcis2" / "EPCISDocument.schema.json"


@functools.cache
def _validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def validate(document: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``document`` is a valid EPCISDocument."""
    _validator().validate(document)


def reference_ids(document: dict[str, Any]) -> list[str]:
    """The events' hashes as the reference computes them from the JSON-LD document: each
    event alone, since its expansion of bare words looks across the whole document."""
    from epcis_event_hash_generator import hash_generator, json_to_py

    out = []
    for event in document["epcisBody"]["eventList"]:
        alone = {**document, "epcisBody": {"eventList": [copy.deepcopy(event)]}}
        parsed = json_to_py.event_list_from_epcis_document_json(alone)
        (found,) = hash_generator.epcis_hashes_from_events(parsed)
        out.append(found)
    return out


def check(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate, compare every eventID with the reference's; the events."""
    validate(document)
    events: list[dict[str, Any]] = document["epcisBody"]["eventList"]
    assert [e["eventID"] for e in events] == reference_ids(document)
    return events
