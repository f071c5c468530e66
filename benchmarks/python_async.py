"""Coroutines and generators under ``timed``: true totals, nesting, busy/idle, and the cost per step.

1. The issue's service workload: N concurrent ``@timed`` ``request()`` coroutines
   (``asyncio.gather``), each ``with timed("db"): await asyncio.sleep(0.01)`` then a small
   ``with timed("render")`` block — for N = 100 and 10 000, on asyncio and (when installed)
   uvloop. Printed: each record's calls, total, mean × calls (they must agree within 2 %), self,
   busy and idle; the folded stacks of a trace of the run (exactly ``request``, ``request;db``,
   ``request;render``); the sum of all self times against the busy time of the timed frames'
   roots (``request``: the steps the loop ran) and against the thread's CPU time in the run.
2. A ``@timed`` generator doing 3 × 10 ms of work per item: its total per item consumed and the
   consumer's self time (the work belongs to the generator).
3. The cost per step: a coroutine (and a generator) resumed ``STEPS`` times, timed against the
   same function undecorated, interleaved rounds, median; divided by a bare
   ``perf_counter(); perf_counter()`` pair measured in the same rounds (target ≤ 1.5 ×). The
   synchronous ``@timed`` call is measured beside it (its cost over the plain call, ÷ the pair).

Run: .venv/bin/python benchmarks/python_async.py [--rounds 15] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import selectors
import statistics
import sys
import time
import timeit
import types
from time import perf_counter

import performance_timing as pt
from performance_timing import timed

try:
    import uvloop  # type: ignore[import-not-found]
except ImportError:
    uvloop = None

# --- 1. the service workload --------------------------------------------------------------


def render_work() -> int:
    return len(",".join(str(i) for i in range(50)))


@timed("request")
async def request() -> int:
    with timed("db"):
        await asyncio.sleep(0.01)
    with timed("render"):
        return render_work()


async def serve(n: int) -> int:
    return sum(await asyncio.gather(*(request() for _ in range(n))))


class _WaitTimingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """The default selector, adding up the time the loop spends waiting in ``select()``."""

    waited = 0.0

    def select(self, timeout=None):
        start = perf_counter()
        try:
            return super().select(timeout)
        finally:
            self.waited += perf_counter() - start


def run_loop(main, loop: str) -> float:
    """Runs ``main`` on a new loop; returns the loop thread's busy time (wall time not spent
    waiting in ``select()``; for uvloop, whose selector is C, the thread's CPU time)."""
    if loop == "uvloop":
        cpu = time.thread_time()
        if hasattr(uvloop, "run"):
            uvloop.run(main)
        else:
            ev = uvloop.new_event_loop()
            try:
                ev.run_until_complete(main)
            finally:
                ev.close()
        return time.thread_time() - cpu
    selector = _WaitTimingSelector()
    ev = asyncio.SelectorEventLoop(selector)
    try:
        start = perf_counter()
        ev.run_until_complete(main)
        return perf_counter() - start - selector.waited
    finally:
        ev.close()


