"""Settings shared by every environment. Database from DATABASE_URL (default: SQLite in var/)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.settings.secrets import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RECUPERO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for: a forgotten variable must not publish tracebacks and settings (`make run` asks for it).
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
SECRET_KEY = secret_key(VAR_DIR, debug=DEBUG)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "recupero.core.apps.RecuperoAdminConfig",  # the Django admin, tenant-scoped (recupero/core/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "huey.contrib.djhuey",
    "recupero.core",
    "recupero.parties",
    "recupero.cases",
    "recupero.ledger",
    "recupero.arrangements",
    "recupero.channels",
    "recupero.worklists",
    "recupero.strategies",
    "recupero.remittance",
    "recupero.imports",
    "recupero.web",
    "recupero.demo",
    "recupero.payments",
    "recupero.reporting",
    "ninja",  # serves /api/docs with its bundled Swagger UI (without it, ninja loads it from a CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "recupero.core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "recupero.core.middleware.SessionMiddleware",  # Django's; a debtor page read saves no session row
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "recupero.web.language.UserLanguageMiddleware",  # the user's language, else the sign-in page's choice
    "django_otp.middleware.OTPMiddleware",
    "recupero.web.security.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "recupero.core.middleware.RequestContextMiddleware",
    # After authentication: one audit row per successful request that showed debtors' personal data.
    "recupero.core.audit.AuditShownMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "recupero.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'recupero.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if os.environ.get("RECUPERO_DB_NAME"):  # a helper process works on its parent's database (payments.workers)
    DATABASES["default"]["NAME"] = os.environ["RECUPERO_DB_NAME"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web server reads; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "login"

# ---- accounts: passwords, login throttling, second factor, sessions (recupero/web/security.py) ----
_validators = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _validators + "UserAttributeSimilarityValidator"},
    {"NAME": "recupero.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": _validators + "CommonPasswordValidator"},
    {"NAME": _validators + "NumericPasswordValidator"},
]
# Axes counts failed logins first (and refuses a locked-out user before the password is even checked).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Locked out per user name and, separately, per address: guessing one user's password from many addresses and
# many users' passwords from one address are both stopped. A success clears the counters of that user/address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("RECUPERO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RECUPERO_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "recupero.web.security.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "recupero.core.middleware.client_ip"
AXES_VERBOSE = False
# TOTP codes carry the agency's name in the authenticator app; the secret is shown once, at enrolment.
OTP_TOTP_ISSUER = "Recupero"
# Idle sessions end after 30 minutes (each request pushes the expiry on) and when the browser closes.
SESSION_COOKIE_AGE = 60 * int(os.environ.get("RECUPERO_SESSION_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Italian unless the user chose English: on the security page (kept on the user) or, before signing in, with the
# switcher of the top bar (Django's set_language at /i18n/setlang/, a cookie). The browser's Accept-Language does
# not switch the interface. recupero.web.language.UserLanguageMiddleware applies the choice; dates and amounts
# follow it (recupero/web/templatetags/money.py).
LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]  # = recupero.core.models.LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # serve app static files without collectstatic while developing
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Background work: Django Tasks API run by Huey (SqliteHuey embedded; RedisHuey when REDIS_URL is set).
_redis_url = os.environ.get("REDIS_URL")
HUEY = {
    # The queue's key prefix in Redis: one per deployment sharing a Redis (tests use their own).
    "name": os.environ.get("RECUPERO_QUEUE_NAME", "recupero"),
    "immediate": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if _redis_url:
    # Bounded waits: a Redis that stops answering makes the health check and an enqueue fail in seconds, not hang a
    # web worker. huey takes a URL or connection parameters, not both, so they travel in the URL (redis-py reads
    # them there); the socket timeout stays above huey's 1 s blocking read.
    _sep = "&" if "?" in _redis_url else "?"
    if "socket_timeout" not in _redis_url:
        _redis_url = f"{_redis_url}{_sep}socket_timeout=5&socket_connect_timeout=2"
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis_url})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

TASKS = {"default": {"BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "[%(asctime)s] %(levelname)s:%(name)s:%(threadName)s:%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # huey with a handler of its own: otherwise `run_huey` adds one too and every line is printed twice.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# Demo and product knobs.
RECUPERO_AGENCY_NAME = os.environ.get("RECUPERO_AGENCY_NAME", "Recupero Demo S.r.l.")
# The address debtors reach the site at: personal links in messages (an agreement's summary) are built on it.
RECUPERO_PUBLIC_URL = os.environ.get("RECUPERO_PUBLIC_URL", "http://127.0.0.1:8000")
# Unit cost in euro of one strategy step execution per channel (the reports' cost per euro collected): postage,
# provider fees, a collector's or field agent's time. Data, not code: override with a JSON object in the
# environment, e.g. RECUPERO_CHANNEL_COSTS='{"registered": "6.80"}' (keys missing from it keep these values).
RECUPERO_CHANNEL_COSTS = {
    "email": "0.01",
    "sms": "0.06",
    "post": "1.25",
    "registered": "6.35",
    "pec": "0.05",
    "phone": "2.50",
    "visit": "25.00",
    "task": "0.00",
    **json.loads(os.environ.get("RECUPERO_CHANNEL_COSTS", "{}")),
}
# The debtor's personal link (cases.domain.access.AccessPolicy): overrides of its defaults — failures before a
# link locks (5), failures per client address per hour (20), link validity (180 days), one-time code (10
# minutes), idle end of the debtor's session (600 s) and its longest life (3600 s).
DEBTOR_ACCESS: dict[str, int] = {}
# Channel providers (recupero/channels/providers): "fake" sends nothing; "smtp" / "sms_http" are the real adapters.
_env = os.environ.get
# The card payments of the debtor's page (payments/providers): only the fake is bundled (it charges nothing).
RECUPERO_CARD_PAYMENTS = {"backend": os.environ.get("RECUPERO_CARD_BACKEND", "fake")}
RECUPERO_CHANNELS = {
    "email": {
        "backend": _env("RECUPERO_EMAIL_BACKEND", "fake"),
        "host": _env("RECUPERO_SMTP_HOST", "127.0.0.1"),
        "port": int(_env("RECUPERO_SMTP_PORT", "25")),
        "username": _env("RECUPERO_SMTP_USER", ""),
        "password": _env("RECUPERO_SMTP_PASSWORD", ""),
        "use_tls": _env("RECUPERO_SMTP_TLS", "0") == "1",
        "sender": _env("RECUPERO_EMAIL_FROM", "noreply@recupero.invalid"),
    },
    "pec": {
        "backend": _env("RECUPERO_PEC_BACKEND", "fake"),
        "host": _env("RECUPERO_PEC_SMTP_HOST", "127.0.0.1"),
        "port": int(_env("RECUPERO_PEC_SMTP_PORT", "465")),
        "username": _env("RECUPERO_PEC_USER", ""),
        "password": _env("RECUPERO_PEC_PASSWORD", ""),
        "use_ssl": _env("RECUPERO_PEC_SSL", "1") == "1",
        "sender": _env("RECUPERO_PEC_FROM", "pec@recupero.invalid"),
    },
    "sms": {
        "backend": _env("RECUPERO_SMS_BACKEND", "fake"),
        "url": _env("RECUPERO_SMS_URL", "http://127.0.0.1:9/sms"),
        "token": _env("RECUPERO_SMS_TOKEN", ""),
        "sender": _env("RECUPERO_SMS_SENDER", "Recupero"),
    },
}
RECUPERO_PEC_IMAP = {
    "host": _env("RECUPERO_PEC_IMAP_HOST", ""),
    "port": int(_env("RECUPERO_PEC_IMAP_PORT", "993")),
    "username": _env("RECUPERO_PEC_USER", ""),
    "password": _env("RECUPERO_PEC_PASSWORD", ""),
    "ssl": _env("RECUPERO_PEC_IMAP_SSL", "1") == "1",
    "mailbox": "INBOX",
}

# ---- hostile files (issue 9) ---------------------------------------------------------------------------------
# Uploads above 2.5 MB stream to a temporary file, never to memory; the intake reads them from disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Request bodies above this are refused with 413 before Django reads them (recupero.core.middleware):
# DATA_UPLOAD_MAX_MEMORY_SIZE does not count files. The intake's per-file limit (512 MB) plus the form.
UPLOAD_MAX_BYTES = int(_env("RECUPERO_UPLOAD_MAX_BYTES", str(513 * 1024 * 1024)))
# The intake's reader runs in a child process with these limits (recupero.imports.sandbox); a parse whose
# heartbeat stopped this many minutes ago is failed by the periodic sweep (config/schedule.py).
IMPORTS_PARSE_MEMORY_MB = int(_env("RECUPERO_IMPORTS_PARSE_MEMORY_MB", "6144"))
IMPORTS_PARSE_TIMEOUT_SECONDS = int(_env("RECUPERO_IMPORTS_PARSE_TIMEOUT_SECONDS", "900"))
IMPORTS_PARSE_STALE_MINUTES = 5
IMPORTS_LIMITS: dict[str, int] = {}  # overrides of recupero.imports.domain.limits.Limits (tests, big tenants)
