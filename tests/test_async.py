"""Coroutines, generators and async generators under `timed`: per-task stacks, true totals,
no false nesting, busy and idle, async slices in traces.

Fixed workloads with known sleeps: exact call counts, totals within generous bounds (a shared
machine), nesting checked in folded stacks."""

from __future__ import annotations

import asyncio
import inspect
import pathlib
import shutil
import subprocess
import sys
import threading
import time

import pytest

import performance_timing as pt
from performance_timing import timed

pytestmark = pytest.mark.usefixtures("clean_profile")

SLEEP = 0.02


def stacks(tr: pt.Trace) -> set[str]:
    return {line.rsplit(" ", 1)[0] for line in tr.folded().splitlines()}


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


# --- the workload: concurrent requests ------------------------------------------


@timed("request")
async def request() -> int:
    with timed("db"):
        await asyncio.sleep(SLEEP)
    with timed("render"):
        spin(0.0005)
    return 1


async def serve(n: int) -> int:
    return sum(await asyncio.gather(*(request() for _ in range(n))))


def test_concurrent_requests_true_totals_and_no_false_nesting():
    with pt.trace() as tr:
        assert asyncio.run(serve(50)) == 50
    snap = pt.snapshot()
    db, req, render = snap["db"], snap["request"], snap["render"]
    assert db.calls == req.calls == render.calls == 50
    # total = mean × calls: every concurrent call counts its own wall time
    for r in (db, req, render):
        # mean is whole nanoseconds (sum // calls): mean × calls is short by under 1 ns a call.
        assert r.total_secs == pytest.approx(r.mean_secs * r.calls, rel=1e-6, abs=r.calls * 1e-9)
    assert db.total_secs >= 50 * SLEEP
    assert db.mean_secs >= SLEEP
    assert req.total_secs >= db.total_secs
    # the time suspended at the await is idle, not self time
    assert db.idle_secs >= 50 * SLEEP * 0.9
    assert db.self_secs < db.total_secs / 5
    assert render.idle_secs == 0.0
    assert render.busy_secs == pytest.approx(render.total_secs)
    assert req.busy_secs + req.idle_secs == pytest.approx(req.total_secs)
    # request's self time excludes db and render
    assert req.self_secs < req.busy_secs
    assert stacks(tr) == {"request", "request;db", "request;render"}


def test_concurrent_requests_under_uvloop():
    uvloop = pytest.importorskip("uvloop")
    with pt.trace() as tr:
        if hasattr(uvloop, "run"):
            assert uvloop.run(serve(50)) == 50
        else:  # uvloop < 0.18
            loop = uvloop.new_event_loop()
            try:
                assert loop.run_until_complete(serve(50)) == 50
            finally:
                loop.close()
    snap = pt.snapshot()
    assert snap["db"].calls == snap["request"].calls == 50
    assert snap["db"].total_secs >= 50 * SLEEP
    assert snap["db"].idle_secs >= 50 * SLEEP * 0.9
    assert stacks(tr) == {"request", "request;db", "request;render"}


def test_request_table_json_and_prometheus_show_idle():
    asyncio.run(serve(5))
    snap = pt.snapshot()
    table = str(snap)
    assert "idle" in table
    doc = snap.to_json()
    assert '"idle_ns"' in doc
    back = pt.Snapshot.from_json(doc)
    assert back["db"].idle_secs == pytest.approx(snap["db"].idle_secs)
    text = snap.to_prometheus()
    assert "idle_seconds" in text
    assert 'function="db"' in text


def test_old_json_without_idle_loads():
    with timed("plain"):
        pass
    doc = pt.snapshot().to_json()
    assert '"idle_ns"' not in doc  # optional: written only when not zero
    back = pt.Snapshot.from_json(doc)
    assert back["plain"].idle_secs == 0.0
    assert back["plain"].busy_secs == back["plain"].total_secs


# --- coroutines ---------------------------------------------------------------------------


def test_decorated_coroutine_function_stays_one():
    @timed("kept")
    async def kept() -> None:
        """Doc."""

    assert inspect.iscoroutinefunction(kept)
    assert kept.__doc__ == "Doc."
    asyncio.run(kept())
    assert pt.snapshot()["kept"].calls == 1


def test_never_started_coroutine_is_not_a_call():
    @timed("never")
    async def never() -> None:
        pass

    coro = never()
    coro.close()
    assert "never" not in pt.snapshot().names()


