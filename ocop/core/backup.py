"""`ocop backup` / `ocop restore`: the database and every stored file in one folder, with checksums.

    backup/
      manifest.json       created_at, vendor, applied migrations, rows per model, sha256 of every file below
      database.sqlite3    (SQLite: sqlite3's online backup) or database.pgdump (PostgreSQL: pg_dump -Fc)
      files/<name>        a copy of every file a FileField names, read through the default storage

A restore first checks every checksum and refuses (listing every problem) before touching anything, then
loads the database into the target, puts the files back into the default storage, and checks the restored
row counts and file checksums against the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, models, transaction
from django.utils import timezone

from ocop.core.storage import CHUNK, checksum

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES = "files"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; `problems` lists every reason."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(f"  - {p}" for p in self.problems)])


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[tuple[str, str]]:
    """(model label, table) for every table Django manages, many-to-many tables included."""
    found: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            found.setdefault(meta.db_table, meta.label)
    return sorted((label, table) for table, label in found.items())


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField."""
    return sorted(
        {
            (model._meta.db_table, field.column)
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
            for field in model._meta.concrete_fields
            if isinstance(field, models.FileField) and field.column
        }
    )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _snapshot(cursor) -> dict[str, Any]:
    """Row counts, applied migrations and stored file names, read through one DB-API cursor."""
    counts = {}
    for label, table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {_q(table)}")  # noqa: S608  (names from the models)
        counts[label] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    names: set[str] = set()
    for table, column in _file_columns():
        cursor.execute(f"SELECT DISTINCT {_q(column)} FROM {_q(table)} WHERE {_q(column)} <> ''")  # noqa: S608
        names.update(row[0] for row in cursor.fetchall() if row[0])
    return {"counts": counts, "migrations": migrations, "file_names": sorted(names)}


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError("Unsafe file name.", [name])
    return path


@dataclass(frozen=True)
class Target:
    vendor: str  # sqlite or postgresql
    path: Path | None = None  # SQLite
    params: dict[str, str] = field(default_factory=dict)  # PostgreSQL: dbname, user, password, host, port

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return str(self.path)
        return (
            f"postgresql database {self.params.get('dbname')!r} on {self.params.get('host') or 'localhost'}"
        )


def parse_target(url: str) -> Target:
    """A PostgreSQL URL (postgres://user:pass@host:port/name) or a SQLite path (or sqlite:///path)."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        dbname = unquote(parts.path.lstrip("/"))
        if not dbname:
            raise BackupError("The PostgreSQL URL names no database.", [url])
        params = {
            "dbname": dbname,
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "host": parts.hostname or "",
            "port": str(parts.port or ""),
        }
        return Target("postgresql", params={k: v for k, v in params.items() if v})
    if parts.scheme == "sqlite":
        return Target("sqlite", path=Path(unquote(url.split("://", 1)[1]).removeprefix("/") or "."))
    if parts.scheme and len(parts.scheme) > 1:
        raise BackupError("Unknown database URL scheme.", [parts.scheme])
    return Target("sqlite", path=Path(url))


def _pg_params(settings_dict: dict) -> dict[str, str]:
    params = {
        "dbname": settings_dict.get("NAME") or "",
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    return {k: str(v) for k, v in params.items() if v}


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    """libpq environment for pg_dump / pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("dbname", "PGDATABASE"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("host", "PGHOST"),
        ("port", "PGPORT"),
    ):
        if key in params:
            env[variable] = params[key]
    return env


def _run(command: list[str], params: dict[str, str]) -> None:
    done = subprocess.run(command, env=_pg_env(params), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            f"{command[0]} failed.", [line for line in done.stderr.splitlines() if line.strip()]
        )


def _pg_connect(params: dict[str, str], **overrides: str):
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(**{**params, **overrides})
    return psycopg.connect(conninfo, autocommit=True)


# ---------------------------------------------------------------------------------------------------------
# Backup


def backup(destination: Path, *, using: str = "default", storage: Storage | None = None) -> dict[str, Any]:
    """Write a backup folder (which must be new or empty) and return its manifest."""
    storage = storage or default_storage
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError("The backup folder is not empty.", [str(destination)])
    destination.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError("Unsupported database.", [vendor])
    database_file = destination / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(database_file)) as copy:
            connection.connection.backup(copy)
        with contextlib.closing(sqlite3.connect(database_file)) as copy:
            state = _snapshot(copy.cursor())
    else:
        if connection.in_atomic_block:
            raise BackupError("Run the PostgreSQL backup outside a transaction.")
        # One snapshot for pg_dump and for the counts and file names of the manifest.
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = _snapshot(cursor)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={database_file}",
                ],
                _pg_params(connection.settings_dict),
            )

    checksums = {database_file.name: _sha256_file(database_file)}
    files, missing = [], []
    for name in state["file_names"]:
        relative = _safe_name(name)
        if not storage.exists(name):
            missing.append(name)
            continue
        target = destination / FILES / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        checksums[f"{FILES}/{relative}"] = digest.hexdigest()
        files.append({"name": name, "sha256": digest.hexdigest(), "size": size})

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "vendor": vendor,
        "database": database_file.name,
        "migrations": state["migrations"],
        "counts": state["counts"],
        "files": files,
        "missing_files": missing,
        "checksums": checksums,
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


