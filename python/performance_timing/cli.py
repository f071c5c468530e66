"""The command line: ``python -m performance_timing compare old.json new.json``.

Each file holds one ``Stats.to_json()`` document, or a JSON list of them. Results are paired
by name (two single documents are paired whatever their names). A table is printed with the
ratio of medians, its interval, the p-value and the verdict; every statistic comes from the
Rust core (``performance_timing.compare``).

Exit status: 0 — done (no regression beyond the threshold); 1 — a result is ``slower`` by more
than ``--fail-on-regression``; 2 — bad usage or an unreadable, malformed or wrong-version file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from ._native import Comparison, Stats, compare

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_ERROR = 2


def parse_percent(text: str) -> float:
    """``"5%"`` or ``"5"`` → ``0.05``: a percentage >= 0, as a fraction."""
    number = text.strip().removesuffix("%")
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage like 5%, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite percentage >= 0, got {text!r}")
    return value / 100.0


def load(path: str) -> list[Stats]:
    """Every ``Stats`` in the file at ``path`` (one document or a list of documents)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON: {e}") from None
    documents = data if isinstance(data, list) else [data]
    if not documents:
        raise ValueError(f"{path}: holds no results")
    try:
        return [Stats.from_json(json.dumps(d)) for d in documents]
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def pair(old: list[Stats], new: list[Stats]) -> list[tuple[Stats, Stats]]:
    """Baseline/candidate pairs: by name, or the two results of two single-result files."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    by_name = {s.name: s for s in old}
    pairs = [(by_name[s.name], s) for s in new if s.name in by_name]
    if not pairs:
        raise ValueError("the two files have no result name in common")
    return pairs


def format_seconds(secs: float) -> str:
    """Seconds with a unit suited to their size: ``12.3 ns``, ``4.56 µs``, ``7.89 ms``, ``1.23 s``."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if secs >= scale:
            return f"{secs / scale:.3g} {unit}"
    return f"{secs / 1e-9:.3g} ns"


def format_value(stats: Stats, value: float) -> str:
    return format_seconds(value) if stats.unit == "s" else f"{value:.4g} {stats.unit}"


def table(rows: list[tuple[Stats, Stats, Comparison]]) -> str:
    """A Markdown table of the comparisons."""
    lines = [
        "| benchmark | baseline median | candidate median | ratio | 95% CI of ratio | p-value | verdict |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for base, cand, c in rows:
        name = base.name if base.name == cand.name else f"{base.name} → {cand.name}"
        lines.append(
            f"| {name} | {format_value(base, base.median)} | {format_value(cand, cand.median)} "
            f"| {c.ratio:.3f} | {c.ci[0]:.3f} – {c.ci[1]:.3f} | {c.p_value:.2g} | {c.verdict} |"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m performance_timing",
        description="Compare saved benchmark results (Stats.to_json() files).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cmp = commands.add_parser(
        "compare",
        help="compare a baseline file with a candidate file",
        description="Compare a baseline with a candidate: ratio of medians, interval, "
        "Mann-Whitney p-value and a verdict (faster / slower / no change).",
    )
    cmp.add_argument("old", help="baseline: a Stats JSON file (one document or a list)")
    cmp.add_argument("new", help="candidate: a Stats JSON file (one document or a list)")
    cmp.add_argument(
        "--fail-on-regression",
        type=parse_percent,
        metavar="PERCENT",
        help="exit with status 1 when a result is slower by more than PERCENT (e.g. 5%%)",
    )
    cmp.add_argument(
        "--noise",
        type=parse_percent,
        default=0.01,
        metavar="PERCENT",
        help="changes under this are 'no change' (default 1%%)",
    )
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command line; returns the exit status."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        rows = []
        for base, cand in pair(load(args.old), load(args.new)):
            rows.append((base, cand, compare(base, cand, noise=args.noise)))
    except (OSError, ValueError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR
    print(table(rows), file=out)
    threshold = args.fail_on_regression
    if threshold is None:
        return EXIT_OK
    regressions = [
        (b, c, r) for b, c, r in rows if r.verdict == "slower" and r.ratio - 1.0 > threshold
    ]
    for base, _, r in regressions:
        print(
            f"regression: {base.name} is {(r.ratio - 1.0) * 100:.1f}% slower "
            f"(threshold {threshold * 100:g}%)",
            file=sys.stderr,
        )
    return EXIT_REGRESSION if regressions else EXIT_OK
