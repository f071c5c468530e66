"""Call instrumented Rust workloads from Python and see where the time went.

The sequential and parallel sum-of-squares kernels behind ``compare_seq_vs_parallel`` and the
memory-read kernel behind ``measure_memory_throughput`` are ``#[timed]`` in Rust; Python code
marked with ``timed`` lands in the same profile, with self time exclusive across the boundary.

Run: ``.venv/bin/python examples/profile_from_python.py`` (after ``bash scripts/setup.sh``).
"""

from __future__ import annotations

import array

import performance_timing as pt
from performance_timing import timed


@timed
def prepare(n: int) -> array.array:
    return array.array("d", (float(i % 1000) for i in range(n)))


@timed("experiment")
def experiment() -> None:
    data = prepare(1_000_000)
    with timed("compare"):
        pt.compare_seq_vs_parallel(data, iterations=20)
    with timed("bandwidth"):
        pt.measure_memory_throughput(size=4_000_000, iterations=5)


def main() -> None:
    pt.reset()
    experiment()
    snap = pt.snapshot()
    print(snap.summary())
    top = next(iter(snap))
    print(f"\nmost self time: {top.name} ({top.self_secs * 1e3:.2f} ms in {top.calls} calls, p99 {top.percentile(99) * 1e6:.1f} µs)")
    outer = snap["experiment"]
    print(f"experiment: total {outer.total_secs * 1e3:.2f} ms, of which its own Python code {outer.self_secs * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
