from __future__ import annotations

from tests.metrics.conftest import sf_csv

__all__ = ["sf_csv"]
