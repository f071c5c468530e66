"""``python -m performance_timing show FILE.json``: print a saved result.

A file of one ``Stats`` prints as a block (median with its 95 % interval, min, ops/s, samples,
warnings), a list of ``Stats`` as a table (names in natural order: ``test_x[2]`` before
``test_x[10]``, as in the pytest plugin's table), a profile snapshot (``run --json``,
``Snapshot.to_json()``) as the profile table. Exit status 0, or 2 for an unreadable or
malformed file.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import _format
from .._native import Stats
from .files import is_profile, load_profile, load_stats
from .status import EXIT_OK, describe, fail

EXAMPLE = """examples:
  python -m performance_timing show results.json
  python -m performance_timing show .benchmarks/20250601T120000.000000Z-3f2a1bc09d4e.json
  python -m performance_timing show profile.json      # written by run --json
"""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``show`` to the command line."""
    cmd = commands.add_parser(
        "show",
        help="print a saved Stats, list of Stats, or profile snapshot",
        description="Print a saved result: a Stats, a JSON list of Stats, or a profile snapshot.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("file", metavar="FILE.json", help="a file written by to_json(), "
                     "pytest --pt-save, timeit --json or run --json")
    cmd.set_defaults(run=run)


def table(results: list[Stats]) -> str:
    """Several results as one Markdown table."""
    rows = []
    for s in results:
        low, high = s.median_ci
        rows.append([s.name, _format.value(s, s.median), _format.interval(s, low, high),
                     _format.value(s, s.min), _format.ops(s.ops_per_second) if s.unit == "s" else "",
                     f"{len(s)} × {s.iterations_per_sample}", str(len(s.warnings))])
    headers = ["benchmark", "median", "95% CI of median", "min", "ops/s", "samples", "warnings"]
    return _format.markdown(headers, rows, right=(1, 3, 4, 6))


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Prints ``args.file``; returns the exit status."""
    try:
        if is_profile(args.file):
            print(load_profile(args.file).summary(), file=out)
            return EXIT_OK
        results = load_stats(args.file)
    except (OSError, ValueError, TypeError) as e:
        return fail(describe(e))
    if len(results) == 1:
        print(_format.stats_block(results[0]), file=out)
    else:
        results.sort(key=lambda s: _format.natural_key(s.name))   # as the pytest table
        print(table(results), file=out)
        for s in results:
            for warning in s.warnings:
                print(f"warning: {_format.printable(s.name)}: {_format.printable(warning)}",
                      file=out)
    return EXIT_OK
