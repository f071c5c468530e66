"""Shared fixtures for the performance_timing test suite."""

from __future__ import annotations

import pathlib
import re

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
def calls():
    """A list that fixture workloads append to, so tests can count calls."""
    return []
