"""The URIs an EPCIS event names things by: GS1 Digital Link where a GS1 key exists, a
private URI under the setting ``epcis_private_base`` where none does.

>>> uris = Uris("urn:scantrack:")
>>> uris.serial("09506000134352", "LAP", "SN-1")
'https://id.gs1.org/01/09506000134352/21/SN-1'
>>> uris.serial(None, "LAP", "SN-1")
'urn:scantrack:item/LAP/sn/SN-1'
>>> uris.lot_class("09506000134352", "MILK", "L/7"), uris.lot_class("09506000134352", "MILK", "L 7")
('https://id.gs1.org/01/09506000134352/10/L%2F7', 'urn:scantrack:item/MILK/lot/L%207')
>>> uris.container("106141412345678908", "sscc"), uris.container("LP-1", "plate")
('https://id.gs1.org/00/106141412345678908', 'urn:scantrack:plate/LP-1')
>>> uris.location("A1", "4012345000016"), uris.location("A1", None)
('https://id.gs1.org/414/4012345000016', 'urn:scantrack:loc/A1')

A serial or lot that is no valid GS1 AI 21 or AI 10 value (over 20 characters, or a
character outside GS1's set 82) cannot be a Digital Link key: it gets the private URI
under its SKU, as an item without a GTIN does (docs/epcis.md). Every segment of a
private URI is percent-encoded, so a code can never reach into the next segment.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["DIGITAL_LINK", "Uris", "gs1_value"]

DIGITAL_LINK = "https://id.gs1.org"
# GS1 AI 21 and AI 10: 1 to 20 characters of GS1's set 82; in the URI every character but
# the unreserved ones is percent-encoded (a "/" in a serial must not start a segment)
_GS1_VALUE = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")


def gs1_value(text: str) -> bool:
    """Can ``text`` stand as a serial (AI 21) or lot (AI 10) in a canonical Digital Link?"""
    return _GS1_VALUE.fullmatch(text) is not None


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _seg(text: str) -> str:
    # most codes need no escaping: the check is a tenth of quote's cost
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


@functools.lru_cache(maxsize=4096)
def _item_prefix(base: str, sku: str, kind: str) -> str:
    """``{base}item/{sku}/{kind}/``: the same for every number of the item."""
    return f"{base}item/{_seg(sku)}/{kind}/"


@dataclass(frozen=True)
class Uris:
    """URIs under one private base (``epcis_private_base``: ``urn:scantrack:`` by default)."""

    base: str

    def private(self, *segments: str) -> str:
        return self.base + "/".join(_seg(s) for s in segments)

    def serial(self, gtin: str | None, sku: str, serial: str) -> str:
        if gtin is not None and gs1_value(serial):
            return f"{DIGITAL_LINK}/01/{gtin}/21/{_seg(serial)}"
        return _item_prefix(self.base, sku, "sn") + _seg(serial)

    def lot_class(self, gtin: str | None, sku: str, lot: str) -> str:
        if gtin is not None and gs1_value(lot):
            return f"{DIGITAL_LINK}/01/{gtin}/10/{_seg(lot)}"
        return _item_prefix(self.base, sku, "lot") + _seg(lot)

    def container(self, code: str, scheme: str) -> str:
        if scheme == "sscc":
            return f"{DIGITAL_LINK}/00/{code}"
        return self.private("plate", code)

    def location(self, code: str, gln: str | None) -> str:
        if gln is not None:
            return f"{DIGITAL_LINK}/414/{gln}"
        return self.private("loc", code)

    def party(self, code: str) -> str:
        return self.private("party", code)

    def document(self, number: str) -> str:
        return self.private("doc", number)

    def reference(self, text: str) -> str:
        return self.private("ref", text)

    def recall(self, number: str) -> str:
        return self.private("recall", number)

    def transaction_type(self, name: str) -> str:
        """A business transaction type CBV has no word for (a transfer, a recall)."""
        return self.private("btt", name)
