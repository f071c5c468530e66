"""Reading result files for the command line: every error names the file."""

from __future__ import annotations

import json

from .._native import Snapshot, Stats


def load_stats(path: str) -> list[Stats]:
    """Every ``Stats`` in the file at ``path`` (one document or a list of documents).

    Raises ``OSError`` when the file cannot be read and ``ValueError`` (naming the file) when
    it is not a list of valid ``Stats`` documents.
    """
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON: {e}") from None
    documents = data if isinstance(data, list) else [data]
    if not documents:
        raise ValueError(f"{path}: holds no results")
    try:
        return [Stats.from_json(json.dumps(d)) for d in documents]
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


#: The schema prefix of a profile snapshot document (``Snapshot.to_json()``, ``run --json``).
PROFILE_SCHEMA = "performance_timing.profile/"


def is_profile(path: str) -> bool:
    """Whether the file at ``path`` holds a profile snapshot (rather than ``Stats``).

    Raises ``OSError`` when it cannot be read and ``ValueError`` (naming the file) when it is
    not JSON.
    """
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise ValueError(f"{path}: not JSON: {e}") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    return isinstance(schema, str) and schema.startswith(PROFILE_SCHEMA)


def load_profile(path: str) -> Snapshot:
    """The profile snapshot in the file at ``path`` (``OSError``; ``ValueError`` naming the
    file when it is not a valid snapshot document)."""
    if not hasattr(Snapshot, "from_json"):
        raise ValueError(f"{path}: this build cannot load profile snapshots (no Snapshot.from_json)")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return Snapshot.from_json(text)  # type: ignore[attr-defined, no-any-return]
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