def test_nested_awaits_nest_and_self_time_excludes_children():
    @timed("inner")
    async def inner() -> None:
        await asyncio.sleep(SLEEP)
        spin(0.002)

    @timed("outer")
    async def outer() -> None:
        spin(0.002)
        await inner()
        await inner()

    with pt.trace() as tr:
        asyncio.run(outer())
    snap = pt.snapshot()
    o, i = snap["outer"], snap["inner"]
    assert (o.calls, i.calls) == (1, 2)
    assert o.total_secs >= 2 * SLEEP
    assert i.total_secs >= 2 * SLEEP
    assert i.self_secs >= 0.004 * 0.9
    # outer's own work is its 2 ms spin: the inner steps nest in its steps, so its busy time
    # is exactly its self time plus inner's busy time
    assert o.self_secs >= 0.002 * 0.9
    assert o.busy_secs == pytest.approx(o.self_secs + i.busy_secs, abs=2e-5)
    assert i.busy_secs == pytest.approx(i.self_secs, abs=1e-6)
    assert stacks(tr) == {"outer", "outer;inner"}


def test_gather_of_timed_fetches_is_two_levels():
    @timed("fetch")
    async def fetch() -> None:
        await asyncio.sleep(SLEEP)

    @timed("handler")
    async def handler() -> None:
        await asyncio.gather(fetch(), fetch())

    async def main() -> None:
        await asyncio.gather(handler(), handler())

    with pt.trace() as tr:
        asyncio.run(main())
    snap = pt.snapshot()
    assert snap["fetch"].calls == 4 and snap["handler"].calls == 2
    assert snap["fetch"].total_secs >= 4 * SLEEP
    assert snap["handler"].total_secs >= 2 * SLEEP
    # fetches started by `gather` are tasks of their own: each step of a fetch runs on the
    # loop, not inside a handler step (the handler is suspended meanwhile)
    assert "fetch;fetch" not in stacks(tr) and "handler;handler" not in stacks(tr)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.TaskGroup is 3.11+")
def test_task_group():
    @timed("child")
    async def child(n: int) -> int:
        with timed("child_work"):
            await asyncio.sleep(SLEEP)
        return n

    async def main() -> int:
        async with asyncio.TaskGroup() as group:  # type: ignore[attr-defined]
            tasks = [group.create_task(child(i)) for i in range(10)]
        return sum(t.result() for t in tasks)

    with pt.trace() as tr:
        assert asyncio.run(main()) == 45
    snap = pt.snapshot()
    assert snap["child"].calls == 10 and snap["child_work"].calls == 10
    assert snap["child_work"].total_secs >= 10 * SLEEP
    assert stacks(tr) == {"child", "child;child_work"}


def test_cancellation_is_recorded_once():
    @timed("slow")
    async def slow() -> None:
        with timed("slow_block"):
            await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.ensure_future(slow())
        await asyncio.sleep(SLEEP)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    snap = pt.snapshot()
    assert snap["slow"].calls == 1 and snap["slow_block"].calls == 1
    assert SLEEP * 0.9 <= snap["slow"].total_secs < 5
    assert snap["slow_block"].total_secs >= SLEEP * 0.9


def test_timeout_is_recorded_once():
    @timed("waits")
    async def waits() -> None:
        await asyncio.sleep(10)

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(waits(), SLEEP)

    asyncio.run(main())
    rec = pt.snapshot()["waits"]
    assert rec.calls == 1 and SLEEP * 0.9 <= rec.total_secs < 5


def test_exception_is_recorded_once_and_propagates():
    @timed("fails")
    async def fails() -> None:
        await asyncio.sleep(SLEEP)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        asyncio.run(fails())
    rec = pt.snapshot()["fails"]
    assert rec.calls == 1 and rec.total_secs >= SLEEP * 0.9


def test_to_thread_keeps_working():
    @timed("in_thread")
    def blocking() -> str:
        time.sleep(SLEEP)
        return threading.current_thread().name

    @timed("caller")
    async def caller() -> str:
        with timed("around"):
            return await asyncio.to_thread(blocking)

    name = asyncio.run(caller())
    assert name != threading.current_thread().name
    snap = pt.snapshot()
    assert snap["in_thread"].calls == 1 and snap["in_thread"].idle_secs == 0.0
    assert snap["caller"].calls == 1 and snap["around"].calls == 1
    assert snap["around"].total_secs >= SLEEP * 0.9
    assert snap["around"].idle_secs >= SLEEP * 0.9