def service(n: int, loop: str) -> list[str]:
    pt.reset()
    with pt.trace() as tr:
        run_loop(serve(n), loop)
    # the figures from a run without a trace session (capture costs a little per span)
    pt.reset()
    wall0 = perf_counter()
    busy = run_loop(serve(n), loop)
    wall = perf_counter() - wall0
    snap = pt.snapshot()
    stacks = sorted({line.rsplit(" ", 1)[0] for line in tr.folded().splitlines()})
    rows = [
        f"**{n:,} concurrent requests, {loop}** (run: {wall * 1e3:.0f} ms wall, the loop thread busy {busy * 1e3:.1f} ms"
        f" — {'wall time outside select()' if loop == 'asyncio' else 'its CPU time'})",
        "",
        "| record | calls | total | mean × calls | total ÷ (mean × calls) | self | busy | idle |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("request", "db", "render"):
        r = snap[name]
        product = r.mean_secs * r.calls
        rows.append(
            f"| `{name}` | {r.calls:,} | {r.total_secs * 1e3:.1f} ms | {product * 1e3:.1f} ms | "
            f"{r.total_secs / product:.4f} | {r.self_secs * 1e3:.2f} ms | {r.busy_secs * 1e3:.2f} ms | "
            f"{r.idle_secs * 1e3:.1f} ms |"
        )
    all_self = sum(r.self_secs for r in snap)
    roots_busy = snap["request"].busy_secs
    rows += [
        "",
        f"- folded stacks: {', '.join(f'`{s}`' for s in stacks)} "
        f"({'exactly the three' if stacks == ['request', 'request;db', 'request;render'] else 'NOT the expected three'})",
        f"- sum of all self times {all_self * 1e3:.2f} ms = {all_self / roots_busy * 100:.2f} % of the busy time of "
        f"the roots (`request`'s steps, {roots_busy * 1e3:.2f} ms: nothing counted twice, nothing lost); "
        f"{all_self / busy * 100:.1f} % of the loop thread's busy time in the run (the rest ran in no timed "
        f"frame: the untimed `serve()` creating the tasks, and the event loop's own work between steps)",
        f"- `db` total within 2 % of mean × calls: "
        f"{'met' if abs(snap['db'].total_secs / (snap['db'].mean_secs * snap['db'].calls) - 1) <= 0.02 else 'MISSED'}",
        "",
    ]
    return rows


# --- 2. the generator ---------------------------------------------------------------------


def spin(seconds: float) -> None:
    end = perf_counter() + seconds
    while perf_counter() < end:
        pass


@timed("items")
def items(n: int):
    for i in range(n):
        for _ in range(3):
            spin(0.01)
        yield i


@timed("consumer")
def consumer(n: int) -> int:
    return sum(items(n))


def generator_case(n: int = 5) -> list[str]:
    pt.reset()
    with pt.trace() as tr:
        consumer(n)
    snap = pt.snapshot()
    g, c = snap["items"], snap["consumer"]
    stacks = sorted({line.rsplit(" ", 1)[0] for line in tr.folded().splitlines()})
    return [
        f"**Generator, 3 × 10 ms of work per item, {n} items consumed**",
        "",
        "| record | calls | total | total per item | self | busy | idle |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| `{r.name}` | {r.calls} | {r.total_secs * 1e3:.1f} ms | {r.total_secs / n * 1e3:.1f} ms | "
            f"{r.self_secs * 1e3:.2f} ms | {r.busy_secs * 1e3:.2f} ms | {r.idle_secs * 1e3:.2f} ms |"
            for r in (g, c)
        ),
        "",
        f"- generator total per item ≥ 30 ms: {g.total_secs / n * 1e3:.1f} ms → {'met' if g.total_secs / n >= 0.03 else 'MISSED'}; "
        f"the consumer's self time is {c.self_secs * 1e3:.3f} ms (the work is the generator's); "
        f"folded stacks: {', '.join(f'`{s}`' for s in stacks)}",
        "",
    ]


# --- 3. cost per step ---------------------------------------------------------------------

STEPS = 1000


@types.coroutine
def _suspend():
    yield


async def _coroutine_body(n: int) -> None:
    for _ in range(n):
        await _suspend()


_timed_coroutine = timed("bench_coroutine")(_coroutine_body)


def _drive(coro) -> None:
    send = coro.send
    try:
        while True:
            send(None)
    except StopIteration:
        pass


def _generator_body(n: int):
    yield from range(n)


_timed_generator = timed("bench_generator")(_generator_body)


def _plain():
    pass


_decorated = timed("bench_sync")(_plain)

