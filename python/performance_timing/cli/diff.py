"""``python -m performance_timing diff OLD NEW``: what changed, per function, between two profiles.

``OLD`` and ``NEW`` are each a saved profile snapshot (``Snapshot.to_json()``, ``run --json``)
or saved folded stacks (``Trace.folded()`` written to a file). For two snapshots the command
prints one row per function (``Snapshot.diff``): calls, self and total time per call before →
after, the ratio of the median call with its interval, the change's share of the total and a
verdict. ``--flamegraph PATH`` writes the differential flame graph (red: grew, blue: shrank),
``--html PATH`` a page with the table, ``--json`` prints the diff's JSON instead of the table.
Folded stacks hold no per-call figures: with them, only ``--flamegraph`` applies. Exit status 0,
or 2 for an unreadable or malformed file.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from .._native import Snapshot, flamegraph_diff
from .files import FileError, load_profile, read_text
from .status import EXIT_OK, fail

EXAMPLE = """examples:
  python -m performance_timing diff before.json after.json
  python -m performance_timing diff before.json after.json --flamegraph diff.svg --html diff.html
  python -m performance_timing diff before.folded after.folded --flamegraph diff.svg
"""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``diff`` to the command line."""
    cmd = commands.add_parser(
        "diff",
        help="what changed per function between two saved profiles (table, flame graph, HTML)",
        description="Compare two saved profiles function by function: a saved snapshot "
                    "(Snapshot.to_json(), run --json) or saved folded stacks (Trace.folded()).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("old", metavar="OLD", help="the base profile (.json snapshot or folded stacks)")
    cmd.add_argument("new", metavar="NEW", help="the new profile (.json snapshot or folded stacks)")
    cmd.add_argument("--flamegraph", metavar="PATH", help="write the differential flame graph (SVG)")
    cmd.add_argument("--html", metavar="PATH", help="write an HTML page with the diff's table")
    cmd.add_argument("--json", action="store_true", help="print the diff as JSON instead of a table")
    cmd.add_argument("--normalize", action="store_true",
                     help="flame graph: scale OLD to NEW's total first (colours show shares)")
    cmd.set_defaults(run=run)


def _load(path: str) -> Snapshot | None:
    """The snapshot in ``path``, or ``None`` for folded stacks (checked when drawn)."""
    head = read_text(path).lstrip()
    if head.startswith("{"):
        return load_profile(path)
    if head.startswith("["):
        raise FileError(path, "holds benchmark results, not a profile snapshot or folded stacks "
                              "(compare results with the compare command)")
    return None


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Diffs ``args.old`` and ``args.new``; returns the exit status."""
    try:
        old, new = _load(args.old), _load(args.new)
    except (OSError, ValueError) as e:
        return fail(str(e))
    both = old is not None and new is not None
    if not both and args.flamegraph is None:
        return fail("folded stacks hold no per-call figures: pass --flamegraph PATH "
                    "(or give two saved snapshots for the table)")
    if not both and (args.html is not None or args.json):
        return fail("--html and --json need two saved snapshots, not folded stacks")
    try:
        if args.flamegraph is not None:
            flamegraph_diff(old if old is not None else args.old,
                            new if new is not None else args.new,
                            args.flamegraph, normalize=args.normalize,
                            title=f"{args.old} → {args.new}")
        if old is not None and new is not None:
            diff = Snapshot.diff(old, new)
            if args.html is not None:
                diff.write_html(args.html, title=f"What changed: {args.old} → {args.new}")
            print(diff.to_json() if args.json else diff.summary(), file=out)
    except (OSError, ValueError) as e:
        return fail(str(e))
    return EXIT_OK
