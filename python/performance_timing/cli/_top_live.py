"""The interactive view of ``top``, drawn with ``rich`` (the optional extra ``[top]``).

``rich``'s ``Live`` display on the alternate screen; keys are read from the terminal in cbreak
mode. The terminal's mode and screen are restored however the view ends (``q``, Ctrl-C, an
error).
"""

from __future__ import annotations

import os
import sys
import termios
import time
import tty
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from .._native import _TopFrame, _TopWatch
from .status import EXIT_INTERRUPTED, EXIT_OK
from .top import KEYS, _State, read_keys


def render(frame: _TopFrame, state: _State, width: int, height: int,
           color: bool = True) -> Group:
    """One frame as ``rich`` renderables: the core's aligned text (header, problems, table,
    columns dropped to fit ``width``), styled line by line, and a status line with the keys."""
    limit = max(1, height - 6 - len(frame.problems))
    if state.limit is not None:
        limit = min(limit, state.limit)
    view = state.view()
    view["limit"] = limit
    lines = frame.text(**view, width=width).splitlines()
    _, _, matched = frame.table(**{**view, "limit": 1})
    problems = len(frame.problems)
    parts: list[Any] = [Text(lines[0], style="bold" if color else "", no_wrap=True)]
    for p in lines[1:1 + problems]:
        parts.append(Text(p, style="red" if color else "", no_wrap=True, overflow="ellipsis"))
    heading, rows = lines[1 + problems], lines[3 + problems:]
    parts.append(Text(heading.ljust(width), style="bold reverse" if color else "", no_wrap=True))
    for row in rows:
        sub = row.startswith("  └")
        parts.append(Text(row, style="dim" if sub and color else "", no_wrap=True))
    shown = sum(1 for row in rows if not row.startswith("  └"))
    status = f"{shown} of {matched} functions · sort: {state.sort} {'▲' if state.reverse else '▼'}"
    if state.filter or state.typing:
        status += f" · filter: {state.filter}" + ("_" if state.typing else "")
    if state.paused:
        status += " · PAUSED"
    parts.append(Text(status + " · " + KEYS, style="dim" if color else "", overflow="ellipsis",
                      no_wrap=True))
    return Group(*parts)


def live(watch: _TopWatch, interval: float, state: _State, sources: list[str]) -> int:
    """Runs the interactive view until ``q`` or Ctrl-C; returns the exit status."""
    color = "NO_COLOR" not in os.environ
    console = Console(no_color=not color, highlight=False)
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    status = EXIT_OK
    try:
        tty.setcbreak(fd)
        time.sleep(0)  # first frame after one interval, keys read meanwhile
        frame = None
        due = time.monotonic() + interval
        with Live(Text("performance_timing top: reading " + ", ".join(sources) + " …"),
                  console=console, screen=True, auto_refresh=False,
                  redirect_stdout=False, redirect_stderr=False) as view:
            while True:
                keys = read_keys(fd, due - time.monotonic())
                if time.monotonic() >= due:
                    due = time.monotonic() + interval
                    if not state.paused or frame is None:
                        frame = watch.read()
                quit_ = False
                for k in keys:
                    if not state.key(k):
                        quit_ = True
                        break
                if quit_:
                    break
                if frame is not None:
                    view.update(render(frame, state, console.width, console.height, color),
                                refresh=True)
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    return status
