"""The web layer's doctests (the suite's --doctest-modules covers the core and gateway)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from web_mobile.api import inputs, openapi, response_schema


@pytest.mark.parametrize("module", [inputs, openapi, response_schema], ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert (result.failed, result.attempted > 0) == (0, True)
