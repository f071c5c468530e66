"""Span capture from Python: `pt.trace()`, Chrome trace JSON, folded stacks, flame graph."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import xml.etree.ElementTree as ET

import pytest

import performance_timing as pt
from performance_timing import timed


@timed
def leaf(x: int) -> int:
    return x * 2


@timed
def middle(n: int) -> int:
    return sum(leaf(i) for i in range(n))


@timed("outer;stage")
def outer(n: int) -> int:
    return middle(n) + leaf(0)


def events_of(tr: pt.Trace, tmp_path) -> dict:
    path = tmp_path / "trace.json"
    tr.write_chrome_trace(path)
    return json.loads(path.read_text(encoding="utf-8"))


def check_nesting(complete: list[dict]) -> None:
    """Per thread: every span lies inside the span open around it."""
    by_tid: dict[int, list[tuple[float, float]]] = {}
    for e in complete:
        by_tid.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_tid.values():
        spans.sort(key=lambda s: (s[0], -s[1]))
        stack: list[float] = []
        for ts, end in spans:
            while stack and stack[-1] <= ts:
                stack.pop()
            if stack:
                assert end <= stack[-1] + 1e-6, (ts, end, stack[-1])
            stack.append(end)


def test_trace_of_python_and_rust_spans(tmp_path):
    data = [float(i) for i in range(20_000)]
    started_inside: list[str] = []

    def worker() -> None:
        started_inside.append(threading.current_thread().name)
        outer(3)

    pt.reset()
    with pt.trace(capacity=10_000) as tr:
        with timed("experiment"):
            for _ in range(2):
                outer(5)
            pt.compare_seq_vs_parallel(data, iterations=2)
        t = threading.Thread(target=worker, name="late-thread")
        t.start()
        t.join()  # starts and exits during the session
    snap = pt.snapshot()
    assert tr.dropped == 0
    # Every call is a span: the counts equal the profile's.
    assert len(tr) == sum(record.calls for record in snap)

    doc = events_of(tr, tmp_path)
    assert doc["displayTimeUnit"] == "ns"
    assert isinstance(doc["otherData"], dict)
    events = doc["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    assert len(complete) == len(tr)
    for e in complete:
        assert set(e) == {"ph", "name", "cat", "ts", "dur", "pid", "tid", "args"}
        assert isinstance(e["name"], str) and isinstance(e["cat"], str)
        assert isinstance(e["ts"], float) and isinstance(e["dur"], float)
        assert e["dur"] >= 0 and e["ts"] >= 0
        assert e["pid"] == os.getpid() and isinstance(e["tid"], int)
        assert isinstance(e["args"]["module"], str)
    names = [e["name"] for e in complete]
    for record in snap:
        assert names.count(record.name) == record.calls, record.name
    assert names.count("outer;stage") == 3  # names as recorded, `;` kept
    assert names.count("leaf") == 2 * 6 + 4
    assert names.count("seq_sum_of_squares") >= 2 and names.count("par_sum_of_squares") >= 2
    check_nesting(complete)

    threads = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert "main" in threads.values()
    assert len({e["tid"] for e in complete}) == 2  # the late thread is included
    assert set(threads) == {e["tid"] for e in complete}
    assert any(e["ph"] == "M" and e["name"] == "process_name" for e in events)

    # A parent's span contains its children: rust kernels inside "experiment".
    experiment = next(e for e in complete if e["name"] == "experiment")
    for e in complete:
        if e["name"].endswith("sum_of_squares"):
            assert experiment["ts"] <= e["ts"] and e["ts"] + e["dur"] <= experiment["ts"] + experiment["dur"] + 1e-6


def test_folded_stacks_weights_sum_to_root_durations(tmp_path):
    with pt.trace() as tr:
        for _ in range(3):
            outer(4)
    folded = tr.folded()
    lines = folded.splitlines()
    assert lines == sorted(lines)
    weights = {}
    for line in lines:
        stack, weight = line.rsplit(" ", 1)
        weights[stack] = int(weight)  # integer nanoseconds
    assert "outer:stage;middle;leaf" in weights  # `;` inside a name replaced
    assert all(w > 0 for w in weights.values())
    complete = [e for e in events_of(tr, tmp_path)["traceEvents"] if e["ph"] == "X"]
    roots = sum(e["dur"] for e in complete if e["name"] == "outer;stage")
    assert sum(weights.values()) / 1000 == pytest.approx(roots, abs=0.01)


def test_flamegraph_svg_parses_and_names_every_function(tmp_path):
    with pt.trace() as tr:
        outer(2)
    path = tmp_path / "flame.svg"
    tr.write_flamegraph(path, title="my <flame> graph")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = path.read_text(encoding="utf-8")
    for name in ("outer:stage", "middle", "leaf"):
        assert name in text
    assert "my &lt;flame&gt; graph" in text
    tr.write_flamegraph(tmp_path / "default.svg")  # title is optional
    assert "Flame Graph" in (tmp_path / "default.svg").read_text(encoding="utf-8")
    tr.write_flamegraph(str(tmp_path / "positional.svg"), "positional title")
    assert "positional title" in (tmp_path / "positional.svg").read_text(encoding="utf-8")
    with pytest.raises(TypeError, match="title"):
        tr.write_flamegraph(tmp_path / "bad.svg", title=3)  # type: ignore[arg-type]


def test_buffer_full_drops_and_counts():
    with pt.trace(capacity=4) as tr:
        outer(10)  # outer, middle, 10 + 1 leaf
    assert len(tr) == 4
    assert tr.dropped == 13 - 4
    # kept spans keep their parents: the first four begun
    assert tr.folded().splitlines()[0].startswith("outer:stage")


def test_async_python_spans():
    @timed
    async def fetch(i: int) -> int:
        await asyncio.sleep(0)
        return leaf(i)

    async def main() -> list[int]:
        return list(await asyncio.gather(*(fetch(i) for i in range(3))))

    with pt.trace() as tr:
        assert asyncio.run(main()) == [0, 2, 4]
    # each fetch runs in two steps (before and after its await), each a span; leaf nests
    # in the second
    assert len(tr) == 3 * 2 + 3
    assert {line.rsplit(" ", 1)[0] for line in tr.folded().splitlines()} == {
        "test_async_python_spans.<locals>.fetch",
        "test_async_python_spans.<locals>.fetch;leaf",
    }


def test_one_session_at_a_time_and_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="capacity"):
        pt.trace(capacity=0)
    with pytest.raises(TypeError, match="capacity"):
        pt.trace(capacity="10")  # type: ignore[arg-type]
    with pt.trace() as tr:
        with pytest.raises(RuntimeError, match="already active"):
            with pt.trace():
                pass
        with pytest.raises(RuntimeError, match="not finished"):
            len(tr)
    with pytest.raises(RuntimeError, match="already entered"):
        with tr:
            pass
    with pt.trace(capacity=1) as again:  # a new session after the first finished
        leaf(1)
    assert len(again) == 1
    with pytest.raises(TypeError, match="path"):
        again.write_chrome_trace(3)  # type: ignore[arg-type]


def test_unwritable_path_is_oserror_and_leaves_nothing(tmp_path):
    with pt.trace() as tr:
        outer(1)
    with pytest.raises(FileNotFoundError):
        tr.write_chrome_trace(tmp_path / "missing" / "trace.json")
    with pytest.raises(IsADirectoryError):
        tr.write_flamegraph(tmp_path)
    target = tmp_path / "sub"
    target.mkdir()
    with pytest.raises(OSError):
        tr.write_chrome_trace(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]
    assert list(target.iterdir()) == []
    # A good write replaces the file whole.
    good = tmp_path / "t.json"
    good.write_text("old")
    tr.write_chrome_trace(good)
    assert json.loads(good.read_text())["traceEvents"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub", "t.json"]
