"""Timing, benchmarking and profiling with a Rust core.

The functions and classes are implemented in Rust (``performance_timing._native``):

* ``Timer`` / ``TimerResult`` — a named stopwatch and its frozen result;
* ``benchmark``, ``benchmark_with_warmup``, ``benchmark_statistical`` — time a callable;
* ``compare_seq_vs_parallel`` — the same work on one thread and on all cores;
* ``compare_scaling`` / ``ParallelComparison`` / ``scaling_sweep`` — speedup with a confidence
  interval, efficiency, and a sweep over data sizes and thread counts;
* ``measure_memory_throughput`` — memory bandwidth of one kernel in decimal GB/s;
* ``stream`` — the five STREAM kernels (read, copy, scale, add, triad); ``CacheWarning`` when a
  buffer fits in the last-level cache;
* ``Profiler`` — a manual breakdown of named durations;
* ``snapshot``, ``reset``, ``set_enabled``, ``is_enabled``, ``timed`` — the global profile
  recorded by ``#[timed]`` Rust functions and by Python code marked with ``timed``.
"""

from ._native import (
    CacheWarning,
    ParallelComparison,
    Profiler,
    Record,
    Snapshot,
    Timer,
    TimerResult,
    __version__,
    benchmark,
    benchmark_statistical,
    benchmark_with_warmup,
    compare_scaling,
    compare_seq_vs_parallel,
    is_enabled,
    measure_memory_throughput,
    reset,
    set_enabled,
    snapshot,
    scaling_sweep,
    stream,
)
from ._timed import timed

__all__ = [
    "CacheWarning",
    "ParallelComparison",
    "Profiler",
    "Record",
    "Snapshot",
    "Timer",
    "TimerResult",
    "__version__",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare_scaling",
    "compare_seq_vs_parallel",
    "is_enabled",
    "measure_memory_throughput",
    "reset",
    "set_enabled",
    "snapshot",
    "timed",
    "scaling_sweep",
    "stream",
]
