from __future__ import annotations

import pytest

from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.delivery import EventDeliveries


@pytest.fixture
def deliveries(core: Tracking, clock: Clock) -> EventDeliveries:
    # jitter pinned to its midpoint: backoffs are exact in tests
    return EventDeliveries(
        core.db, clock, max_attempts=3, base_delay=2.0, max_delay=60.0, rand=lambda: 0.5
    )
