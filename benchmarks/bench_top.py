"""``top``'s cost: one frame over 100 processes × 1 000 functions (target: ≤ 50 ms), and what
the watched processes pay while ``top`` reads every 100 ms (target: nothing).

1. Frame: 100 worker processes each record 1 000 distinct functions (``timed`` sites
   ``f0``…``f999``, 1 to 8 calls each) in multi-process mode and exit, leaving 100 real
   ``.ptprof`` files. Timed: the first ``_TopWatch.read()`` of a watch (every file read,
   differenced, merged: what every frame costs while the processes are alive), the later reads
   (exited processes' final files are not read again), the text of the whole table (1 000
   rows) and the ``rich`` render of one screen (40 rows) when rich is installed.
2. Watched: one process calls a ``timed`` function in rounds of 0.3 s, alternately without
   and with ``top --json --interval 0.1`` reading its directory from another process; the
   same-run ratio of the median cost per call.

Run: ``.venv/bin/python benchmarks/bench_top.py`` (after ``bash scripts/setup.sh``).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from performance_timing._native import _TopWatch

PROCESSES = 100
FUNCTIONS = 1000
WORKER = """
import performance_timing as pt
for i in range({functions}):
    f = pt.timed(lambda: None, name=f"f{{i}}")
    for _ in range(1 + i % 8):
        f()
"""

LOOP = """
import sys, time
import performance_timing as pt
f = pt.timed(lambda: None, name="hot")
rounds = int(sys.argv[1])
for _ in range(rounds):
    line = sys.stdin.readline()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.3:
        for _ in range(1000):
            f()
        n += 1000
    print((time.perf_counter() - start) / n * 1e9, flush=True)
"""


def frame_cost(dir: str) -> None:
    env = dict(os.environ, PERFORMANCE_TIMING_DIR=dir)
    code = WORKER.format(functions=FUNCTIONS)
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: subprocess.run([sys.executable, "-c", code], env=env, check=True),
                      range(PROCESSES)))
    print(f"wrote {PROCESSES} process files of {FUNCTIONS} functions in "
          f"{time.perf_counter() - start:.1f} s")
    # Every file read: the first read of a new watch (what a frame costs while all 100
    # processes are alive and recording, since then every file is read at every frame).
    cold = []
    for _ in range(7):
        watch = _TopWatch([dir])
        t0 = time.perf_counter()
        first = watch.read()
        cold.append(time.perf_counter() - t0)
    assert first.exited == PROCESSES, (first.live, first.exited, first.problems)
    import performance_timing as pt
    loads = []
    for _ in range(7):
        t0 = time.perf_counter()
        pt.load_dir(dir)
        loads.append(time.perf_counter() - t0)
    try:
        from rich.console import Console

        from performance_timing.cli._top_live import render
        from performance_timing.cli.top import _State
        console: Console | None = Console(file=io.StringIO(), width=140, height=46,
                                          force_terminal=True)
    except ImportError:
        console = None
    reads, texts, draws = [], [], []
    for _ in range(20):
        t0 = time.perf_counter()
        frame = watch.read()
        t1 = time.perf_counter()
        text = frame.text(width=140)
        t2 = time.perf_counter()
        reads.append(t1 - t0)
        texts.append(t2 - t1)
        if console is not None:
            console.print(render(frame, _State(), 140, 46))
            draws.append(time.perf_counter() - t2)
    assert text.count("\n") >= FUNCTIONS, "every function is in the table"
    calls = sum(1 + i % 8 for i in range(FUNCTIONS)) * PROCESSES
    merged = sum(f["cumulative_calls"] for f in json.loads(frame.to_json())["functions"])
    assert merged == calls, (merged, calls)
    ms = lambda xs: statistics.median(xs) * 1e3  # noqa: E731
    print(f"| step ({PROCESSES} processes × {FUNCTIONS} functions, medians) | ms |")
    print("|---|---:|")
    print(f"| read every file + difference + merge (`_TopWatch.read`, live processes) | {ms(cold):.1f} |")
    print(f"| for comparison: `pt.load_dir` of the same directory (read + merge) | {ms(loads):.1f} |")
    print(f"| the same once the processes exited (final files not read again) | {ms(reads):.1f} |")
    print(f"| text of the whole table ({FUNCTIONS} rows, `--once`) | {ms(texts):.1f} |")
    if draws:
        print(f"| rich render of one screen (40 rows, the interactive view) | {ms(draws):.1f} |")
    total = ms(cold) + (ms(draws) if draws else ms(texts))
    print(f"| **one frame of live processes: read, merge, render one screen** | **{total:.1f}** (target ≤ 50) |")


def watched_cost(dir: str) -> None:
    rounds = 16
    env = dict(os.environ, PERFORMANCE_TIMING_DIR=dir)
    loop = subprocess.Popen([sys.executable, "-c", LOOP, str(rounds)], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert loop.stdin is not None and loop.stdout is not None
    off, on = [], []
    top = None
    try:
        for r in range(rounds):
            watching = r % 2 == 1
            if watching:
                top = subprocess.Popen([sys.executable, "-m", "performance_timing", "top", dir,
                                        "--json", "--interval", "0.1"],
                                       stdout=subprocess.DEVNULL)
                time.sleep(0.5)
            loop.stdin.write("go\n")
            loop.stdin.flush()
            ns = float(loop.stdout.readline())
            (on if watching else off).append(ns)
            if top is not None:
                top.kill()
                top.wait()
                top = None
    finally:
        if top is not None:
            top.kill()
        loop.kill()
    a, b = statistics.median(off), statistics.median(on)
    print(f"| `timed` call, not watched | {a:.0f} ns |")
    print(f"| `timed` call, `top` reading every 100 ms | {b:.0f} ns |")
    print(f"| ratio watched / not watched (same run, medians of {rounds // 2} rounds each) | {b / a:.2f} |")


def main() -> None:
    with tempfile.TemporaryDirectory() as dir:
        frame_cost(dir)
    with tempfile.TemporaryDirectory() as dir:
        watched_cost(dir)


if __name__ == "__main__":
    main()