def test_scopes_in_undecorated_coroutines_inside_a_timed_one_are_per_task():
    async def helper(i: int) -> None:
        with timed("helper_block"):
            await asyncio.sleep(SLEEP)

    @timed("top")
    async def top(i: int) -> None:
        await helper(i)

    async def main() -> None:
        await asyncio.gather(*(top(i) for i in range(20)))

    with pt.trace() as tr:
        asyncio.run(main())
    assert pt.snapshot()["helper_block"].calls == 20
    assert stacks(tr) == {"top", "top;helper_block"}


def test_timer_across_await_is_per_object():
    async def one() -> float:
        t = pt.Timer("t")
        with t:
            await asyncio.sleep(SLEEP)
        return t.elapsed()

    async def main() -> list[float]:
        return list(await asyncio.gather(*(one() for _ in range(10))))

    for elapsed in asyncio.run(main()):
        assert SLEEP * 0.9 <= elapsed < SLEEP * 20


def test_hand_driven_coroutine_with_no_event_loop():
    @timed("manual")
    async def manual() -> int:
        with timed("manual_block"):
            await asyncio.sleep(0)  # a bare yield to whoever drives it
        return 3

    coro = manual()
    assert coro.send(None) is None
    time.sleep(SLEEP)
    with pytest.raises(StopIteration) as stop:
        coro.send(None)
    assert stop.value.value == 3
    snap = pt.snapshot()
    assert snap["manual"].calls == 1 and snap["manual_block"].calls == 1
    assert snap["manual"].idle_secs >= SLEEP * 0.9


# --- generators ---------------------------------------------------------------------------


def test_generator_time_goes_to_the_generator():
    @timed("producer")
    def producer(n: int):
        for i in range(n):
            spin(0.003)
            yield i

    @timed("consumer")
    def consumer() -> int:
        return sum(producer(3))

    assert inspect.isgeneratorfunction(producer)
    with pt.trace() as tr:
        assert consumer() == 3
    snap = pt.snapshot()
    p, c = snap["producer"], snap["consumer"]
    assert p.calls == 1 and c.calls == 1
    assert p.self_secs >= 3 * 0.003 * 0.9
    assert c.self_secs < p.self_secs / 3
    assert stacks(tr) == {"consumer", "consumer;producer"}


def test_generator_return_value_send_and_throw():
    @timed("echo")
    def echo():
        got = yield "ready"
        try:
            yield got * 2
        except ValueError:
            yield "caught"
        return "done"

    def drive():
        result = yield from echo()
        return result

    g = drive()
    assert next(g) == "ready"
    assert g.send(21) == 42
    assert g.throw(ValueError("x")) == "caught"
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == "done"
    assert pt.snapshot()["echo"].calls == 1


def test_early_break_out_of_a_generator_is_recorded_once():
    closed: list[bool] = []

    @timed("endless")
    def endless():
        try:
            while True:
                yield 1
        finally:
            closed.append(True)

    for i, _ in enumerate(endless()):
        if i == 4:
            break
    assert closed == [True]
    assert pt.snapshot()["endless"].calls == 1
    g = endless()
    next(g)
    g.close()
    g.close()
    assert pt.snapshot()["endless"].calls == 2


def test_generator_that_raises_and_never_started_generator():
    @timed("raising")
    def raising():
        yield 1
        raise OSError("disk")

    with pytest.raises(OSError, match="disk"):
        list(raising())
    unstarted = raising()
    del unstarted
    assert pt.snapshot()["raising"].calls == 1


def test_generator_already_executing():
    @timed("reentrant")
    def reentrant():
        yield next(me)

    me = reentrant()
    with pytest.raises(ValueError, match="already executing"):
        next(me)


# --- async generators ---------------------------------------------------------------------


def test_async_for_over_an_async_generator():
    @timed("ticks")
    async def ticks(n: int):
        for i in range(n):
            await asyncio.sleep(SLEEP / 4)
            spin(0.001)
            yield i

    @timed("reader")
    async def reader() -> int:
        return sum([i async for i in ticks(4)])

    assert inspect.isasyncgenfunction(ticks)
    with pt.trace() as tr:
        assert asyncio.run(reader()) == 6
    snap = pt.snapshot()
    t, r = snap["ticks"], snap["reader"]
    assert t.calls == 1 and r.calls == 1
    assert t.total_secs >= SLEEP * 0.9
    assert t.self_secs >= 0.004 * 0.9
    assert r.self_secs < t.self_secs
    assert stacks(tr) == {"reader", "reader;ticks"}


