"""The seed's "Measure Scaling" scenario, then a trustworthy scaling sweep.

Part 1 is the seed's loop verbatim: ``benchmark`` of a workload at growing data sizes.
Part 2 asks the question a performance engineer means by "scaling": for each data size and
thread count, the median speedup of the parallel sum of squares over the sequential one (with
a 95 % confidence interval from repeated runs), the efficiency (speedup / threads) and the
bandwidth each reaches. Small sizes show the fixed cost of waking threads; sizes beyond the
last-level cache show the memory bus as the limit.

Run: ``.venv/bin/python examples/scaling.py`` (``--quick`` for a fast smoke run).
"""

from __future__ import annotations

import sys

import numpy as np

import performance_timing as pt
from performance_timing import benchmark


def generate_data(size: int) -> np.ndarray:
    return np.arange(size, dtype=np.float64) % 8


def process(data: np.ndarray) -> float:
    return float(np.dot(data, data))


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    sizes = [1_000, 10_000, 100_000, 1_000_000]

    print("Measure Scaling (the seed's loop)")
    for size in sizes:
        data = generate_data(size)
        result = benchmark(f"size_{size}", lambda: process(data), iterations=5)
        print(f"Size {size}: {result.per_iteration():.6f}s")

    print("\nScaling sweep: sum of squares, sequential vs parallel (median of runs, 95% CI)")
    sweep_sizes = sizes[:3] if quick else [*sizes, 10_000_000, 50_000_000]
    rows = pt.scaling_sweep(sweep_sizes, iterations=2 if quick else 5, runs=3 if quick else 15)
    print(
        f"{'size':>11} {'threads':>7} {'speedup':>8} {'95% CI':>17} {'efficiency':>10} "
        f"{'seq GB/s':>9} {'par GB/s':>9}"
    )
    for r in rows:
        low, high = r.speedup_ci
        ci = f"[{low:.2f}, {high:.2f}]"
        print(
            f"{r.size:>11,} {r.threads:>7} {r.speedup:>8.2f} {ci:>17} {r.efficiency:>10.0%} "
            f"{r.sequential_gbps:>9.1f} {r.parallel_gbps:>9.1f}"
            + ("" if r.confidence >= 0.95 else f"  (CI covers only {r.confidence:.0%})")
        )


if __name__ == "__main__":
    main()
