"""Cost of recording Python code with ``timed``, beside the code it wraps, in one run.

Run: .venv/bin/python benchmarks/bench_timed_python.py
"""

from __future__ import annotations

import time
import timeit

import performance_timing as pt

N = 200_000


def best_ns(stmt: str, namespace: dict) -> float:
    return min(timeit.repeat(stmt, number=N, repeat=7, globals=namespace)) / N * 1e9


def main() -> None:
    def f():
        pass

    namespace = {"f": f, "g": pt.timed(f), "stage": pt.timed("stage"), "pc": time.perf_counter}
    rows = [
        ("plain call `f()`", best_ns("f()", namespace)),
        ("`@timed` call `g()`", best_ns("g()", namespace)),
        ("empty `with timed('stage')` block", best_ns("with stage: pass", namespace)),
        ("two `perf_counter()` calls", best_ns("pc(); pc()", namespace)),
    ]
    print("| what | ns per call (best of 7 × 200 000) |")
    print("| --- | ---: |")
    for label, ns in rows:
        print(f"| {label} | {ns:.0f} |")


if __name__ == "__main__":
    main()
