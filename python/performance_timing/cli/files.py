"""Reading result files for the command line: every error names the file."""

from __future__ import annotations

import json

from .._native import Stats


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
