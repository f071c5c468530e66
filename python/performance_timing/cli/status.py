"""Exit statuses of every command: 0 done, 1 a regression (only ``compare
--fail-on-regression`` exits with it), 2 bad usage, a bad file or any other error, 130 Ctrl-C."""

import sys

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def fail(message: str) -> int:
    """Prints ``error: message`` as one line on stderr; returns :data:`EXIT_ERROR`."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR
