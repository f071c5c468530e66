"""How much `import performance_timing` adds to interpreter start-up (best of N fresh runs).

Run: .venv/bin/python scripts/import_cost.py
"""

from __future__ import annotations

import subprocess
import sys
import time


def best_of(code: str, runs: int = 30) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    bare = best_of("pass")
    loaded = best_of("import performance_timing")
    print(f"python -c pass: {bare * 1e3:.1f} ms; python -c 'import performance_timing': {loaded * 1e3:.1f} ms")
    print(f"import adds {(loaded - bare) * 1e3:.1f} ms (best of 30 each)")
