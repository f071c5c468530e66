"""Text for people: the figures, blocks and tables the command line and the pytest plugin print.

Every duration and rate goes through the runtime's one formatter (``_format_duration``,
``_format_rate``), so a figure looks the same in a ``repr``, a table or a terminal summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._native import Stats, _format_duration, _format_rate

__all__ = ["duration", "interval", "markdown", "ops", "printable", "stats_block", "value"]


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
    """One result as a readable block: median with its interval, min, ops/s, samples, warnings."""
    low, high = stats.median_ci
    per_call = " per call" if stats.unit == "s" else ""
    lines = [
        printable(stats.name),
        f"  median  {value(stats, stats.median)}{per_call} (95% CI {interval(stats, low, high)})",
        f"  min     {value(stats, stats.min)}",
    ]
    if stats.unit == "s":
        lines.append(f"  ops/s   {ops(stats.ops_per_second)}")
    lines.append(f"  {len(stats)} samples × {stats.iterations_per_sample} calls per sample")
    lines += [f"  warning: {printable(w)}" for w in stats.warnings]
    return "\n".join(lines)
