"""The README's picture of ``top``: two Python workers and the Rust example ``top_worker``
recording into one directory, one frame drawn by the interactive view's renderer, exported by
``rich`` as SVG (docs/top.svg) and photographed by the test suite's headless Chromium
(docs/top.png, checked to be painted).

Run: ``.venv/bin/python scripts/top_screenshot.py`` (after ``bash scripts/setup.sh`` and
``cargo build --release -p performance-timing-examples --bin top_worker``; needs ``chromium``).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import chromium  # noqa: E402
from rich.console import Console  # noqa: E402

from performance_timing._native import _TopWatch  # noqa: E402
from performance_timing.cli._top_live import render  # noqa: E402
from performance_timing.cli.top import _State  # noqa: E402

WORKER = """
import time, performance_timing as pt
@pt.timed
def load_user(i):
    time.sleep(0.002)
@pt.timed
def render_page(i):
    sum(range(3000))
@pt.timed
def handle_request(i):
    load_user(i); render_page(i)
while True:
    handle_request(0)
"""


def main() -> int:
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PERFORMANCE_TIMING_DIR=tmp)
        procs = [subprocess.Popen([sys.executable, "-c", WORKER], env=env) for _ in range(2)]
        procs.append(subprocess.Popen([str(ROOT / "target" / "release" / "top_worker")], env=env,
                                      stdout=subprocess.DEVNULL))
        try:
            time.sleep(2)
            watch = _TopWatch([tmp])
            watch.read()
            time.sleep(1)
            frame = watch.read()
            console = Console(record=True, width=118, height=16, force_terminal=True,
                              file=open(os.devnull, "w"))
            console.print(render(frame, _State(per_process=False), 118, 16))
            console.save_svg(str(docs / "top.svg"), title="python -m performance_timing top /tmp/pt")
        finally:
            for p in procs:
                p.kill()
    svg = (docs / "top.svg").read_text()
    svg = svg.replace(tmp, "/tmp/pt")
    (docs / "top.svg").write_text(svg)
    if chromium.executable() is None:
        print("chromium is not on PATH: wrote docs/top.svg only", file=sys.stderr)
        return 1
    chromium.screenshot(docs / "top.svg", docs / "top.png", size=(1000, 420))
    painted, _ = chromium.painted_fraction(docs / "top.png")
    assert painted > 0.05, f"docs/top.png looks blank ({painted:.3f} painted)"
    print(f"wrote docs/top.svg and docs/top.png ({painted:.0%} painted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
