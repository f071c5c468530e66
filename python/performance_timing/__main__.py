"""``python -m performance_timing``: see ``performance_timing.cli``."""

import sys

from .cli import main

sys.exit(main())
