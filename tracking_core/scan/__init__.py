"""The scan session in the core: its values, and the unit of work that runs one scan.

The gateway plans a scan (``Plan``: the session's state and a catalog lookup in, a
``Step`` out) and hands it to ``Tracking.scan`` as a ``ScanInput``; the core runs it in
one transaction (``tracking_core.scan.unit``) and answers a ``ScanReply``. The values
here are what other layers may import; the modules that run steps are the core's own.
"""

from tracking_core.scan.answer import SOUNDS, Feedback, ScanReply, Status, doc_title, doc_words
from tracking_core.scan.state import DOC_TYPE, INBOUND_MODES, MODES, SessionState
from tracking_core.scan.steps import (
    Ask,
    Assign,
    Cancel,
    Confirm,
    CountSerial,
    GenerateN,
    Inquire,
    ItemLookup,
    ItemRef,
    Label,
    NewDocument,
    Plan,
    Planned,
    Refuse,
    ScanInput,
    SetDocument,
    SetItem,
    SetLocation,
    SetLot,
    SetMode,
    SetOperator,
    SetPartner,
    SetQuantity,
    Step,
    Undo,
    Verify,
)

__all__ = [
    "DOC_TYPE",
    "INBOUND_MODES",
    "MODES",
    "SOUNDS",
    "Ask",
    "Assign",
    "Cancel",
    "Confirm",
    "CountSerial",
    "Feedback",
    "GenerateN",
    "Inquire",
    "ItemLookup",
    "ItemRef",
    "Label",
    "NewDocument",
    "Plan",
    "Planned",
    "Refuse",
    "ScanInput",
    "ScanReply",
    "SessionState",
    "SetDocument",
    "SetItem",
    "SetLocation",
    "SetLot",
    "SetMode",
    "SetOperator",
    "SetPartner",
    "SetQuantity",
    "Status",
    "Step",
    "Undo",
    "Verify",
    "doc_title",
    "doc_words",
]
