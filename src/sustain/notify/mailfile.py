"""Where mail goes when no mail server is configured (`make run`, the demo): into files
under SUSTAIN_DATA_DIR/mail/, with one log line per batch instead of every message on the
console. The outbox page lists the same messages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

logger = logging.getLogger("sustain.mail")


class EmailBackend(FileEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.written = 0

    def send_messages(self, email_messages: Any) -> int:
        n = super().send_messages(email_messages) or 0
        self.written += n
        return n

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.written:
                logger.info(
                    "%d email%s written to %s/ (no mail server: set SUSTAIN_EMAIL_HOST to send)",
                    self.written,
                    "" if self.written == 1 else "s",
                    self.file_path,
                )
            self.written = 0
