"""What changed per function: ``Snapshot.diff``, ``flamegraph_diff`` and the ``diff`` command.

Oracles on fixed data are snapshots written by hand (exact histogram buckets), so the median
ratio and its interval are known in advance."""

from __future__ import annotations

import json
import pathlib
import sys

import pytest

import performance_timing as pt
from performance_timing.cli import main

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import chromium  # noqa: E402


def le(v: int) -> int:
    """The inclusive upper edge of the histogram bucket holding ``v`` nanoseconds."""
    if v <= 32:
        return v
    k = (v - 1).bit_length() - 1
    width = 2**k // 16
    return 2**k + -(-(v - 2**k) // width) * width


def record(name: str, values: list[int], module: str = "m") -> dict:
    buckets: dict[int, int] = {}
    for v in values:
        buckets[le(v)] = buckets.get(le(v), 0) + 1
    total = sum(values)
    secs = total * 1e-9
    return {
        "name": name, "module_path": module, "file": "", "line": 0, "calls": len(values),
        "total_secs": secs, "self_secs": secs, "mean_secs": 0.0, "min_secs": 0.0,
        "max_secs": 0.0, "p50_secs": 0.0, "p90_secs": 0.0, "p99_secs": 0.0, "p999_secs": 0.0,
        "sum_ns": total, "total_ns": total, "self_ns": total,
        "min_ns": min(values, default=0), "max_ns": max(values, default=0),
        "histogram": sorted(buckets.items()),
    }


def snap(*records: dict, clock: str = "tsc") -> pt.Snapshot:
    doc = {"schema": "performance_timing.profile/2", "clock": clock, "processes": [],
           "records": list(records), "threads": []}
    return pt.Snapshot.from_json(json.dumps(doc))


def row(diff: pt.SnapshotDiff, name: str) -> dict:
    (found,) = [r for r in diff.rows if r["name"] == name]
    return found


def test_interval_oracle_on_exact_buckets():
    # 1..32 ns have buckets of their own: the order statistics are the values themselves.
    # n = 30 at level √0.95 per side: 0-based ranks 8 and 21 (sign test, Binomial(30, ½):
    # P(B ≤ 8) = 0.0081 ≤ 0.0127 < P(B ≤ 9)), median rank 15.
    base = snap(record("f", list(range(1, 31))))
    new = snap(record("f", list(range(2, 32))))
    r = row(pt.Snapshot.diff(base, new), "f")
    assert r["median_secs"] == pytest.approx((15e-9, 16e-9))
    assert r["ratio"] == pytest.approx(16 / 15)
    assert r["interval"] == pytest.approx((10 / 22, 23 / 9))
    assert r["verdict"] == "no change"
    assert r["calls"] == (30, 30)


def test_interval_oracle_bucketed_and_clamped():
    # 200 calls of exactly 1000 ns, then of 1500 ns: every bound is clamped to the exact
    # min = max, so the ratio and its interval are exactly 1.5.
    r = row(pt.Snapshot.diff(snap(record("f", [1000] * 200)), snap(record("f", [1500] * 200))), "f")
    assert r["ratio"] == 1.5
    assert r["interval"] == (1.5, 1.5)
    assert r["verdict"] == "slower"
    assert r["self_per_call_secs"] == pytest.approx((1e-6, 1.5e-6))
    assert r["change_secs"] == pytest.approx(500e-9 * 200)
    # Spread within a bucket's width: the interval spans whole buckets and holds 1.
    base = [1000 + (i % 7) for i in range(101)]
    new = [1003 + (i % 7) for i in range(101)]
    r = row(pt.Snapshot.diff(snap(record("f", base)), snap(record("f", new))), "f")
    lo, hi = r["interval"]
    assert lo < 1 < hi and r["verdict"] == "no change"


def test_faster_slower_sorted_by_share():
    base = snap(record("a", [1000] * 100), record("b", [1000] * 100), record("c", [4000] * 100))
    new = snap(record("a", [1000] * 100), record("b", [1200] * 100), record("c", [2000] * 100))
    d = pt.Snapshot.diff(base, new)
    assert [r["name"] for r in d.rows] == ["c", "b", "a"]
    assert [r["verdict"] for r in d.rows] == ["faster", "slower", "no change"]
    assert d.rows[0]["share"] == pytest.approx(-200_000 / 420_000)
    table = d.summary().splitlines()
    assert table[0].split()[:3] == ["name", "calls", "self/call"]
    assert table[2].startswith("c ") and table[2].endswith("faster")
    assert str(d) == d.summary()
    assert repr(d) == "SnapshotDiff(rows=3, slower=1, faster=1, new=0, gone=0)"
    doc = d.to_dict()
    assert doc["schema"] == "performance_timing.profile_diff/1"
    assert [r["change"] for r in doc["rows"]] == ["faster", "slower", "no_change"]
    assert json.loads(d.to_json()) == doc


def test_new_gone_renamed_and_other_module():
    base = snap(record("kept", [100] * 10), record("old_name", [50] * 4))
    new = snap(record("kept", [100] * 10), record("new_name", [50] * 4),
               record("kept", [100] * 10, module="elsewhere"))
    d = pt.Snapshot.diff(base, new)
    verdicts = {(r["module_path"], r["name"]): r["verdict"] for r in d.rows}
    assert verdicts == {("m", "kept"): "no change", ("m", "old_name"): "gone",
                        ("m", "new_name"): "new", ("elsewhere", "kept"): "new"}
    gone = row(d, "old_name")
    assert gone["calls"] == (4, 0) and gone["ratio"] is None and gone["interval"] is None
    assert gone["share"] == pytest.approx(-200 / 1200)
    assert "– → –" not in d.summary()


def test_empty_profiles():
    empty = snap()
    d = pt.Snapshot.diff(empty, empty)
    assert len(d) == 0 and d.rows == []
    assert d.summary() == "Diff: nothing recorded in either profile"
    d = pt.Snapshot.diff(empty, snap(record("f", [10] * 3)))
    assert [(r["verdict"], r["share"]) for r in d.rows] == [("new", 1.0)]
    d = pt.Snapshot.diff(snap(record("f", [10] * 3)), empty)
    assert [(r["verdict"], r["share"]) for r in d.rows] == [("gone", -1.0)]


def test_clock_change_is_named():
    d = pt.Snapshot.diff(snap(record("f", [10]), clock="tsc"), snap(record("f", [10]), clock="monotonic"))
    assert d.summary().startswith("Note: the profiles were taken with different clocks (tsc → monotonic)")


def test_live_profile_names_the_slower_function_first(clean_profile):
    @pt.timed("work_a")
    def a(n):
        return sum(range(n))

    @pt.timed("work_b")
    def b(n):
        return sum(range(n))

    def run(nb):
        pt.reset()
        for _ in range(300):
            a(2000)
            b(nb)
        return pt.snapshot()

    base = run(2000)
    new = run(6000)
    d = pt.Snapshot.diff(base, new)
    assert d.rows[0]["name"] == "work_b" and d.rows[0]["verdict"] == "slower", d.summary()
    assert d.rows[0]["ratio"] > 1.5


def test_bad_inputs():
    s = snap(record("f", [1]))
    with pytest.raises(TypeError, match="base must be a Snapshot, not int"):
        pt.Snapshot.diff(1, s)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="new must be a Snapshot, not str"):
        pt.Snapshot.diff(s, "{}")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="profile/2"):
        pt.Snapshot.from_json(json.dumps({"schema": "performance_timing.profile/1"}))


