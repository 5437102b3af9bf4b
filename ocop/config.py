"""Every setting the project reads from the environment, declared once with a type, a default and why.

`ocop.settings` reads values only through `setting()`, so `ocop settings` (and docs/settings.md) can list them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Declared:
    name: str
    kind: type
    default: Any
    description: str


DECLARED: dict[str, Declared] = {}


def _declare(name: str, kind: type, default: Any, description: str) -> None:
    DECLARED[name] = Declared(name, kind, default, description)


_declare(
    "OCOP_ENV",
    str,
    "development",
    "`development`, `test` or `production`; production turns on every safeguard.",
)
_declare(
    "OCOP_SECRET_KEY",
    str,
    "",
    "Django secret key; required in production, generated per data folder otherwise.",
)
_declare("OCOP_DEBUG", bool, False, "Django debug pages; never in production.")
_declare(
    "OCOP_ALLOWED_HOSTS", list, ["127.0.0.1", "localhost", "[::1]"], "Comma-separated host names served."
)
_declare("OCOP_DATA_DIR", str, "var", "Folder for the embedded database, uploaded files and keys.")
_declare(
    "OCOP_SITE_URL",
    str,
    "http://127.0.0.1:8000",
    "Public address of the site; certificate QR codes point at it (keep it short: the QR must stay small).",
)
_declare(
    "OCOP_SIGNING_KEYS_DIR",
    str,
    "",
    "Folder of the certificate signing keys (0600 files); empty means OCOP_DATA_DIR/keys. Keep off web hosts.",
)
_declare("DATABASE_URL", str, "", "Database URL; empty means embedded SQLite at OCOP_DATA_DIR/ocop.sqlite3.")
_declare(
    "OCOP_STORAGE", str, "local", "`local` (files under OCOP_DATA_DIR/media) or `s3` (S3-compatible bucket)."
)
_declare("OCOP_S3_BUCKET", str, "", "Bucket name when OCOP_STORAGE=s3.")
_declare("OCOP_S3_ENDPOINT_URL", str, "", "S3-compatible endpoint when OCOP_STORAGE=s3.")
_declare("OCOP_S3_REGION", str, "", "Bucket region when OCOP_STORAGE=s3; empty lets the client decide.")
_declare(
    "OCOP_S3_ACCESS_KEY_ID",
    str,
    "",
    "Bucket access key; empty uses the standard AWS chain (environment, role).",
)
_declare("OCOP_S3_SECRET_ACCESS_KEY", str, "", "Secret of OCOP_S3_ACCESS_KEY_ID; never in the repository.")
_declare(
    "OCOP_S3_ADDRESSING_STYLE",
    str,
    "auto",
    "`auto`, `path` or `virtual` bucket addressing (S3 servers vary).",
)
_declare(
    "OCOP_SIGNED_URL_SECONDS",
    int,
    60,
    "Lifetime of a signed download link, issued after the permission check.",
)
_declare("OCOP_CACHE_URL", str, "", "Cache URL (redis://...); empty means an in-process cache.")
_declare(
    "OCOP_TASKS", str, "inline", "`inline` runs background work in-process; `celery` sends it to workers."
)
_declare("OCOP_BROKER_URL", str, "", "Task broker URL (redis://...) when OCOP_TASKS=celery.")
_declare(
    "OCOP_LOG_FORMAT",
    str,
    "",
    "`json` (one object a line, with request ids) or `text`; empty: json in production.",
)
_declare(
    "OCOP_LOG_LEVEL",
    str,
    "",
    "Root log level; empty: INFO in production (one line a request), WARNING otherwise.",
)
_declare("OCOP_EMAIL_URL", str, "console", "`console` prints mail; `smtp://user:pass@host:port` sends it.")
_declare("OCOP_STAFF_IDLE_MINUTES", int, 30, "Staff sessions end after this many idle minutes.")
_declare("OCOP_SESSION_HOURS", int, 12, "Absolute lifetime of any session.")
_declare("OCOP_LOGIN_MAX_FAILURES", int, 5, "Failed logins for one user name before it is locked.")
_declare("OCOP_LOGIN_LOCK_MINUTES", int, 15, "How long a lock after repeated failed logins lasts.")
_declare(
    "OCOP_LOGIN_ADDRESS_FAILURES",
    int,
    30,
    "Failed logins from one address, over any user names, that close sign-in from it for the lock period.",
)
_declare("OCOP_UPLOAD_MAX_MB", int, 20, "Largest accepted upload, checked before buffering.")
_declare(
    "OCOP_REQUEST_MAX_MB",
    int,
    25,
    "Largest request body (files and fields together), refused from its length before any of it is read; "
    "set the proxy's limit (nginx client_max_body_size) to the same.",
)
_declare("OCOP_REQUEST_MAX_FILES", int, 5, "Most files in one request; the parser stops at the next one.")
_declare(
    "OCOP_UPLOAD_TEMP_MAX_MINUTES",
    int,
    60,
    "Upload temporaries (OCOP_DATA_DIR/upload-tmp) older than this are removed when a process starts.",
)
_declare("OCOP_DEMO_PASSWORD", str, "", "Password of the demo users; generated and printed when empty.")
_declare(
    "OCOP_PUBLIC_API_PER_MINUTE",
    int,
    120,
    "Catalogue API requests a minute from one address without a partner key (partners have their own limit).",
)
_declare(
    "OCOP_CATALOG_CACHE_SECONDS",
    int,
    600,
    "How long a public catalogue answer (search, API list, product page) is kept for visitors not signed in;"
    " a reindex replaces it at once. 0 turns the cache off.",
)
_declare(
    "OCOP_EXPORTS_PER_MINUTE", int, 6, "Open data file downloads a minute from one address or partner key."
)

# --- API tokens and registration (issue 13) ---
_declare(
    "OCOP_TOKEN_DAYS", int, 7, "Absolute lifetime of an API token from sign-in, however much it is used."
)
_declare(
    "OCOP_TOKEN_IDLE_HOURS",
    int,
    24,
    "An API token unused for this many hours ends (its last use is recorded at most once a minute).",
)
_declare(
    "OCOP_TOKENS_PER_USER",
    int,
    10,
    "Live API tokens one person may hold; a new sign-in beyond it ends the oldest.",
)
_declare(
    "OCOP_REGISTRATIONS_PER_HOUR",
    int,
    10,
    "Producer registration attempts an hour from one client address.",
)


def _parse(declared: Declared, raw: str) -> Any:
    if declared.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if declared.kind is int:
        return int(raw)
    if declared.kind is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def setting(name: str) -> Any:
    declared = DECLARED[name]
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return declared.default
    return _parse(declared, raw)
