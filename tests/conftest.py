"""Shared fixtures for the performance_timing test suite."""

from __future__ import annotations

import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest

SEED = pathlib.Path(__file__).parent / "seed" / "performance_timing.md"


def seed_python_snippets() -> list[tuple[str, str]]:
    """Every ```python block of the seed document, with the heading it sits under."""
    text = SEED.read_text(encoding="utf-8")
    snippets = []
    heading = "top"
    for block in re.finditer(r"^(#+ [^\n]*)$|^```python\n(.*?)^```", text, re.S | re.M):
        if block.group(1):
            heading = block.group(1).lstrip("# ").strip()
        else:
            snippets.append((heading, block.group(2)))
    return snippets


@pytest.fixture
def clean_profile():
    """Recording on and an empty global profile before the test; recording on after it."""
    import performance_timing as pt

    pt.set_enabled(True)
    pt.reset()
    yield
    pt.set_enabled(True)


@pytest.fixture
def calls():
    """A list that fixture workloads append to, so tests can count calls."""
    return []


def seconds_until_interrupted(call: str, delay: float = 0.3) -> float:
    """Runs ``call`` (Python source using ``pt``) in a fresh interpreter, sends it SIGINT after
    ``delay`` seconds, and returns how long it took to raise KeyboardInterrupt."""
    code = (
        "import time, performance_timing as pt\n"
        "print('ready', flush=True)\n"
        "t = time.perf_counter()\n"
        "try:\n"
        f"    {call}\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', round(time.perf_counter() - t, 2), flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert out.startswith("interrupted"), err
    return float(out.split()[1])
