"""The EPCIS event hash (GS1 CBV 2.0, section 8.9): an event's ``eventID``, the same for
the same event wherever it is computed, so a receiver can drop an event it has.

It is the hash of the pre-hash string of ``epcis-event-hash-generator`` (the algorithm's
reference implementation, on PyPI), built directly for the events ``translate`` makes.
The reference walks a JSON-LD expansion and a Digital Link normaliser for every value,
about a millisecond an event; this takes microseconds. The tests hold every exported
event's id to the reference's, computed on the exported document.

What the reference does, and so this:

- the fields in the CBV's order, each ``name=value``; list members (EPCs, quantity
  elements) sorted; ``eventTime`` in UTC with milliseconds (``translate`` writes it so);
- CBV words as their web vocabulary URIs (``receiving`` is
  ``https://ref.gs1.org/cbv/BizStep-receiving``);
- the fields outside that order (business transactions, sources, destinations, ILMD)
  after it, each as its name and its members, sorted;
- a value that reads as a number as that number (``00123`` is ``123``): GS1 Digital Link
  URIs are written canonically by ``identifiers``, so its normaliser leaves them be;
- ``eventID``, ``recordTime`` and ``errorDeclaration`` left out: a declared error keeps
  the id of the event it declares wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["event_id", "pre_hash"]

CBV = "https://ref.gs1.org/cbv/"
# the CBV words each field takes, as their web vocabulary's prefixes
_VOCABULARY = {"bizStep": "BizStep-", "disposition": "Disp-"}
_LIST_TYPES = {
    "bizTransactionList": "BTT-",
    "sourceList": "SDT-",
    "destinationList": "SDT-",
}
_LIST_MEMBER = {
    "bizTransactionList": "bizTransaction",
    "sourceList": "source",
    "destinationList": "destination",
}


def _number(text: str) -> str:
    """The reference's numeric canonical form: ``5.0`` is ``5``; other text unchanged."""
    first = text[:1]
    if first.isascii() and first.isalpha() and first not in "iInN":
        return text  # no number starts so (only inf and nan do): a URI, most of all
    try:
        value = float(text)
        return str(int(value)) if int(value) == value else str(value)
    except (ValueError, OverflowError):
        return text


def _value(text: object) -> str:
    return _number(str(text).strip())


def _uri(text: str) -> str:
    """``_value`` of a URI ``identifiers`` wrote: no spaces (escaped), and a scheme first,
    so no number; anything else takes the long way."""
    first = text[:1]
    if first.isascii() and first.isalpha() and first not in "iInN" and " " not in text:
        return text
    return _value(text)


def _word(field: str, prefix: str, text: str) -> str:
    """A bare CBV word as its URI; a URI (a private vocabulary) stays as it is."""
    return text if ":" in text else CBV + prefix + text


def _quantities(name: str, elements: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for q in elements:
        text = "quantityElementepcClass=" + _uri(q["epcClass"])
        if "quantity" in q:
            n = q["quantity"]
            text += "quantity=" + (str(n) if type(n) is int else _value(n))
        if "uom" in q:
            text += "uom=" + _value(q["uom"])
        parts.append(text)
    return name + "".join(sorted(parts)) if parts else ""


def _epcs(name: str, epcs: Iterable[str]) -> str:
    parts = sorted(["epc=" + _uri(e) for e in epcs])
    return name + "".join(parts) if parts else ""


def pre_hash(event: Mapping[str, Any]) -> str:
    """The pre-hash string of one event of the shapes ``translate`` makes."""
    out = ["eventType=" + event["type"]]
    out.append("eventTime=" + event["eventTime"])
    out.append("eventTimeZoneOffset=" + event["eventTimeZoneOffset"])
    if "parentID" in event:
        out.append("parentID=" + _value(event["parentID"]))
    out.append(_epcs("epcList", event.get("epcList", ())))
    out.append(_epcs("childEPCs", event.get("childEPCs", ())))
    out.append(_quantities("quantityList", event.get("quantityList", ())))
    out.append(_quantities("childQuantityList", event.get("childQuantityList", ())))
    out.append("action=" + event["action"])
    for field, prefix in _VOCABULARY.items():
        if field in event:
            out.append(f"{field}=" + _word(field, prefix, event[field]))
    for place in ("readPoint", "bizLocation"):
        if place in event:
            out.append(place + "id=" + _value(event[place]["id"]))
    rest = []
    for name, prefix in _LIST_TYPES.items():
        members = event.get(name)
        if members:
            member = _LIST_MEMBER[name]
            texts = sorted(
                "type=" + _word(name, prefix, m["type"]) + member + "=" + _value(m[member])
                for m in members
            )
            rest.append(name + "".join(texts))
    ilmd = event.get("ilmd")
    if ilmd:
        rest.append("ilmd" + "".join(sorted(f"{k}={_value(v)}" for k, v in ilmd.items())))
    return "".join(out) + "".join(sorted(rest))


def event_id(event: Mapping[str, Any]) -> str:
    """``ni:///sha-256;<hex>?ver=CBV2.0``: the hash of the event's pre-hash string."""
    digest = hashlib.sha256(pre_hash(event).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
