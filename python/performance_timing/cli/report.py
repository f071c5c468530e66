"""``python -m performance_timing report OLD.json [NEW.json] -o report.html``: an HTML report.

With one file, the report shows every result in it (a plot of its samples and a summary
table). With two, results are paired as by ``compare`` (by name, or the two results of two
single-result files) and each pair is shown side by side with the ratio, its interval and the
verdict. The page is self-contained: open it in any browser, offline.

Exit status: 0 — written; 2 — bad usage, an unreadable, malformed or wrong-version file, or an
output path that cannot be written (nothing is left half-written).
"""

from __future__ import annotations

import argparse
from typing import TextIO

from .._native import Comparison, Stats, compare, report
from .compare import pair
from .files import load_stats
from .options import add_noise_option
from .status import EXIT_OK, describe, fail

EXAMPLE = """examples:
  python -m performance_timing report results.json -o report.html
  python -m performance_timing report old.json new.json -o report.html --title "nightly"
"""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``report`` to the command line."""
    rep = commands.add_parser(
        "report",
        help="write an HTML report of saved results (one file) or of a comparison (two files)",
        description="Write a self-contained HTML report with plots: every result of OLD, or "
        "each result of NEW compared with its baseline in OLD.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("old", metavar="OLD.json", help="results (the baseline when NEW is given)")
    rep.add_argument("new", metavar="NEW.json", nargs="?", help="candidate results to compare")
    rep.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="PATH",
        help="the HTML file to write (default report.html)",
    )
    rep.add_argument("--title", default=None, help="the page title (default 'Benchmark report')")
    add_noise_option(rep)
    rep.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Writes the report of the files named by ``args``; returns the exit status."""
    try:
        old = load_stats(args.old)
        results: list[Stats | Comparison]
        if args.new is None:
            results = list(old)
        else:
            pairs = pair(old, load_stats(args.new))
            if not pairs:
                return fail(f"{args.old} vs {args.new}: the two files have no result name in common")
            results = [compare(b, c, noise=args.noise) for b, c in pairs]
        report(results, args.output, title=args.title)
    except (OSError, ValueError, TypeError) as e:
        return fail(describe(e))
    print(f"wrote {args.output} ({len(results)} result(s)); open it in a browser", file=out)
    return EXIT_OK
