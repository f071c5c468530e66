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
    """A new function object that sums ``range(n)``: the work grows with ``n`` (not quite
    linearly: integers above 256 are allocated, below they are cached)."""

    def work() -> int:
        return sum(range(n))

    return work


def noop() -> None:
    """The no-op that prices a call through the plain loop."""


# The plain-loop reference: rounds of ~0.1 ms, alternating A B, B A, … (short rounds: on a busy
# machine a longer one is rarely left alone).
ROUND = 1e-4


def rounds(a: Callable[[], object], b: Callable[[], object], calls: int,
           budget: float) -> list[tuple[float, float]]:
    """``(a, b)`` seconds per call of alternating rounds of ``calls`` calls through a plain
    ``for`` loop (A B, B A, …) for ``budget`` seconds (at least 16 rounds)."""
    out: list[tuple[float, float]] = []
    r = range(calls)
    pc = time.perf_counter
    end = pc() + budget
    while True:
        for i in range(16):
            if i % 2 == 0:
                t0 = pc()
                for _ in r:
                    a()
                t1 = pc()
                for _ in r:
                    b()
                t2 = pc()
                out.append(((t1 - t0) / calls, (t2 - t1) / calls))
            else:
                t0 = pc()
                for _ in r:
                    b()
                t1 = pc()
                for _ in r:
                    a()
                t2 = pc()
                out.append(((t2 - t1) / calls, (t1 - t0) / calls))
        if pc() >= end:
            return out


def call_costs() -> tuple[float, float]:
    """Per-call cost of a no-op through the plain loop and through the harness
    (``Stats.calibration.overhead``), each the median of several measurements, in seconds.
    The plain loop's ratios are corrected by their difference so that they price a call as the
    harness does (both include the call of the function itself; they differ by the loop)."""
    loop = statistics.median(t for t, _ in rounds(noop, noop, 1000, 0.2))
    harness = statistics.median(
        pt.bench(noop, max_time=0.2, warmup=0.0, samples=2, progress=False).calibration.overhead
        for _ in range(5)
    )
    return loop, harness


@dataclass
class Reference:
    """The plain-loop reference of one A/B pair of function objects."""

    ratio: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """The reference's own uncertainty: half its interval, relative."""
        return (self.high - self.low) / 2 / self.ratio


def order_interval(logs: list[float]) -> tuple[float, float]:
    """An approximate 95 % order-statistic interval of the median (normal approximation of the
    binomial ranks; the reference only reports its own uncertainty with it)."""
    s = sorted(logs)
    n = len(s)
    k = max(0, math.floor(n / 2 - 1.96 * math.sqrt(n) / 2))
    return s[k], s[min(n - 1, n - 1 - k)]


def reference(pairs: list[tuple[float, float]], delta: float) -> Reference:
    """The time ratio b / a of ``pairs`` (seconds per call, through the plain loop), each side
    less ``delta`` (the plain loop's per-call cost above the harness's): the median of the
    per-round log-ratios, with its interval."""
    logs = [math.log((b - delta) / (a - delta)) for a, b in pairs if min(a, b) > delta]
    lo, hi = order_interval(logs)
    return Reference(math.exp(statistics.median(logs)), math.exp(lo), math.exp(hi))


def true_ratio(a: Callable[[], int], b: Callable[[], int], seconds: float, delta: float,
               budget: float, before: list[tuple[float, float]] | None = None) -> Reference:
    """The plain-loop reference of the pair ``(a, b)``: ``budget`` seconds of alternating
    rounds, pooled with the rounds taken ``before`` the trial when given; the interval also
    spans the two halves' difference (the ratio may have moved during the trial)."""
    calls = max(1, round(ROUND / seconds))
    after = rounds(a, b, calls, budget)
    if before is None:
        return reference(after, delta)
    pooled = reference(before + after, delta)
    r1, r2 = reference(before, delta).ratio, reference(after, delta).ratio
    return Reference(pooled.ratio, min(pooled.low, r1, r2), max(pooled.high, r1, r2))


def per_call(n: int, delta: float) -> float:
    """Seconds per call of ``make(n)`` as the harness would count it: the best of 50 short
    plain-loop rounds (~0.1 ms each), less the loop's extra cost per call ``delta``."""
    f = make(n)
    calls = 1
    while True:
        t = time.perf_counter()
        for _ in range(calls):
            f()
        if time.perf_counter() - t >= ROUND:
            break
        calls *= 2
    best = math.inf
    for _ in range(50):
        t = time.perf_counter()
        for _ in range(calls):
            f()
        best = min(best, (time.perf_counter() - t) / calls)
    return best - delta


def workload(seconds: float, differences: tuple[float, ...], delta: float) -> dict[float, int]:
    """Elements per call for the A side (the smallest ``n`` whose call lasts about ``seconds``)
    and for each B side: the ``n`` whose *measured* time ratio to the A side (plain-loop
    reference, 0.3 s of rounds) is closest to ``1 + d`` — a bisection on measured ratios, so a
    call's fixed cost and the non-linear cost per element are part of the difference."""
    hi = 1
    while per_call(hi, delta) < seconds:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if per_call(mid, delta) < seconds else (lo, mid)
    n = hi
    a = make(n)
    calls = max(1, round(ROUND / seconds))

    def ratio(m: int) -> float:
        return reference(rounds(a, make(m), calls, 0.3), delta).ratio

    out = {0.0: n}
    for d in differences:
        lo, hi = n, n + 1
        while ratio(hi) < 1 + d:
            lo, hi = hi, n + 2 * (hi - n)
        measured = {}
        while hi - lo > 1:
            mid = (lo + hi) // 2
            measured[mid] = ratio(mid)
            lo, hi = (mid, hi) if measured[mid] < 1 + d else (lo, mid)
        out[d] = min((lo, hi), key=lambda m: abs(measured.get(m, ratio(m)) - 1 - d))
    return out


