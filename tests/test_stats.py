"""Stats: every statistic against Python's statistics module, outliers, JSON, bench()."""

from __future__ import annotations

import io
import json
import math
import statistics
import sys
import time

import pytest

import performance_timing

from conftest import seconds_until_interrupted
from performance_timing import Stats, bench

FIXED = [
    [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0],
    [0.5, 0.25, 0.125, 3.0, 1.5, 1.25, 2.0],
    [1.0e-7, 1.2e-7, 0.9e-7, 1.1e-7, 5.0e-7, 1.05e-7, 0.95e-7, 1.0e-7, 1.01e-7],
    [3.0, 1.0],
    [float(i * i % 17) + 0.1 for i in range(101)],
]

# Student t 0.975 quantiles (tables) for the mean interval.
T_975 = {1: 12.706204736174698, 6: 2.4469118511449692, 7: 2.3646242515927849, 8: 2.3060041352041662,
         100: 1.9839715184496334}


def quantile(data: list[float], q: float) -> float:
    """Linear-interpolated percentile via statistics.quantiles(method='inclusive')."""
    if q == 0:
        return min(data)
    if q == 100:
        return max(data)
    return statistics.quantiles(data, n=100, method="inclusive")[int(q) - 1]


@pytest.mark.parametrize("data", FIXED)
def test_every_statistic_matches_statistics_module(data):
    s = Stats.from_samples(data, iterations_per_sample=3, name="fixed")
    approx = lambda x: pytest.approx(x, rel=1e-12, abs=1e-300)  # noqa: E731
    assert s.name == "fixed" and s.unit == "s"
    assert s.samples == data
    assert len(s) == len(data)
    assert s.iterations_per_sample == 3
    assert s.mean == approx(statistics.fmean(data))
    assert s.median == approx(statistics.median(data))
    assert s.stddev == approx(statistics.stdev(data))
    med = statistics.median(data)
    assert s.mad == approx(statistics.median([abs(x - med) for x in data]))
    assert s.min == min(data) and s.max == max(data)
    for q in (0, 1, 10, 25, 50, 75, 90, 99, 100):
        assert s.percentile(q) == approx(quantile(data, q))
    q1, q3 = statistics.quantiles(data, n=4, method="inclusive")[::2]
    assert s.iqr == approx(q3 - q1)
    assert s.cv == approx(statistics.stdev(data) / statistics.fmean(data))
    assert s.ops_per_second == approx(1.0 / statistics.fmean(data))
    n = len(data)
    if n - 1 in T_975:
        half = T_975[n - 1] * statistics.stdev(data) / math.sqrt(n)
        lo, hi = s.mean_ci
        assert lo == pytest.approx(statistics.fmean(data) - half, rel=1e-9)
        assert hi == pytest.approx(statistics.fmean(data) + half, rel=1e-9)
    lo, hi = s.median_ci
    assert lo <= s.median <= hi
    assert s.calibration is None
    assert s.metadata["python"] == sys.version
    assert s.metadata["cpu_count"] >= 1


def test_median_ci_is_the_order_statistic_interval():
    data = [float(x) for x in range(1, 21)]  # n = 20 → ranks 6 and 15 (sign-test tables)
    s = Stats.from_samples(reversed(data))
    assert s.median_ci == (6.0, 15.0)
    assert Stats.from_samples(reversed(data)).median_ci == s.median_ci  # deterministic
    assert Stats.from_samples(range(1, 11)).median_ci == (2.0, 9.0)  # n = 10 → ranks 2 and 9
    small = Stats.from_samples([1.0, 2.0, 3.0])
    assert small.median_ci == (1.0, 3.0)
    assert any("covers" in w for w in small.warnings)


