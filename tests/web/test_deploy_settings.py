"""Production settings: a secret key is required, `check --deploy` is clean, and
importing settings writes nothing to disk. Each case runs `sustain` as a deployment
would, in a fresh process with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

PRODUCTION = "sustain.config.settings.production"
KEY = "k" * 20 + "-random-enough-for-the-deploy-check-0123456789"


def _run(code_or_args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUSTAIN_", "DJANGO_"))}
    base["SUSTAIN_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, *code_or_args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def _sustain(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(["-m", "sustain", *args], tmp_path, **env)


def test_it_passes_the_deploy_check_with_production_settings(tmp_path: Path) -> None:
    result = _sustain(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SUSTAIN_SECRET_KEY=KEY,
        SUSTAIN_EMAIL_HOST="smtp.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_production_without_a_secret_key(tmp_path: Path) -> None:
    result = _sustain("check", tmp_path=tmp_path, DJANGO_SETTINGS_MODULE=PRODUCTION)
    assert result.returncode != 0
    assert "SUSTAIN_SECRET_KEY must be set" in result.stderr


def test_it_has_no_known_secret_key_in_base_settings(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = _run(["-c", code], tmp_path, DJANGO_SETTINGS_MODULE="sustain.config.settings.base")
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr


def test_it_lets_the_proxy_do_the_https_redirect(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)"
    env = {"DJANGO_SETTINGS_MODULE": PRODUCTION, "SUSTAIN_SECRET_KEY": KEY}
    assert _run(["-c", code], tmp_path, **env).stdout.strip() == "True"
    off = _run(["-c", code], tmp_path, **env, SUSTAIN_SSL_REDIRECT="0")
    assert off.stdout.strip() == "False"


def test_it_writes_nothing_when_settings_are_imported(tmp_path: Path) -> None:
    code = "import sustain.config.settings.local, sustain.config.settings.production"
    result = _run(["-c", code], tmp_path, SUSTAIN_SECRET_KEY=KEY)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data").exists()


def test_it_makes_the_data_directory_when_a_command_runs(tmp_path: Path) -> None:
    result = _sustain("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "static").is_dir()


def test_it_sends_the_security_headers_on_every_page(db: None, client: Client) -> None:
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
