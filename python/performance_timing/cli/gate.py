"""The rules of a regression gate, shared by ``compare --fail-on-regression`` and the pytest
plugin's ``--pt-fail-on-regression``: a gate never passes without having compared.

* A baseline that is **absent** — no such file, no such directory, a history directory without
  a run, a file holding an empty list — is an error while a gate is set, unless the opt-out
  (``--pt-compare-missing=ok``, ``compare --missing=ok``) says that absence is expected (a
  project's first run): then the gate passes, and says so.
* A baseline that is there but **unreadable** (no permission, not JSON, a bad document) is an
  error whatever the opt-out says: it is a broken set-up, not a first run.
* A gate under which **no result could be compared** is an error (the opt-out makes it pass,
  saying so), and so is a comparison of results in **different units**.
* Every result that was not compared is listed with its reason; a result that is new (not in
  the baseline) is not a failure.
"""

from __future__ import annotations

import os

from . import history
from .files import read_text

__all__ = [
    "MISSING_CHOICES",
    "NEW",
    "ONE_SAMPLE",
    "absent",
    "different_units",
    "plural",
]

#: The values of the opt-out: ``error`` (the default) or ``ok``.
MISSING_CHOICES = ("error", "ok")
#: Why a result was not compared: it is not in the baseline.
NEW = "not in the baseline (a new result; not a failure)"
#: Why a result was not compared: one sample has no interval.
ONE_SAMPLE = "one sample (pedantic rounds=1): no interval, never gated"


def plural(count: int, noun: str) -> str:
    """``"1 result"``, ``"2 results"``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def different_units(base_unit: str, unit: str) -> str:
    """Why two results of different units are not compared."""
    return (f"in unit {unit!r} but the baseline's is in {base_unit!r}; results of different "
            "units do not compare")


def absent(path: str) -> str | None:
    """Why the baseline ``path`` is absent (see the module's rules), or ``None`` when it is
    there (which does not mean it is readable: reading it says that).

    A history directory (:func:`history.is_history`) is absent when it does not exist or holds no
    run; a file, when it does not exist or holds an empty JSON list.
    """
    if history.is_history(path):
        if not os.path.exists(path):
            return f"no directory {path}"
        if os.path.isdir(path) and not history.run_files(path):
            return f"no earlier run (*.json) in the directory {path}"
        return None
    if not os.path.lexists(path):
        return f"no file {path}"
    if os.path.isfile(path):
        try:
            text = read_text(path)
        except ValueError:
            return None  # unreadable: the loader's error says why
        if text.strip() == "[]":
            return f"{path} holds no results (an empty list)"
    return None
