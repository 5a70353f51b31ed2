"""Writers are never locked out by a large import on the embedded SQLite database: the
benchmark in benchmarks/import/writers.py, small enough for the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_lets_concurrent_api_writers_through_during_an_import(tmp_path: Path) -> None:
    panel = tmp_path / "panel.csv"
    bench = ROOT / "benchmarks" / "import"
    subprocess.run(
        [sys.executable, bench / "generate.py", panel, "400", "52"], check=True, cwd=ROOT
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, bench / "writers.py", panel, "8"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    summary = [line for line in result.stdout.splitlines() if "writers:" in line]
    assert result.returncode == 0, result.stdout[-2000:]
    assert "import: done, 83,200 values" in result.stdout
    assert summary and " 0 failed" in summary[0]
