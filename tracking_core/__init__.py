"""scantrack's tracking core: serialized and lotted inventory with an append-only ledger.

Use it through :class:`tracking_core.core.Tracking`; see the README for the model.
"""

from tracking_core.core import Actor, ScanKey, Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec

__all__ = ["Actor", "Database", "DomainError", "LineSpec", "ScanKey", "Tracking"]
