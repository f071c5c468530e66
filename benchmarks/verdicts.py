"""Measured error rates of the verdicts: how often they are wrong, and how often they see a change.

For each background load (off, and on: a subprocess this script starts and stops that keeps
one core busy part of the time) and each function size (~20 µs and ~1 µs per call):

* A/A trials: two distinct function objects with the same code;
* A/B trials: the candidate's loop is made longer by 3 %, 5 % and 10 % of the baseline's time
  per call (the elements added are fitted once, before the trials);

each measured by

* ``bench_pair(a, b, max_time=2)`` (paired, interleaved);
* ``bench(a)`` then ``bench(b)`` (defaults) and ``compare(a, b)``;
* the CI gate on the same two results saved as files:
  ``python -m performance_timing compare a.json b.json --fail-on-regression 5%`` (run in-process
  through ``performance_timing.cli.main``: the same code as the command).

It prints, per mode, load and size, the false-verdict rate (A/A trials whose verdict is not
"no change", or whose gate exits 1) with its 95 % Wilson interval, the detection rate of each
difference, how often the ratio's interval covers the true ratio (measured independently with a
plain ``perf_counter`` loop), and the median time a trial spent.

Usage::

    .venv/bin/python benchmarks/verdicts.py            # the full run (about 25 min)
    .venv/bin/python benchmarks/verdicts.py --quick    # a smoke run (seconds)
    .venv/bin/python benchmarks/verdicts.py --json trials.json   # also save every trial
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import performance_timing as pt
from performance_timing.cli import main as cli_main

DIFFERENCES = (0.03, 0.05, 0.10)
SIZES = {"20us": 20e-6, "1us": 1e-6}
GATE = "5%"

# The background load: busy for 50–300 ms, idle for 50–300 ms, on one core, until killed.
LOAD_SOURCE = """
import random, time
rng = random.Random(1)
while True:
    end = time.perf_counter() + rng.uniform(0.05, 0.3)
    while time.perf_counter() < end:
        pass
    time.sleep(rng.uniform(0.05, 0.3))
