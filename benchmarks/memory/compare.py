"""Memory bandwidth, side by side in one run: performance_timing vs a C reference vs NumPy.

Compiles ``reference.c`` (our own five loops, ``gcc -O3 -march=native -fopenmp``), then for
each thread count alternates rounds of: ``performance_timing.stream()``, the C reference and
NumPy, all with the same array size and the same passes per kernel (best of N after a
discarded first, STREAM byte counting, decimal GB/s). Each cell is the best over the rounds, so
a burst of noise from other processes on the machine hits every implementation alike. Also
checks that the sequential sum-of-squares kernel of ``compare_seq_vs_parallel`` keeps up with
the single-thread read kernel out of cache.

Usage: python benchmarks/memory/compare.py [--size N] [--threads T ...] [--rounds R]
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import numpy as np

import performance_timing as pt

HERE = pathlib.Path(__file__).resolve().parent
KERNELS = ["read", "copy", "scale", "add", "triad"]
BYTES = {"read": 8, "copy": 16, "scale": 16, "add": 24, "triad": 24}
Q = 3.0


def compile_reference(build: pathlib.Path) -> pathlib.Path:
    exe = build / "reference"
    cmd = ["gcc", "-O3", "-march=native", "-fopenmp", str(HERE / "reference.c"), "-o", str(exe)]
    subprocess.run(cmd, check=True)
    return exe


def run_reference(exe: pathlib.Path, size: int, threads: int, iterations: int) -> dict[str, float]:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="false")
    out = subprocess.run(
        [str(exe), str(size), str(threads), str(iterations)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    rows = dict(line.split() for line in out.splitlines())
    if rows.pop("valid") != "1":
        raise RuntimeError("the C reference failed its validation")
    return {k: float(v) for k, v in rows.items()}


def best_seconds(func, iterations: int) -> float:
    """Best of ``iterations`` calls after a discarded first (when there are several)."""
    best = float("inf")
    for i in range(iterations):
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        if i > 0 or iterations == 1:
            best = min(best, elapsed)
    return best


def run_numpy(size: int, iterations: int) -> dict[str, float]:
    """NumPy's single-threaded equivalents (``a.sum()``, ``np.copyto``, ufuncs with ``out=``).

    Triad has no one-pass NumPy form (``b + q*c`` makes a temporary), so it is left out.
    """
    # NumPy madvises large arrays for transparent huge pages; ours and the C reference use plain
    # malloc'd pages. On a host with THP in "madvise" mode that favours NumPy.
    a = np.full(size, 1.0)
    b = np.full(size, 2.0)
    c = np.zeros(size)
    sink = []
    loops = {
        "read": lambda: sink.append(a.sum()),
        "copy": lambda: np.copyto(c, a),
        "scale": lambda: np.multiply(c, Q, out=b),
        "add": lambda: np.add(a, b, out=c),
    }
    rates = {k: BYTES[k] * size / best_seconds(f, iterations) / 1e9 for k, f in loops.items()}
    assert sink[-1] == size and (c == 4.0).all()
    return rates


def sequential_kernel_check(size: int, iterations: int, rounds: int) -> tuple[float, float]:
    """Best single-thread read GB/s and best sequential sum-of-squares GB/s (both 8 B/element).

    Both run over buffers allocated the same way (by Rust, without huge pages): NumPy arrays get
    transparent huge pages (``madvise``), which alone changes bandwidth by tens of percent.
    """
    read = seq = 0.0
    for _ in range(rounds):
        read = max(
            read, pt.measure_memory_throughput(size, iterations, kernel="read", threads=1)
        )
        row = pt.scaling_sweep([size], threads=[1], iterations=1, runs=iterations)[0]
        seq = max(seq, row.sequential_gbps)
    return read, seq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=None, help="elements per array (default 4 × LLC)")
    parser.add_argument("--threads", type=int, nargs="*", default=None, help="default: 1 and all cores")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()

    probe = pt.stream(size=args.size, iterations=1)
    size, cache = probe["size"], probe["cache_bytes"]
    all_threads = probe["threads"]
    thread_counts = args.threads or sorted({1, all_threads})
    build = pathlib.Path(tempfile.mkdtemp(prefix="pt-memory-"))
    try:
        exe = compile_reference(build)
        print(
            f"size {size:,} float64 per array ({size * 8 / 2**20:.0f} MiB), last-level cache "
            f"{cache / 2**20:.0f} MiB, best of {args.rounds} rounds × {args.iterations} passes, "
            "decimal GB/s; load average at start "
            + ", ".join(f"{x:.2f}" for x in os.getloadavg())
            + f" on {os.cpu_count()} CPUs\n"
        )
        numpy_rates: dict[str, float] = {}
        for threads in thread_counts:
            ours = dict.fromkeys(KERNELS, 0.0)
            ref = dict.fromkeys(KERNELS, 0.0)
            for round_ in range(args.rounds):
                # Alternate which goes first, so neither always follows the other.
                for which in (("ours", "ref") if round_ % 2 == 0 else ("ref", "ours")):
                    if which == "ours":
                        got = pt.stream(size=size, iterations=args.iterations, threads=threads)
                        ours = {k: max(ours[k], got[k]) for k in KERNELS}
                    else:
                        got = run_reference(exe, size, threads, args.iterations)
                        ref = {k: max(ref[k], got[k]) for k in KERNELS}
                if threads == 1:
                    got = run_numpy(size, args.iterations)
                    numpy_rates = {k: max(numpy_rates.get(k, 0.0), v) for k, v in got.items()}
            print(f"**{threads} thread{'s' if threads > 1 else ''}**\n")
            print("| kernel | B/elt | performance_timing | C reference | ours / C | NumPy (1 thread) |")
            print("| --- | ---: | ---: | ---: | ---: | ---: |")
            for k in KERNELS:
                np_cell = f"{numpy_rates[k]:.1f}" if k in numpy_rates else "—"
                print(
                    f"| {k} | {BYTES[k]} | {ours[k]:.1f} | {ref[k]:.1f} | "
                    f"{ours[k] / ref[k]:.0%} | {np_cell} |"
                )
            print()
        read, seq = sequential_kernel_check(size, args.iterations, args.rounds)
        print("**Sequential kernel of compare_seq_vs_parallel (sum of squares), 1 thread**\n")
        print("| read kernel GB/s | sequential sum of squares GB/s | ratio |")
        print("| ---: | ---: | ---: |")
        print(f"| {read:.1f} | {seq:.1f} | {seq / read:.0%} |")
        print("\nload average at end " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(build, ignore_errors=True)


if __name__ == "__main__":
    main()
