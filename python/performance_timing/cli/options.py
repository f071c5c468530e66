"""The ``argparse`` types and options the commands and the pytest plugin share: one parser of
percentages, one of seconds, one ``--noise`` option."""

from __future__ import annotations

import argparse

from .._native import _DEFAULTS


def parse_percent(text: str) -> float:
    """``"5%"`` or ``"5"`` → ``0.05``: a percentage >= 0, as a fraction."""
    number = text.strip().removesuffix("%")
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a percentage like 5%, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive percentage such as 5% (how much slower counts), got {text!r}"
        )
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite percentage >= 0, got {text!r}")
    return value / 100.0


PERCENT_OPTIONS = ("--fail-on-regression", "--noise", "--pt-fail-on-regression")


def join_negative_values(args: list[str], options: tuple[str, ...] = PERCENT_OPTIONS) -> None:
    """Rewrites ``--option -5%`` as ``--option=-5%`` in place, for the percentage options: argparse
    takes ``-5%`` for an option and says only "expected one argument", where the user needs to
    hear that the percentage must be positive."""
    for i in range(len(args) - 1, 0, -1):
        value = args[i]
        if args[i - 1] in options and value[:1] == "-" and value[1:2].isdigit():
            args[i - 1 : i + 1] = [f"{args[i - 1]}={value}"]


def seconds(text: str) -> float:
    """A finite number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds like 2.5, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def add_noise_option(parser: argparse.ArgumentParser) -> None:
    """``--noise PERCENT``: changes under it are "no change" (default: the runtime's)."""
    noise = float(_DEFAULTS["compare.noise"] or 0.0)
    parser.add_argument(
        "--noise",
        type=parse_percent,
        default=noise,
        metavar="PERCENT",
        help=f"changes under this are 'no change' (default {noise * 100:g}%%)",
    )
