"""Settings of the public service standard registry, read from the environment.

SQLite by default so that a fresh clone runs with no setup; PostgreSQL when
DATABASE_URL=postgres://user:password@host:port/name is set. No secret has a production
default: SECRET_KEY falls back to a development key only when DEBUG is on.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def database_from_url(url: str) -> dict:
    """Translate DATABASE_URL into a DATABASES entry (postgres:// or sqlite:///path)."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
            # A connection kept from before a database restart is checked before reuse, so the
            # first request after it reconnects instead of failing.
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db -> "/relative.db"; sqlite:////abs/path.db -> "//abs/path.db"
        name = path[1:] if path.startswith("//") else path.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or BASE_DIR / "db.sqlite3"}
    raise ImproperlyConfigured(
        f"DATABASE_URL: unsupported scheme {parts.scheme!r}; use postgres:// or sqlite:///"
    )


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("SECRET_KEY_FILE"):
    # `make serve` generates a local key once into var/secret_key (ignored by git) and names it here.
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "axes",
    "csp",
    # Background jobs (registry/jobs): Django's tasks API through the django-tasks backport, its
    # queue in the registry's own database (no new server); `manage.py run_jobs` is the worker.
    "django_tasks",
    "django_tasks_db",
    "regulations",
    "registry",
]

MIDDLEWARE = [
    # Outermost: one log line per request, with its status and duration.
    "config.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and far-future caching, before anything touches a session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, so that a missing trailing slash still redirects first.
    "config.error_pages.OwnErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "registry.security.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Security of the officials' sign-in (docs/deployment.md, "Security").
# django-axes counts failed sign-ins per account and, separately, per address: AXES_FAILURE_LIMIT
# failures lock the account (whatever the address) and the address (whatever the account) for
# AXES_COOLOFF_HOURS; the page says how to unlock, and the lock is logged (registry.security).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful sign-in does not wipe the counts: an attacker holding one account could otherwise
# reset the address count between guesses. Counts lapse AXES_COOLOFF_HOURS after the last failure.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "registry.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "registry.security.client_ip"
AXES_ENABLE_ADMIN = False  # registered in Russian by registry.admin.security
AXES_SENSITIVE_PARAMETERS = ["password"]
# An official's session ends after this much idleness, and in any case at SESSION_COOKIE_AGE.
OFFICIAL_IDLE_MINUTES = int(os.environ.get("OFFICIAL_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", 10)) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy: scripts only from the site's own static files, no inline script and
# no event-handler attribute anywhere (the admin's own scripts are files too); stylesheets only
# from the site too. Inline style attributes stay allowed (the completeness bars' widths, the
# admin's widgets): a style cannot run code. Form files carry their own stricter policy
# (registry/views/form_files.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:dashboard"
LOGOUT_REDIRECT_URL = "catalogue:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The workspace's template tags live in a module of the registry app's sub-package.
            "libraries": {"workspace_actions": "registry.workspace.templatetags.workspace_actions"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (docs/deployment.md, "Background jobs"). An uploaded exchange file larger than
# JOBS_INLINE_MAX_BYTES is checked and loaded by the worker, not inside the web request; the
# whole-registry export from the workspace always is. A job whose worker has given no sign of
# life for JOBS_STALE_SECONDS is taken back: queued again while it has attempts left, else
# failed with a message. Results are kept JOBS_RESULT_DAYS days, in JOBS_DIR.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOBS_INLINE_MAX_BYTES = int(os.environ.get("JOBS_INLINE_MAX_BYTES", 2 * 1024 * 1024))
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", 60))
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", 2))
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", 2))
JOBS_RESULT_DAYS = int(os.environ.get("JOBS_RESULT_DAYS", 7))
JOBS_DIR = Path(os.environ.get("JOBS_DIR", BASE_DIR / "var" / "jobs"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The registry speaks Russian whatever the browser asks for (no LocaleMiddleware): its users
# read Russian, and an English page over Russian data (dates, «1,500 ₽», form errors) misleads.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# With DEBUG off, `collectstatic` writes every file under a name carrying its content's hash
# (site.3f2a….css) and a compressed copy; WhiteNoise serves them from the WSGI processes with
# a year's caching, so no separate web server is needed for /static/. With DEBUG on, the plain
# storage lets `make run` work without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded form files. Nothing serves MEDIA_URL (nor should the web server): a form's file is
# downloaded through its edition's visibility (registry/views/form_files.py).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Behind nginx: after the visibility check the view answers with X-Accel-Redirect to this
# prefix + the stored name, and nginx sends the file from an `internal` location aliased to
# MEDIA_ROOT (docs/deployment.md). Unset: the WSGI process streams the file itself.
FORM_FILES_X_ACCEL_PREFIX = os.environ.get("FORM_FILES_X_ACCEL_PREFIX", "")

# Caches. "default": this process's memory (filter choices and other small values).
# "catalogue": the public pages, keyed by the catalogue's version (registry/catalogue/caching.py).
# CATALOGUE_CACHE=memory (default) keeps them per process; =redis shares them between the
# processes and machines of a deployment in Redis (REDIS_URL; the production choice, see
# docs/deployment.md); =database shares them in the table made by `manage.py createcachetable`;
# =off disables it.
CATALOGUE_CACHE = os.environ.get("CATALOGUE_CACHE", "memory")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_CATALOGUE_CACHE_BACKENDS = {
    "memory": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalogue-pages",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CATALOGUE_CACHE_ENTRIES", 5000))},
    },
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "catalogue_page_cache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CATALOGUE_CACHE_ENTRIES", 50000))},
    },
    "redis": {
        # Django's RedisCache; unreachable Redis means "not cached", not an error (config/cache.py).
        "BACKEND": "config.cache.CatalogueRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "catalogue",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if CATALOGUE_CACHE not in _CATALOGUE_CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"CATALOGUE_CACHE must be one of {', '.join(_CATALOGUE_CACHE_BACKENDS)}, not {CATALOGUE_CACHE!r}."
    )
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "registry-default"},
    "catalogue": _CATALOGUE_CACHE_BACKENDS[CATALOGUE_CACHE],
}

# Uploaded forms (заявления, бланки) are small documents; refuse anything larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REGISTRY_FORM_MAX_BYTES = int(os.environ.get("REGISTRY_FORM_MAX_BYTES", 10 * 1024 * 1024))

# HTTPS=1 declares that the site is reached over HTTPS only (a proxy in front terminates TLS):
# plain-HTTP requests are redirected, browsers are told to use HTTPS for a year (HSTS) and the
# cookies are Secure. BEHIND_PROXY=1 trusts the proxy's X-Forwarded-Proto header to say so.
HTTPS = env_bool("HTTPS", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Logs go to stdout, one JSON object a line (config/logging.py): a line per request from
# registry.request, errors with their traceback. LOG_FORMAT=text gives plain lines (the default
# with DEBUG, for a developer's console).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT if LOG_FORMAT in {"json", "text"} else "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request; REQUEST_LOG=0 turns them off (errors are still logged).
        "registry.request": {"level": "INFO" if env_bool("REQUEST_LOG", not DEBUG) else "ERROR"},
        "registry.security": {"level": "INFO"},
        # The request line already says 4xx/5xx; django.request keeps only errors' tracebacks.
        "django.request": {"level": "ERROR"},
    },
}
