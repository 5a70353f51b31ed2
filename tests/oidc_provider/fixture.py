"""The `oidc_provider` fixture: the provider in a subprocess, and Sustain configured for it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.oidc_provider.serve import PASSWORD, SECRET

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Provider:
    issuer: str
    client_id: str
    secret: str
    password: str = PASSWORD

    def settings(self) -> dict[str, object]:
        return {
            "SUSTAIN_OIDC_ISSUER": self.issuer,
            "SUSTAIN_OIDC_PROVIDER_NAME": "Acme Login",
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.secret,
        }


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_PROVIDER_CLIENT": "sustain-tests",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", "the OIDC provider did not start"
        issuer = f"http://127.0.0.1:{port}/o"
        for _ in range(50):
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                import time

                time.sleep(0.1)
        yield Provider(issuer=issuer, client_id="sustain-tests", secret=SECRET)
    finally:
        process.terminate()
        process.wait(timeout=10)
