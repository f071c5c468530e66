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

NESTED_TRACE = ("performance_timing run --trace/--flamegraph already holds this process's one "
                "trace session, so the program cannot start its own: run it without those "
                "options to use pt.trace() in the program, or drop its pt.trace() to let run "
                "record the whole program")

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
    started_in = os.getpid()
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
        if isinstance(e, RuntimeError) and tracer is not None and "trace session" in str(e):
            e.add_note(NESTED_TRACE)
        sys.excepthook(type(e), e, e.__traceback__)
        status = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    if os.getpid() != started_in:
        # A child the program forked, leaving through the program's end: the profile and the
        # files are the process's that run started, never a child's.
        if pending is not None:
            raise pending
        return status
    report(args, target, tracer, out)
    if pending is not None:
        raise pending
    return status


def report(args: argparse.Namespace, target: str, tracer: Any, out: TextIO) -> None:
    """Writes the files asked for, then prints the profile (an unwritable path, or an output
    that is closed or a broken pipe: one line on stderr each, the program's status unchanged)."""
    snap = pt.snapshot()
    writes = [(args.json, lambda p: write_text(p, snap.to_json()))]
    if tracer is not None:
        writes += [(args.trace, tracer.write_chrome_trace),
                   (args.flamegraph, lambda p: tracer.write_flamegraph(p, title=target))]
    wrote = []
    for path, write in writes:
        if path is None:
            continue
        try:
            write(path)
            wrote.append(path)
        except OSError as e:
            print(f"error: could not write {path}: {e.strerror or describe(e)}", file=sys.stderr)
    lines = [f"\nperformance_timing profile of {target}:"]
    if len(snap):
        lines.append(snap.summary())
    else:
        lines.append("nothing timed: mark Python code with @performance_timing.timed or "
                     "`with timed(\"stage\")`; Rust code with #[timed]")
    lines += [f"wrote {path}" for path in wrote]
    try:
        if out is None:
            raise OSError("standard output is closed")
        print("\n".join(lines), file=out)
        out.flush()
    except (OSError, ValueError) as e:
        print(f"error: could not print the profile: {e}", file=sys.stderr)
        quiet_stdout()


def quiet_stdout() -> None:
    """After a broken or closed stdout: points it at ``os.devnull``, so that the interpreter's
    flush at exit does not report the same failure again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        if sys.stdout is not None:
            with contextlib.suppress(OSError, ValueError):
                os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass


def write_text(path: str, text: str) -> None:
    """Writes ``text`` to ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

