"""The command line: ``python -m performance_timing <command> …``.

One module per command, each with ``add_parser(commands)`` (its arguments, help and
examples) and ``run(args, out) -> int`` (its exit status):

* ``compare`` (:mod:`.compare`) — compare saved benchmark results, gate regressions in CI;
* ``timeit`` (:mod:`.timeit`) — time a statement, ``timeit``'s flags with ``bench``'s statistics;
* ``run`` (:mod:`.run`) — run a program as ``__main__`` and print its profile at exit;
* ``show`` (:mod:`.show`) — print a saved ``Stats``, list of ``Stats`` or profile snapshot;
* ``history`` (:mod:`.history`) — each benchmark's median over the runs of a results history.
* ``report`` (:mod:`.report`) — an HTML report with plots of saved results or a comparison;
* ``diff`` (:mod:`.diff`) — what changed per function between two saved profiles.
* ``top`` (:mod:`.top`) — a live view of running processes (directories, ``/metrics`` URLs).

Shared pieces: :mod:`.files` reads result files (``load_stats``, ``load_json``; every error is
one line naming the file and the line and column in it), :mod:`.status` holds the exit
statuses. Every statistic and every printed duration comes from the Rust core.

Only a real regression exits 1: bad usage, a bad file and any unexpected error exit 2 with one
line on stderr; Ctrl-C exits 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from .._native import __version__
from . import compare, diff, history, report, run, show, timeit, top
from .options import join_negative_values, parse_percent
from .status import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_REGRESSION, describe, fail

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REGRESSION",
    "build_parser",
    "main",
    "parse_percent",
]

COMMANDS = (compare, report, timeit, run, show, history, diff, top)

EXAMPLE = """examples:
  python -m performance_timing timeit -s "data = list(range(1000))" "sorted(data)"
  python -m performance_timing run pipeline.py --input data.csv
  python -m performance_timing compare old.json new.json --fail-on-regression 5%
"""

DOCS = """\
documentation: the site in docs/ of the source checkout (tutorials, how-to guides, the Python,
command-line and Rust reference). Read it locally, from the checkout:
  bash scripts/setup.sh          # once: .venv with the module and mkdocs
  .venv/bin/mkdocs serve         # then open http://127.0.0.1:8000
Each command's own help: python -m performance_timing COMMAND --help"""


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = Parser(
        prog="python -m performance_timing",
        description="Timing, benchmarking and profiling from the command line.",
        epilog=EXAMPLE + "\n" + DOCS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version",
                        version=f"performance_timing {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command line; returns the exit status (bad usage raises ``SystemExit(2)``).

    A command returns its own status; anything it did not expect is reported on one line and
    exits 2, so that status 1 always means a real regression.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    join_negative_values(argv)
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args, out or sys.stdout))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - the one place that turns any failure into status 2
        if isinstance(e, OSError):
            return fail(describe(e))
        return fail(f"{type(e).__name__}: {describe(e)}")