"""


@contextlib.contextmanager
def background_load(on: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """Starts the load subprocess when ``on`` and always stops it at the end."""
    if not on:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", LOAD_SOURCE])
    try:
        time.sleep(0.2)
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def make(n: int) -> Callable[[], int]:
    """A new function object that sums ``range(n)``: the work is proportional to ``n``."""

    def work() -> int:
        return sum(range(n))

    return work


def per_call(n: int) -> float:
    """Seconds per call of ``make(n)``: the best of 200 short rounds (~0.1 ms each)."""
    f = make(n)
    best = math.inf
    calls = 1
    while True:
        t = time.perf_counter()
        for _ in range(calls):
            f()
        if time.perf_counter() - t >= 1e-4:
            break
        calls *= 2
    for _ in range(200):
        t = time.perf_counter()
        for _ in range(calls):
            f()
        best = min(best, (time.perf_counter() - t) / calls)
    return best


def workload(seconds: float, differences: tuple[float, ...]) -> dict[float, int]:
    """Elements per call for the A side (about ``seconds`` per call) and for each B side: a
    loop longer by ``d`` of the A side's *time* per call (a call's fixed cost included, from a
    straight-line fit of the time per call against the elements)."""
    per_element = (per_call(20_000) - per_call(10_000)) / 10_000
    fixed = max(0.0, per_call(10_000) - 10_000 * per_element)
    n = max(50, round((seconds - fixed) / per_element))
    t = fixed + n * per_element
    return {0.0: n, **{d: n + round(d * t / per_element) for d in differences}}

def true_ratio(n_a: int, n_b: int, seconds: float) -> float:
    """The time ratio of ``make(n_b)`` to ``make(n_a)`` from a plain ``perf_counter`` loop:
    3000 alternating rounds of ~0.1 ms (A B B A …), the median of the per-round ratios (short
    rounds: on a busy machine a longer one is rarely left alone)."""
    a, b = make(n_a), make(n_b)
    calls = max(1, round(1e-4 / seconds))
    ratios = []

    def timed(f: Callable[[], int]) -> float:
        t = time.perf_counter()
        for _ in range(calls):
            f()
        return time.perf_counter() - t

    for i in range(3000):
        if i % 2 == 0:
            ta, tb = timed(a), timed(b)
        else:
            tb, ta = timed(b), timed(a)
        ratios.append(tb / ta)
    return statistics.median(ratios)


@dataclass
class Trial:
    """One trial of one mode."""

    mode: str
    load: str
    size: str
    difference: float
    true_ratio: float
    verdict: str
    ratio: float
    ci: tuple[float, float]
    seconds: float
    exit_code: int | None = None
    data: dict = field(default_factory=dict)

    @property
    def covers(self) -> bool:
        return self.ci[0] <= self.true_ratio <= self.ci[1]

    @property
    def changed(self) -> bool:
        if self.mode == "cli gate":
            return self.exit_code == 1
        return self.verdict != "no change"


def run_pair(a: Callable[[], int], b: Callable[[], int], max_time: float) -> tuple[pt.Comparison, float]:
    t = time.perf_counter()
    c = pt.bench_pair(a, b, max_time=max_time, progress=False)
    return c, time.perf_counter() - t


def run_compare(
    a: Callable[[], int], b: Callable[[], int], max_time: float, tmp: str
) -> tuple[pt.Comparison, int, float, pt.Stats, pt.Stats]:
    t = time.perf_counter()
    sa = pt.bench(a, name="f", max_time=max_time, progress=False)
    sb = pt.bench(b, name="f", max_time=max_time, progress=False)
    c = pt.compare(sa, sb)
    seconds = time.perf_counter() - t
    old, new = os.path.join(tmp, "old.json"), os.path.join(tmp, "new.json")
    with open(old, "w", encoding="utf-8") as f:
        f.write(sa.to_json())
    with open(new, "w", encoding="utf-8") as f:
        f.write(sb.to_json())
    with contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["compare", old, new, "--fail-on-regression", GATE], out=io.StringIO())
    return c, code, seconds, sa, sb


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion ``k / n``."""
    if n == 0:
        return (0.0, 1.0)
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate(trials: list[Trial], interval: bool = False) -> str:
    if not trials:
        return "—"
    k = sum(t.changed for t in trials)
    text = f"{k}/{len(trials)} = {100 * k / len(trials):.0f} %"
    if interval:
        lo, hi = wilson(k, len(trials))
        text += f" [{100 * lo:.1f}, {100 * hi:.1f}]"
    return text


def table(trials: list[Trial]) -> str:
    lines = [
        "| mode | load | size | A/A false verdicts [95 % CI] | detects 3 % | detects 5 % | detects 10 % "
        "| interval covers true ratio (A/B) | median s per trial |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | ---: |",
    ]
    keys = []
    for t in trials:
        if (t.mode, t.load, t.size) not in keys:
            keys.append((t.mode, t.load, t.size))
    for mode, load, size in keys:
        cell = [t for t in trials if (t.mode, t.load, t.size) == (mode, load, size)]
        aa = [t for t in cell if t.difference == 0]
        ab = [t for t in cell if t.difference > 0]
        detect = [rate([t for t in ab if t.difference == d]) for d in DIFFERENCES]
        if mode == "cli gate":
            covers = "(same results as bench + compare)"
        else:
            k = sum(t.covers for t in ab)
            covers = f"{k}/{len(ab)} = {100 * k / len(ab):.0f} %" if ab else "—"
        seconds = statistics.median(t.seconds for t in cell)
        lines.append(
            f"| {mode} | {load} | {size} | {rate(aa, interval=True)} | {' | '.join(detect)} "
            f"| {covers} | {seconds:.2f} |"
        )
    return "\n".join(lines)


