"""schemathesis, a client no one here wrote, runs over the whole OpenAPI document against a
live server holding the demo organization, once with a token of each role, with all its
checks: no server errors, responses that conform to the schema, only documented status
codes, schema-violating input refused, schema-valid input accepted (or refused by a
business rule with a 400 that says why, see schemathesis.toml).

It is bounded in time, with a fixed seed so a run is repeatable (set SCHEMATHESIS_SEED
to explore further): for the admin, whose token reaches every write, the coverage phase
(boundary and invalid values of every field, about 3,800 cases) and the fuzzing phase;
for the six other roles the fuzzing phase only, SCHEMATHESIS_EXAMPLES cases per
operation (default 3, about 360 cases a role). Measured on the shared 2-core machine
against the demo: about 80 s for the admin and 20 s for each other role."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from sustain.demo.builder import build_demo, format_logins
from sustain.orgs import services as org_services
from sustain.orgs.models import Person

HERE = Path(__file__).parent
CLI = Path(sys.executable).parent / "schemathesis"
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "3")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261128")


def _run(url: str, token: str, cwd: Path, phases: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CLI),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--phases",
            phases,
            "--max-examples",
            EXAMPLES,
            "--seed",
            SEED,
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=cwd,  # its .schemathesis/ cache goes to a temporary directory
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.django_db(transaction=True)
def test_it_passes_every_schemathesis_check_for_every_role(
    live_server: LiveServer, tmp_path: Path
) -> None:
    build_demo(today=timezone.localdate())
    failures = {}
    for line in format_logins().splitlines():
        role, rest = line.split(":", 1)
        person = Person.objects.get(email=rest.split(" / ")[0].strip())
        token = org_services.api_token_create(person=person)
        phases = "coverage,fuzzing" if role == "admin" else "fuzzing"
        result = _run(live_server.url, token, tmp_path, phases)
        if result.returncode != 0:
            failures[role] = result.stdout[-6000:] + result.stderr[-2000:]
    assert failures == {}, "\n\n".join(f"== {r}\n{out}" for r, out in failures.items())
