"""Text for people: the figures, blocks and tables the command line and the pytest plugin print.

Every duration and rate goes through the runtime's one formatter (``_format_duration``,
``_format_rate``), so a figure looks the same in a ``repr``, a table or a terminal summary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._native import Stats, _format_duration, _format_rate

__all__ = [
    "duration",
    "interval",
    "markdown",
    "natural_key",
    "ops",
    "printable",
    "stats_block",
    "value",
]


def printable(text: str) -> str:
    """``text`` with what a terminal would act on shown as ``repr`` shows it: control characters
    (``"\\x1b"``, ``"\\n"``), invisible format characters (``"\\u202e"``) and lone surrogates
    (``"\\udc80"``, which cannot be encoded) escaped; everything else kept."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _cell(text: str) -> str:
    """A Markdown table cell: :func:`printable`, with ``|`` escaped so it cannot split the row."""
    return printable(text).replace("|", "\\|")


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[tuple[int, str], ...], str]:
    """A sort key that orders the numbers inside names by value: ``test_x[2]`` before
    ``test_x[10]`` before ``test_x[100]`` (the tables of the pytest plugin and ``show``)."""
    parts = _DIGITS.split(name)  # text, digits, text, …: the same kinds at the same places
    # A number compares by its count of digits, then its digits (no int(): any length works).
    key = tuple((len(p.lstrip("0")), p.lstrip("0")) if i % 2 else (0, p) for i, p in enumerate(parts))
    return key, name


def duration(seconds: float) -> str:
    """``3.48e-5`` → ``"34.8 µs"``."""
    return _format_duration(seconds)


def value(stats: Stats, figure: float) -> str:
    """A figure of ``stats`` in its unit: a duration for seconds, else ``"<figure> <unit>"``."""
    return duration(figure) if stats.unit == "s" else f"{figure:.4g} {stats.unit}"


def interval(stats: Stats, low: float, high: float) -> str:
    """``"12.1 µs – 12.5 µs"``."""
    return f"{value(stats, low)} – {value(stats, high)}"


def ops(per_second: float) -> str:
    """``81300.0`` → ``"81.3 kops/s"``."""
    return _format_rate(per_second, "ops")


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A Markdown table; the columns whose indices are in ``right`` are right-aligned."""
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(map(_cell, headers)) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def stats_block(stats: Stats) -> str:
    """One result as a readable block: median with its interval, min, ops/s, samples, warnings
    (the runtime's ``Stats.summary()``, also what ``print(stats)`` shows), with what a terminal
    would act on escaped (:func:`printable`, line by line)."""
    return "\n".join(printable(line) for line in stats.summary().split("\n"))
