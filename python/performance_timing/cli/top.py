"""``python -m performance_timing top SOURCE…``: a live view of running processes.

A source is a directory of multi-process mode (``PERFORMANCE_TIMING_DIR``: every process's
memory-mapped profile) or a ``/metrics`` URL of ``serve_metrics()`` (its exact snapshot is read
from ``/profile.json`` beside it); several may be given. One row per function, merged over the
processes, Python and Rust alike. Every figure is the exact difference of two readings
(``_TopWatch``/``_TopFrame`` in the Rust core); this module only draws and reads keys.

* ``--once``: one frame after one interval, as plain text; ``--json``: one JSON object per
  interval (with ``--once``, one). Neither needs the optional extra.
* On a terminal, the interactive view uses `rich <https://github.com/Textualize/rich>`_
  (``pip install 'performance_timing[top]'``); when the output is not a terminal, plain text
  frames are printed, one per interval, without colour (``NO_COLOR`` also turns colour off).
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from .._native import _TopFrame, _TopWatch
from .status import EXIT_ERROR, EXIT_OK, fail

EXTRA_MESSAGE = ("the interactive view needs the 'rich' package: "
                 "pip install 'performance_timing[top]' (--once and --json work without it)")

KEYS = ("1-9 0 sort by column · < > sort column · r reverse · / filter · "
        "space pause · p per-process rows · q quit")

EXAMPLE = """examples:
  PERFORMANCE_TIMING_DIR=/tmp/pt gunicorn app:app -w 4 &
  python -m performance_timing top /tmp/pt
  python -m performance_timing top /tmp/pt http://10.0.0.5:9100/metrics
  python -m performance_timing top /tmp/pt --once --interval 5 --sort calls/s
  python -m performance_timing top /tmp/pt --json | jq .functions[0]

keys: """ + KEYS + """
columns are dropped to fit the terminal in this order: total, mean, p50, total/s, calls, p99, % self
"""


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not (0.01 <= value <= 3600):
        raise argparse.ArgumentTypeError(f"must be between 0.01 and 3600 seconds, got {text!r}")
    return value


def _sort(text: str) -> str:
    if text not in _TopFrame.columns() and text not in ("name", "self", "share", "rate"):
        raise argparse.ArgumentTypeError(
            f"must be one of {', '.join(_TopFrame.columns())}, got {text!r}")
    return text


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``top`` to the command line."""
    cmd = commands.add_parser(
        "top",
        help="a live view of running processes (directories and /metrics URLs)",
        description="A live table of where running processes spend their time, every process "
                    "and both languages merged: calls/s, self and total time per second (% of "
                    "one core), the interval's mean, p50 and p99, and the counts since start.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("sources", metavar="SOURCE", nargs="+",
                     help="a PERFORMANCE_TIMING_DIR directory or a /metrics URL of serve_metrics()")
    cmd.add_argument("--interval", type=_interval, default=1.0, metavar="SECS",
                     help="seconds between frames (default 1)")
    cmd.add_argument("--once", action="store_true",
                     help="print one frame after one interval as plain text, and exit")
    cmd.add_argument("--json", action="store_true",
                     help="print one JSON object per interval (with --once: one)")
    cmd.add_argument("--sort", type=_sort, default="self/s", metavar="COLUMN",
                     help="column to sort by: " + ", ".join(_TopFrame.columns()).replace("%", "%%")
                     + " (default self/s)")
    cmd.add_argument("--reverse", action="store_true", help="reverse the order")
    cmd.add_argument("--filter", default="", metavar="TEXT",
                     help="only functions whose module:name contains TEXT")
    cmd.add_argument("--per-process", action="store_true", help="a row per process under each function")
    cmd.add_argument("--limit", type=int, default=None, metavar="N", help="show at most N functions")
    cmd.set_defaults(run=run)


@dataclass
class _State:
    """What the keys change."""

    sort: str = "self/s"
    reverse: bool = False
    filter: str = ""
    per_process: bool = False
    paused: bool = False
    typing: bool = False
    limit: int | None = None

    def view(self) -> dict[str, Any]:
        return {"sort": self.sort, "reverse": self.reverse, "filter": self.filter,
                "per_process": self.per_process, "limit": self.limit}

    def key(self, k: str) -> bool:
        """Applies one key; returns False to quit."""
        columns = _TopFrame.columns()
        if self.typing:
            if k in ("\r", "\n"):
                self.typing = False
            elif k == "\x1b":
                self.typing, self.filter = False, ""
            elif k in ("\x7f", "\b"):
                self.filter = self.filter[:-1]
            elif k.isprintable():
                self.filter += k
            return True
        if k in ("q", "Q", "\x03"):
            return False
        if k.isdigit():
            at = 9 if k == "0" else int(k) - 1
            if at < len(columns):
                self.sort = columns[at]
        elif k in ("<", ">", ",", "."):
            at = columns.index(self.sort) if self.sort in columns else 2
            at = (at + (1 if k in (">", ".") else -1)) % len(columns)
            self.sort = columns[at]
        elif k in ("r", "R"):
            self.reverse = not self.reverse
        elif k == "/":
            self.typing, self.filter = True, ""
        elif k == " ":
            self.paused = not self.paused
        elif k in ("p", "P"):
            self.per_process = not self.per_process
        return True


def _plain_width(out: TextIO) -> int | None:
    try:
        if out.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        pass
    return None


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Runs ``top``; returns the exit status."""
    try:
        watch = _TopWatch(args.sources)
    except ValueError as e:
        return fail(str(e))
    if args.limit is not None and args.limit < 1:
        return fail(f"--limit must be at least 1, got {args.limit}")
    state = _State(sort=args.sort, reverse=args.reverse, filter=args.filter,
                   per_process=args.per_process, limit=args.limit)
    watch.read()
    interactive = not (args.once or args.json) and out is sys.stdout and _is_terminal()
    if interactive:
        try:
            from . import _top_live
        except ImportError:
            return fail(EXTRA_MESSAGE)
        return _top_live.live(watch, args.interval, state, args.sources)
    while True:
        time.sleep(args.interval)
        frame = watch.read()
        if args.json:
            print(frame.to_json(), file=out, flush=True)
        else:
            print(frame.text(**state.view(), width=_plain_width(out)), file=out, end="", flush=True)
        if args.once:
            nothing = frame.live + frame.exited == 0 and frame.problems
            return EXIT_ERROR if nothing else EXIT_OK


def _is_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def read_keys(fd: int, timeout: float) -> list[str]:
    """Keys typed within ``timeout`` seconds (at most one wait); escape sequences are dropped."""
    ready, _, _ = select.select([fd], [], [], max(timeout, 0.0))
    if not ready:
        return []
    data = os.read(fd, 1024).decode(errors="replace")
    keys: list[str] = []
    i = 0
    while i < len(data):
        if data[i] == "\x1b" and i + 1 < len(data) and data[i + 1] in "[O":
            i += 2
            while i < len(data) and not data[i].isalpha() and data[i] != "~":
                i += 1
            i += 1
            continue
        keys.append(data[i])
        i += 1
    return keys
