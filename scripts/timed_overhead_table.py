"""Markdown table of the `timed_overhead` criterion bench, with ratios from the same run.

Run after: cargo bench -p timing-runtime --bench timed_overhead
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1] / "target" / "criterion" / "timed_overhead"
ROWS = [
    ("two_clock_reads", "two raw clock reads (TSC)"),
    ("two_instant_reads", "two `Instant::now()` reads"),
    ("plain_call", "plain call (what the `off` feature emits)"),
    ("timed_enabled", "`#[timed]`, recording"),
    ("timed_tracing", "`#[timed]`, recording + trace session active"),
    ("timed_runtime_disabled", "`#[timed]`, runtime-disabled"),
    ("timed_two_threads", "`#[timed]`, two threads, same function"),
]


def median_ns(name: str) -> float:
    path = ROOT / name / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"]


def main() -> int:
    try:
        ns = {key: median_ns(key) for key, _ in ROWS}
    except FileNotFoundError as e:
        print(f"missing criterion output ({e.filename}); run the bench first", file=sys.stderr)
        return 1
    clock, plain = ns["two_clock_reads"], ns["plain_call"]
    print("| variant | median ns/call | × two clock reads | ns over plain call |")
    print("| --- | ---: | ---: | ---: |")
    for key, label in ROWS:
        print(f"| {label} | {ns[key]:.2f} | {ns[key] / clock:.2f} | {ns[key] - plain:+.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
