"""Production: the secret from the environment (hosts from DJANGO_ALLOWED_HOSTS, as in base), HTTPS only, secure
cookies, compressed static files.

`recupero check --deploy --settings config.settings.production` passes with no warning (a test keeps it so).
Behind a TLS-terminating proxy (nginx, a load balancer) set DJANGO_BEHIND_PROXY=1: the proxy's
X-Forwarded-Proto header then tells Django the request was HTTPS. When the proxy itself redirects HTTP to HTTPS,
DJANGO_SECURE_SSL_REDIRECT=0 leaves that job to it.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

_env = os.environ.get

DEBUG = False
SECRET_KEY = _env("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "In produzione DJANGO_SECRET_KEY è obbligatoria e lunga almeno 50 caratteri "
        "(`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
CSRF_TRUSTED_ORIGINS = [o for o in _env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if _env("DJANGO_BEHIND_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(_env("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = _env("DJANGO_HSTS_PRELOAD", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A warning silenced only where the operator has said, by a variable, that someone else does the job.
SILENCED_SYSTEM_CHECKS = [
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),  # the proxy redirects HTTP to HTTPS
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),  # the site is not submitted to the preload list
]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
