"""How fast a trace of one million spans is written: Chrome trace JSON (target: under one
second), folded stacks and the flame graph.

The spans come from a ``with timed(...)`` block entered 1 000 000 times (nested two deep, so
the folded stacks have structure). Each export is timed once, after one warm-up write.

Run: ``.venv/bin/python benchmarks/bench_trace_export.py`` (after ``bash scripts/setup.sh``).
"""

from __future__ import annotations

import os
import pathlib
import tempfile
import time

import performance_timing as pt
from performance_timing import timed

SPANS = 1_000_000


def main() -> None:
    outer, inner = timed("outer"), timed("inner")
    with pt.trace(capacity=SPANS) as tr:
        for _ in range(SPANS // 2):
            with outer:
                with inner:
                    pass
    assert len(tr) == SPANS and tr.dropped == 0, (len(tr), tr.dropped)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "trace.json"
        tr.write_chrome_trace(path)  # warm-up: page cache, allocator
        t0 = time.perf_counter()
        tr.write_chrome_trace(path)
        chrome = time.perf_counter() - t0
        size = os.path.getsize(path)
        t0 = time.perf_counter()
        tr.folded()
        folded = time.perf_counter() - t0
        t0 = time.perf_counter()
        tr.write_flamegraph(pathlib.Path(tmp) / "flame.svg")
        flame = time.perf_counter() - t0
    print(f"{SPANS:,} spans")
    print(f"| export | seconds |")
    print(f"| --- | ---: |")
    print(f"| Chrome trace JSON ({size / 1e6:.0f} MB) | {chrome:.3f} |")
    print(f"| folded stacks | {folded:.3f} |")
    print(f"| flame graph SVG | {flame:.3f} |")
    verdict = "met" if chrome < 1.0 else "NOT met"
    print(f"target: Chrome trace of 1 000 000 spans in under 1 s: {verdict}")


if __name__ == "__main__":
    main()