def test_outlier_counts_on_crafted_data():
    base = [float(x) for x in range(100, 120)]
    s = Stats.from_samples(base)
    assert (s.outliers.mild, s.outliers.severe) == (0, 0)
    # With these 24 values: q1 = 104.75, q3 = 116.25, iqr = 11.5; mild fences 87.5 / 133.5,
    # severe fences 70.25 / 150.75. So 80 is low mild, 140 and 150 high mild, 300 high severe.
    crafted = base + [140.0, 150.0, 300.0, 80.0]
    s = Stats.from_samples(crafted)
    data = sorted(crafted)
    q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    iqr = q3 - q1
    mild = sum(1 for x in data if (q3 + 1.5 * iqr < x <= q3 + 3 * iqr) or (q1 - 3 * iqr <= x < q1 - 1.5 * iqr))
    severe = sum(1 for x in data if x > q3 + 3 * iqr or x < q1 - 3 * iqr)
    assert (s.outliers.mild, s.outliers.severe) == (mild, severe)
    assert (mild, severe) == (3, 1)
    assert (s.outliers.low, s.outliers.high) == (1, 3)
    # Reported, not removed.
    assert len(s.samples) == len(crafted)
    assert s.max == 300.0
    assert any("severe outlier" in w for w in s.warnings)


def test_warnings_for_high_variation():
    assert Stats.from_samples([1.0, 1.01, 0.99, 1.0, 1.0, 1.02]).warnings == []
    wild = Stats.from_samples([1.0, 2.0, 1.0, 3.0, 1.0, 2.5])
    assert any("high variation" in w for w in wild.warnings)


def test_json_round_trip():
    s = Stats.from_samples([0.1, 0.2, 0.30000000000000004, 1e-9, 7.5], iterations_per_sample=4, name="rt")
    text = s.to_json()
    doc = json.loads(text)
    assert doc["schema"] == "performance_timing.stats" and doc["version"] == 2
    assert set(doc["metadata"]) >= {"clock", "cpu_count", "python", "platform"}
    assert doc["metadata"]["python"] == sys.version
    back = Stats.from_json(text)
    for attr in ("name", "unit", "samples", "iterations_per_sample", "mean", "median", "stddev", "mad",
                 "iqr", "min", "max", "cv", "median_ci", "mean_ci", "ops_per_second", "warnings", "metadata"):
        assert getattr(back, attr) == getattr(s, attr), attr
    assert back.to_json() == text


def test_json_round_trip_of_a_measured_result():
    s = bench(lambda: None, min_time=0.001, max_time=0.5, samples=5, warmup=0, progress=False)
    back = Stats.from_json(s.to_json())
    assert back.samples == s.samples
    assert back.calibration.overhead == s.calibration.overhead
    assert back.warnings == s.warnings


@pytest.mark.parametrize(
    "text, needle",
    [
        ("not json", "not a Stats JSON"),
        ("[1, 2]", "expected an object"),
        ('{"schema": "other", "version": 1}', "schema"),
        ('{"schema": "performance_timing.stats", "version": 3}', "version 3"),
        ('{"schema": "performance_timing.stats", "version": 1}', "missing field"),
    ],
)
def test_from_json_refuses_bad_documents(text, needle):
    with pytest.raises(ValueError, match=needle):
        Stats.from_json(text)


def test_from_json_refuses_tampered_samples():
    doc = json.loads(Stats.from_samples([1.0, 2.0]).to_json())
    doc["samples"] = [1.0]
    with pytest.raises(ValueError, match="at least 2"):
        Stats.from_json(json.dumps(doc))
    doc["samples"] = [1.0, -2.0]
    with pytest.raises(ValueError, match="samples"):
        Stats.from_json(json.dumps(doc))
    with pytest.raises(TypeError, match="s must be a str"):
        Stats.from_json(b"{}")


@pytest.mark.parametrize(
    "samples, exc, needle",
    [
        ([1.0], ValueError, "at least 2"),
        ([], ValueError, "at least 2"),
        ([1.0, float("nan")], ValueError, "samples"),
        ([1.0, float("inf")], ValueError, "samples"),
        ([1.0, -1.0], ValueError, "samples"),
        ("12", TypeError, "samples"),
        (5, TypeError, "samples"),
        ([1.0, "x"], TypeError, "samples"),
    ],
)
def test_from_samples_bad_input(samples, exc, needle):
    with pytest.raises(exc, match=needle):
        Stats.from_samples(samples)


def test_percentile_bad_input():
    s = Stats.from_samples([1.0, 2.0])
    with pytest.raises(ValueError, match="q"):
        s.percentile(101)
    with pytest.raises(ValueError, match="q"):
        s.percentile(float("nan"))
    with pytest.raises(TypeError, match="q"):
        s.percentile("50")


# --- bench() -------------------------------------------------------------------------------


