"""The pictures of the README and the docs, taken with the test suite's headless Chromium (tests/chromium.py):

* docs/trace_flamegraph.png — the flame graph of ``examples/trace_pipeline.py`` (Python stages
  and the Rust kernels they call, one graph);
* docs/report.png — the top of an HTML report comparing two benchmarks;
* docs/profile_diff_flamegraph.png — the differential flame graph of ``examples/profile_diff.py``
  (two sessions, one stage made 15 % slower).

Run: ``.venv/bin/python scripts/docs_screenshots.py`` (after ``bash scripts/setup.sh``; needs
``chromium`` on PATH).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import chromium  # noqa: E402

import performance_timing as pt  # noqa: E402


def main() -> int:
    if chromium.executable() is None:
        print("chromium is not on PATH", file=sys.stderr)
        return 1
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp)
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "trace_pipeline.py"), str(out)], check=True
        )
        chromium.screenshot(out / "flame.svg", docs / "trace_flamegraph.png", size=(1200, 200))

        data = list(range(2_000))
        old = pt.bench(lambda: sorted(data, key=lambda x: -x), name="sort", max_time=1.0, progress=False)
        new = pt.bench(lambda: sorted(data, reverse=True), name="sort", max_time=1.0, progress=False)
        page = out / "report.html"
        pt.report([pt.compare(old, new)], page, title="sort: key=-x → reverse=True")
        chromium.screenshot(page, docs / "report.png", size=(1000, 900))

        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "profile_diff.py"), str(out)], check=True
        )
        chromium.screenshot(out / "diff.svg", docs / "profile_diff_flamegraph.png", size=(1200, 200))
    for png in ("trace_flamegraph.png", "report.png", "profile_diff_flamegraph.png"):
        painted, _ = chromium.painted_fraction(docs / png)
        print(f"docs/{png}: {painted:.0%} of the pixels painted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