@dataclass
class Trial:
    """One trial of one mode."""

    mode: str
    load: str
    size: str
    difference: float
    verdict: str
    ratio: float
    ci: tuple[float, float]
    seconds: float
    true_ratio: float = 1.0
    true_half_width: float = 0.0
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
        "| interval covers true ratio (A/B) | median CI width (A/B) | median s per trial |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | ---: | ---: |",
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
            covers = width = "(as bench + compare)"
        elif ab:
            k = sum(t.covers for t in ab)
            covers = f"{k}/{len(ab)} = {100 * k / len(ab):.0f} %"
            width = f"{100 * statistics.median(t.ci[1] / t.ci[0] - 1 for t in ab):.2f} %"
        else:
            covers = width = "—"
        seconds = statistics.median(t.seconds for t in cell)
        lines.append(
            f"| {mode} | {load} | {size} | {rate(aa, interval=True)} | {' | '.join(detect)} "
            f"| {covers} | {width} | {seconds:.2f} |"
        )
    return "\n".join(lines)


def truths(trials: list[Trial]) -> str:
    """The true ratios of the A/B pairs (plain-loop reference), per load, size and difference:
    their median and range, and the median of the reference's own uncertainty (every mode of a
    trial shares the trial's reference, so one mode's trials list them all)."""
    lines = ["| load | size | difference | true ratio: median (range) | reference's own ± |",
             "| --- | --- | --- | --- | ---: |"]
    first = trials[0].mode if trials else ""
    keys = []
    for t in trials:
        if t.difference > 0 and t.mode == first and (t.load, t.size, t.difference) not in keys:
            keys.append((t.load, t.size, t.difference))
    for load, size, d in keys:
        cell = [t for t in trials
                if (t.load, t.size, t.difference, t.mode) == (load, size, d, first)]
        rs = [t.true_ratio for t in cell]
        half = statistics.median(t.true_half_width for t in cell)
        lines.append(f"| {load} | {size} | {d:.0%} | {statistics.median(rs):.4f} "
                     f"({min(rs):.4f}–{max(rs):.4f}) | {100 * half:.2f} % |")
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
    loop, harness = call_costs()
    delta = loop - harness
    print(f"# per-call cost of a no-op: plain loop {loop * 1e9:.1f} ns, harness "
          f"{harness * 1e9:.1f} ns (the reference subtracts the difference)", flush=True)
    elements = {s: workload(sec, args.differences, delta) for s, sec in sizes.items()}
    print(f"# elements per call (A, then B for each difference): {elements}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for load in args.loads:
            with background_load(load == "on"):
                for size, seconds in sizes.items():
                    ns = elements[size]
                    n = ns[0.0]
                    calls = max(1, round(ROUND / seconds))
                    plan = [0.0] * args.aa + [d for d in args.differences for _ in range(args.ab)]
                    print(f"# load {load}, {size}: load average {os.getloadavg()[0]:.2f}",
                          flush=True)
                    for i, d in enumerate(plan):
                        a, b = make(n), make(ns[d])
                        before = rounds(a, b, calls, args.reference_time / 2) if d else None
                        common = dict(load=load, size=size, difference=d)
                        done: list[Trial] = []
                        if "pair" in args.modes:
                            c, secs = run_pair(a, b, args.pair_max_time)
                            done.append(Trial("bench_pair", verdict=c.verdict, ratio=c.ratio,
                                              ci=c.ci, seconds=secs,
                                              data={"ratios": c.ratios} if args.json else {},
                                              **common))
                        if "compare" in args.modes:
                            c, code, secs, sa, sb = run_compare(a, b, args.bench_max_time, tmp)
                            data = ({"baseline": sa.to_json(), "candidate": sb.to_json()}
                                    if args.json else {})
                            done.append(Trial("bench + compare", verdict=c.verdict,
                                              ratio=c.ratio, ci=c.ci, seconds=secs, data=data,
                                              **common))
                            done.append(Trial("cli gate", verdict=c.verdict, ratio=c.ratio,
                                              ci=c.ci, seconds=secs, exit_code=code, **common))
                        if d:
                            ref = true_ratio(a, b, seconds, delta, args.reference_time / 2, before)
                            for t in done:
                                t.true_ratio, t.true_half_width = ref.ratio, ref.half_width
                        trials.extend(done)
                        if args.verbose:
                            print(f"  trial {i + 1}/{len(plan)} d={d:.0%} true "
                                  f"{done[0].true_ratio:.4f}: "
                                  + "; ".join(f"{t.mode} {t.verdict} {t.ratio:.4f} "
                                              f"[{t.ci[0]:.4f}, {t.ci[1]:.4f}]"
                                              for t in done[:2]), flush=True)
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
    parser.add_argument("--reference-time", type=float, default=1.0,
                        help="seconds of plain-loop reference per A/B trial (half before, half after)")
    parser.add_argument("--json", help="save every trial (with raw data) to this file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    # SIGTERM ends the run through `finally` blocks, so the load subprocess is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.aa, args.ab = 1, 1
        args.loads, args.sizes = "on", "1us"
        args.pair_max_time, args.bench_max_time, args.reference_time = 0.3, 0.3, 0.1
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
    print()
    print(truths(trials))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump([asdict(t) for t in trials], f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
