"""Exit statuses of every command: 0 done, 1 a regression (only ``compare
--fail-on-regression`` exits with it), 2 bad usage, a bad file or any other error, 130 Ctrl-C."""

import sys

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def describe(e: BaseException) -> str:
    """The one-line text of an error, the same for every command: an ``OSError`` as
    ``path: reason`` (``x.html: No such file or directory``, never ``[Errno 2] …``), anything
    else as its message on one line."""
    if isinstance(e, OSError) and e.strerror:
        where = e.filename if e.filename is not None else None
        return f"{where}: {e.strerror}" if where is not None else e.strerror
    return " ".join(str(e).split()) or type(e).__name__


def fail(message: str) -> int:
    """Prints ``error: message`` as one line on stderr; returns :data:`EXIT_ERROR`."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR
