"""Timing, benchmarking and profiling with a Rust core.

The functions and classes are implemented in Rust (``performance_timing._native``):

* ``Timer`` / ``TimerResult`` — a named stopwatch and its frozen result;
* ``benchmark``, ``benchmark_with_warmup``, ``benchmark_statistical`` — time a callable;
* ``bench`` → ``Stats`` — a calibrated benchmark with full statistics, saved with
  ``Stats.to_json()`` and loaded with ``Stats.from_json()``;
* ``bench_pair`` → ``Comparison`` — a baseline and a candidate measured interleaved, pair by
  pair, with a verdict that holds on a noisy machine;
* ``compare`` → ``Comparison`` — two saved results compared relative to the reference
  workload each run carries: ratio, interval, p-value and a verdict
  (also ``python -m performance_timing compare old.json new.json``);
* ``compare_seq_vs_parallel`` — the same work on one thread and on all cores;
* ``compare_scaling`` / ``ParallelComparison`` / ``scaling_sweep`` — speedup with a confidence
  interval, efficiency, and a sweep over data sizes and thread counts;
* ``measure_memory_throughput`` — memory bandwidth of one kernel in decimal GB/s;
* ``stream`` — the five STREAM kernels (read, copy, scale, add, triad); ``CacheWarning`` when a
  buffer fits in the last-level cache;
* ``Profiler`` — a manual breakdown of named durations;
* ``snapshot``, ``reset``, ``set_enabled``, ``is_enabled``, ``timed`` — the global profile
  recorded by ``#[timed]`` Rust functions and by Python code marked with ``timed``;
  ``Snapshot.from_json`` / ``Snapshot.merge`` read back and add profiles exactly;
* ``dump``, ``load_dir`` — many processes: with ``PERFORMANCE_TIMING_DIR`` set, every process
  keeps its profile in that directory and ``load_dir`` merges them into one ``Snapshot``.
* ``Snapshot.to_prometheus``, ``serve_metrics`` / ``MetricsServer``, ``push``,
  ``PrometheusCollector`` — the profile for Prometheus (text format, a ``/metrics`` endpoint,
  the Pushgateway, a ``prometheus_client`` registry).
* ``trace`` → ``Trace`` — a timeline of those spans per thread: Chrome trace JSON (Perfetto),
  folded stacks and a flame graph;
* ``Snapshot.diff(base, new)`` and ``flamegraph_diff`` — what changed per function between two
  profiles, as a table and a differential flame graph (also ``python -m performance_timing diff``);
* ``report`` — a self-contained HTML report of ``Stats`` and ``Comparison`` results with plots
  (also ``python -m performance_timing report old.json new.json -o report.html``).
"""

from ._native import (
    CacheWarning,
    Calibration,
    Comparison,
    MetricsServer,
    Outliers,
    ParallelComparison,
    Profiler,
    Record,
    Snapshot,
    SnapshotDiff,
    Stats,
    Timer,
    TimerResult,
    Trace,
    __version__,
    bench,
    bench_pair,
    benchmark,
    benchmark_statistical,
    benchmark_with_warmup,
    compare,
    compare_scaling,
    compare_seq_vs_parallel,
    dump,
    flamegraph_diff,
    is_enabled,
    load_dir,
    measure_memory_throughput,
    push,
    report,
    reset,
    scaling_sweep,
    serve_metrics,
    set_enabled,
    snapshot,
    stream,
    timed,
    trace,
)
from ._prometheus import PrometheusCollector

__all__ = [
    "CacheWarning",
    "Calibration",
    "Comparison",
    "MetricsServer",
    "Outliers",
    "ParallelComparison",
    "PrometheusCollector",
    "Profiler",
    "Record",
    "Snapshot",
    "SnapshotDiff",
    "Stats",
    "Timer",
    "TimerResult",
    "Trace",
    "__version__",
    "bench",
    "bench_pair",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare",
    "compare_scaling",
    "compare_seq_vs_parallel",
    "dump",
    "flamegraph_diff",
    "is_enabled",
    "load_dir",
    "measure_memory_throughput",
    "push",
    "report",
    "reset",
    "scaling_sweep",
    "serve_metrics",
    "set_enabled",
    "snapshot",
    "stream",
    "timed",
    "trace",
]
