"""``python -m performance_timing history DIR``: results over time, and the history's format.

A **results history** is a directory of runs, one file per run named
``<UTC timestamp>-<git commit>.json`` (``20250601T120000.123456Z-3f2a1bc09d4e.json``; without
the commit part outside a git checkout), each holding a JSON list of ``Stats`` documents.
``pytest --pt-save DIR/`` and ``timeit --json DIR/`` add a run when given a directory
(:data:`PATH_RULE`: an existing directory, or a path ending in ``/``); :func:`save` writes one,
:func:`runs` lists them oldest first.

The command prints, for each benchmark, its median and the median's 95 % interval in every run
that has it, oldest first, and the ``compare`` verdict against the run before, flagging the
runs that ``compare`` says are slower. Exit status: 0, or 2 for a missing directory, a directory
without results or a bad file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import subprocess
from collections.abc import Iterable
from typing import Any, NamedTuple, TextIO

from .. import _format
from .._native import Stats, compare
from .files import load_stats
from .status import EXIT_OK, fail
from .status import describe as describe_error

#: The one rule for a PATH that may be a file or a history directory, in every help text.
PATH_RULE = ("a PATH that is an existing directory, or ends in '/', is a history directory "
             "(created when needed); any other PATH is a file")

EXAMPLE = f"""examples:
  pytest --pt-save .benchmarks/         # add a run to the history in .benchmarks/
  python -m performance_timing history .benchmarks
  python -m performance_timing history .benchmarks --name test_sort

{PATH_RULE}: without the trailing '/' a first
pytest --pt-save .benchmarks writes a file named .benchmarks.
"""


class Run(NamedTuple):
    """One file of a history: when, at which commit, and its results."""

    when: str
    commit: str
    results: list[Stats]


def git_commit(cwd: str | None = None) -> str | None:
    """The current git commit (12 hex digits) of ``cwd``, or ``None`` outside a checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit.isalnum() else None


def is_history(path: str) -> bool:
    """Whether ``path`` names a history directory (an existing directory, or one ending in
    ``/``) rather than a file."""
    return os.path.isdir(path) or path.endswith(("/", os.sep))


def documents(results: Iterable[Stats], extra: dict[str, dict[str, Any]] | None = None) -> str:
    """``results`` as a JSON list of ``Stats`` documents; ``extra[name]`` is saved with its
    result as ``"extra_info"`` (loaders ignore it)."""
    docs = []
    for stats in results:
        doc = json.loads(stats.to_json())
        if extra and extra.get(stats.name):
            doc["extra_info"] = extra[stats.name]
        docs.append(doc)
    return json.dumps(docs, indent=1, default=repr)


def save(path: str, results: list[Stats], extra: dict[str, dict[str, Any]] | None = None) -> str:
    """Writes ``results`` to the file ``path``, or adds a run to the history when ``path`` is a
    directory (see :func:`is_history`). Returns the path written. The file is written whole
    (to a temporary file, then renamed) or not at all, with the permissions the process's
    umask gives a new file (as for every file the package writes: 0644 under umask 022)."""
    text = documents(results, extra)
    if is_history(path):
        os.makedirs(path, exist_ok=True)
        commit = git_commit()
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        path = os.path.join(path, f"{now}-{commit}.json" if commit else f"{now}.json")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = _create_beside(directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _create_beside(directory: str) -> tuple[int, str]:
    """A new, empty temporary file in ``directory``: ``(fd, path)``. Created with mode 0666
    less the umask, as ``open()`` would (``tempfile.mkstemp`` makes 0600 files, which readers
    of CI artifacts cannot read)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = os.path.join(directory, f".pt-{os.getpid()}-{secrets.token_hex(6)}.json")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def run_files(directory: str) -> list[str]:
    """The run files of a history, oldest first (``OSError`` when it is not a directory)."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".json") and not n.startswith("."))
    return [os.path.join(directory, n) for n in names]


def describe(path: str) -> tuple[str, str]:
    """``(when, commit)`` read from a run file's name (``"—"`` for a part it lacks)."""
    stem = os.path.basename(path)[: -len(".json")]
    stamp, _, commit = stem.partition("-")
    try:
        moment = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ")
    except ValueError:
        return stem, "—"
    return moment.strftime("%Y-%m-%d %H:%M:%S"), commit or "—"


def runs(directory: str) -> list[Run]:
    """Every run of a history, oldest first (``OSError``/``ValueError`` naming a bad file)."""
    return [Run(*describe(path), load_stats(path)) for path in run_files(directory)]


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``history`` to the command line."""
    cmd = commands.add_parser(
        "history",
        help="each benchmark's median over the runs of a results history",
        description="Print each benchmark's median and its 95% interval in every run of a "
        "results history (a directory given to pytest --pt-save or timeit --json), oldest "
        "first, with compare's verdict against the previous run; runs it says are slower "
        "are flagged.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("directory", metavar="DIR",
                     help="a results history directory (written by --pt-save DIR/ or --json DIR/)")
    cmd.add_argument(
        "--name",
        metavar="N",
        help="only the benchmark named N (or, if none is, those whose names contain N)",
    )
    cmd.set_defaults(run=run)


def select(names: list[str], wanted: str | None) -> list[str]:
    """The names to show: all, the one named ``wanted``, or those containing it."""
    if wanted is None:
        return names
    if wanted in names:
        return [wanted]
    return [n for n in names if wanted in n]


def timeline(name: str, history: list[Run]) -> tuple[str, list[str]]:
    """The table of one benchmark over the runs, and the flags it raised."""
    rows, flags = [], []
    previous: Stats | None = None
    for when, commit, results in history:
        stats = next((s for s in results if s.name == name), None)
        if stats is None:
            continue
        change = verdict = ""
        if previous is not None and previous.unit == stats.unit:
            c = compare(previous, stats)
            change, verdict = f"{c.ratio:.3f}", c.verdict
            if c.verdict == "slower":
                verdict = "**slower**"
                flags.append(f"{name}: {when} ({commit}) is {c.ratio:.2f}× the run before")
        low, high = stats.median_ci
        median = _format.value(stats, stats.median)
        rows.append([when, commit, median, _format.interval(stats, low, high), change, verdict])
        previous = stats
    headers = ["run (UTC)", "commit", "median", "95% CI of median", "ratio to previous", "verdict"]
    return _format.markdown(headers, rows, right=(2, 4)), flags


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Prints the history in ``args.directory``; returns the exit status."""
    directory = args.directory
    if not os.path.exists(directory):
        return fail(f"{directory}: No such file or directory")
    if not os.path.isdir(directory):
        return fail(f"{directory}: a file, not a history directory (show prints a file; "
                    f"{PATH_RULE})")
    try:
        history = runs(directory)
    except OSError as e:
        return fail(describe_error(e))
    except (ValueError, TypeError) as e:
        return fail(str(e))
    if not history:
        return fail(f"{args.directory}: no results (*.json) in this directory")
    names = list(dict.fromkeys(s.name for r in history for s in r.results))
    chosen = select(names, args.name)
    if not chosen:
        return fail(f"{args.directory}: no benchmark named {args.name!r}")
    all_flags = []
    for i, name in enumerate(chosen):
        table, flags = timeline(name, history)
        print(("\n" if i else "") + f"{name}\n{table}", file=out)
        all_flags += flags
    print(f"\n{len(history)} runs in {args.directory}; slower than the run before: "
          + (str(len(all_flags)) if all_flags else "none"), file=out)
    for flag in all_flags:
        print(f"  {flag}", file=out)
    return EXIT_OK
