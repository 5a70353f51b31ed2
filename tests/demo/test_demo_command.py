"""The `demo` command builds its own demo (not the shared `demo` fixture): this module
must not ask for that fixture, or the command would find a demo already loaded."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from sustain.orgs.models import Person, Role


def test_it_loads_only_once(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    call_command("demo")
    assert Person.objects.filter(role=Role.EXECUTIVE).count() == 1
    assert "executive: " in capsys.readouterr().out
