"""Every Python snippet of the seed document runs verbatim against the module."""

from __future__ import annotations

import contextlib
import io
import pathlib

import pytest

import performance_timing
from performance_timing import benchmark

from conftest import SEED, seed_python_snippets

SNIPPETS = seed_python_snippets()


def seed_namespace() -> dict:
    """The names the seed's snippets assume exist, each doing a little real work."""

    def work(n: int = 2_000) -> int:
        return sum(i * i for i in range(n))

    def process_data(data):
        return [x * 2.0 for x in data]

    return {
        "performance_timing": performance_timing,
        "benchmark": benchmark,
        "expensive_function": work,
        "my_expensive_function": work,
        "my_function": work,
        "function": work,
        "python_impl": lambda: work(500),
        "rust_impl": lambda: sum(range(500)),
        "data": [float(i) for i in range(10_000)],
        "duration1": 0.25,
        "duration2": 0.75,
        "load_data": lambda: [float(i) for i in range(1_000)],
        "process_data": process_data,
        "save_result": lambda result: len(result),
        "process_chunked": lambda data, chunk_size: [
            sum(data[i : i + chunk_size]) for i in range(0, len(data), chunk_size)
        ],
        "generate_data": lambda size: list(range(size)),
        "process": lambda data: sum(data),
    }


def test_seed_copy_is_current():
    """The committed copy of the seed matches the shared original when it is present."""
    original = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seed" / SEED.name
    if not original.exists():
        pytest.skip("shared/seed is not beside this checkout")
    assert original.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


def test_seed_has_all_snippets():
    assert len(SNIPPETS) == 13


@pytest.mark.parametrize(
    "heading,code", SNIPPETS, ids=[f"{i:02d}-{h}" for i, (h, _) in enumerate(SNIPPETS)]
)
def test_seed_snippet_runs_verbatim(heading, code):
    namespace = seed_namespace()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"<seed: {heading}>", "exec"), namespace)
    printed = out.getvalue()
    if "print(" in code:
        assert printed, "the snippet prints something"
    assert "nan" not in printed.lower()


def test_seed_pipeline_summary_shows_breakdown():
    code = dict(SNIPPETS)["Profiling a Pipeline"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, seed_namespace())
    text = out.getvalue()
    for stage in ("load", "process", "save"):
        assert f"  {stage}: " in text
    assert text.count("%)") == 3


def test_seed_statistical_unpacks_ordered_tuple():
    namespace = seed_namespace()
    exec(dict(SNIPPETS)["Statistical Benchmark"], namespace)
    assert namespace["min_time"] <= namespace["median"] <= namespace["max_time"]
    assert namespace["min_time"] <= namespace["mean"] <= namespace["max_time"]


def test_seed_memory_throughput_is_positive():
    namespace = seed_namespace()
    exec(dict(SNIPPETS)["Memory Throughput"], namespace)
    assert namespace["throughput_gbps"] > 0


def test_seed_speedup_is_computed():
    namespace = seed_namespace()
    exec(dict(SNIPPETS)["Sequential vs Parallel Comparison"], namespace)
    assert namespace["speedup"] > 0
    seq, par = namespace["seq_result"], namespace["par_result"]
    assert (seq.name, par.name) == ("Sequential", "Parallel")
