"""The HTML benchmark report: `pt.report(...)` and `python -m performance_timing report`."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest

import performance_timing as pt
from performance_timing.cli import main


def stats(name: str, base: float, n: int = 30) -> pt.Stats:
    samples = [base * (1 + 0.01 * (i % 7)) for i in range(n)] + [base * 3]  # one outlier
    return pt.Stats.from_samples(samples, iterations_per_sample=100, name=name)


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, re.S)]


def test_report_of_stats_and_comparison(tmp_path):
    old, new = stats("sort", 2e-6), stats("sort", 1e-6)
    c = pt.compare(old, new)
    assert c.verdict == "faster"
    path = tmp_path / "report.html"
    assert pt.report([old, c], path, title="Nightly <run>") is None
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Nightly &lt;run&gt;</title>" in html
    # Self-contained: nothing fetched (no scripts, links, imports or remote URLs).
    for needle in ("<script", "<link", "@import", "url(", "src=", "http://", "https://"):
        assert needle not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), needle
    plots = svgs(html)
    assert len(plots) == 2  # one per result, one per comparison
    for plot in plots:
        circles = [e for e in plot.iter() if e.tag.endswith("circle")]
        assert len(circles) >= 31  # every sample is drawn
    # The comparison plot has both distributions; outliers in their own colour.
    assert len([e for e in plots[1].iter() if e.tag.endswith("circle")]) == 2 * 31
    assert 'class="verdict faster"' in html
    assert f"{c.ratio:.3f}" in html and f"{c.ci[0]:.3f}" in html
    assert "median" in html and "95 % interval" in html and "outliers" in html


def test_report_default_title_and_units(tmp_path):
    s = pt.Stats.from_samples([1.0, 2.0, 3.0, 2.5], name="widgets", unit="MB/s")
    pt.report([s], tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<title>Benchmark report</title>" in html
    assert "MB/s" in html


def test_report_bad_arguments(tmp_path):
    s = stats("a", 1e-6)
    with pytest.raises(TypeError, match="results"):
        pt.report("not results", tmp_path / "r.html")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a Stats, a Comparison, a Snapshot or a SnapshotDiff"):
        pt.report([s, 3], tmp_path / "r.html")  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty"):
        pt.report([], tmp_path / "r.html")
    with pytest.raises(TypeError, match="title"):
        pt.report([s], tmp_path / "r.html", title=3)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        pt.report([s], tmp_path / "no" / "r.html")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_cli_report_one_and_two_files(tmp_path):
    old, new = stats("f", 2e-6), stats("f", 2.5e-6)
    (tmp_path / "old.json").write_text(old.to_json())
    (tmp_path / "new.json").write_text(new.to_json())
    out = io.StringIO()
    single = tmp_path / "single.html"
    assert main(["report", str(tmp_path / "old.json"), "-o", str(single)], out) == 0
    assert "wrote" in out.getvalue()
    assert len(svgs(single.read_text(encoding="utf-8"))) == 1
    both = tmp_path / "both.html"
    argv = ["report", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "-o", str(both)]
    assert main([*argv, "--title", "PR 42"], io.StringIO()) == 0
    html = both.read_text(encoding="utf-8")
    assert "<title>PR 42</title>" in html and 'class="verdict slower"' in html


def test_cli_report_errors(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["report", str(bad), "-o", str(tmp_path / "r.html")], io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "bad.json" in err and err.count("\n") == 1
    good = tmp_path / "good.json"
    good.write_text(stats("g", 1e-6).to_json())
    assert main(["report", str(good), "-o", str(tmp_path / "none" / "r.html")], io.StringIO()) == 2
    with pytest.raises(SystemExit) as e:
        main(["report", "--help"])
    assert e.value.code == 0
    assert "example" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        main(["report"])
    assert e.value.code == 2
