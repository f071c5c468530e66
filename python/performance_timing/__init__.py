"""Timing, benchmarking and profiling with a Rust core.

The functions and classes are implemented in Rust (``performance_timing._native``):

* ``Timer`` / ``TimerResult`` — a named stopwatch and its frozen result;
* ``benchmark``, ``benchmark_with_warmup``, ``benchmark_statistical`` — time a callable;
* ``compare_seq_vs_parallel`` — the same work on one thread and on all cores;
* ``measure_memory_throughput`` — memory read bandwidth in decimal GB/s;
* ``Profiler`` — a manual breakdown of named durations;
* ``bench`` → ``Stats`` — a calibrated benchmark with full statistics, saved with
  ``Stats.to_json()`` and loaded with ``Stats.from_json()``;
* ``compare`` → ``Comparison`` — ratio of medians, interval, p-value and a verdict
  (also ``python -m performance_timing compare old.json new.json``).
"""

from ._native import (
    Calibration,
    Comparison,
    Outliers,
    Profiler,
    Stats,
    Timer,
    TimerResult,
    __version__,
    bench,
    benchmark,
    benchmark_statistical,
    benchmark_with_warmup,
    compare,
    compare_seq_vs_parallel,
    measure_memory_throughput,
)

__all__ = [
    "Calibration",
    "Comparison",
    "Outliers",
    "Profiler",
    "Stats",
    "Timer",
    "TimerResult",
    "__version__",
    "bench",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare",
    "compare_seq_vs_parallel",
    "measure_memory_throughput",
]
