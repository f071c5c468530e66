"""Timing, benchmarking and profiling with a Rust core.

The functions and classes are implemented in Rust (``performance_timing._native``):

* ``Timer`` / ``TimerResult`` — a named stopwatch and its frozen result;
* ``benchmark``, ``benchmark_with_warmup``, ``benchmark_statistical`` — time a callable;
* ``compare_seq_vs_parallel`` — the same work on one thread and on all cores;
* ``measure_memory_throughput`` — memory read bandwidth in decimal GB/s;
* ``Profiler`` — a manual breakdown of named durations.
"""

from ._native import (
    Profiler,
    Timer,
    TimerResult,
    __version__,
    benchmark,
    benchmark_statistical,
    benchmark_with_warmup,
    compare_seq_vs_parallel,
    measure_memory_throughput,
)

__all__ = [
    "Profiler",
    "Timer",
    "TimerResult",
    "__version__",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare_seq_vs_parallel",
    "measure_memory_throughput",
]
