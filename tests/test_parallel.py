"""Sequential vs parallel: the seed's compare_seq_vs_parallel, compare_scaling and scaling_sweep."""

from __future__ import annotations

import pathlib
import statistics
import subprocess
import sys

import numpy as np
import pytest

import performance_timing as pt

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_seed_return_value_is_unchanged():
    seq, par = pt.compare_seq_vs_parallel([float(i) for i in range(10_000)], iterations=3)
    assert (seq.name, par.name) == ("Sequential", "Parallel")
    assert (seq.iterations, par.iterations) == (3, 3)
    assert isinstance(seq, pt.TimerResult) and isinstance(par, pt.TimerResult)


@pytest.fixture(scope="module")
def comparison() -> pt.ParallelComparison:
    return pt.compare_scaling(np.arange(200_000, dtype=np.float64), 3, threads=2, runs=10)


def test_comparison_fields(comparison):
    c = comparison
    assert (c.size, c.threads, c.iterations, c.runs) == (200_000, 2, 3, 10)
    assert len(c.sequential_secs) == len(c.parallel_secs) == len(c.speedups) == 10
    assert all(s > 0 for s in c.sequential_secs + c.parallel_secs)


def test_speedup_and_efficiency_arithmetic(comparison):
    c = comparison
    for s, p, x in zip(c.sequential_secs, c.parallel_secs, c.speedups):
        assert x == pytest.approx(s / p, rel=1e-12)
    assert c.speedup == pytest.approx(statistics.median(c.speedups), rel=1e-12)
    assert c.efficiency == c.speedup / c.threads
    low, high = c.speedup_ci
    assert min(c.speedups) <= low <= c.speedup <= high <= max(c.speedups)
    # 10 runs: [x(2), x(9)] covers the median with 1 - 2·P(Bin(10, 1/2) <= 1) = 1 - 2·11/1024;
    # [x(3), x(8)] would only reach 1 - 2·56/1024 < 95 %.
    ordered = sorted(c.speedups)
    assert (low, high) == (ordered[1], ordered[8])
    assert c.confidence == pytest.approx(1 - 2 * 11 / 1024)
    assert c.sequential_gbps == pytest.approx(200_000 * 8 / min(c.sequential_secs) / 1e9, rel=1e-6)
    assert c.parallel_gbps == pytest.approx(200_000 * 8 / min(c.parallel_secs) / 1e9, rel=1e-6)


def test_few_runs_give_the_range_and_say_so():
    c = pt.compare_scaling([1.0] * 5_000, 1, threads=1, runs=3)
    assert c.speedup_ci == (min(c.speedups), max(c.speedups))
    assert c.confidence == pytest.approx(0.75)
    one = pt.compare_scaling([1.0] * 5_000, runs=1)
    assert one.speedup_ci == (one.speedup, one.speedup) and one.confidence == 0.0


def test_comparison_to_dict_and_repr(comparison):
    d = comparison.to_dict()
    assert d["speedup"] == comparison.speedup and d["efficiency"] == comparison.efficiency
    assert d["speedup_ci"] == comparison.speedup_ci and d["speedups"] == comparison.speedups
    assert repr(comparison).startswith("ParallelComparison(size=200000, threads=2, speedup=")


def test_defaults_use_all_cores():
    c = pt.compare_scaling(np.ones(10_000))
    assert (c.iterations, c.runs) == (10, 10)
    assert c.threads >= 1
    assert c.confidence >= 0.95


def test_sweep_order_and_defaults():
    rows = pt.scaling_sweep([1_000, 20_000], threads=[1, 2], iterations=1, runs=2)
    assert [(r.size, r.threads) for r in rows] == [(1_000, 1), (1_000, 2), (20_000, 1), (20_000, 2)]
    assert all(r.iterations == 1 and r.runs == 2 for r in rows)
    default = pt.scaling_sweep([1_000], iterations=1, runs=1)
    assert [r.threads for r in default] == list(range(1, len(default) + 1))
    assert len(default) >= 1


def test_sequential_kernel_is_vectorised_not_a_latency_chain():
    # One accumulator would add at FP latency (~1 add per 4 cycles, ≈ 6 GB/s at 3 GHz). In
    # cache, the 32-accumulator kernel runs far faster; a generous bound catches a regression.
    c = pt.compare_scaling(np.ones(100_000), 20, threads=1, runs=5)
    assert c.sequential_gbps > 8.0


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: pt.compare_scaling([], 1), ValueError),
        (lambda: pt.compare_scaling([1.0], 0), ValueError),
        (lambda: pt.compare_scaling([1.0], 1.5), TypeError),
        (lambda: pt.compare_scaling([1.0], threads=0), ValueError),
        (lambda: pt.compare_scaling([1.0], threads="2"), TypeError),
        (lambda: pt.compare_scaling([1.0], threads=5_000), ValueError),
        (lambda: pt.compare_scaling([1.0], runs=0), ValueError),
        (lambda: pt.compare_scaling([1.0], runs=True), TypeError),
        (lambda: pt.compare_scaling("abc"), TypeError),
        (lambda: pt.compare_scaling(["x"]), TypeError),
        (lambda: pt.scaling_sweep([]), ValueError),
        (lambda: pt.scaling_sweep([0]), ValueError),
        (lambda: pt.scaling_sweep([1.5]), TypeError),
        (lambda: pt.scaling_sweep(1000), TypeError),
        (lambda: pt.scaling_sweep("1000"), TypeError),
        (lambda: pt.scaling_sweep([10], threads=[]), ValueError),
        (lambda: pt.scaling_sweep([10], threads=[0]), ValueError),
        (lambda: pt.scaling_sweep([10], threads=2), TypeError),
        (lambda: pt.scaling_sweep([10], iterations=0), ValueError),
        (lambda: pt.scaling_sweep([10], runs=-1), ValueError),
        (lambda: pt.scaling_sweep([10, 2**60]), MemoryError),
    ],
)
def test_bad_input(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("script", ["scaling.py", "chunk_size.py"])
def test_examples_run(script):
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), "--quick"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert ("Size 1000000:" in out) if script == "scaling.py" else ("Chunk 5000:" in out)
    if script == "scaling.py":
        assert "efficiency" in out and "nan" not in out
