"""Reading result files for the command line: the one reader of files.

Every error is a :class:`FileError` whose text is one line naming the file and, when it can,
pointing into the file's own text like a compiler does: ``old.json:3:14: Expecting ','``.
Files are read as UTF-8 (a byte-order mark is allowed), at most :data:`MAX_BYTES` bytes, and
nested at most :data:`MAX_DEPTH` deep, so neither a huge file nor ``[[[[…`` can exhaust memory
or the interpreter's stack.

* :func:`load_json` — any JSON document (for commands with their own formats);
* :func:`load_stats` — every ``Stats`` in a file of one ``Stats.to_json()`` document or a list
  of them;
* :func:`is_profile` / :func:`load_profile` — a profile snapshot (``Snapshot.to_json()``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .._native import Snapshot, Stats

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "PROFILE_SCHEMA",
    "FileError",
    "is_profile",
    "load_json",
    "load_profile",
    "load_stats",
    "read_text",
]

#: The schema prefix of a profile snapshot document (``Snapshot.to_json()``, ``run --json``).
PROFILE_SCHEMA = "performance_timing.profile/"

#: The largest file read, in bytes (256 MiB).
MAX_BYTES = 256 * 2**20
#: The deepest nesting of JSON arrays and objects accepted.
MAX_DEPTH = 64

# A JSON string (possibly unterminated) or a bracket: strings are skipped when counting depth.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)
_SERDE_POSITION = re.compile(r" at line (\d+) column (\d+)$")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, pos: int) -> int:
    """The offset of the first non-whitespace character of ``text`` from ``pos`` on."""
    found = _WHITESPACE.match(text, pos)
    return found.end() if found else pos


class FileError(ValueError):
    """A file that cannot be used. ``str(e)`` is one line: ``path:line:column: reason``, or
    ``path: reason`` without a position; the parts are ``path``, ``line``, ``column`` (1-based,
    in the file's own text) and ``reason``."""

    def __init__(self, path: str, reason: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.reason = " ".join(str(reason).split())
        self.line = line
        self.column = column
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {self.reason}")


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based ``(line, column)`` of character ``offset`` of ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def read_text(path: str) -> str:
    """The UTF-8 text of the file at ``path`` (a leading byte-order mark dropped).

    Raises :class:`FileError` when it cannot be read, is larger than :data:`MAX_BYTES`, or is
    not UTF-8 (pointing at the first bad byte).
    """
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise FileError(path, e.strerror or str(e)) from None
    if len(data) > MAX_BYTES:
        raise FileError(path, f"larger than {MAX_BYTES} bytes; not a result file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        start = data.rfind(b"\n", 0, e.start) + 1
        line = data.count(b"\n", 0, e.start) + 1
        column = len(data[start : e.start].decode("utf-8", "replace")) + 1
        raise FileError(path, f"not UTF-8 text (byte 0x{data[e.start]:02x})", line, column) from None


def check_depth(path: str, text: str) -> None:
    """Raises :class:`FileError` at the first bracket nested deeper than :data:`MAX_DEPTH`."""
    depth = 0
    for token in _TOKENS.finditer(text):
        kind = token.group()
        if kind in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FileError(
                    path, f"nested deeper than {MAX_DEPTH} levels", *position(text, token.start())
                )
        elif kind in "]}":
            depth -= 1


def _int(digits: str) -> int | float:
    # Python refuses to convert integers of more than 4300 digits (and would not say where);
    # such a number is no count of ours, so it becomes a float (inf) for the checks downstream.
    return int(digits) if len(digits) <= 4000 else float(digits)


def _parse(path: str, text: str) -> Any:
    check_depth(path, text)
    try:
        return json.loads(text, parse_int=_int)
    except json.JSONDecodeError as e:
        raise FileError(path, f"not JSON: {e.msg}", e.lineno, e.colno) from None
    except (ValueError, RecursionError) as e:
        raise FileError(path, f"not JSON: {e}") from None


def load_json(path: str) -> Any:
    """The JSON document in the file at ``path``.

    Raises :class:`FileError` (one line, naming the file, with the line and column in the
    file's text) when the file cannot be read or is not JSON of at most :data:`MAX_DEPTH`
    levels.
    """
    return _parse(path, read_text(path))


def _element_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the elements of the JSON array that ``text`` holds (text
    already known to be valid JSON)."""
    decoder = json.JSONDecoder(parse_int=_int)
    pos = _skip_space(text, 0) + 1  # after '['
    spans: list[tuple[int, int]] = []
    while True:
        pos = _skip_space(text, pos)
        if text[pos] == "]":
            return spans
        _, end = decoder.raw_decode(text, pos)
        spans.append((pos, end))
        pos = _skip_space(text, end)
        if text[pos] == ",":
            pos += 1


def _stats_at(path: str, text: str, start: int, end: int) -> Stats:
    """The ``Stats`` document at ``text[start:end]``; errors point into the file."""
    try:
        return Stats.from_json(text[start:end])
    except ValueError as e:
        reason = str(e).removeprefix("json ")
        line, column = position(text, start)
        found = _SERDE_POSITION.search(reason)
        if found:  # a position inside the document: make it a position in the file
            inner_line, inner_column = int(found.group(1)), int(found.group(2))
            if inner_line == 1:
                inner_column += column - 1
            line, column = line + inner_line - 1, inner_column
            reason = reason[: found.start()]
        raise FileError(path, reason, line, column) from None


def load_stats(path: str) -> list[Stats]:
    """Every ``Stats`` in the file at ``path``: one ``Stats.to_json()`` document, or a JSON
    list of them.

    Raises :class:`FileError` (a ``ValueError``; one line naming the file and pointing into
    it) when the file cannot be read, is not JSON, holds no results or holds an invalid or
    wrong-version document.
    """
    text = read_text(path)
    data = _parse(path, text)
    if not isinstance(data, list):
        start = _skip_space(text, 0)
        return [_stats_at(path, text, start, len(text.rstrip()))]
    spans = _element_spans(text)
    if not spans:
        raise FileError(path, "holds no results (an empty list)", *position(text, 0))
    return [_stats_at(path, text, start, end) for start, end in spans]


def is_profile(path: str) -> bool:
    """Whether the file at ``path`` holds a profile snapshot (rather than ``Stats``).

    Raises :class:`FileError` when it cannot be read or is not JSON.
    """
    data = load_json(path)
    schema = data.get("schema") if isinstance(data, dict) else None
    return isinstance(schema, str) and schema.startswith(PROFILE_SCHEMA)


def load_profile(path: str) -> Snapshot:
    """The profile snapshot in the file at ``path``.

    Raises :class:`FileError` when it cannot be read or is not a valid snapshot document.
    """
    text = read_text(path)
    _parse(path, text)
    try:
        return Snapshot.from_json(text)
    except ValueError as e:
        raise FileError(path, str(e)) from None
