"""Benchmarks inside a test suite, with pytest-benchmark's spelling (docs/how-to/pytest.md).

    pytest examples/benchmarks_in_pytest.py -p no:benchmark --pt-save .benchmarks/
    python -m performance_timing history .benchmarks

``-p no:benchmark`` makes ``benchmark`` our fixture when pytest-benchmark is installed too;
without pytest-benchmark it is not needed. ``pt_benchmark`` is ours in any case.
"""

import random

import pytest

DATA = random.Random(1).sample(range(100_000), 10_000)


def test_sorted(benchmark):
    result = benchmark(sorted, DATA)
    assert result[0] == min(DATA)


def test_sort_in_place(benchmark):
    # setup runs before each round, outside the timed region: every round sorts a fresh copy
    benchmark.pedantic(list.sort, setup=lambda: ((DATA[:],), {}), rounds=50)


@pytest.mark.benchmark(max_time=0.5, samples=20)
def test_min(benchmark):
    benchmark.extra_info["n"] = len(DATA)
    assert benchmark(min, DATA) == min(DATA)
