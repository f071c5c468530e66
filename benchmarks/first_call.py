"""How long a function's first call takes, against its later calls, in fresh processes.

Each of ``--processes`` fresh interpreters (default 6) defines two functions of the same tiny
body: one decorated with ``@performance_timing.timed``, one wrapped by a plain Python wrapper
(``functools.wraps``, no timing). It calls the decorated one once and reads that first call's
duration from the profile (the record's only call), then calls it ``--calls`` more times and reads
p50, p99 and max of all calls from the record. The plain wrapper's calls are timed one by one
with ``time.perf_counter_ns`` (a clock read costs tens of ns: its figures are larger, the ratio
is what counts). Prints one row per process and whether the first call is the record's max.

    .venv/bin/python benchmarks/first_call.py [--processes 6] [--calls 1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = r"""
import functools, json, sys, time
import performance_timing as pt

calls = int(sys.argv[1])

@pt.timed
def decorated(x):
    return x + 1

def plain_body(x):
    return x + 1

@functools.wraps(plain_body)
def plain(*args, **kwargs):
    return plain_body(*args, **kwargs)

decorated(1)
first = pt.snapshot()["decorated"].max_secs
for i in range(calls):
    decorated(i)
r = pt.snapshot()["decorated"]
clock = time.perf_counter_ns
plain_times = []
for i in range(calls + 1):
    t0 = clock()
    plain(i)
    plain_times.append(clock() - t0)
print(json.dumps({
    "first": first, "p50": r.percentile(50), "p99": r.percentile(99), "max": r.max_secs,
    "plain_first": plain_times[0] * 1e-9,
    "plain_p50": sorted(plain_times[1:])[len(plain_times) // 2] * 1e-9,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=6)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    print("| process | first call | p50 | p99 | first / p50 | first / p99 | first is the max "
          "| plain wrapper: first / p50 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for i in range(args.processes):
        out = subprocess.run([sys.executable, "-c", CHILD, str(args.calls)], capture_output=True,
                             text=True, check=True, timeout=120).stdout
        r = json.loads(out)
        rows.append(r)
        ns = lambda s: f"{s * 1e9:.0f} ns"  # noqa: E731
        print(f"| {i + 1} | {ns(r['first'])} | {ns(r['p50'])} | {ns(r['p99'])} "
              f"| {r['first'] / r['p50']:.1f}× | {r['first'] / r['p99']:.1f}× | {'yes' if r['first'] >= r['max'] else 'no'} "
              f"| {r['plain_first'] / r['plain_p50']:.1f}× |")
    ratios = [r["first"] / r["p50"] for r in rows]
    plain = [r["plain_first"] / r["plain_p50"] for r in rows]
    print(f"\nfirst / p50: median {statistics.median(ratios):.1f}× (timed), "
          f"{statistics.median(plain):.1f}× (plain wrapper); first call is the max in "
          f"{sum(r['first'] >= r['max'] for r in rows)} of {len(rows)} processes")


if __name__ == "__main__":
    main()
