"""What the Python face costs, in the forms people write, beside a bare ``perf_counter()`` pair.

Every form is measured in the same process, interleaved: each round times every form once
(``N`` executions of the statement in a ``timeit`` loop, garbage collector off as ``timeit``
does), in a fresh random order. The cost of the empty loop, measured in the same round, is
subtracted; the figure is the median over the rounds. Ratios divide by the bare pair's median
of the same run, so a slow or busy machine moves both sides.

Run: .venv/bin/python benchmarks/bench_python_face.py [--rounds 15] [--number 200000]
     [--clock thread_time]   (CPU time of this thread: steadier while other jobs share the CPUs)
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import timeit
from time import perf_counter

import performance_timing as pt
from performance_timing import Timer, timed

try:
    from codetiming import Timer as CodeTimer
except ImportError:  # pragma: no cover - codetiming is in requirements-dev.txt
    CodeTimer = None


def plain():
    pass


@timed
def decorated():
    pass


def bare_wrapper(*args, **kwargs):
    return plain(*args, **kwargs)


def _code_timed():
    pass


STAGE = timed("stage")
NAMESPACE = {
    "perf_counter": perf_counter,
    "timed": timed,
    "Timer": Timer,
    "stage": STAGE,
    "f": plain,
    "g": decorated,
    "w": bare_wrapper,
    "CodeTimer": CodeTimer,
    "ct_g": CodeTimer(logger=None)(_code_timed) if CodeTimer else None,
    "__name__": "bench_python_face",
}

# (key, label, statement, codetiming's equivalent key or None)
FORMS = [
    ("inline", '`with timed("stage"): pass` — inline, as people write it', 'with timed("stage"): pass', "ct_with"),
    ("reused", '`with stage: pass` — `stage = timed("stage")` made once', "with stage: pass", "ct_with"),
    ("decorated", "`@timed` function call `g()`", "g()", "ct_call"),
    ("wrapper", "for reference: bare wrapper `def w(*a, **k): return f(*a, **k)`, `w()`", "w()", None),
    ("plain", "plain call `f()`", "f()", None),
    ("timer_with", '`with Timer("x"): pass`', 'with Timer("x"): pass', "ct_with"),
    ("timer_stop", '`Timer("x").stop()`', 'Timer("x").stop()', "ct_stop"),
    ("pair", "bare `perf_counter(); perf_counter()` pair (the unit)", "perf_counter(); perf_counter()", None),
    ("ct_with", "codetiming `with Timer(logger=None): pass`", "with CodeTimer(logger=None): pass", None),
    ("ct_call", "codetiming `@Timer(logger=None)` function call", "ct_g()", None),
    ("ct_stop", "codetiming `t = Timer(logger=None); t.start(); t.stop()`", "t = CodeTimer(logger=None); t.start(); t.stop()", None),
]
LOOP = "pass"


CLOCKS = {"perf_counter": time.perf_counter, "thread_time": time.thread_time}


def measure(rounds: int, number: int, clock: str = "perf_counter") -> dict[str, float]:
    """Median ns per execution of every form, the empty loop's cost subtracted per round."""
    forms = [f for f in FORMS if CodeTimer is not None or not f[0].startswith("ct_")]
    timer = CLOCKS[clock]
    timers = {key: timeit.Timer(stmt, timer=timer, globals=NAMESPACE) for key, _, stmt, _ in forms}
    timers["loop"] = timeit.Timer(LOOP, timer=timer, globals=NAMESPACE)
    for t in timers.values():  # warm up (first-call set-up, caches, specialisation)
        t.timeit(number // 10)
    samples: dict[str, list[float]] = {key: [] for key in timers if key != "loop"}
    rng = random.Random(1)
    for _ in range(rounds):
        order = list(timers)
        rng.shuffle(order)
        per = {key: timers[key].timeit(number) / number * 1e9 for key in order}
        for key in samples:
            samples[key].append(per[key] - per["loop"])
    return {key: statistics.median(values) for key, values in samples.items()}


def table(ns: dict[str, float]) -> str:
    pair = ns["pair"]
    lines = [
        "| form | ns | × the pair | codetiming's equivalent ÷ this |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, label, _, peer in FORMS:
        if key not in ns:
            continue
        cost = ns[key]
        if key in ("decorated", "wrapper"):
            over = cost - ns["plain"]
            cells = f"{cost:.0f} (+{over:.0f} over `f()`)", f"+{over / pair:.2f}"
            theirs = ns.get(peer, float("nan")) - ns["plain"] if peer else None
            ratio = None if theirs is None else theirs / over if over > 0 else float("inf")
        else:
            cells = f"{cost:.0f}", f"{cost / pair:.2f}"
            ratio = ns[peer] / cost if peer in ns and cost > 0 else None
        peer_cell = "" if ratio is None else f"{ratio:.1f} ×"
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | {peer_cell} |")
    return "\n".join(lines)


def verdicts(ns: dict[str, float]) -> list[str]:
    pair = ns["pair"]
    over = ns["decorated"] - ns["plain"]
    checks = [
        ('inline `with timed("stage")` ≤ 1.5 × the pair', ns["inline"] / pair, 1.5),
        ("`@timed` call ≤ plain call + 1.0 × the pair", over / pair, 1.0),
        ('`with Timer("x")` ≤ 1.5 × the pair', ns["timer_with"] / pair, 1.5),
    ]
    out = [f"- {what}: {value:.2f} → {'met' if value <= bound else 'MISSED'}" for what, value, bound in checks]
    if "ct_with" in ns:
        peers = [
            ("inline `with timed`", ns["inline"], ns["ct_with"]),
            ("`@timed` call (over `f()`)", over, ns["ct_call"] - ns["plain"]),
            ('`with Timer("x")`', ns["timer_with"], ns["ct_with"]),
            ('`Timer("x").stop()`', ns["timer_stop"], ns["ct_stop"]),
        ]
        for what, ours, theirs in peers:
            ratio = theirs / ours if ours > 0 else float("inf")
            out.append(f"- {what} ≥ 3 × cheaper than codetiming: {ratio:.1f} × → {'met' if ratio >= 3 else 'MISSED'}")
    return out


def clock_agreement(pairs: int = 3, short: float = 0.05, long: float = 0.5) -> float:
    """Rate difference between `Timer` (TSC clock) and `perf_counter()` (OS monotonic clock):
    both time a short and a long sleep, perf_counter around the timer; the difference of their
    disagreements over the difference of the durations cancels what is constant (the code run
    between the readings). Median over `pairs`."""

    def disagreement(secs: float) -> tuple[float, float]:
        start = perf_counter()
        with Timer("sleep") as t:
            time.sleep(secs)
        outer = perf_counter() - start
        return t.result.duration_secs - outer, outer

    rates = []
    for _ in range(pairs):
        d_short, o_short = disagreement(short)
        d_long, o_long = disagreement(long)
        rates.append(abs(d_long - d_short) / (o_long - o_short))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (median taken)")
    parser.add_argument("--number", type=int, default=200_000, help="executions per form per round")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="perf_counter",
        help="wall time (default) or this thread's CPU time, steadier on a busy machine",
    )
    args = parser.parse_args()
    pt.reset()
    before = os.getloadavg()
    ns = measure(args.rounds, args.number, args.clock)
    after = os.getloadavg()
    print(
        f"Python {platform.python_version()} on {platform.machine()}, median of {args.rounds} interleaved "
        f"rounds × {args.number:,} ({args.clock}), empty-loop cost subtracted; load average "
        f"{before[0]:.2f} → {after[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print()
    print(table(ns))
    print()
    print("\n".join(verdicts(ns)))
    print(
        f"- `Timer`'s TSC clock vs `perf_counter()`'s monotonic clock: rates differ by "
        f"{clock_agreement() * 1e6:.1f} ppm (0.05 s and 0.5 s sleeps, median of 3)"
    )
    if CodeTimer is None:
        print("(codetiming is not installed: its rows are missing)", file=sys.stderr)


if __name__ == "__main__":
    main()
