"""scantrack's tracking core: serialized and lotted inventory with an append-only ledger.

Use it through :class:`tracking_core.core.Tracking`; see the README for the model. The
domain's vocabulary (document types, roles, tracking kinds, statuses) is exported here
from :mod:`tracking_core.vocabulary`, so the other layers never import the models for it.
"""

from tracking_core import vocabulary
from tracking_core.core import Actor, ScanKey, Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec
from tracking_core.vocabulary import *  # noqa: F403 (every name of its __all__)

__all__ = ["Actor", "Database", "DomainError", "LineSpec", "ScanKey", "Tracking"]
__all__ += vocabulary.__all__
