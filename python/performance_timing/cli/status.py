"""Exit statuses of every command: 0 done, 1 a regression (only ``compare
--fail-on-regression`` exits with it), 2 bad usage or a bad file."""

EXIT_OK = 0
EXIT_REGRESSION = 1
EXIT_ERROR = 2