NAMESPACE = {
    "perf_counter": perf_counter,
    "drive": _drive,
    "co": _coroutine_body,
    "tco": _timed_coroutine,
    "gen": _generator_body,
    "tgen": _timed_generator,
    "f": _plain,
    "g": _decorated,
    "N": STEPS,
}
FORMS = {
    "coroutine": "drive(co(N))",
    "timed_coroutine": "drive(tco(N))",
    "generator": "for _ in gen(N): pass",
    "timed_generator": "for _ in tgen(N): pass",
    "plain": "f()",
    "decorated": "g()",
    "pair": "perf_counter(); perf_counter()",
    "loop": "pass",
}
# executions per round: the stepped forms run STEPS steps each
NUMBER = {"coroutine": 40, "timed_coroutine": 40, "generator": 40, "timed_generator": 40}


def costs(rounds: int, number: int) -> dict[str, float]:
    """Median ns per execution, the empty loop subtracted per round; stepped forms per step."""
    timers = {k: timeit.Timer(s, globals=NAMESPACE) for k, s in FORMS.items()}
    for k, t in timers.items():
        t.timeit(max(NUMBER.get(k, number) // 10, 1))
    samples: dict[str, list[float]] = {k: [] for k in FORMS if k != "loop"}
    rng = random.Random(1)
    for _ in range(rounds):
        order = list(timers)
        rng.shuffle(order)
        per = {}
        for k in order:
            n = NUMBER.get(k, number)
            per[k] = timers[k].timeit(n) / n * 1e9
        for k in samples:
            if k in NUMBER:
                samples[k].append(per[k] / STEPS)
            else:
                samples[k].append(per[k] - per["loop"])
    return {k: statistics.median(v) for k, v in samples.items()}


def cost_rows(rounds: int, number: int) -> list[str]:
    pt.set_enabled(True)
    ns = costs(rounds, number)
    pair = ns["pair"]
    co = ns["timed_coroutine"] - ns["coroutine"]
    gen = ns["timed_generator"] - ns["generator"]
    sync = ns["decorated"] - ns["plain"]
    return [
        f"**Cost per step** (median of {rounds} interleaved rounds; a stepped call runs {STEPS} steps)",
        "",
        "| form | ns per step (or call) | added by `timed` | added ÷ the pair |",
        "| --- | ---: | ---: | ---: |",
        f"| coroutine resumed by `send(None)` | {ns['coroutine']:.0f} → {ns['timed_coroutine']:.0f} timed | {co:.0f} | {co / pair:.2f} |",
        f"| generator resumed by `for` | {ns['generator']:.0f} → {ns['timed_generator']:.0f} timed | {gen:.0f} | {gen / pair:.2f} |",
        f"| synchronous `@timed` call `g()` (for comparison) | {ns['plain']:.0f} → {ns['decorated']:.0f} | {sync:.0f} | {sync / pair:.2f} |",
        f"| bare `perf_counter(); perf_counter()` pair (the unit) | {pair:.0f} | | 1.00 |",
        "",
        f"- per step of a timed coroutine ≤ 1.5 × the pair: {co / pair:.2f} → {'met' if co / pair <= 1.5 else 'MISSED'}",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds of the cost figures")
    parser.add_argument("--number", type=int, default=100_000, help="executions per round of the one-call forms")
    parser.add_argument("--quick", action="store_true", help="100 requests only, 5 rounds")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 5
    before = os.getloadavg()
    loops = ["asyncio"] + (["uvloop"] if uvloop is not None else [])
    sizes = [100] if args.quick else [100, 10_000]
    out: list[str] = []
    for loop in loops:
        for n in sizes:
            out += service(n, loop)
    out += generator_case()
    out += cost_rows(args.rounds, args.number)
    after = os.getloadavg()
    print(
        f"Python {platform.python_version()} on {platform.machine()}; loops: {', '.join(loops)}"
        f"{'' if uvloop is not None else ' (uvloop not installed)'}; load average {before[0]:.2f} → {after[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    print()
    print("\n".join(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
