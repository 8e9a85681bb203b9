from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.printing.fake_printer import FakePrinter


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    p = FakePrinter()
    yield p
    p.close()
