"""``python -m performance_timing run script.py [args…]`` (or ``-m module``): profile a program.

Runs the program as ``__main__``, as ``python script.py`` / ``python -m module`` would (and as
``python -m cProfile`` does): ``sys.argv`` is ``[script, args…]``, the script's directory is
``sys.path[0]``. When it ends, the profile table of everything it ran that is timed — Python
code marked with ``timed`` and Rust ``#[timed]`` code — is printed on stdout, and
``--json`` / ``--trace`` / ``--flamegraph`` write the profile, its span timeline and its flame
graph. The program's exit status and exceptions pass through unchanged: ``sys.exit(3)`` exits
3, an uncaught exception prints its traceback (the program's frames) and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import runpy
import sys
from types import TracebackType
from typing import Any, TextIO

import performance_timing as pt

from .status import describe, fail

EXAMPLE = """examples:
  python -m performance_timing run pipeline.py --input data.csv
  python -m performance_timing run --json profile.json -m mypackage.tool arg
  # our options go before the program; after it, every argument is the program's own
  python -m performance_timing run --trace trace.json --flamegraph flame.svg pipeline.py
"""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``run`` to the command line."""
    cmd = commands.add_parser(
        "run",
        help="run a Python program and print its profile (timed / #[timed] code) at exit",
        description="Run a Python program as __main__ (like python -m cProfile) with its own "
        "arguments, then print the profile of its timed Python code and #[timed] Rust code. "
        "Its exit status and exceptions pass through unchanged. Our options (--json, "
        "--trace, --flamegraph, -m) go before the program: everything after script.py is "
        "the program's own (as with python -m cProfile), so `run script.py --json out.json` "
        "passes --json to the script; write `run --json out.json script.py`.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("-m", dest="module", action="store_true",
                     help="the program is a module name, run as python -m would")
    cmd.add_argument("--json", metavar="PATH", help="also write the profile snapshot as JSON")
    cmd.add_argument("--trace", metavar="PATH",
                     help="also write the span timeline (Chrome trace JSON, ui.perfetto.dev)")
    cmd.add_argument("--flamegraph", metavar="PATH", help="also write a flame graph (SVG)")
    cmd.add_argument("program", nargs=argparse.REMAINDER, metavar="script.py | module [args …]",
                     help="the program and its arguments")
    cmd.set_defaults(run=run)


def program_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback from the program's first frame on (without runpy's and ours)."""
    while tb is not None and tb.tb_frame.f_globals.get("__name__") in ("runpy", __name__):
        tb = tb.tb_next
    return tb


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Runs the program; returns its exit status (``SystemExit`` passes through)."""
    if not args.program:
        return fail("give a script (run script.py [args…]) or a module (run -m module [args…])")
    target, *rest = args.program
    if args.module:
        try:
            found = importlib.util.find_spec(target) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            return fail(f"no module named {target!r}")
    elif not os.path.isfile(target):
        return fail(f"can't open file {target!r}: no such file")
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [target, *rest]
    if not args.module:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
    tracer: Any = None
    status = 0
    pending: BaseException | None = None
    try:
        with contextlib.ExitStack() as stack:
            if args.trace or args.flamegraph:
                tracer = stack.enter_context(pt.trace())
            if args.module:
                runpy.run_module(target, run_name="__main__", alter_sys=True)
            else:
                runpy.run_path(target, run_name="__main__")
    except (SystemExit, KeyboardInterrupt) as e:
        pending = e  # re-raised unchanged once the profile is out
    except Exception as e:
        e.__traceback__ = program_frames(e.__traceback__)
        sys.excepthook(type(e), e, e.__traceback__)
        status = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    report(args, target, tracer, out)
    if pending is not None:
        raise pending
    return status


def report(args: argparse.Namespace, target: str, tracer: Any, out: TextIO) -> None:
    """Prints the profile and writes the files asked for (an unwritable path: one line on
    stderr, the program's status unchanged)."""
    snap = pt.snapshot()
    print(f"\nperformance_timing profile of {target}:", file=out)
    if len(snap):
        print(snap.summary(), file=out)
    else:
        print("nothing timed: mark Python code with @performance_timing.timed or "
              "`with timed(\"stage\")`; Rust code with #[timed]", file=out)
    writes = [(args.json, lambda p: write_text(p, snap.to_json()))]
    if tracer is not None:
        writes += [(args.trace, tracer.write_chrome_trace),
                   (args.flamegraph, lambda p: tracer.write_flamegraph(p, title=target))]
    for path, write in writes:
        if path is None:
            continue
        try:
            write(path)
            print(f"wrote {path}", file=out)
        except OSError as e:
            fail(f"could not write {path}: {e.strerror or describe(e)}")


def write_text(path: str, text: str) -> None:
    """Writes ``text`` to ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

