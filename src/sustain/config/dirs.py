"""The directories a deployment writes to, made when a process starts to serve or
manage, never when settings are imported (tests, `check`, tools that read settings)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def ensure_data_dirs() -> None:
    """Make the embedded database's folder and the static root, where configured."""
    name = settings.DATABASES["default"].get("NAME")
    is_sqlite = str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")
    if is_sqlite and name and str(name) != ":memory:" and not str(name).startswith("file:"):
        Path(str(name)).parent.mkdir(parents=True, exist_ok=True)
    if settings.STATIC_ROOT:
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
