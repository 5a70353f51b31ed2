from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import Cast


def test_it_prints_a_working_api_token(
    cast: Cast, capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    call_command("token", "create", cast.analyst.email)
    token = capsys.readouterr().out.strip()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["email"] == cast.analyst.email


def test_it_refuses_a_token_for_an_unknown_email(db: None) -> None:
    with pytest.raises(CommandError, match="No active person"):
        call_command("token", "create", "nobody@example.com")


def test_it_runs_the_impact_command_without_django(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "sustain", "impact", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--cohort" in result.stdout
