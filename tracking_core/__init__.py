"""scantrack's tracking core: serialized and lotted inventory with an append-only ledger.

Use it through :class:`tracking_core.core.Tracking`; see the README for the model. The
domain's vocabulary (document types, roles, tracking kinds, statuses) is exported here
from :mod:`tracking_core.vocabulary`, so the other layers never import the models for it.
"""

from tracking_core.core import Actor, ScanKey, Tracking
from tracking_core.db import Database
from tracking_core.errors import DomainError
from tracking_core.values import LineSpec
from tracking_core.vocabulary import (
    DIRECTIONS,
    DOC_STATUSES,
    DOC_TYPES,
    JOB_STATUSES,
    LABEL_KINDS,
    LOCATION_KINDS,
    LOT_STATUSES,
    PARTNER_KINDS,
    ROLES,
    SERIAL_STATUSES,
    SIGNIN_RESULTS,
    TRACKING,
    Direction,
    DocStatus,
    DocType,
    JobStatus,
    LabelKind,
    LocationKind,
    LotStatus,
    PartnerKind,
    Role,
    SerialStatus,
    SignInResult,
    TrackingKind,
    one_of,
)

__all__ = [
    "DIRECTIONS",
    "DOC_STATUSES",
    "DOC_TYPES",
    "JOB_STATUSES",
    "LABEL_KINDS",
    "LOCATION_KINDS",
    "LOT_STATUSES",
    "PARTNER_KINDS",
    "ROLES",
    "SERIAL_STATUSES",
    "SIGNIN_RESULTS",
    "TRACKING",
    "Actor",
    "Database",
    "Direction",
    "DocStatus",
    "DocType",
    "DomainError",
    "JobStatus",
    "LabelKind",
    "LineSpec",
    "LocationKind",
    "LotStatus",
    "PartnerKind",
    "Role",
    "ScanKey",
    "SerialStatus",
    "SignInResult",
    "Tracking",
    "TrackingKind",
    "one_of",
]
