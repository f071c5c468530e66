"""Side-by-side benchmark of the harness against timeit, in one process.

Run from the repository root after ``bash scripts/setup.sh`` (a release build):

    .venv/bin/python benchmarks/bench_harness.py

Prints a Markdown table. Every figure is measured in this run; each pair is measured in
alternating rounds (ours, theirs, ours, ...) so that drift of the machine affects both alike,
and the ratio is of the medians over the rounds. (The cost of `Timer` and `timed` themselves:
benchmarks/bench_python_face.py.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import timeit
from collections.abc import Callable

import performance_timing
from performance_timing import bench


def noop() -> None:
    pass


def summing(n: int) -> Callable[[], int]:
    rng = range(n)

    def f() -> int:
        return sum(rng)

    f.__name__ = f"sum(range({n}))"
    return f


def size_for(target: float) -> Callable[[], int]:
    """A ``sum(range(n))`` function taking about ``target`` seconds per call."""
    n = 1
    while True:
        f = summing(n)
        timer = timeit.Timer(f)
        number, _ = timer.autorange()
        per_call = min(timer.repeat(repeat=3, number=number)) / number
        if per_call >= target or n > 10**8:
            return f
        n = max(n + 1, int(n * min(10.0, max(1.1, target / per_call))))


def timeit_per_loop(stmt, number: int, repeat: int, best: bool, setup: str = "pass", globals_=None) -> float:
    times = timeit.Timer(stmt, setup=setup, globals=globals_).repeat(repeat=repeat, number=number)
    per_loop = [t / number for t in times]
    return min(per_loop) if best else statistics.median(per_loop)


def rounds(ours: Callable[[], float], theirs: Callable[[], float], n: int) -> tuple[float, float]:
    a, b = [], []
    for _ in range(n):
        a.append(ours())
        b.append(theirs())
    return statistics.median(a), statistics.median(b)


def fmt(secs: float) -> str:
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if secs >= scale:
            return f"{secs / scale:.3g} {unit}"
    return f"{secs / 1e-9:.3g} ns"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per pair (default 5)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows: list[tuple[str, str, str, float, str, bool]] = []
    opts = dict(min_time=0.01, max_time=3.0, samples=20, warmup=0.05, progress=False)

    # 1. Per-iteration harness cost for a no-op callable: our median vs timeit's median per loop.
    probe = bench(noop, **opts)
    number = probe.iterations_per_sample
    ours, theirs = rounds(
        lambda: bench(noop, **opts).median,
        lambda: timeit_per_loop(noop, number, 20, best=False),
        args.rounds,
    )
    ratio = ours / theirs
    rows.append(("per-iteration cost of a no-op callable: `bench` median vs `timeit` median per loop",
                 fmt(ours), fmt(theirs), ratio, "≤ 1.05×", ratio <= 1.05))
    rows.append(("(reported `Stats.calibration.overhead`, for reference)", fmt(probe.calibration.overhead),
                 "", float("nan"), "", True))

    # 2. Our median vs timeit's best of repeat, for ~100 ns, ~10 µs and ~1 ms functions.
    for target in (100e-9, 10e-6, 1e-3):
        f = size_for(target)
        number, _ = timeit.Timer(f).autorange()
        ours, theirs = rounds(
            lambda: bench(f, **opts).median,
            lambda: timeit_per_loop(f, number, 5, best=True),
            args.rounds,
        )
        ratio = ours / theirs
        rows.append((f"`{f.__name__}` (~{fmt(target)}): `bench` median vs `timeit` best of 5",
                     fmt(ours), fmt(theirs), ratio, "within 3 %", abs(ratio - 1) <= 0.03))

    print(f"performance_timing {performance_timing.__version__}, Python {sys.version.split()[0]}, "
          f"{args.rounds} alternating rounds, load average before/after "
          f"{load_before:.2f}/{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| measurement | ours | reference | ratio | target | met |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for what, a, b, r, target, met in rows:
        ratio_text = "" if r != r else f"{r:.3f}"
        met_text = "" if not target or target.startswith("(") else ("yes" if met else "**no**")
        print(f"| {what} | {a} | {b} | {ratio_text} | {target} | {met_text} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
