"""The default for `sustain` commands: the embedded deployment on one machine
(`make run`). Without `SUSTAIN_SECRET_KEY` it uses a development key: anything reachable
by others runs with `production` settings instead (docs/operations.md)."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SUSTAIN_SECRET_KEY") or "insecure-local-key-not-for-production"
