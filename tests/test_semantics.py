"""The documented semantics of every seed API (docs/reference/semantics.md)."""

from __future__ import annotations

import array
import math
import time

import pytest

import performance_timing as pt

from conftest import seconds_until_interrupted

# Small buffers are deliberate here; the in-cache warning is tested in test_memory.py.
pytestmark = pytest.mark.filterwarnings("ignore::performance_timing.CacheWarning")


# --- Timer / TimerResult -------------------------------------------------------------------


def test_timer_starts_at_construction():
    timer = pt.Timer("t")
    time.sleep(0.01)
    assert timer.elapsed() >= 0.01
    assert timer.name == "t"
    assert not timer.stopped


def test_stop_freezes_the_timer():
    timer = pt.Timer("t")
    result = timer.stop(iterations=4)
    frozen = timer.elapsed()
    time.sleep(0.01)
    assert timer.elapsed() == frozen == result.duration_secs
    assert timer.stopped
    assert result.iterations == 4
    assert timer.result == result
    # A second stop keeps the frozen duration.
    assert timer.stop().duration_secs == frozen


def test_stop_default_is_one_iteration():
    assert pt.Timer("t").stop().iterations == 1


def test_restart_unfreezes():
    timer = pt.Timer("t")
    timer.stop()
    timer.restart()
    assert not timer.stopped and timer.result is None
    time.sleep(0.005)
    assert timer.elapsed() >= 0.005


def test_context_manager_restarts_and_stops():
    timer = pt.Timer("ctx")
    time.sleep(0.05)  # must not count: entering restarts
    with timer as t:
        assert t is timer
        time.sleep(0.01)
    assert timer.stopped
    assert timer.result is not None
    assert 0.01 <= timer.result.duration_secs < 0.05
    assert timer.result.iterations == 1
    assert timer.elapsed() == timer.result.duration_secs


def test_context_manager_never_swallows_exceptions():
    timer = pt.Timer("boom")
    with pytest.raises(ZeroDivisionError):
        with timer:
            1 / 0
    assert timer.stopped and timer.result is not None


def test_stop_inside_with_block_is_kept():
    with pt.Timer("inner") as timer:
        kept = timer.stop(iterations=10)
    assert timer.result == kept
    assert timer.result.iterations == 10


def test_timer_result_arithmetic_and_repr():
    r = pt.TimerResult("op", 2.0, iterations=4)
    assert (r.name, r.duration_secs, r.iterations) == ("op", 2.0, 4)
    assert r.per_iteration() == 0.5
    assert r.ops_per_second() == 2.0
    text = repr(r)
    assert "TimerResult" in text and "op" in text and "iterations=4" in text
    assert r.to_dict() == {
        "name": "op",
        "duration_secs": 2.0,
        "iterations": 4,
        "per_iteration": 0.5,
        "ops_per_second": 2.0,
    }
    assert math.isinf(pt.TimerResult("z", 0.0).ops_per_second())


def test_classes_live_in_the_package():
    for cls in (pt.Timer, pt.TimerResult, pt.Profiler):
        assert cls.__module__ == "performance_timing"
        assert cls.__doc__


def test_everything_has_a_docstring():
    for name in pt.__all__:
        if name != "__version__":
            assert getattr(pt, name).__doc__, name


# --- benchmark family ----------------------------------------------------------------------


def test_benchmark_calls_exactly_iterations_times(calls):
    result = pt.benchmark("count", lambda: calls.append(1), iterations=37)
    assert len(calls) == 37
    assert result.name == "count" and result.iterations == 37


def test_benchmark_measures_real_time():
    result = pt.benchmark("sleep", lambda: time.sleep(0.002), iterations=5)
    assert result.duration_secs >= 0.01
    assert result.per_iteration() >= 0.002


def test_benchmark_with_warmup_counts(calls):
    result = pt.benchmark_with_warmup("w", lambda: calls.append(1), warmup=5, iterations=20)
    assert len(calls) == 25
    assert result.iterations == 20


def test_benchmark_with_warmup_excludes_warmup_time():
    slow_first = iter([0.05, 0.05])

    def func():
        time.sleep(next(slow_first, 0.0))

    result = pt.benchmark_with_warmup("w", func, warmup=2, iterations=3)
    assert result.duration_secs < 0.05


def test_benchmark_with_zero_warmup(calls):
    pt.benchmark_with_warmup("w", lambda: calls.append(1), warmup=0, iterations=3)
    assert len(calls) == 3


def test_benchmark_statistical_counts_and_order(calls):
    mean, median, lo, hi = pt.benchmark_statistical(
        "s", lambda: calls.append(1), runs=8, iterations_per_run=7
    )
    assert len(calls) == 56
    assert lo <= mean <= hi
    assert lo <= median <= hi


def test_benchmark_statistical_median_of_even_count():
    # Runs of alternating length: 1 ms, 3 ms, 1 ms, 3 ms -> median is the mean of 1 and 3.
    delays = iter([0.001, 0.003, 0.001, 0.003])
    mean, median, lo, hi = pt.benchmark_statistical(
        "even", lambda: time.sleep(next(delays)), runs=4, iterations_per_run=1
    )
    assert lo < median < hi
    assert median == pytest.approx((lo + hi) / 2, rel=0.6)
    assert median > 0.0015


