"""``benchmark``: our fixture under pytest-benchmark's name, registered only when
pytest-benchmark is not active (then its users' tests run on our harness unchanged)."""

from __future__ import annotations

import pytest

from .fixture import BenchmarkFixture


@pytest.fixture
def benchmark(pt_benchmark: BenchmarkFixture) -> BenchmarkFixture:
    """The ``pt_benchmark`` fixture (performance_timing), under pytest-benchmark's name."""
    return pt_benchmark
