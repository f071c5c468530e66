"""Bad input gets a clear standard exception, before any work, and nothing panics."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import performance_timing as pt

# Small buffers are deliberate here; the in-cache warning is tested in test_memory.py.
pytestmark = pytest.mark.filterwarnings("ignore::performance_timing.CacheWarning")

NOOP = lambda: None  # noqa: E731

STANDARD = (TypeError, ValueError, OverflowError, MemoryError)


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1


# Every entry point, with one argument replaced by the value under test.
ENTRY_POINTS = {
    "benchmark.iterations": lambda v, f: pt.benchmark("b", f, iterations=v),
    "benchmark_with_warmup.warmup": lambda v, f: pt.benchmark_with_warmup("b", f, warmup=v, iterations=1),
    "benchmark_with_warmup.iterations": lambda v, f: pt.benchmark_with_warmup("b", f, warmup=1, iterations=v),
    "benchmark_statistical.runs": lambda v, f: pt.benchmark_statistical("b", f, runs=v, iterations_per_run=1),
    "benchmark_statistical.iterations_per_run": lambda v, f: pt.benchmark_statistical(
        "b", f, runs=1, iterations_per_run=v
    ),
    "compare_seq_vs_parallel.iterations": lambda v, f: pt.compare_seq_vs_parallel([1.0], iterations=v),
    "measure_memory_throughput.size": lambda v, f: pt.measure_memory_throughput(size=v, iterations=1),
    "measure_memory_throughput.iterations": lambda v, f: pt.measure_memory_throughput(size=8, iterations=v),
    "Timer.stop.iterations": lambda v, f: pt.Timer("t").stop(iterations=v),
    "TimerResult.iterations": lambda v, f: pt.TimerResult("r", 1.0, iterations=v),
}
OPTIONAL = {"Timer.stop.iterations", "TimerResult.iterations"}
MIN_ONE = [k for k in ENTRY_POINTS if not k.endswith("warmup")]


BAD_COUNTS = [(1.5, TypeError), ("3", TypeError), (None, TypeError), (True, TypeError), ([2], TypeError), (-1, ValueError)]


@pytest.mark.parametrize(
    "entry,value,error",
    [
        (entry, value, error)
        for entry in ENTRY_POINTS
        for value, error in BAD_COUNTS
        if not (value is None and entry in OPTIONAL)  # None means the default there
    ],
)
def test_counts_reject_non_integers_and_negatives(entry, value, error):
    f = Counter()
    with pytest.raises(error):
        ENTRY_POINTS[entry](value, f)
    assert f.calls == 0


@pytest.mark.parametrize("entry", MIN_ONE)
def test_counts_below_one_are_value_errors(entry):
    f = Counter()
    with pytest.raises(ValueError, match="at least 1"):
        ENTRY_POINTS[entry](0, f)
    assert f.calls == 0


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_counts_too_large_to_represent(entry):
    f = Counter()
    with pytest.raises((OverflowError, ValueError)):
        ENTRY_POINTS[entry](2**64, f)
    assert f.calls == 0


def test_error_messages_name_the_argument():
    with pytest.raises(ValueError, match="iterations_per_run"):
        pt.benchmark_statistical("b", NOOP, runs=2, iterations_per_run=0)
    with pytest.raises(TypeError, match="runs must be an integer, not float"):
        pt.benchmark_statistical("b", NOOP, runs=2.0, iterations_per_run=1)
    with pytest.raises(ValueError, match="warmup must be at least 0"):
        pt.benchmark_with_warmup("b", NOOP, warmup=-1, iterations=1)


def test_numpy_style_index_integers_are_accepted():
    class Index:
        def __index__(self):
            return 3

    f = Counter()
    pt.benchmark("b", f, iterations=Index())
    assert f.calls == 3


@pytest.mark.parametrize("func", [None, 3, "not callable", [NOOP]])
def test_non_callable_func(func):
    for run in (
        lambda: pt.benchmark("b", func, iterations=1),
        lambda: pt.benchmark_with_warmup("b", func, warmup=0, iterations=1),
        lambda: pt.benchmark_statistical("b", func, runs=1, iterations_per_run=1),
    ):
        with pytest.raises(TypeError, match="func must be callable"):
            run()


def test_non_string_names():
    with pytest.raises(TypeError):
        pt.benchmark(3, NOOP, iterations=1)
    with pytest.raises(TypeError):
        pt.Timer(None)
    with pytest.raises(TypeError, match="name must be a str"):
        pt.Profiler().measure(1, 0.5)


@pytest.mark.parametrize("bad", [-0.1, -1, math.nan, math.inf, -math.inf])
def test_profiler_rejects_bad_durations_and_records_nothing(bad):
    p = pt.Profiler()
    with pytest.raises(ValueError, match="duration_secs"):
        p.measure("x", bad)
    assert p.results() == []


@pytest.mark.parametrize("bad", ["0.5", None, [0.5], True, object()])
def test_profiler_rejects_non_numbers(bad):
    p = pt.Profiler()
    with pytest.raises(TypeError, match="duration_secs must be a real number"):
        p.measure("x", bad)
    assert len(p) == 0


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "1"])
def test_timer_result_rejects_bad_durations(bad):
    with pytest.raises((ValueError, TypeError)):
        pt.TimerResult("r", bad)


@pytest.mark.parametrize("data", [[], (), range(0)])
def test_compare_empty_data(data):
    with pytest.raises(ValueError, match="empty"):
        pt.compare_seq_vs_parallel(data, iterations=1)


@pytest.mark.parametrize("data", [["a", "b"], [1.0, None], "123", b"123", 5, None, [object()]])
def test_compare_non_numbers(data):
    with pytest.raises(TypeError):
        pt.compare_seq_vs_parallel(data, iterations=1)


def test_compare_huge_int_element():
    with pytest.raises(OverflowError):
        pt.compare_seq_vs_parallel([10**400], iterations=1)


@pytest.mark.parametrize("size", [2**40, 2**60, 2**62])
def test_memory_too_large_is_memory_error(size):
    with pytest.raises(MemoryError):
        pt.measure_memory_throughput(size=size, iterations=1)


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.lists(st.one_of(st.integers(-5, 5), st.floats(), st.text(max_size=2)), max_size=4),
    st.just(NOOP),
)


def _cheap(v):
    """Keep fuzzed counts small so a valid value does not start a long run."""
    # Every valid count (anything up to i64::MAX) above 64 becomes 64; larger ones still
    # exercise the overflow path.
    return isinstance(v, int) and not isinstance(v, bool) and 64 < v < 2**63


@settings(max_examples=300, deadline=None)
@given(entry=st.sampled_from(sorted(ENTRY_POINTS)), value=ANY_VALUE)
def test_fuzzed_arguments_raise_only_standard_exceptions(entry, value):
    if _cheap(value):
        value = 64
    try:
        ENTRY_POINTS[entry](value, NOOP)
    except STANDARD:
        pass


@settings(max_examples=200, deadline=None)
@given(name=ANY_VALUE, duration=ANY_VALUE)
def test_fuzzed_profiler_and_results(name, duration):
    for call in (
        lambda: pt.Profiler().measure(name, duration),
        lambda: pt.TimerResult(name, duration),
        lambda: pt.Timer(name),
        lambda: pt.compare_seq_vs_parallel(duration, iterations=1),
    ):
        try:
            call()
        except STANDARD:
            pass


def test_optional_iterations_default_to_one():
    assert pt.Timer("t").stop(iterations=None).iterations == 1
    assert pt.TimerResult("r", 1.0, None).iterations == 1


# --- every later entry point, fuzzed the same way ------------------------------------------


def _tame(v):
    """Keep fuzzed values from starting long or huge runs when they happen to be valid."""
    if isinstance(v, int) and not isinstance(v, bool) and v > 8:
        return 8
    if isinstance(v, float) and v > 0.05:
        return 0.05
    return v


def _stats():
    return pt.Stats.from_samples([1e-6, 1.1e-6, 0.9e-6, 1.05e-6], name="s")


def _record():
    with pt.timed("fuzz_record"):
        pass
    return pt.snapshot()["fuzz_record"]


QUICK = dict(warmup=0, min_time=0.001, max_time=0.05, samples=3, progress=False)
PAIR_QUICK = dict(warmup=0, max_time=0.02, progress=False)

LATER_ENTRY_POINTS = {
    "bench.func": lambda v: pt.bench(v, **QUICK),
    "bench.name": lambda v: pt.bench(NOOP, **{**QUICK, "name": v}),
    "bench.warmup": lambda v: pt.bench(NOOP, **{**QUICK, "warmup": v}),
    "bench.min_time": lambda v: pt.bench(NOOP, **{**QUICK, "min_time": v}),
    "bench.max_time": lambda v: pt.bench(NOOP, **{**QUICK, "max_time": v}),
    "bench.samples": lambda v: pt.bench(NOOP, **{**QUICK, "samples": v}),
    "bench.iterations": lambda v: pt.bench(NOOP, **{**QUICK, "iterations": v}),
    "bench_pair.baseline": lambda v: pt.bench_pair(v, NOOP, **PAIR_QUICK),
    "bench_pair.candidate": lambda v: pt.bench_pair(NOOP, v, **PAIR_QUICK),
    "bench_pair.name": lambda v: pt.bench_pair(NOOP, NOOP, **{**PAIR_QUICK, "name": v}),
    "bench_pair.warmup": lambda v: pt.bench_pair(NOOP, NOOP, **{**PAIR_QUICK, "warmup": v}),
    "bench_pair.max_time": lambda v: pt.bench_pair(NOOP, NOOP, **{**PAIR_QUICK, "max_time": v}),
    "bench_pair.noise": lambda v: pt.bench_pair(NOOP, NOOP, **{**PAIR_QUICK, "noise": v}),
    "Stats.from_samples": lambda v: pt.Stats.from_samples(v),
    "Stats.from_json": lambda v: pt.Stats.from_json(v),
    "Stats.percentile": lambda v: _stats().percentile(v),
    "compare.baseline": lambda v: pt.compare(v, _stats()),
    "compare.noise": lambda v: pt.compare(_stats(), _stats(), noise=v),
    "measure_memory_throughput.kernel": lambda v: pt.measure_memory_throughput(size=64, iterations=1, kernel=v),
    "measure_memory_throughput.threads": lambda v: pt.measure_memory_throughput(size=64, iterations=1, threads=v),
    "stream.size": lambda v: pt.stream(size=v, iterations=1),
    "stream.iterations": lambda v: pt.stream(size=64, iterations=v),
    "stream.threads": lambda v: pt.stream(size=64, iterations=1, threads=v),
    "compare_scaling.data": lambda v: pt.compare_scaling(v, iterations=1, runs=1),
    "compare_scaling.threads": lambda v: pt.compare_scaling([1.0] * 64, iterations=1, runs=1, threads=v),
    "scaling_sweep.sizes": lambda v: pt.scaling_sweep(v, iterations=1, runs=1),
    "scaling_sweep.threads": lambda v: pt.scaling_sweep([64], threads=v, iterations=1, runs=1),
    "snapshot.__getitem__": lambda v: pt.snapshot()[v],
    "Record.percentile": lambda v: _record().percentile(v),
    "set_enabled": lambda v: pt.set_enabled(v),
    "timed": lambda v: pt.timed(v),
}


@pytest.mark.filterwarnings("ignore::performance_timing.CacheWarning")
@settings(max_examples=400, deadline=None)
@given(entry=st.sampled_from(sorted(LATER_ENTRY_POINTS)), value=ANY_VALUE)
def test_fuzzed_later_entry_points_raise_only_standard_exceptions(entry, value):
    value = [_tame(x) for x in value] if isinstance(value, list) else _tame(value)
    try:
        LATER_ENTRY_POINTS[entry](value)
    except (*STANDARD, KeyError):
        pass
    finally:
        pt.set_enabled(True)
