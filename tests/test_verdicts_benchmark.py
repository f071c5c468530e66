"""A smoke run of the error-rate benchmark (benchmarks/verdicts.py --quick): it starts and stops
its background load, runs every mode, and prints the table. The full run is a benchmark, not a
test (too slow and too noisy)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "verdicts.py"


def test_quick_run_prints_every_mode_and_stops_its_load():
    out = subprocess.run([sys.executable, str(SCRIPT), "--quick"], capture_output=True, text=True,
                         timeout=240)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| mode | load | size |"))
    assert "A/A false verdicts" in header and "detects 10 %" in header
    for mode in ("bench_pair", "bench + compare", "cli gate"):
        row = next(line for line in lines if line.startswith(f"| {mode} | on | 1us |"))
        assert row.count("|") == header.count("|"), row
    assert "load average before/after" in out.stdout
    # The load subprocess was killed: no child of the finished script is left behind.
    assert "Traceback" not in out.stderr
