"""A tour of every performance_timing API from the seed, with readable output.

Run it with the demo command from the README (``bash scripts/demo.sh``), or directly once the
module is built: ``.venv/bin/python examples/tour.py``.
"""

from __future__ import annotations

import array
import time

import performance_timing
from performance_timing import benchmark


def expensive_function(n: int = 20_000) -> int:
    return sum(i * i for i in range(n))


def heading(text: str) -> None:
    print(f"\n--- {text} " + "-" * max(0, 60 - len(text)))


def main() -> None:
    print(f"performance_timing {performance_timing.__version__}")

    heading("Timer")
    timer = performance_timing.Timer("operation_name")
    for _ in range(100):
        expensive_function(1_000)
    result = timer.stop(iterations=100)
    print(f"Duration: {result.duration_secs:.6f}s")
    print(f"Per iteration: {result.per_iteration():.3e}s")
    print(f"Ops/sec: {result.ops_per_second():,.0f}")
    print(repr(result))

    heading("Timer as a context manager")
    with performance_timing.Timer("my_operation") as timer:
        expensive_function()
        print(f"Elapsed inside the block: {timer.elapsed():.6f}s")
    print(f"Kept on timer.result: {timer.result}")

    heading("benchmark / benchmark_with_warmup")
    r = benchmark("expensive_function", lambda: expensive_function(), iterations=100)
    print(f"{r.name}: {r.per_iteration() * 1e6:.1f} µs/iter, {r.ops_per_second():,.0f} ops/s")
    r = performance_timing.benchmark_with_warmup(
        "my_function", lambda: expensive_function(), warmup=5, iterations=20
    )
    print(f"{r.name} after 5 warm-up calls: {r.per_iteration() * 1e6:.1f} µs/iter")

    heading("benchmark_statistical")
    mean, median, min_time, max_time = performance_timing.benchmark_statistical(
        "function_name", lambda: expensive_function(), runs=20, iterations_per_run=10
    )
    print(
        f"per run of 10 calls: mean {mean * 1e3:.3f} ms, median {median * 1e3:.3f} ms, "
        f"min {min_time * 1e3:.3f} ms, max {max_time * 1e3:.3f} ms"
    )

    heading("Python vs a builtin (the seed's 'Compare Python vs Rust')")
    data = list(range(10_000))
    python_result = benchmark("Python loop", lambda: [x * x for x in data], iterations=50)
    builtin_result = benchmark("builtin sum", lambda: sum(data), iterations=50)
    speedup = python_result.duration_secs / builtin_result.duration_secs
    print(f"{python_result.name}: {python_result.per_iteration() * 1e6:.1f} µs/iter")
    print(f"{builtin_result.name}: {builtin_result.per_iteration() * 1e6:.1f} µs/iter")
    print(f"ratio: {speedup:.2f}x")

    heading("compare_seq_vs_parallel")
    for size in (10_000, 1_000_000):
        values = array.array("d", range(size))  # a float64 buffer: read without copying
        seq_result, par_result = performance_timing.compare_seq_vs_parallel(values, iterations=10)
        speedup = seq_result.duration_secs / par_result.duration_secs
        print(
            f"n={size:>9,}: sequential {seq_result.per_iteration() * 1e6:9.1f} µs, "
            f"parallel {par_result.per_iteration() * 1e6:9.1f} µs, speedup {speedup:.2f}x"
        )

    heading("measure_memory_throughput")
    throughput_gbps = performance_timing.measure_memory_throughput(size=10_000_000, iterations=10)
    print(f"read bandwidth over 80 MB: {throughput_gbps:.1f} GB/s (decimal, best pass)")

    heading("Profiler: a pipeline")
    profiler = performance_timing.Profiler()
    timer = performance_timing.Timer("load")
    rows = [float(i) for i in range(300_000)]
    profiler.measure("load", timer.elapsed())
    timer = performance_timing.Timer("process")
    processed = sorted(x * 1.5 for x in rows)
    profiler.measure("process", timer.elapsed())
    timer = performance_timing.Timer("save")
    text = ",".join(map(str, processed[:50_000]))
    time.sleep(0.001)
    profiler.measure("save", timer.elapsed())
    print(profiler.summary())
    print(f"({len(text):,} characters saved)")


if __name__ == "__main__":
    main()
