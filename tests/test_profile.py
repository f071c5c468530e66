"""The global profile from Python: snapshot, reset, on/off, and ``timed``."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time

import pytest

import performance_timing as pt
from performance_timing import timed

# Small buffers are deliberate here; the in-cache warning is tested in test_memory.py.
pytestmark = [
    pytest.mark.filterwarnings("ignore::performance_timing.CacheWarning"),
    pytest.mark.usefixtures("clean_profile"),
]



def test_decorator_records_calls_and_keeps_metadata():
    def add(a: int, b: int = 2) -> int:
        """Adds."""
        return a + b

    original = inspect.signature(add)
    add = timed(add)

    assert [add(i) for i in range(5)] == [2, 3, 4, 5, 6]
    assert add.__name__ == "add"
    assert add.__doc__ == "Adds."
    assert inspect.signature(add) == original
    rec = pt.snapshot()["test_decorator_records_calls_and_keeps_metadata.<locals>.add"]
    assert rec.calls == 5
    assert rec.module_path == __name__


@pytest.mark.parametrize("make", [lambda f: timed("custom")(f), lambda f: timed(name="custom")(f)])
def test_decorator_with_name(make):
    func = make(lambda: 1)
    func()
    func()
    assert pt.snapshot()["custom"].calls == 2


def test_decorator_works_on_methods():
    class Parser:
        @timed
        def parse(self, text):
            return text.split()

        @timed("Parser.build")
        @classmethod
        def build(cls):
            return cls()

        @timed
        @staticmethod
        def helper():
            return 3

    p = Parser.build()
    assert p.parse("a b") == ["a", "b"]
    assert Parser.helper() == p.helper() == 3
    snap = pt.snapshot()
    assert snap["test_decorator_works_on_methods.<locals>.Parser.helper"].calls == 2
    assert snap["test_decorator_works_on_methods.<locals>.Parser.parse"].calls == 1
    assert snap["Parser.build"].calls == 1


def test_context_manager_and_nesting_self_time():
    with timed("outer"):
        time.sleep(0.01)
        with timed("inner"):
            time.sleep(0.03)
    snap = pt.snapshot()
    outer, inner = snap["outer"], snap["inner"]
    assert outer.calls == inner.calls == 1
    assert outer.total_secs >= 0.04
    assert 0.01 <= outer.self_secs < 0.03
    assert inner.self_secs == pytest.approx(inner.total_secs)
    assert outer.total_secs - outer.self_secs == pytest.approx(inner.total_secs, abs=1e-6)
    assert snap.names()[0] == "inner"  # sorted by self time


def test_same_context_manager_object_reentrant_and_threads():
    stage = timed("shared_stage")

    def work():
        for _ in range(100):
            with stage:
                with stage:
                    pass

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pt.snapshot()["shared_stage"].calls == 800


def test_exceptions_propagate_and_are_recorded():
    @timed("failing")
    def boom():
        raise KeyError("x")

    with pytest.raises(KeyError):
        boom()
    with pytest.raises(ZeroDivisionError):
        with timed("failing_block"):
            1 / 0
    snap = pt.snapshot()
    assert snap["failing"].calls == 1 and snap["failing_block"].calls == 1


def test_recursion_counts_every_call_once_in_total():
    @timed("fib")
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    start = time.perf_counter()
    assert fib(12) == 144
    wall = time.perf_counter() - start
    rec = pt.snapshot()["fib"]
    assert rec.calls == 465
    assert rec.total_secs <= wall
    assert rec.self_secs == pytest.approx(rec.total_secs, rel=0.01)


def test_threads_exact_counts():
    @timed("threaded")
    def tick():
        pass

    def run():
        for _ in range(2_000):
            tick()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = pt.snapshot()
    assert snap["threaded"].calls == 8_000
    per_thread = snap.threads()
    assert sum(r.calls for recs in per_thread.values() for r in recs if r.name == "threaded") == 8_000


def test_async_functions_are_timed_to_completion():
    @timed("coro")
    async def wait():
        await asyncio.sleep(0.02)
        return 5

    assert asyncio.run(wait()) == 5
    assert inspect.iscoroutinefunction(wait)
    rec = pt.snapshot()["coro"]
    assert rec.calls == 1 and rec.total_secs >= 0.02


def test_rust_workloads_appear_in_the_profile():
    pt.compare_seq_vs_parallel([1.0] * 10_000, iterations=3)
    pt.measure_memory_throughput(size=10_000, iterations=2)
    names = pt.snapshot().names()
    assert any("sum_of_squares" in n for n in names), names
    assert "StreamArrays::pass" in names, names


def test_self_time_is_exclusive_across_the_language_boundary():
    with timed("python_outer"):
        pt.compare_seq_vs_parallel([1.0] * 200_000, iterations=20)
    snap = pt.snapshot()
    outer = snap["python_outer"]
    rust = [r for r in snap if r.module_path.startswith("timing_runtime")]
    assert rust, snap.names()
    rust_total = sum(r.total_secs for r in rust)
    assert outer.self_secs == pytest.approx(outer.total_secs - rust_total, abs=1e-6)


def test_snapshot_is_immutable_and_complete():
    with timed("snap_me"):
        pass
    snap = pt.snapshot()
    with timed("snap_me"):
        pass
    assert snap["snap_me"].calls == 1  # taken before the second block
    assert pt.snapshot()["snap_me"].calls == 2
    rec = snap["snap_me"]
    assert rec.min_secs <= rec.percentile(50) <= rec.max_secs
    assert rec.min_secs <= rec.mean_secs <= rec.max_secs
    assert "snap_me" in snap and "nope" not in snap
    assert snap.get("nope") is None and snap.get("nope", 3) == 3
    assert len(snap) == len(list(snap)) >= 1
    doc = json.loads(snap.to_json())
    assert doc["schema"] == "performance_timing.profile/2"
    assert doc == snap.to_dict()
    assert {"name", "calls", "total_secs", "self_secs", "p99_secs"} <= set(rec.to_dict())
    assert "snap_me" in snap.summary()
    assert "Record(name='snap_me'" in repr(rec)
    with pytest.raises(AttributeError):
        rec.calls = 5


def test_reset_clears_everything():
    with timed("before_reset"):
        pass
    pt.reset()
    snap = pt.snapshot()
    assert "before_reset" not in snap
    assert "nothing recorded" in pt.snapshot().summary()


def test_disable_stops_recording():
    pt.set_enabled(False)
    assert not pt.is_enabled()
    with timed("while_off"):
        pass
    pt.set_enabled(True)
    assert "while_off" not in pt.snapshot()
    with timed("while_off"):
        pass
    assert pt.snapshot()["while_off"].calls == 1


# --- bad input -----------------------------------------------------------------------------


def test_lookup_errors():
    snap = pt.snapshot()
    with pytest.raises(KeyError):
        snap["missing"]
    with pytest.raises(TypeError, match="name must be a str"):
        snap[3]


@pytest.mark.parametrize("q,error", [(101, ValueError), (-0.1, ValueError), (float("nan"), ValueError), ("50", TypeError), (None, TypeError)])
def test_percentile_bad_input(q, error):
    with timed("pct"):
        pass
    with pytest.raises(error):
        pt.snapshot()["pct"].percentile(q)


@pytest.mark.parametrize("name,error", [(3, TypeError), (b"x", TypeError), ("", ValueError), (3.5, TypeError)])
def test_timed_bad_names(name, error):
    with pytest.raises(error):
        timed(name)


def test_timed_misuse():
    with pytest.raises(TypeError, match="needs a name"):
        with timed():
            pass
    with pytest.raises(TypeError, match="callable"):
        timed("x")(42)
    with pytest.raises(TypeError, match="once"):
        timed("a", name="b")
    with pytest.raises(TypeError, match="unexpected keyword"):
        timed(label="x")
    with pytest.raises(TypeError, match="bool"):
        pt.set_enabled("yes")


def test_scope_closed_on_another_thread_is_an_error():
    scope = timed("cross_thread")
    scope.__enter__()
    errors = []

    def close():
        try:
            scope.__exit__(None, None, None)
        except RuntimeError as e:
            errors.append(e)

    t = threading.Thread(target=close)
    t.start()
    t.join()
    assert errors and "thread" in str(errors[0])
    scope.__exit__(None, None, None)  # the thread that opened it can still close it
    assert pt.snapshot()["cross_thread"].calls == 1


def test_import_stays_light():
    """The import pulls in no heavy stdlib modules (start-up cost: scripts/import_cost.py)."""
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules); import performance_timing; "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    added = out.stdout
    for heavy in ("'inspect'", "'typing'", "'asyncio'", "'json'", "'functools'"):
        assert heavy not in added, added


def test_first_measurement_in_a_process_excludes_instrumentation_set_up():
    """The kernels are #[timed]; their one-time set-up (clock calibration ≈ 0.6 ms, rayon's
    pool, first-call registration) must not land in the first figures a process reports."""
    import subprocess
    import sys

    code = (
        "import performance_timing as pt\n"
        "s, p = pt.compare_seq_vs_parallel([1.0] * 1000, iterations=1)\n"
        "print(s.duration_secs, p.duration_secs)\n"
    )
    firsts = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        firsts.append(max(map(float, out.stdout.split())))
    # Summing 1000 floats takes about a microsecond; calibration alone would be ~600 µs.
    assert min(firsts) < 300e-6, firsts
