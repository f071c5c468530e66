"""How long Ctrl-C takes to stop each long-running entry point.

Runs each call in a fresh interpreter, sends SIGINT after a random 0.3–0.7 s, and reports the
time from the signal to the ``KeyboardInterrupt`` (one system-wide monotonic clock), as the
median and the worst of ``--repeat`` runs. Target: under 0.2 s for every entry point.

    .venv/bin/python benchmarks/interrupt_latency.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time

CALLS = {
    "compare_seq_vs_parallel": "pt.compare_seq_vs_parallel([1.0] * 4_000_000, 10**7)",
    "compare_scaling": "pt.compare_scaling([1.0] * 4_000_000, 10**7, runs=5)",
    "measure_memory_throughput": "pt.measure_memory_throughput(50_000_000, 10**7)",
    "stream": "pt.stream(iterations=10**7)",
    "scaling_sweep": "pt.scaling_sweep([50_000_000], iterations=10**7, runs=5)",
    "first touch of 4 GiB": "pt.measure_memory_throughput(2**29, 1)",
    "reading an iterable": "pt.Stats.from_samples(float(i) for i in itertools.count())",
}

CHILD = """
import itertools, json, time, warnings
import performance_timing as pt
warnings.simplefilter("ignore")
print("ready", flush=True)
try:
    {call}
except KeyboardInterrupt:
    print(json.dumps(time.monotonic()), flush=True)
"""


def once(call: str) -> float:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(call=call)], stdout=subprocess.PIPE, text=True
    )
    try:
        proc.stdout.readline()
        time.sleep(random.uniform(0.3, 0.7))
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    return json.loads(out.strip().splitlines()[-1]) - sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs, {args.repeat} runs each")
    print("| entry point | median | worst |")
    print("| --- | ---: | ---: |")
    for name, call in CALLS.items():
        delays = [once(call) for _ in range(args.repeat)]
        print(f"| {name} | {statistics.median(delays) * 1e3:.0f} ms | {max(delays) * 1e3:.0f} ms |")


if __name__ == "__main__":
    main()