def test_benchmark_statistical_single_run_is_all_equal():
    mean, median, lo, hi = pt.benchmark_statistical("one", lambda: None, runs=1, iterations_per_run=3)
    assert mean == median == lo == hi


def test_exception_propagates_unchanged_and_stops_loop(calls):
    class Custom(Exception):
        pass

    def func():
        calls.append(1)
        if len(calls) == 3:
            raise Custom("third call")

    for run in (
        lambda: pt.benchmark("e", func, iterations=10),
        lambda: pt.benchmark_with_warmup("e", func, warmup=1, iterations=10),
        lambda: pt.benchmark_statistical("e", func, runs=5, iterations_per_run=2),
    ):
        calls.clear()
        with pytest.raises(Custom, match="third call") as info:
            run()
        assert len(calls) == 3
        assert info.traceback[-1].name == "func"


def test_ctrl_c_stops_a_long_builtin_loop():
    """A C callable never runs the interpreter's signal check; our loop must."""
    assert seconds_until_interrupted("pt.benchmark('spin', int, iterations=10**15)") < 30


# --- compare_seq_vs_parallel ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        [1.0, 2.0, 3.0] * 1000,
        list(range(3000)),
        tuple(float(i) for i in range(100)),
        array.array("d", range(5000)),
        array.array("i", range(5000)),
        range(1, 1000),
        (x / 2 for x in range(100)),
    ],
    ids=["list", "ints", "tuple", "array-d", "array-i", "range", "generator"],
)
def test_compare_accepts_sequences_of_numbers(data):
    seq, par = pt.compare_seq_vs_parallel(data, iterations=3)
    assert (seq.name, par.name) == ("Sequential", "Parallel")
    assert seq.iterations == par.iterations == 3
    assert seq.duration_secs > 0 and par.duration_secs > 0


def test_compare_accepts_numpy_arrays_contiguous_and_strided():
    np = pytest.importorskip("numpy")
    seq, par = pt.compare_seq_vs_parallel(np.arange(10_000, dtype=np.float64), iterations=2)
    assert seq.iterations == 2
    # A strided view is not contiguous: it is copied, and still works.
    seq, _ = pt.compare_seq_vs_parallel(np.arange(10_000, dtype=np.float64)[::2], iterations=1)
    assert seq.iterations == 1


def test_compare_borrowed_buffer_is_released_afterwards():
    data = array.array("d", [1.0] * 10)
    pt.compare_seq_vs_parallel(data, iterations=1)
    data.append(2.0)  # would raise BufferError if the export had leaked
    assert len(data) == 11


def test_compare_borrowed_buffer_cannot_be_resized_while_timing():
    """The float64 buffer is read in place with the GIL released: while the Rust side reads it,
    Python cannot resize it (no use-after-free), it gets BufferError instead."""
    import threading

    data = array.array("d", [1.0] * 1_000_000)
    worker = threading.Thread(target=pt.compare_seq_vs_parallel, args=(data, 300))
    refused = 0
    worker.start()
    while worker.is_alive():
        try:
            data.append(0.0)
            data.pop()
        except BufferError:
            refused += 1
    worker.join()
    assert refused > 0
    assert len(data) == 1_000_000


def test_compare_work_scales_with_data():
    small = pt.compare_seq_vs_parallel([1.0] * 1_000, iterations=20)[0]
    big = pt.compare_seq_vs_parallel([1.0] * 1_000_000, iterations=20)[0]
    assert big.duration_secs > small.duration_secs


# --- Profiler ------------------------------------------------------------------------------


def test_profiler_results_in_insertion_order():
    p = pt.Profiler()
    p.measure("b", 1.0)
    p.measure("a", 2)
    p.measure("b", 0.5)
    assert p.results() == [("b", 1.0), ("a", 2.0), ("b", 0.5)]
    assert len(p) == 3
    assert p.total() == 3.5


def test_profiler_summary_format():
    p = pt.Profiler()
    p.measure("load", 0.5)
    p.measure("process", 1.2)
    p.measure("save", 0.3)
    lines = p.summary().splitlines()
    assert "2.000s" in lines[0]
    assert lines[1:] == ["  load: 0.500s (25.0%)", "  process: 1.200s (60.0%)", "  save: 0.300s (15.0%)"]


def test_profiler_repeated_name_is_one_line():
    p = pt.Profiler()
    p.measure("step", 1.0)
    p.measure("other", 2.0)
    p.measure("step", 1.0)
    text = p.summary()
    assert text.count("step:") == 1
    assert "step: 2.000s (50.0%) [2 measurements]" in text


def test_empty_profiler_says_so():
    assert "no measurements" in pt.Profiler().summary()


def test_profiler_tiny_durations_stay_readable():
    p = pt.Profiler()
    p.measure("tiny", 0.0000125)
    p.measure("tinier", 0.000000427)
    p.measure("load", 0.5)
    text = p.summary()
    assert "tiny: 12.5 µs (" in text and "tinier: 427 ns (" in text
    assert "load: 0.500s (" in text             # the seed's style from a millisecond on
    assert "0.0000" not in text


# --- memory throughput ---------------------------------------------------------------------


def test_memory_throughput_is_a_plausible_rate():
    gbps = pt.measure_memory_throughput(size=1_000_000, iterations=3)
    assert 0.05 < gbps < 10_000


def test_memory_throughput_single_pass():
    assert pt.measure_memory_throughput(size=1, iterations=1) > 0
