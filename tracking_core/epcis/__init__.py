"""GS1 EPCIS 2.0 export: the event outbox and the ledger it points at as EPCIS events
(docs/epcis.md). ``Tracking.epcis_events`` is the way in."""

from tracking_core.epcis.document import CONTEXT, MAX_LIMIT, EpcisPage, page
from tracking_core.epcis.event_hash import event_id
from tracking_core.epcis.identifiers import Uris

__all__ = ["CONTEXT", "MAX_LIMIT", "EpcisPage", "Uris", "event_id", "page"]
