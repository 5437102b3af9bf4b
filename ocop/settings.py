"""Django settings, built from the declared environment in `ocop.config`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ocop.config import setting

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = setting("OCOP_ENV")
PRODUCTION = ENV == "production"
DATA_DIR = (BASE_DIR / setting("OCOP_DATA_DIR")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
# Certificates: the address their QR codes point at, and where the signing keys are kept (docs/certification.md).
SITE_URL = setting("OCOP_SITE_URL").rstrip("/")
SIGNING_KEYS_DIR = (BASE_DIR / (setting("OCOP_SIGNING_KEYS_DIR") or str(DATA_DIR / "keys"))).resolve()


def _secret_key() -> str:
    configured = setting("OCOP_SECRET_KEY")
    if configured:
        return configured
    if PRODUCTION:
        raise ImproperlyConfigured("OCOP_SECRET_KEY must be set when OCOP_ENV=production.")
    # A laptop install keeps one random key in its data folder, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written aside and linked into place: processes starting together on a new folder (gunicorn workers)
        # must never read a half-written, empty key, and all of them must end up with the same one.
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass  # another process won; its key is the one
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = setting("OCOP_DEBUG") and not PRODUCTION
ALLOWED_HOSTS = setting("OCOP_ALLOWED_HOSTS")
if ENV == "test":
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from its own static files: no CDN, no inline script (CSP)
    # Domain apps, lowest first: an app imports only apps listed above it (`make layers` checks it).
    "ocop.core",
    "ocop.audit",
    "ocop.geo",
    "ocop.accounts",
    "ocop.tasks",
    "ocop.rubrics",
    "ocop.producers",
    "ocop.products",
    "ocop.cycle",
    "ocop.evaluation",
    "ocop.certification",
    "ocop.history",
    "ocop.catalog",
    "ocop.addresses",
    "ocop.promotion",
    "ocop.training",
    "ocop.supervision",
    "ocop.planning",
    "ocop.api",
    "ocop.demo",
]

MIDDLEWARE = [
    # First, so every response carries X-Request-ID and every log line of the request names it.
    "ocop.core.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ocop.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Public catalogue answers for visitors not signed in, replayed from the cache: after CSRF (a replay hands
    # out the visitor's own token), before authentication, messages and the view (ocop/catalog/page_cache.py).
    "ocop.catalog.page_cache.PublicAnswerCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or the CSRF check reads the body: bounds its length and its number of files.
    "ocop.core.bodylimit.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ocop.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Ids and page numbers beyond 15 digits: 404/400 before any view (ocop/core/numbers.py).
    "ocop.core.numbers.NumbersInRangeMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ocop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ocop.accounts.context_processors.navigation",
            ],
        },
    }
]


SQLITE_MMAP_BYTES = 256 * 1024 * 1024  # address space, not memory: pages are read in as they are used


def _database() -> dict:
    url = setting("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("TEST", {})["NAME"] = (
                config.get("TEST", {}).get("NAME") or f"test_{config['NAME']}"
            )
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "ocop.sqlite3",
        # Each thread keeps its connection between requests: opening one reads the whole schema again.
        "CONN_MAX_AGE": 60,
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN, so two
        # writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
        # mmap_size: reads map the file (the system's page cache, shared by every process) instead of copying
        # each page through a read call: a province's producer list at a million products, 26 -> 14 ms of SQL.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                f"PRAGMA mmap_size={SQLITE_MMAP_BYTES};"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's model backend, its user of each request read by a statement compiled once; Django's own second, for
# the sessions it signed in (a session names its backend), never asked a password (ocop/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "ocop.accounts.backends.AccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ocop.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ocop" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if ENV == "test":
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
if setting("OCOP_STORAGE") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": setting("OCOP_S3_BUCKET"),
            "endpoint_url": setting("OCOP_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": setting("OCOP_SIGNED_URL_SECONDS"),
            "file_overwrite": False,
            "region_name": setting("OCOP_S3_REGION") or None,
            "access_key": setting("OCOP_S3_ACCESS_KEY_ID") or None,
            "secret_key": setting("OCOP_S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": setting("OCOP_S3_ADDRESSING_STYLE"),
            "signature_version": "s3v4",
        },
    }
SIGNED_URL_SECONDS = setting("OCOP_SIGNED_URL_SECONDS")

_cache_url = setting("OCOP_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ocop"}
    )
}
# With a shared cache, sessions are read from it and written through to the database, so any web process
# serves any request and a cache restart logs nobody out. Without one, sessions live in the database, read by
# a plain statement (ocop.accounts.sessions).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if _cache_url else "ocop.accounts.sessions"
# Rate limits must be shared by every web process (ocop.core.ratelimit): Redis when configured, otherwise a
# counter table in the database; the in-process cache above would give each worker a budget of its own.
RATE_LIMIT_STORE = "cache" if _cache_url else "database"

# Background work (ocop.tasks): in-process after commit by default, on Celery workers when configured.
TASKS_MODE = setting("OCOP_TASKS")
if TASKS_MODE not in {"inline", "celery"}:
    raise ImproperlyConfigured("OCOP_TASKS must be `inline` or `celery`.")
if TASKS_MODE == "celery" and not setting("OCOP_BROKER_URL"):
    raise ImproperlyConfigured("OCOP_BROKER_URL must be set when OCOP_TASKS=celery.")
CELERY_BROKER_URL = setting("OCOP_BROKER_URL") or "memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = "ocop"
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message for another worker
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # results and errors are kept in tasks.TaskRun, not in the broker
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"

_email = setting("OCOP_EMAIL_URL")
if _email == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = "OCOP <no-reply@ocop.local>"
if ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Sessions: an absolute lifetime for everyone; staff also time out when idle (accounts.middleware).
SESSION_COOKIE_AGE = setting("OCOP_SESSION_HOURS") * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
STAFF_IDLE_SECONDS = setting("OCOP_STAFF_IDLE_MINUTES") * 60
LOGIN_MAX_FAILURES = setting("OCOP_LOGIN_MAX_FAILURES")
LOGIN_LOCK_SECONDS = setting("OCOP_LOGIN_LOCK_MINUTES") * 60
LOGIN_ADDRESS_FAILURES = setting("OCOP_LOGIN_ADDRESS_FAILURES")
TOKEN_LIFETIME_SECONDS = setting("OCOP_TOKEN_DAYS") * 86400
TOKEN_IDLE_SECONDS = setting("OCOP_TOKEN_IDLE_HOURS") * 3600
TOKENS_PER_USER = setting("OCOP_TOKENS_PER_USER")
REGISTRATIONS_PER_HOUR = setting("OCOP_REGISTRATIONS_PER_HOUR")
UPLOAD_MAX_BYTES = setting("OCOP_UPLOAD_MAX_MB") * 1024 * 1024
# Django refuses larger request bodies before reading them; uploads stream to temporary files past 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# The whole body is bounded before any of it is read, and the files of one request are counted as the
# parser meets them (ocop.core.bodylimit); Django's own count is a backstop one past ours.
REQUEST_MAX_BYTES = setting("OCOP_REQUEST_MAX_MB") * 1024 * 1024
REQUEST_MAX_FILES = setting("OCOP_REQUEST_MAX_FILES")
if REQUEST_MAX_BYTES <= UPLOAD_MAX_BYTES:
    raise ImproperlyConfigured(
        "OCOP_REQUEST_MAX_MB must be larger than OCOP_UPLOAD_MAX_MB (fields travel too)."
    )
DATA_UPLOAD_MAX_NUMBER_FILES = REQUEST_MAX_FILES + 1
# Upload temporaries in a folder of our own, emptied of stale files when a process starts (core.apps).
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "upload-tmp")
UPLOAD_TEMP_MAX_SECONDS = setting("OCOP_UPLOAD_TEMP_MAX_MINUTES") * 60
# The first handler counts files; the next drops an oversize file's bytes as they arrive (ocop.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "ocop.core.bodylimit.FileCountUploadHandler",
    "ocop.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/"]  # load balancers probe the web processes over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs go to standard error; in production one JSON object a line, each naming its request id.
LOG_FORMAT = setting("OCOP_LOG_FORMAT") or ("json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ocop.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "ocop.core.requestlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {
        "handlers": ["console"],
        "level": setting("OCOP_LOG_LEVEL") or ("INFO" if PRODUCTION else "WARNING"),
    },
    # One access line a request comes from ocop.request; Django's own adds only the errors (with tracebacks).
    "loggers": {"django.request": {"level": "ERROR"}, "celery": {"level": "WARNING"}},
}

# Outside production, static files are served straight from the apps: `make demo` needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Public catalogue: requests a minute per address (partners with an API key have their own limit).
CATALOG_PUBLIC_API_PER_MINUTE = setting("OCOP_PUBLIC_API_PER_MINUTE")
CATALOG_EXPORTS_PER_MINUTE = setting("OCOP_EXPORTS_PER_MINUTE")
CATALOG_CACHE_SECONDS = setting("OCOP_CATALOG_CACHE_SECONDS")
