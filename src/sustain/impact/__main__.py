"""``python -m sustain.impact PANEL ...``: the same command line as ``sustain impact``."""

from __future__ import annotations

import sys

from sustain.impact.cli import main

sys.exit(main())
