"""Set-based writes for imports of thousands of rows, on SQLite and PostgreSQL.

`bulk_create` spends most of a large import preparing values: for each row and each field it builds a
placeholder and runs the field's conversion chain, and on SQLite it cuts the rows into statements of 999
parameters. `insert_rows` writes plain dictionaries (a model's columns by `attname`) with multi-row
`INSERT ... RETURNING id` statements as large as the database allows (SQLite), or keys drawn from the
table's sequence and the rows streamed by `COPY` (PostgreSQL), converting only values that are not
already what the driver takes (a `str` for text columns, an `int` for integer and key columns, a `bool` for
booleans; dates, times, decimals and JSON go through the field's own `get_db_prep_save`). Omitted columns take
the field's default (a callable default is called per row; `auto_now`/`auto_now_add` take the time of the call).

Like `bulk_create`, it calls no `save()` and sends no signal: the caller does what a save would have done.
`delete_in` removes the rows whose key is in a subquery in one statement, without Django's deletion collector
(which reads every row and follows every relation one object class at a time): the caller has checked the
references first.
"""

# ruff: noqa: S608  (table and column names come from the model, quoted; every value is a parameter)

from __future__ import annotations

import gc
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import NotSupportedError, connections, models
from django.utils import timezone

# Fields whose values the drivers take as they are when already of this Python type.
_PLAIN: dict[str, tuple[type, ...]] = {
    "CharField": (str,),
    "TextField": (str,),
    "SlugField": (str,),
    "EmailField": (str,),
    "URLField": (str,),
    "FileField": (str,),
    "BooleanField": (bool,),
    "IntegerField": (int,),
    "SmallIntegerField": (int,),
    "BigIntegerField": (int,),
    "PositiveIntegerField": (int,),
    "PositiveSmallIntegerField": (int,),
    "PositiveBigIntegerField": (int,),
    "AutoField": (int,),
    "BigAutoField": (int,),
}
# The most rows one statement carries (a statement also stops at the database's parameter limit).
MAX_ROWS = 2000
_POSTGRES_PARAMS = 65535


_pauses = 0
_pauses_lock = threading.Lock()
_collector_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import reads and writes tens of thousands of records at once.

    Such a run keeps every row's plan alive until its commit, and each new dictionary or tuple counts towards
    the next collection, which then walks all of them again to find no garbage (a fifth of the CPU of a
    10,000-row apply: docs/history-import.md). Memory is still freed as each object's last reference goes;
    cycles made meanwhile wait for the next collection after the run. Nested and concurrent runs of one
    process share the pause: the collector comes back, if it was on, when the last one ends."""
    global _pauses, _collector_was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_enabled:
                gc.enable()


def _max_params(connection) -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        if hasattr(raw, "getlimit"):  # Python 3.11+: the limit this SQLite was built with
            return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        return int(connection.features.max_query_params or 999)
    return int(connection.features.max_query_params or _POSTGRES_PARAMS)


def _key_type(field: models.Field) -> str:
    """The internal type that decides a column's conversion (a foreign key takes its target's)."""
    if field.is_relation:
        return _key_type(field.target_field)  # type: ignore[attr-defined]
    return field.get_internal_type()


def _converter(field: models.Field, connection) -> Callable[[Any], Any]:
    plain = _PLAIN.get(_key_type(field))
    prep = field.get_db_prep_save
    if plain is None:
        # The same object as the row before (an import's one `now` in every row) is converted once: the
        # datetime chain alone cost a third of a second per 10,000 rows of three such columns.
        last: list[Any] = [None, None]

        def convert(value: Any) -> Any:
            if value is None:
                return None
            if value is not last[0]:
                last[:] = [value, prep(value, connection)]
            return last[1]

        return convert
    # `bool` is an `int`: an integer column takes it as is, a text column converts it like anything else.
    return lambda value: value if value is None or type(value) in plain else prep(value, connection)


def insert_rows(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, using: str = "default"
) -> list[Any]:
    """Insert the rows (dictionaries of `attname` → value) and return their new primary keys, in order."""
    if not rows:
        return []
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("insert_rows needs INSERT ... RETURNING (SQLite 3.35+, PostgreSQL).")
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    given = set().union(*(row.keys() for row in rows))
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.attname not in given)]
    unknown = given - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{meta.label} has no column {sorted(unknown)}")
    now = timezone.now()
    columns: list[tuple[str, Callable[[Any], Any], Callable[[], Any] | None, Any]] = []
    for field in fields:
        fill: Callable[[], Any] | None = None
        constant: Any = None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant = now
        elif field.has_default() and callable(field.default):
            fill = field.get_default
        else:
            constant = field.get_default()
        columns.append((field.attname, _converter(field, connection), fill, constant))

    if connection.vendor == "postgresql" and _has_copy(connection):
        return _copy_rows(connection, model, fields, columns, rows)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) VALUES "
    tail = f" RETURNING {quote(str(pk.column))}"
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(MAX_ROWS, _max_params(connection) // len(fields)))
    keys: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            for row in chunk:
                params += _values(row, columns)
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            keys.extend(pk.to_python(found[0]) for found in cursor.fetchall())
    if len(keys) != len(rows):  # pragma: no cover - the database returned fewer keys than rows
        raise RuntimeError(f"{meta.label}: {len(keys)} keys returned for {len(rows)} rows")
    return keys


def _values(row: Mapping[str, Any], columns) -> list[Any]:
    """A row's values in column order, converted; an omitted column takes its default. One comprehension per
    row: an import sends a million values, and a loop of appends cost twice as much."""
    return [
        convert(row[name] if name in row else (fill() if fill is not None else constant))
        for name, convert, fill, constant in columns
    ]


def _has_copy(connection) -> bool:
    """psycopg 3 streams `COPY` from Python rows; another driver takes the multi-row INSERT."""
    with connection.cursor() as cursor:
        return hasattr(cursor.cursor, "copy")


def _copy_rows(connection, model, fields, columns, rows) -> list[Any]:
    """PostgreSQL: the keys drawn from the table's sequence in one statement, then the rows streamed with
    `COPY ... FROM STDIN` (several times faster than a multi-row INSERT of the same rows)."""
    meta = model._meta
    quote = connection.ops.quote_name
    given_pk = any(name == meta.pk.attname for name, *_ in columns)
    with connection.cursor() as cursor:
        if given_pk:
            keys = [row[meta.pk.attname] for row in rows]
        else:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            keys = [found[0] for found in cursor.fetchall()]
        names = ([] if given_pk else [quote(meta.pk.column)]) + [quote(f.column) for f in fields]
        statement = f"COPY {quote(meta.db_table)} ({', '.join(names)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row(_values(row, columns) if given_pk else [key, *_values(row, columns)])
    return keys


def delete_in(model: type[models.Model], keys: models.QuerySet, *, using: str = "default") -> int:
    """Delete the rows of `model` whose primary key is among `keys` (a `values(...)` queryset of one column),
    in one statement. Returns how many. No signal, no cascade: the caller has dealt with references."""
    connection = connections[using]
    sql, params = keys.query.sql_with_params()
    meta = model._meta
    assert meta.pk is not None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} IN ({sql})",
            params,
        )
        return cursor.rowcount
