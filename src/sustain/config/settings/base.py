"""Settings shared by every environment; values that differ per deployment come from the
environment (`SUSTAIN_*`, `DATABASE_URL`, `EMAIL_URL`-style variables).

Importing settings has no side effects (beyond django-stubs-ext's patch, which only lets
classes subscript Django's generic classes, as `ModelForm[Goal]`): the data directories are made by
`sustain.config.dirs.ensure_data_dirs`, which the `sustain` command and the WSGI entry
point call. `local` and `test` supply a development secret key; `production` requires one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything a deployment writes (embedded database, uploads) lives under one directory.
DATA_DIR = Path(os.environ.get("SUSTAIN_DATA_DIR", Path.cwd() / "var")).resolve()

# Empty here on purpose: Django refuses to start without one, so no deployment runs on a
# key that is published in this repository.
SECRET_KEY = os.environ.get("SUSTAIN_SECRET_KEY", "")
DEBUG = os.environ.get("SUSTAIN_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("SUSTAIN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# The public address of this deployment: every link in an email or printed by a command is
# built on it, since a mail has no request to take a host from.
SUSTAIN_BASE_URL = os.environ.get("SUSTAIN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
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
    # Login throttling: failed sign-ins per account and per address.
    "axes",
    "sustain.web",
    "sustain.server",
    "sustain.accounts",
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
    "sustain.audit",
    "sustain.roster",
    "sustain.exports",
    "sustain.adoption",
    "sustain.health",
    "sustain.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # JSON errors under /api/ (unknown paths, 405, 413, 500) and the upload size limit.
    "sustain.api.errors.ErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sustain.audit.middleware.AuditRefusedWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a lockout detected during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every page passes this policy (tests/browser/test_csp.py loads each role's pages and
# fails on a violation): scripts and styles come from our own static files only. Charts
# need no 'unsafe-eval': Vega runs its expressions through vega-interpreter (charts.js).
# No page needs a nonce, so there is none: identical pages stay byte-identical. A template
# that truly needs an inline script: add CSP.NONCE here, the
# "django.template.context_processors.csp" context processor, and nonce="{{ csp_nonce }}".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Nobody frames Sustain (also said by frame-ancestors above, for older browsers).
X_FRAME_OPTIONS = "DENY"
# Links out of Sustain carry no referrer: paths hold ids, and nobody else needs them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

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
                "sustain.web.context_processors.upload_error",
            ],
        },
    },
]


def _database() -> Mapping[str, object]:
    url = os.environ.get("DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if database.get("ENGINE") == "django.db.backends.postgresql":
            # Pages run short queries over big tables, which PostgreSQL's JIT compiles
            # once their estimated cost is high: 20-400 ms a query at 100,000 reps,
            # more than it saves (benchmarks/pages/README.md).
            options = database.setdefault("OPTIONS", {})
            options.setdefault("options", "-c jit=off")
        return database
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "sustain.sqlite3",
        # WAL lets the in-process worker write while pages read; IMMEDIATE avoids
        # "database is locked" on lock upgrades inside write transactions.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            # Seconds a write waits for another's lock before "database is locked".
            "timeout": float(os.environ.get("SUSTAIN_SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; does nothing unless SUSTAIN_OIDC_* is configured.
    "sustain.accounts.sso.SsoBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation and password-reset links: single use (the token hashes the password and the
# last login) and valid for seven days.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600

# Login throttling (django-axes). Failures are counted per account and, separately, per
# address; either reaching the limit locks sign-in for the cool-off time. An admin lifts an
# account's lock from the person's page.
AXES_FAILURE_LIMIT = int(os.environ.get("SUSTAIN_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("SUSTAIN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# No start-up banner on every `sustain` command; lockouts are still logged as warnings.
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "sustain.accounts.throttling.username"
AXES_LOCKOUT_CALLABLE = "sustain.accounts.views.locked_out"
# The address is REMOTE_ADDR: behind a reverse proxy, have the proxy set it (waitress:
# `trusted_proxy`), or every sign-in shares the proxy's address.

# Single sign-on with OpenID Connect (Microsoft Entra ID, Google Workspace, Okta...).
# Configured by the environment; the endpoints come from the issuer's discovery document.
SUSTAIN_OIDC_ISSUER = os.environ.get("SUSTAIN_OIDC_ISSUER", "").rstrip("/")
SUSTAIN_OIDC_PROVIDER_NAME = os.environ.get("SUSTAIN_OIDC_PROVIDER_NAME", "single sign-on")
OIDC_RP_CLIENT_ID = os.environ.get("SUSTAIN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("SUSTAIN_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("SUSTAIN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
# Sign-in matches an existing, active person by email; it never creates one.
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sso/refused/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("SUSTAIN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = DATA_DIR / "static"
# Static files are served from the apps (WHITENOISE_USE_FINDERS); the folder only
# matters after `collectstatic`, but whitenoise warns when it is missing, so
# `ensure_data_dirs` makes it.
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

# Mail: files under DATA_DIR/mail/ by default (one log line per batch, not every message
# on the console); set SUSTAIN_EMAIL_HOST (and friends) for real SMTP.
SUSTAIN_MAIL_CONFIGURED = bool(os.environ.get("SUSTAIN_EMAIL_HOST"))
if SUSTAIN_MAIL_CONFIGURED:
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
    MAILERS = {
        "default": {
            "BACKEND": "sustain.notify.mailfile.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("SUSTAIN_EMAIL_FROM", "Sustain <sustain@localhost>")

# A chat or webhook delivery waits at most this long for the receiver (one attempt per
# claim; the outbox retries later).
SUSTAIN_CHANNEL_TIMEOUT_SECONDS = float(os.environ.get("SUSTAIN_CHANNEL_TIMEOUT_SECONDS", "10"))
# Webhooks to http:// and to private or loopback addresses: only while developing.
SUSTAIN_CHANNELS_ALLOW_PRIVATE = DEBUG

# How long a worker may hold a claimed outbox message before another may retry it,
# counted from the claim of that one message; longer than one send can take (the SMTP
# timeout above).
OUTBOX_LEASE_SECONDS = int(os.environ.get("SUSTAIN_OUTBOX_LEASE_SECONDS", "120"))
# Background jobs (imports, analysis runs) silent for this long are failed by the reaper:
# their worker died. Progress updates renew it.
JOB_LEASE_SECONDS = int(os.environ.get("SUSTAIN_JOB_LEASE_SECONDS", "600"))
# A task row RUNNING for this long belonged to a worker that died; the reaper fails it.
TASK_LEASE_SECONDS = int(os.environ.get("SUSTAIN_TASK_LEASE_SECONDS", "3600"))

# Every API list is paginated (sustain.api.pagination): 100 rows a page unless ?limit=,
# at most 1000 (a larger limit is a 422).
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

# Upload limits: an uploaded file (a KPI export) may be at most SUSTAIN_MAX_UPLOAD_BYTES
# (50 MB by default); any other request body at most 2 MB. Larger files are written to
# a temporary file rather than held in memory.
SUSTAIN_MAX_UPLOAD_BYTES = int(os.environ.get("SUSTAIN_MAX_UPLOAD_BYTES", str(50 * 1000 * 1000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1000 * 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SUSTAIN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Every task's RUNNING/SUCCESSFUL line drowned the console (a sweep every 30 s);
        # failures are warnings and errors, still shown. SUSTAIN_TASK_LOG_LEVEL=INFO
        # brings the lines back.
        "django.tasks": {"level": os.environ.get("SUSTAIN_TASK_LOG_LEVEL", "WARNING")},
        "django_tasks_db": {"level": os.environ.get("SUSTAIN_TASK_LOG_LEVEL", "WARNING")},
    },
}

# Adoption: which detector scores calls. "semantic" (a local embedding model, see
# docs/adoption.md) falls back to "lexical" when the model's files are missing or differ.
ADOPTION_DETECTOR = os.environ.get("SUSTAIN_ADOPTION_DETECTOR", "semantic")
