"""What a user's own extension pays for recording into performance_timing's profile.

The same ``#[timed]`` function of ``examples/second-extension`` is called in a loop from Rust,
in two kinds of process, alternated round by round in one run:

* **own**: performance_timing made unimportable, so the extension keeps its own profile: its
  calls take the very path of performance_timing's own ``#[timed]`` functions (one runtime,
  no host), which is the cost to compare with;
* **guest**: performance_timing imported, the extension attached to it: every call goes
  through the host's table of entry points.

Each process reports the best of several loops of N calls (ns per call) for the plain function,
the timed function, and the timed function with recording switched off. The table gives the
median over rounds, and the ratios of medians.

    .venv/bin/python benchmarks/extension_cost.py [--rounds 5] [--calls 2000000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, sys
if sys.argv[1] == "own":
    sys.modules["performance_timing"] = None
import second_extension as s
assert s.is_guest() == (sys.argv[1] == "guest")
n, reps = int(sys.argv[2]), int(sys.argv[3])
def best(timed):
    return min(s.bench_calls(n, timed) for _ in range(reps))
plain = best(False)
timed = best(True)
s.set_enabled(False)
off = best(True)
s.set_enabled(True)
print(json.dumps({"plain": plain, "timed": timed, "off": off}))
"""


def run(kind: str, calls: int, reps: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(calls), str(reps)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2_000_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"own": [], "guest": []}
    for _ in range(args.rounds):
        for kind in ("own", "guest"):
            results[kind].append(run(kind, args.calls, args.reps))

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in results[kind])

    own_rec = med("own", "timed") - med("own", "plain")
    guest_rec = med("guest", "timed") - med("guest", "plain")
    print(f"{args.rounds} rounds, own and guest processes alternated, best of {args.reps} "
          f"loops of {args.calls} calls each; medians over rounds\n")
    print("| path | plain call | `#[timed]` call | recording cost (timed − plain) | recording off − plain |")
    print("| --- | --- | --- | --- | --- |")
    for kind, label in (("own", "performance_timing's own path (no host)"), ("guest", "a guest extension (attached)")):
        print(
            f"| {label} | {med(kind, 'plain'):.2f} ns | {med(kind, 'timed'):.2f} ns | "
            f"{med(kind, 'timed') - med(kind, 'plain'):.2f} ns | {med(kind, 'off') - med(kind, 'plain'):+.2f} ns |"
        )
    print()
    print(f"guest ÷ own, whole timed call: {med('guest', 'timed') / med('own', 'timed'):.3f} ×")
    print(f"guest ÷ own, recording cost:   {guest_rec / own_rec:.3f} ×")
    print(f"guest, recording off: {med('guest', 'off') - med('guest', 'plain'):+.2f} ns over a plain call")


if __name__ == "__main__":
    main()
