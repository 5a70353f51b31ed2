from __future__ import annotations

from tests.jobs.deployment import deployment, migrated_db
from tests.metrics.conftest import sf_csv

__all__ = ["deployment", "migrated_db", "sf_csv"]
