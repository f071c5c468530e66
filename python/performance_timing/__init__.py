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
* ``Profiler`` — a manual breakdown of named durations.
"""

from ._native import (
    CacheWarning,
    ParallelComparison,
    Profiler,
    Timer,
    TimerResult,
    __version__,
    benchmark,
    benchmark_statistical,
    benchmark_with_warmup,
    compare_scaling,
    compare_seq_vs_parallel,
    measure_memory_throughput,
    scaling_sweep,
    stream,
)

__all__ = [
    "CacheWarning",
    "ParallelComparison",
    "Profiler",
    "Timer",
    "TimerResult",
    "__version__",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare_scaling",
    "compare_seq_vs_parallel",
    "measure_memory_throughput",
    "scaling_sweep",
    "stream",
]