def test_cli_diff_table_html_json_and_flamegraph(tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(snap(record("parse", [1000] * 50), record("eval", [3000] * 50)).to_json())
    new.write_text(snap(record("parse", [2000] * 50), record("eval", [3000] * 50)).to_json())
    svg, html = tmp_path / "d.svg", tmp_path / "d.html"
    assert main(["diff", str(old), str(new), "--flamegraph", str(svg), "--html", str(html)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith("parse") and out[2].endswith("slower")
    assert "<svg" in svg.read_text() and "parse" in svg.read_text()
    page = html.read_text()
    assert "verdict slower" in page and "parse" in page
    assert main(["diff", str(old), str(new), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][0]["name"] == "parse"


def test_cli_diff_bad_files(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(snap(record("f", [10])).to_json())
    old_schema = tmp_path / "old_schema.json"
    old_schema.write_text(json.dumps({"schema": "performance_timing.profile/1", "records": []}))
    assert main(["diff", str(old_schema), str(good)]) == 2
    err = capsys.readouterr().err
    assert "old_schema.json" in err and "profile/2" in err
    stats = tmp_path / "stats.json"
    stats.write_text(json.dumps([json.loads(pt.Stats.from_samples([1.0, 2.0, 3.0]).to_json())]))
    assert main(["diff", str(stats), str(good)]) == 2
    assert "holds benchmark results" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("hello world\n")
    assert main(["diff", str(text), str(good), "--flamegraph", str(tmp_path / "x.svg")]) == 2
    err = capsys.readouterr().err
    assert "not folded stacks" in err and "line 1" in err
    assert not (tmp_path / "x.svg").exists()
    assert main(["diff", str(text), str(good)]) == 2
    assert "--flamegraph" in capsys.readouterr().err
    assert main(["diff", str(tmp_path / "missing.json"), str(good)]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_flamegraph_diff_inputs(tmp_path, clean_profile):
    @pt.timed("inner")
    def inner():
        return sum(range(3000))

    @pt.timed("outer")
    def outer(n):
        for _ in range(n):
            inner()

    with pt.trace() as before:
        outer(20)
    with pt.trace() as after:
        outer(60)
    folded = tmp_path / "after.folded"
    folded.write_text(after.folded())
    saved = tmp_path / "snap.json"
    saved.write_text(pt.snapshot().to_json())
    for base, new in [(before, after), (before, folded), (str(saved), pt.snapshot()),
                      (pathlib.Path(saved), folded)]:
        out = tmp_path / "d.svg"
        pt.flamegraph_diff(base, new, out, title="diff title", normalize=True)
        text = out.read_text()
        assert "<svg" in text and "diff title" in text and "inner" in text
    with pytest.raises(TypeError, match="base must be a Snapshot, a Trace or the path"):
        pt.flamegraph_diff(3, after, tmp_path / "x.svg")  # type: ignore[arg-type]
    with pytest.raises(OSError):
        pt.flamegraph_diff(tmp_path / "nope.folded", after, tmp_path / "x.svg")
    with pytest.raises(ValueError, match="new is not folded stacks: line 2"):
        (tmp_path / "bad.folded").write_text("a;b 1\na;b x\n")
        pt.flamegraph_diff(before, tmp_path / "bad.folded", tmp_path / "x.svg")
    # Two empty profiles still make a graph.
    pt.flamegraph_diff(snap(), snap(), tmp_path / "empty.svg")
    assert "<svg" in (tmp_path / "empty.svg").read_text()


HOSTILE = '<img src=x onerror="alert(1)">&amp;"\''


@pytest.mark.skipif(chromium.executable() is None, reason="chromium is not on PATH")
def test_flamegraph_diff_renders_in_chromium_with_hostile_names(tmp_path):
    grew = [f"main;{HOSTILE} 100", "main;steady 300", "main;shrank 400"]
    base = tmp_path / "base.folded"
    base.write_text("\n".join(grew) + "\n")
    new = tmp_path / "new.folded"
    new.write_text(f"main;{HOSTILE} 400\nmain;steady 300\nmain;shrank 100\n")
    svg = tmp_path / "diff.svg"
    pt.flamegraph_diff(base, new, svg, title="<b>differential</b>")
    png = tmp_path / "diff.png"
    chromium.screenshot(svg, png, size=(1200, 500))
    painted, colours = chromium.painted_fraction(png)
    assert painted > 0.05 and colours > 8, (painted, colours)
    dom = chromium.dump_dom(svg)
    assert "<img" not in dom and "<b>differential" not in dom
    assert "&lt;b&gt;differential&lt;/b&gt;" in dom
    assert "steady" in dom and "shrank" in dom
    # Red for the frame that grew, blue for the one that shrank.
    text = svg.read_text()
    assert "rgb(255," in text and ",255)" in text


def test_report_and_write_html_take_a_diff(tmp_path):
    d = pt.Snapshot.diff(snap(record("<f>", [1000] * 20)), snap(record("<f>", [3000] * 20)))
    page = tmp_path / "r.html"
    a = pt.Stats.from_samples([1e-6 * (1 + 0.01 * (i % 5)) for i in range(20)], name="a")
    pt.report([a, d], page, title="with a diff")
    text = page.read_text()
    assert "What changed, per function" in text and "&lt;f&gt;" in text and "<f>" not in text
    assert "verdict slower" in text
    d.write_html(tmp_path / "d.html", title="only <the> diff")
    assert "only &lt;the&gt; diff" in (tmp_path / "d.html").read_text()
    with pytest.raises(TypeError, match="Stats, a Comparison, a Snapshot or a SnapshotDiff"):
        pt.report([1], page)  # type: ignore[list-item]
