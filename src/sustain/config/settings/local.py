"""The default for `sustain` commands: the embedded deployment."""

from __future__ import annotations

from .base import *  # noqa: F403
