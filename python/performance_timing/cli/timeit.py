"""``python -m performance_timing timeit [-s SETUP] [-n N] [-r R] STMT …``: time a statement.

``timeit``'s flags and meaning: several ``STMT`` (and several ``-s``) are the lines of one
statement (setup); ``-n N`` fixes the calls per sample (no calibration), ``-r R`` the number of
samples; without them the calibrated ``bench()`` decides. The setup runs once, in a namespace
of its own; the statement runs in a function of that namespace, so it reads the setup's names
and, as in ``timeit``, a name it assigns that the setup also bound is that same variable
(``-s "x = 0" "x += 1"`` counts up). Prints median ± its 95 % interval, min, ops/s and the
result's warnings; ``--json`` saves the ``Stats`` for ``compare`` (a directory gets a new run
of a results history).
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TextIO

from .. import _format
from .._native import _DEFAULTS, bench
from . import history
from .options import seconds
from .status import EXIT_OK, describe, fail

EXAMPLE = """examples:
  python -m performance_timing timeit -s "data = list(range(1000))" "sorted(data)"
  python -m performance_timing timeit -n 1000 -r 20 "sum(range(100))"
  python -m performance_timing timeit --json results/ "sorted(data)" -s "data = [3, 1, 2]"
"""


def count(least: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``least``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value

    return parse


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``timeit`` to the command line."""
    max_time = _DEFAULTS["bench.max_time"]
    cmd = commands.add_parser(
        "timeit",
        help="time a Python statement (timeit's flags, bench's statistics)",
        description="Time a Python statement with bench(): median with its 95% interval, "
        "min, ops/s and warnings. Several STMT (or -s) arguments are lines of one statement.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("statement", nargs="+", metavar="STMT", help="the statement to time")
    cmd.add_argument("-s", "--setup", action="append", default=[], metavar="SETUP",
                     help="run once before timing (default: pass)")
    cmd.add_argument("-n", "--number", type=count(1), metavar="N",
                     help="calls per sample, fixed (default: calibrated)")
    cmd.add_argument("-r", "--repeat", type=count(2), metavar="R",
                     help=f"number of samples (default: {_DEFAULTS['bench.samples']}, "
                     "fewer if --max-time runs out)")
    cmd.add_argument("--max-time", type=seconds, default=max_time, metavar="S",
                     help=f"time budget in seconds (default {max_time:g})")
    cmd.add_argument("--json", metavar="PATH",
                     help="save the result (a JSON list of one Stats) to PATH; a directory "
                     "gets a new <timestamp>-<commit>.json (a results history); "
                     f"{history.PATH_RULE}")
    cmd.set_defaults(run=run)


def shared_names(statement: ast.Module, namespace: dict[str, Any]) -> list[str]:
    """Names the statement binds in its own scope that the setup bound too."""
    bound: set[str] = set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                bound.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in child.names)
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(child.name)
            if not isinstance(child, scopes):
                visit(child)

    visit(statement)
    return sorted(n for n in bound if n in namespace)


def make_callable(setup: str, statement: str) -> Callable[[], None]:
    """Runs ``setup`` and returns a function that runs ``statement`` (``SyntaxError`` if one
    does not compile; the setup's own exception if it raises)."""
    namespace: dict[str, Any] = {"__name__": "__timeit__"}
    exec(compile(setup, "<setup>", "exec"), namespace)
    tree = ast.parse(statement, "<stmt>", "exec")
    shared = shared_names(tree, namespace)
    declare = f"    global {', '.join(shared)}\n" if shared else ""
    source = f"def __pt_statement():\n{declare}{textwrap.indent(statement, '    ')}\n    pass\n"
    exec(compile(source, "<stmt>", "exec"), namespace)
    return namespace.pop("__pt_statement")  # type: ignore[no-any-return]


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Times ``args.statement``; returns the exit status."""
    statement = "\n".join(args.statement)
    setup = "\n".join(args.setup) or "pass"
    name = "; ".join(line.strip() for line in args.statement)
    min_time = min(_DEFAULTS["bench.min_time"], args.max_time)
    options: dict[str, Any] = {"name": name, "max_time": args.max_time, "min_time": min_time}
    if args.repeat is not None:
        options["samples"] = args.repeat
    if args.number is not None:
        options["iterations"] = args.number
    if args.json is not None and not history.is_history(args.json):
        if not os.path.isdir(os.path.dirname(os.path.abspath(args.json))):
            return fail(f"--json {args.json}: its directory does not exist")
    try:
        func = make_callable(setup, statement)
    except SyntaxError as e:
        return fail(f"{e.filename}: {e.msg} (line {e.lineno})")
    except Exception as e:  # the setup raised
        return fail(f"the setup raised {type(e).__name__}: {e}")
    try:
        stats = bench(func, **options)
    except Exception as e:  # the statement raised
        return fail(f"the statement raised {type(e).__name__}: {e}")
    print(_format.stats_block(stats), file=out)
    if args.json is not None:
        try:
            written = history.save(args.json, [stats])
        except OSError as e:
            return fail(f"--json {args.json}: {e.strerror or describe(e)}")
        print(f"saved to {written}", file=out)
    return EXIT_OK

