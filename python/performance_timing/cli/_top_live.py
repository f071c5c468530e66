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
from rich.table import Table
from rich.text import Text

from .._native import TopFrame, TopWatch
from .status import EXIT_INTERRUPTED, EXIT_OK
from .top import KEYS, _State, read_keys


def render(frame: TopFrame, state: _State, width: int, height: int,
           color: bool = True) -> Group:
    """One frame as ``rich`` renderables: header, problems, table, keys."""
    limit = max(1, height - 6 - len(frame.problems))
    if state.limit is not None:
        limit = min(limit, state.limit)
    view = state.view()
    view["limit"] = limit
    headings, rows, matched = frame.table(**view, width=width)
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False,
                  header_style="bold reverse" if color else "", expand=False)
    columns = TopFrame.columns()
    for i, h in enumerate(headings):
        mark = (" ▲" if state.reverse else " ▼") if columns[columns.index(h)] == state.sort else ""
        table.add_column(h + mark, justify="left" if i == 0 else "right", no_wrap=True,
                         overflow="ellipsis")
    for sub, cells in rows:
        table.add_row(*cells, style="dim" if sub and color else None)
    parts: list[Any] = [Text(frame.header(), style="bold" if color else "")]
    for p in frame.problems:
        parts.append(Text("! " + p, style="red" if color else ""))
    status = f"{len([r for r in rows if not r[0]])} of {matched} functions"
    if state.filter or state.typing:
        status += f" · filter: {state.filter}" + ("_" if state.typing else "")
    if state.paused:
        status += " · PAUSED"
    parts.append(table)
    parts.append(Text(status + " · " + KEYS, style="dim" if color else "", overflow="ellipsis",
                      no_wrap=True))
    return Group(*parts)


def live(watch: TopWatch, interval: float, state: _State, sources: list[str]) -> int:
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