def pooled(trials: list[Trial]) -> str:
    """False-verdict rate per mode and load, pooled over sizes."""
    lines = ["| mode | load | A/A false verdicts, both sizes [95 % CI] |", "| --- | --- | --- |"]
    keys = []
    for t in trials:
        if (t.mode, t.load) not in keys:
            keys.append((t.mode, t.load))
    for mode, load in keys:
        aa = [t for t in trials if (t.mode, t.load) == (mode, load) and t.difference == 0]
        lines.append(f"| {mode} | {load} | {rate(aa, interval=True)} |")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> list[Trial]:
    trials: list[Trial] = []
    sizes = {s: SIZES[s] for s in args.sizes}
    elements = {s: workload(sec, args.differences) for s, sec in sizes.items()}
    print(f"# elements per call (A, then B for each difference): {elements}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for load in args.loads:
            with background_load(load == "on"):
                for size, seconds in sizes.items():
                    ns = elements[size]
                    n = ns[0.0]
                    plan = [0.0] * args.aa + [d for d in args.differences for _ in range(args.ab)]
                    truth = {d: true_ratio(n, ns[d], seconds) for d in set(plan)}
                    print(f"# load {load}, {size}: true ratios "
                          + ", ".join(f"{d:.0%}: {r:.4f}" for d, r in sorted(truth.items())),
                          flush=True)
                    for i, d in enumerate(plan):
                        a, b = make(n), make(ns[d])
                        common = dict(load=load, size=size, difference=d, true_ratio=truth[d])
                        if "pair" in args.modes:
                            c, secs = run_pair(a, b, args.pair_max_time)
                            trials.append(Trial("bench_pair", verdict=c.verdict, ratio=c.ratio,
                                                ci=c.ci, seconds=secs,
                                                data={"ratios": c.ratios} if args.json else {},
                                                **common))
                        if "compare" in args.modes:
                            c, code, secs, sa, sb = run_compare(a, b, args.bench_max_time, tmp)
                            data = ({"baseline": sa.to_json(), "candidate": sb.to_json()}
                                    if args.json else {})
                            trials.append(Trial("bench + compare", verdict=c.verdict,
                                                ratio=c.ratio, ci=c.ci, seconds=secs, data=data,
                                                **common))
                            trials.append(Trial("cli gate", verdict=c.verdict, ratio=c.ratio,
                                                ci=c.ci, seconds=secs, exit_code=code, **common))
                        if args.verbose:
                            print(f"  trial {i + 1}/{len(plan)} d={d:.0%}: "
                                  + "; ".join(f"{t.mode} {t.verdict} {t.ratio:.3f}"
                                              for t in trials[-3:]), flush=True)
    return trials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--aa", type=int, default=40, help="A/A trials per load and size")
    parser.add_argument("--ab", type=int, default=12,
                        help="A/B trials per difference, load and size")
    parser.add_argument("--loads", default="off,on", help="comma-separated: off, on")
    parser.add_argument("--sizes", default="20us,1us", help="comma-separated: 20us, 1us")
    parser.add_argument("--modes", default="pair,compare", help="comma-separated: pair, compare")
    parser.add_argument("--pair-max-time", type=float, default=2.0)
    parser.add_argument("--bench-max-time", type=float, default=5.0)
    parser.add_argument("--json", help="save every trial (with raw data) to this file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    # SIGTERM ends the run through `finally` blocks, so the load subprocess is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.aa, args.ab = 1, 1
        args.loads, args.sizes = "on", "1us"
        args.pair_max_time, args.bench_max_time = 0.3, 0.3
    args.loads = [x for x in args.loads.split(",") if x]
    args.sizes = [x for x in args.sizes.split(",") if x]
    args.modes = [x for x in args.modes.split(",") if x]
    args.differences = (0.10,) if args.quick else DIFFERENCES
    start = time.perf_counter()
    load_before = os.getloadavg()
    trials = run(args)
    print()
    print(f"performance_timing {pt.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; load average before/after {load_before[0]:.2f}/"
          f"{os.getloadavg()[0]:.2f}; {time.perf_counter() - start:.0f} s in all; "
          f"bench_pair max_time={args.pair_max_time}, bench max_time={args.bench_max_time}, "
          f"gate --fail-on-regression {GATE}")
    print()
    print(table(trials))
    print()
    print(pooled(trials))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([asdict(t) for t in trials], f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
