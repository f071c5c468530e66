"""A real browser opens what we write: headless Chromium renders the flame graph SVG and the
HTML report; the screenshots must show something and the DOM must hold the title.

Runs whenever ``chromium`` is on PATH (CI installs the Debian package); skipped otherwise."""

from __future__ import annotations

import pathlib
import sys

import pytest

import performance_timing as pt
from performance_timing import timed

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import chromium  # noqa: E402

pytestmark = pytest.mark.skipif(
    chromium.executable() is None,
    reason="chromium is not on PATH (Debian: apt-get install -y chromium); browser tests skipped",
)


@timed
def kernel_py(n: int) -> float:
    seq, par = pt.compare_seq_vs_parallel([float(i) for i in range(n)], iterations=2)
    return seq.duration_secs + par.duration_secs


@timed("browser stage")
def stage() -> None:
    for n in (10_000, 20_000):
        kernel_py(n)


def check_rendered(png: pathlib.Path) -> None:
    painted, colours = chromium.painted_fraction(png)
    assert painted > 0.01, f"{png.name}: only {painted:.2%} of the pixels are painted"
    assert colours > 8, f"{png.name}: {colours} colours, looks blank"


def test_flamegraph_renders_in_chromium(tmp_path):
    with pt.trace() as tr:
        stage()
    svg = tmp_path / "flame.svg"
    tr.write_flamegraph(svg, title="browser flame graph")
    png = tmp_path / "flame.png"
    chromium.screenshot(svg, png, size=(1200, 600))
    check_rendered(png)
    dom = chromium.dump_dom(svg)
    assert "browser flame graph" in dom
    for name in ("browser stage", "kernel_py", "par_sum_of_squares"):
        assert name in dom


def test_report_renders_in_chromium(tmp_path):
    a = pt.Stats.from_samples([1e-6 * (1 + 0.02 * (i % 5)) for i in range(25)], name="old")
    b = pt.Stats.from_samples([0.8e-6 * (1 + 0.02 * (i % 5)) for i in range(25)], name="new")
    page = tmp_path / "report.html"
    pt.report([a, b, pt.compare(a, b)], page, title="Browser report")
    png = tmp_path / "report.png"
    chromium.screenshot(page, png, size=(1000, 1400))
    check_rendered(png)
    dom = chromium.dump_dom(page)
    assert "<title>Browser report</title>" in dom
    assert dom.count("<svg") == 3
