"""A fleet of worker processes: one merged profile, and its Prometheus text.

Each worker process runs Python ``timed`` code and the module's ``#[timed]`` Rust kernels
(``compare_seq_vs_parallel``) and hands its profile back as JSON; the parent merges the
profiles exactly (calls, times and histogram buckets add up, so merged percentiles are those
of one process that made every call) and prints the table and the Prometheus text.

    .venv/bin/python examples/fleet.py [--workers 4] [--calls 1000]

In production, let Prometheus do the adding: every process serves its own profile
(``pt.serve_metrics(port)``, or ``pt.PrometheusCollector()`` in the app's own
``prometheus_client`` registry) and PromQL sums the series, e.g.
``sum by (function) (rate(performance_timing_calls_total[5m]))``.
"""

from __future__ import annotations

import argparse
import multiprocessing

import performance_timing as pt
from performance_timing import timed


@timed
def handle(request: int) -> int:
    """A request handler: a little work whose size varies with the request."""
    return sum(range(50 * (1 + request % 7)))


def worker(calls: int) -> str:
    """One task of a worker process: handle `calls` requests, run a Rust kernel, return the
    profile of this task (a pool process may run several tasks; each starts from zero)."""
    pt.reset()
    for request in range(calls):
        handle(request)
    pt.compare_seq_vs_parallel([1.0] * 10_000, iterations=2)
    return pt.snapshot().to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument("--calls", type=int, default=1000, help="requests per worker (1000)")
    args = parser.parse_args()

    # "spawn": every worker starts with an empty profile of its own, on every platform.
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        profiles = pool.map(worker, [args.calls] * args.workers)

    snap = pt.Snapshot.merge([pt.Snapshot.from_json(p) for p in profiles])
    print(f"{args.workers} workers x {args.calls} requests, merged:\n")
    print(snap.summary())
    print()
    print("Prometheus text of `handle` (Snapshot.to_prometheus(); what serve_metrics serves):")
    for line in snap.to_prometheus().splitlines():
        if line.startswith("#") or 'function="handle"' in line:
            print(line)


if __name__ == "__main__":
    main()
