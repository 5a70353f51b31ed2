from __future__ import annotations

from sustain.config.cli import main

raise SystemExit(main())
