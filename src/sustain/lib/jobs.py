"""The boundary of every background job: whatever escapes a task is logged with its
traceback, the job's record (an import, an analysis run) is marked failed with a message a
person can act on, and the exception is re-raised so the task row says FAILED too.
Nothing is left "running" because an unexpected error type slipped through."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.db import DatabaseError, connection

logger = logging.getLogger("sustain.jobs")

P = ParamSpec("P")
R = TypeVar("R")


def failure_message(exc: BaseException, *, doing: str) -> str:
    """What to tell the person who started the job. `doing` completes "The job stopped
    while …" ("reading the file", "computing the analysis")."""
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    name = type(exc).__name__
    if isinstance(exc, DatabaseError):
        return (
            f"The database was busy or unavailable while {doing} ({name}: {detail}); "
            "nothing was saved. Try again in a minute."
        )
    return (
        f"Something went wrong while {doing} ({name}{': ' + detail if detail else ''}). "
        "Try again; if it fails again, ask an administrator to look at the server log."
    )


def job_boundary(
    name: str, on_failure: Callable[..., None] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a task body. `on_failure(*args, exc=exc, **kwargs)` records the failure on the
    job's own row; it runs on a fresh connection state, and its own failure is logged too
    (the reaper then fails the record after its lease)."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                logger.exception("Background job %s%r failed", name, args)
                if on_failure is not None:
                    _record(on_failure, exc, args, kwargs)
                raise

        return run

    return wrap


def _record(
    on_failure: Callable[..., None], exc: Exception, args: Any, kwargs: dict[str, Any]
) -> None:
    if connection.in_atomic_block and connection.needs_rollback:
        logger.error("Cannot record the failure inside a broken transaction")
        return
    try:
        on_failure(*args, exc=exc, **kwargs)
    except Exception:
        logger.exception("Recording the failure of a background job failed too")


def finite_or_none(value: Any) -> Any:
    """A copy of a JSON-like structure with NaN and ±Infinity replaced by None: those are
    not JSON, and PostgreSQL's jsonb refuses them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value