def test_async_generator_asend_athrow_aclose():
    @timed("agen")
    async def agen():
        got = yield 1
        try:
            yield got + 1
        except KeyError:
            yield "caught"
        yield "never reached"

    async def main() -> None:
        g = agen()
        assert await g.__anext__() == 1
        assert await g.asend(41) == 42
        assert await g.athrow(KeyError("k")) == "caught"
        await g.aclose()

    asyncio.run(main())
    assert pt.snapshot()["agen"].calls == 1


def test_async_generator_break_is_recorded_once():
    @timed("stream")
    async def stream():
        while True:
            await asyncio.sleep(0)
            yield 1

    async def main() -> None:
        g = stream()
        async for i in g:
            break
        await g.aclose()

    asyncio.run(main())
    assert pt.snapshot()["stream"].calls == 1


# --- Python and Rust on the same shape of work ------------------------------------------

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHAPE_MS = 50


def rust_shape() -> tuple[pt.Snapshot, set[str]]:
    """`examples/src/bin/async_shape.rs`: the profile and folded stacks of the Rust run."""
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("cargo is not on PATH")
    done = subprocess.run(
        [cargo, "run", "--quiet", "-p", "performance-timing-examples", "--bin", "async_shape", "--", str(SHAPE_MS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    doc, folded = done.stdout.split("\n---\n")
    return pt.Snapshot.from_json(doc), {line.rsplit(" ", 1)[0] for line in folded.splitlines()}


def test_python_and_rust_measure_the_same_shape_alike():
    """Two handlers run concurrently on one thread, each awaiting two fetches in turn, each
    fetch waiting 50 ms inside a `wait` scope: the same records, calls, nesting and split of
    busy and idle in both languages (Rust: `#[timed] async fn`, `enter_scope` in a poll)."""
    seconds = SHAPE_MS / 1000

    @timed("fetch")
    async def fetch() -> None:
        with timed("wait"):
            await asyncio.sleep(seconds)

    @timed("handler")
    async def handler() -> None:
        await fetch()
        await fetch()

    async def main() -> None:
        await asyncio.gather(handler(), handler())

    with pt.trace() as tr:
        asyncio.run(main())
    py, py_stacks = pt.snapshot(), stacks(tr)
    rs, rs_stacks = rust_shape()
    assert py_stacks == rs_stacks == {"handler", "handler;fetch", "handler;fetch;wait"}
    for name, calls, each in (("handler", 2, 2 * seconds), ("fetch", 4, seconds), ("wait", 4, seconds)):
        p, r = py[name], rs[name]
        assert p.calls == r.calls == calls, name
        for rec in (p, r):
            # every call counts its own wall time; the time waiting is idle, not self
            assert calls * each * 0.95 <= rec.total_secs < calls * each * 3, (name, rec)
            assert rec.total_secs == pytest.approx(
                rec.mean_secs * rec.calls, rel=1e-6, abs=rec.calls * 1e-9
            )
            assert rec.idle_secs >= 0.9 * rec.total_secs, (name, rec)
            assert rec.self_secs <= rec.busy_secs + 1e-9
            assert rec.busy_secs + rec.idle_secs == pytest.approx(rec.total_secs, abs=1e-6)
        assert p.total_secs == pytest.approx(r.total_secs, rel=0.5), name


def test_html_report_shows_busy_and_idle(tmp_path):
    asyncio.run(serve(3))
    path = tmp_path / "profile.html"
    pt.report([pt.snapshot()], path, title="service")
    html = path.read_text(encoding="utf-8")
    assert "<h2>Profile</h2>" in html
    for column in ("busy", "idle"):
        assert f"<th>{column}</th>" in html
    for name in ("request", "db", "render"):
        assert f"<tr><td>{name}</td><td>3</td>" in html
    assert html.count("% busy</title>") == 3
    assert "<title>100.0 % busy</title>" in html  # render never waits


def test_rust_timed_frames_nest_under_the_step_that_calls_them():
    @timed("with_rust")
    async def with_rust() -> None:
        await asyncio.sleep(0)
        pt.compare_seq_vs_parallel([1.0] * 1000, iterations=2)  # `#[timed]` Rust kernels

    with pt.trace() as tr:
        asyncio.run(with_rust())
    nested = [s for s in stacks(tr) if s.startswith("with_rust;")]
    assert any("sum_of_squares" in s for s in nested), stacks(tr)
    rec = pt.snapshot()["with_rust"]
    assert rec.calls == 1 and rec.self_secs < rec.busy_secs