def test_bench_returns_full_stats():
    def work():
        sum(range(200))

    s = bench(work, min_time=0.002, max_time=2.0, samples=10, progress=False)
    assert s.name.endswith("work")
    assert len(s.samples) == 10
    assert s.iterations_per_sample >= 1
    # Each sample lasted at least about min_time.
    assert s.median * s.iterations_per_sample >= 0.001
    assert s.min <= s.median <= s.max
    assert s.median_ci[0] <= s.median <= s.median_ci[1]
    c = s.calibration
    assert 0 < c.clock_resolution < 0.01
    assert 0 < c.clock_read_cost < 1e-4
    assert 0 < c.overhead < 1e-4
    assert isinstance(s.warnings, list)
    assert "Stats(name=" in repr(s)


def test_bench_respects_max_time():
    start = time.perf_counter()
    s = bench(lambda: time.sleep(0.002), min_time=0.001, max_time=0.3, samples=10_000, warmup=0.05,
              progress=False)
    took = time.perf_counter() - start
    assert took < 1.0  # generous: budget 0.3 s
    assert 2 <= len(s.samples) < 10_000
    assert any("max_time reached" in w for w in s.warnings)


def test_bench_calls_func_and_uses_name():
    calls = []
    s = bench(lambda: calls.append(1), name="append", min_time=0.001, max_time=1, samples=3, warmup=0,
              progress=False)
    assert s.name == "append"
    assert len(calls) >= 3 * s.iterations_per_sample


def test_bench_exception_propagates_unchanged():
    class Boom(Exception):
        pass

    calls = []

    def f():
        calls.append(1)
        if len(calls) == 3:
            raise Boom("inside")

    with pytest.raises(Boom, match="inside") as info:
        bench(f, progress=False)
    assert len(calls) == 3
    assert info.traceback[-1].name == "f"


@pytest.mark.parametrize(
    "kwargs, exc, needle",
    [
        ({"min_time": 0}, ValueError, "min_time"),
        ({"min_time": -1}, ValueError, "min_time"),
        ({"min_time": float("nan")}, ValueError, "min_time"),
        ({"max_time": float("inf")}, ValueError, "max_time"),
        ({"max_time": 0.001, "min_time": 0.01}, ValueError, "max_time"),
        ({"warmup": -0.1}, ValueError, "warmup"),
        ({"warmup": float("nan")}, ValueError, "warmup"),
        ({"samples": 1}, ValueError, "samples"),
        ({"samples": 2.5}, TypeError, "samples"),
        ({"min_time": "1"}, TypeError, "min_time"),
        ({"max_time": True}, TypeError, "max_time"),
    ],
)
def test_bench_bad_input_before_any_call(kwargs, exc, needle):
    calls = []
    with pytest.raises(exc, match=needle):
        bench(lambda: calls.append(1), progress=False, **kwargs)
    assert calls == []


def test_bench_refuses_non_callable():
    with pytest.raises(TypeError, match="func"):
        bench(42)


def test_progress_only_on_a_terminal(monkeypatch):
    class FakeTty(io.StringIO):
        def isatty(self):
            return True

    tty = FakeTty()
    monkeypatch.setattr(sys, "stderr", tty)
    bench(lambda: time.sleep(0.01), min_time=0.1, max_time=1.8, samples=13, warmup=0)
    assert "samples" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[2K")  # the line is cleared at the end
    off = FakeTty()
    monkeypatch.setattr(sys, "stderr", off)
    bench(lambda: time.sleep(0.01), min_time=0.1, max_time=1.8, samples=13, warmup=0, progress=False)
    assert off.getvalue() == ""
    pipe = io.StringIO()  # not a terminal
    monkeypatch.setattr(sys, "stderr", pipe)
    bench(lambda: time.sleep(0.01), min_time=0.1, max_time=1.8, samples=13, warmup=0)
    assert pipe.getvalue() == ""


def test_exported_names():
    for name in ("bench", "compare", "Stats", "Comparison", "Outliers", "Calibration"):
        assert name in performance_timing.__all__


def test_ctrl_c_stops_bench_of_a_c_builtin():
    """``int`` never runs the interpreter's signal check; bench's loop checks every 64 calls."""
    call = "pt.bench(int, min_time=100, max_time=200, warmup=0, progress=False)"
    assert seconds_until_interrupted(call, delay=0.5) < 30
