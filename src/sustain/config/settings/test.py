"""Tests: fast hashing, tasks run on enqueue unless a test runs the real worker."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "insecure-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "imports"],
    }
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The tests' receivers listen on 127.0.0.1 over plain HTTP.
SUSTAIN_CHANNELS_ALLOW_PRIVATE = True
SUSTAIN_CHANNEL_TIMEOUT_SECONDS = 2.0
STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
# The test client's `login()` has no request, which axes requires; the throttling tests
# switch it back on (tests/accounts/test_throttling.py).
AXES_ENABLED = False
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The lexical detector by default (fast, and what most adoption tests' figures assume);
# tests/adoption/test_semantic.py switches the semantic one on.
ADOPTION_DETECTOR = "lexical"
