"""Settings shared by every environment; values that differ per deployment come from the
environment (`SUSTAIN_*`, `DATABASE_URL`, `EMAIL_URL`-style variables)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything a deployment writes (embedded database, uploads) lives under one directory.
DATA_DIR = Path(os.environ.get("SUSTAIN_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("SUSTAIN_SECRET_KEY", "insecure-dev-key-change-me-in-production")
DEBUG = os.environ.get("SUSTAIN_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("SUSTAIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("SUSTAIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    # Django's admin, for platform operators only (never an organization's people).
    "sustain.orgs.adminsite.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Serves the API docs (Swagger UI) from its own static files, not a CDN.
    "ninja",
    "django_tasks_db",
    "sustain.web",
    "sustain.orgs",
    "sustain.programs",
    "sustain.notify",
    "sustain.readiness",
    "sustain.plans",
    "sustain.coaching",
    "sustain.certification",
    "sustain.refreshers",
    "sustain.metrics",
    "sustain.analysis",
    "sustain.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sustain.config.urls"
WSGI_APPLICATION = "sustain.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sustain.web.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "sustain.sqlite3",
        # WAL lets the in-process worker write while pages read; IMMEDIATE avoids
        # "database is locked" on lock upgrades inside write transactions.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("SUSTAIN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = DATA_DIR / "static"
# Static files are served from the apps (WHITENOISE_USE_FINDERS); the folder only
# matters after `collectstatic`, but whitenoise warns when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders: `sustain serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # Imports get their own queue and a higher priority than mail and sweeps: a worker
        # consuming every queue takes them first, never behind thousands of emails.
        "QUEUES": ["default", "imports"],
    }
}

# Mail: console by default; set SUSTAIN_EMAIL_HOST (and friends) for real SMTP.
if os.environ.get("SUSTAIN_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SUSTAIN_EMAIL_HOST"],
                "port": int(os.environ.get("SUSTAIN_EMAIL_PORT", "25")),
                "username": os.environ.get("SUSTAIN_EMAIL_USER", ""),
                "password": os.environ.get("SUSTAIN_EMAIL_PASSWORD", ""),
                "use_tls": os.environ.get("SUSTAIN_EMAIL_TLS", "0") == "1",
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("SUSTAIN_EMAIL_FROM", "Sustain <sustain@localhost>")

# How long a worker may hold a claimed outbox message before another may retry it.
OUTBOX_LEASE_SECONDS = int(os.environ.get("SUSTAIN_OUTBOX_LEASE_SECONDS", "300"))

NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SUSTAIN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
