"""The seed's "Find Optimal Chunk Size" scenario, runnable.

``process_chunked`` sums the squares of the data one chunk at a time (NumPy does each chunk).
Small chunks pay the per-chunk overhead (a Python loop iteration and a NumPy call) many times;
large chunks amortise it until the chunk stops fitting in cache. The ops/sec figures are
measured, not modelled; the best chunk size depends on the machine.

Run: ``.venv/bin/python examples/chunk_size.py`` (``--quick`` for a fast smoke run).
"""

from __future__ import annotations

import sys

import numpy as np

from performance_timing import benchmark


def process_chunked(data: np.ndarray, chunk_size: int) -> float:
    total = 0.0
    for start in range(0, len(data), chunk_size):
        chunk = data[start : start + chunk_size]
        total += float(np.dot(chunk, chunk))
    return total


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    data = np.arange(100_000 if quick else 1_000_000, dtype=np.float64) % 8
    expected = float(np.dot(data, data))

    chunk_sizes = [100, 500, 1000, 5000] if quick else [100, 500, 1000, 5000, 50_000, 500_000]
    best = None
    for chunk_size in chunk_sizes:
        assert process_chunked(data, chunk_size) == expected
        result = benchmark(
            f"chunk_{chunk_size}",
            lambda: process_chunked(data, chunk_size),
            iterations=10,
        )
        print(f"Chunk {chunk_size}: {result.ops_per_second():.2f} ops/sec")
        if best is None or result.ops_per_second() > best[1]:
            best = (chunk_size, result.ops_per_second())
    assert best is not None
    print(f"Fastest here: chunk {best[0]} ({best[1]:.2f} ops/sec over {len(data):,} elements)")


if __name__ == "__main__":
    main()
