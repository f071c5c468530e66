"""One timeline and one flame graph of Python code and the Rust functions it calls.

A small pipeline: Python ``@timed`` stages (load, clean, summarise) on the main thread and on
two worker threads call the module's ``#[timed]`` Rust kernels (``seq_sum_of_squares``,
``par_sum_of_squares`` via ``compare_seq_vs_parallel``, ``StreamArrays::pass`` via ``stream``).
While ``pt.trace()`` records, every one of those calls is a span; afterwards the script writes

* ``trace.json`` — Chrome Trace Event JSON: open https://ui.perfetto.dev ("Open trace file")
  or chrome://tracing and load it; one track per thread, Python and Rust spans nested;
* ``flame.svg`` — an interactive flame graph (click to zoom, Ctrl-F to search): open it in a
  browser.

Run: ``.venv/bin/python examples/trace_pipeline.py [OUT_DIR]`` (default
``target/trace_pipeline``), after ``bash scripts/setup.sh``.
"""

from __future__ import annotations

import array
import pathlib
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import performance_timing as pt
from performance_timing import timed


@timed
def load(n: int) -> array.array:
    return array.array("d", (float(i % 1000) for i in range(n)))


@timed
def clean(data: array.array) -> array.array:
    return array.array("d", (x for x in data if x != 999.0))


@timed
def analyse(data: array.array) -> float:
    seq, par = pt.compare_seq_vs_parallel(data, iterations=300)  # Rust, #[timed] kernels
    return seq.duration_secs / par.duration_secs


@timed
def batch(k: int) -> float:
    return analyse(clean(load(100_000 + 10_000 * k)))


@timed("pipeline")
def pipeline() -> None:
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="worker") as pool:
        speedups = list(pool.map(batch, range(4)))
    with timed("bandwidth"), warnings.catch_warnings():
        warnings.simplefilter("ignore", pt.CacheWarning)  # a small size: this is a demo
        pt.stream(size=2_000_000, iterations=2)  # Rust, #[timed] StreamArrays::pass
    print(f"speedups of the parallel kernel: {', '.join(f'{s:.2f}' for s in speedups)}")


def main() -> int:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/trace_pipeline")
    out.mkdir(parents=True, exist_ok=True)
    with pt.trace(capacity=100_000) as tr:
        pipeline()
    trace_json, flame_svg = out / "trace.json", out / "flame.svg"
    tr.write_chrome_trace(trace_json)
    tr.write_flamegraph(flame_svg, title="trace_pipeline.py: Python stages and Rust kernels")
    print(f"{len(tr)} spans captured, {tr.dropped} dropped")
    print("folded stacks (self time in ns), largest first:")
    for line in sorted(tr.folded().splitlines(), key=lambda l: -int(l.rsplit(" ", 1)[1]))[:6]:
        print(f"  {line}")
    print(f"timeline:   {trace_json.resolve()}")
    print("            open https://ui.perfetto.dev → 'Open trace file' (or chrome://tracing → Load)")
    print(f"flame graph: {flame_svg.resolve()}")
    print(f"            open it in a browser: file://{flame_svg.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
