"""Without a mail server the console stays readable: mail goes to files, one line a batch."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pytest_django import Settings

from sustain.notify.services import outbox_deliver_due, outbox_enqueue
from tests.conftest import Cast


def test_it_writes_mail_to_files_with_one_log_line_per_batch(
    cast: Cast,
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "sustain.notify.mailfile.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    for person in (cast.rep, cast.other_rep, cast.manager):
        outbox_enqueue(recipient=person, subject=f"Hello {person.name}", body="b")
    with caplog.at_level(logging.INFO, logger="sustain.mail"):
        assert outbox_deliver_due() == 3
    assert [r.getMessage() for r in caplog.records if r.name == "sustain.mail"] == [
        f"3 emails written to {tmp_path}/ (no mail server: set SUSTAIN_EMAIL_HOST to send)"
    ]
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert written.count("Subject: Hello") == 3
    assert "Hello" not in capsys.readouterr().out
