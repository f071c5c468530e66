"""The command line: ``python -m performance_timing <command> …``.

One module per command, each with ``add_parser(commands)`` (its arguments, help and
examples) and ``run(args, out) -> int`` (its exit status):

* ``compare`` (:mod:`.compare`) — compare saved benchmark results, gate regressions in CI;
* ``report`` (:mod:`.report`) — an HTML report with plots of saved results or a comparison.

Shared pieces: :mod:`.files` reads result files (every error names the file), :mod:`.status`
holds the exit statuses. Every statistic and every printed duration comes from the Rust core.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from . import compare, report
from .compare import parse_percent
from .status import EXIT_ERROR, EXIT_OK, EXIT_REGRESSION

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_REGRESSION", "build_parser", "main", "parse_percent"]

COMMANDS = (compare, report)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m performance_timing",
        description="Timing, benchmarking and profiling from the command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.run(args, out or sys.stdout))
