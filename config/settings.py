"""Balise settings.

One module, driven by the environment. ``BALISE_ENV`` is ``development`` (default: SQLite, demo
secrets kept in ``var/``), ``test`` or ``production`` (every secret must come from the environment,
PostgreSQL expected, all transport protections on).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BALISE_VAR_DIR", BASE_DIR / "var"))

import sys  # noqa: E402

# Under pytest the test settings apply even if BALISE_ENV was not exported.
BALISE_ENV = os.environ.get("BALISE_ENV", "test" if "pytest" in sys.modules else "development")
if BALISE_ENV not in {"development", "test", "production"}:
    raise RuntimeError("BALISE_ENV must be development, test or production")
PRODUCTION = BALISE_ENV == "production"


def _dev_secrets() -> dict[str, str]:
    """Secrets for a development machine, generated once and kept out of git in var/."""
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    import base64

    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "BALISE_FIELD_KEYS": "dev1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "BALISE_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "BALISE_AUDIT_KEY": secrets.token_urlsafe(32),
    }
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


_TEST_SECRETS = {
    "DJANGO_SECRET_KEY": "test-secret-key-not-for-production-" + "x" * 20,
    # Two keys: the first encrypts, both decrypt (rotation is tested with them).
    "BALISE_FIELD_KEYS": "t2:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=,"
    "t1:ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
    "BALISE_BLIND_INDEX_KEY": "test-blind-index-key",
    "BALISE_AUDIT_KEY": "test-audit-key",
}


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise RuntimeError(f"{name} must be set in the environment in production")
    if BALISE_ENV == "test":
        return _TEST_SECRETS[name]
    return _dev_secrets()[name]


SECRET_KEY = _secret("DJANGO_SECRET_KEY")
BALISE_FIELD_KEYS = _secret("BALISE_FIELD_KEYS")
BALISE_BLIND_INDEX_KEY = _secret("BALISE_BLIND_INDEX_KEY")
BALISE_AUDIT_KEY = _secret("BALISE_AUDIT_KEY")

DEBUG = os.environ.get("DJANGO_DEBUG", "1" if BALISE_ENV == "development" else "0") == "1"
if PRODUCTION and DEBUG:
    raise RuntimeError("DEBUG cannot be on in production")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "balise.core",
    "balise.jurisdictions",
    "balise.audit",
    "balise.organisations",
    "balise.accounts",
    "balise.api",
    "balise.demo",
    "balise.persons",
    "balise.referrals",
    "balise.plans",
    "balise.hotline",
    "balise.public_reports",
    "balise.directory",
    "balise.orientation",
    "balise.identification",
    "balise.observatory",
    "balise.linkage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "balise.accounts.middleware.AccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "balise.core.middleware.NoStoreMiddleware",
]

if PRODUCTION:
    # Static files are served by the application servers themselves (no CDN, offline networks).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "balise" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "balise.core.context_processors.balise",
                "csp.context_processors.nonce",
            ],
            # Arrows that follow the reading direction ({% arrow_back %}, {% arrow_forward %}).
            "builtins": ["balise.core.templatetags.direction"],
        },
    },
]

# Database: SQLite is the embedded default; production and CI set DATABASE_URL (PostgreSQL).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'balise.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with single-row inserts compiled once (balise/core/db/inserts.py).
    DATABASES["default"]["ENGINE"] = "balise.core.db.postgresql"
    # Values travel apart from the SQL (no quoting in Python) and statements run often are
    # prepared once per connection by the driver (psycopg's prepare threshold).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["balise.accounts.backends.EmailBackend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if BALISE_ENV == "test":
    # Argon2 at full cost makes the suite slow; tests still check that hashing happens.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: sliding expiry after inactivity.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("BALISE_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("BALISE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy: nothing from elsewhere, no inline script; scripts need a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Internationalisation.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [BASE_DIR / "balise" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("BALISE_TIME_ZONE", "Europe/Paris")
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("BALISE_MEDIA_ROOT", VAR_DIR / "protected-files"))
# Protected files are never served by URL: views stream them after an access check. No URL
# pattern serves MEDIA_URL; it is set only because Django's tooling expects a string.
MEDIA_URL = "/no-public-files/"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
}

# Background tasks: database-backed queue by default, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "BALISE_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if BALISE_ENV == "test"
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "balise@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["balise.api.authentication.HashedTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("BALISE_API_RATE", "1200/minute")},
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "balise.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Balise API",
    "DESCRIPTION": "National Referral Mechanism against human trafficking.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
}

# Logging: no request bodies, no query strings, no personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "balise.core.logging.ScrubFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub"]}},
    "root": {"handlers": ["console"], "level": "INFO" if PRODUCTION else "WARNING"},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

# Balise rules.
BALISE_JURISDICTION = os.environ.get("BALISE_JURISDICTION", "fr")
BALISE_JURISDICTION_OVERRIDES = json.loads(os.environ.get("BALISE_JURISDICTION_OVERRIDES", "{}"))
BALISE_LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("BALISE_LOGIN_MAX_FAILURES_ACCOUNT", 5))
BALISE_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("BALISE_LOGIN_MAX_FAILURES_ADDRESS", 20))
BALISE_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("BALISE_LOGIN_LOCKOUT_MINUTES", 15))
BALISE_INACTIVE_WARN_DAYS = int(os.environ.get("BALISE_INACTIVE_WARN_DAYS", 75))
BALISE_INACTIVE_DISABLE_DAYS = int(os.environ.get("BALISE_INACTIVE_DISABLE_DAYS", 90))
BALISE_DEMO_ALLOWED = not PRODUCTION

# Optional single sign-on through OpenID Connect (for example the State's agent identity provider).
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("balise.accounts.oidc.BaliseOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email")
    # Authentication methods (amr/acr values) that count as a second factor at the provider.
    OIDC_MFA_VALUES = os.environ.get("OIDC_MFA_VALUES", "mfa,otp,hwk,swk,eidas2,eidas3").split(",")
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

# Paths open without an account: sign-in steps, the health check, static files, the language
# switch, the API (it authenticates with tokens) and the public reporting pages.
BALISE_PUBLIC_PATH_PREFIXES = [
    "/accounts/login/",
    "/accounts/mfa/",
    "/healthz",
    "/static/",
    "/i18n/",
    "/api/",
    "/oidc/",
    "/public/",
    "/favicon.ico",
]