# ---------------------------------------------------------------------------------------------------------
# Restore


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError("The backup has no readable manifest.", [str(exc)]) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            "Unknown backup format.", [str(manifest.get("format") if isinstance(manifest, dict) else "")]
        )
    return manifest


def _listed(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path.relative_to(folder).as_posix()


def verify_backup(folder: Path) -> list[str]:
    """Every problem with a backup folder: missing, changed or unexpected files."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except BackupError as exc:
        return [str(exc)]
    problems = []
    checksums: dict[str, str] = manifest.get("checksums", {})
    if manifest.get("database") not in checksums:
        problems.append("the manifest lists no database file")
    for relative, expected in sorted(checksums.items()):
        path = folder / relative
        if not path.is_file():
            problems.append(f"missing: {relative}")
        elif _sha256_file(path) != expected:
            problems.append(f"checksum differs: {relative}")
    for relative in _listed(folder):
        if relative != MANIFEST and relative not in checksums:
            problems.append(f"not in the manifest: {relative}")
    for item in manifest.get("files", []):
        if checksums.get(f"{FILES}/{item['name']}") != item["sha256"]:
            problems.append(f"file entry disagrees with the checksums: {item['name']}")
    return problems


def _sqlite_tables(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]


def _pg_state(params: dict[str, str]) -> int | None:
    """None when the database does not exist, else the number of tables in it."""
    import psycopg

    try:
        with contextlib.closing(_pg_connect(params)) as db:
            return db.execute(
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise BackupError("Cannot reach the target database.", [str(exc).strip()]) from exc


def _target_counts(target: Target) -> dict[str, Any]:
    if target.vendor == "sqlite":
        assert target.path is not None  # a SQLite target always names its file
        with contextlib.closing(sqlite3.connect(target.path)) as db:
            return _snapshot(db.cursor())
    with contextlib.closing(_pg_connect(target.params)) as db, db.cursor() as cursor:
        return _snapshot(cursor)


@dataclass
class RestoreReport:
    target: str
    files_restored: int = 0
    files_unchanged: int = 0
    count_problems: list[str] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.count_problems and not self.file_problems

    def lines(self) -> list[str]:
        return [
            f"database restored into {self.target}",
            f"files restored: {self.files_restored}, already present: {self.files_unchanged}",
            *self.count_problems,
            *self.file_problems,
            "restore checked: counts and files match the manifest" if self.ok else "restore check FAILED",
        ]


def restore(
    folder: Path, database_url: str, *, force: bool = False, storage: Storage | None = None
) -> RestoreReport:
    """Check the backup, load its database into `database_url`, put its files into the storage, check both."""
    folder = Path(folder)
    storage = storage or default_storage
    problems = verify_backup(folder)
    if problems:
        raise BackupError("The backup does not match its manifest; nothing was restored.", problems)
    manifest = read_manifest(folder)
    target = parse_target(database_url)
    if target.vendor != manifest["vendor"]:
        raise BackupError(
            f"This is a {manifest['vendor']} backup; it cannot be restored into {target.vendor}. "
            "Restore it into the same kind of database, then move the data with dumpdata/loaddata if needed."
        )
    for item in manifest["files"]:
        _safe_name(item["name"])
    dump = folder / manifest["database"]

    if target.vendor == "sqlite":
        assert target.path is not None
        if target.path.exists() and _sqlite_tables(target.path) and not force:
            raise BackupError(
                "The target database is not empty (use --force to replace it).", [target.describe()]
            )
        target.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target.path}{suffix}").unlink(missing_ok=True)
        with (
            contextlib.closing(sqlite3.connect(dump)) as source,
            contextlib.closing(sqlite3.connect(target.path)) as out,
        ):
            source.backup(out)
    else:
        tables = _pg_state(target.params)
        if tables and not force:
            raise BackupError(
                "The target database is not empty (use --force to replace it).", [target.describe()]
            )
        if tables is None:
            with contextlib.closing(_pg_connect(target.params, dbname="postgres")) as admin:
                from psycopg import sql

                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.params["dbname"])))
        command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target.params['dbname']}"]
        if tables:
            command += ["--clean", "--if-exists"]
        _run([*command, str(dump)], target.params)

    report = RestoreReport(target=target.describe())
    for item in manifest["files"]:
        name = item["name"]
        if storage.exists(name):
            if checksum(name, storage=storage) == item["sha256"]:
                report.files_unchanged += 1
                continue
            storage.delete(name)
        with (folder / FILES / _safe_name(name)).open("rb") as handle:
            saved = storage.save(name, File(handle, name=PurePosixPath(name).name))
        if saved != name:
            report.file_problems.append(f"stored under another name: {name} -> {saved}")
        report.files_restored += 1

    restored = _target_counts(target)
    for label, expected in sorted(manifest["counts"].items()):
        found = restored["counts"].get(label)
        if found != expected:
            report.count_problems.append(f"rows of {label}: {found} restored, {expected} in the backup")
    if restored["migrations"] != manifest["migrations"]:
        report.count_problems.append("applied migrations differ from the backup")
    for item in manifest["files"]:
        name = item["name"]
        if not storage.exists(name):
            report.file_problems.append(f"missing after restore: {name}")
        elif checksum(name, storage=storage) != item["sha256"]:
            report.file_problems.append(f"checksum differs after restore: {name}")
    return report
