"""Small fixed reads compiled once per process, then run as the plain statements they compiled to.

Django builds and compiles a queryset's SQL again on every call: for a read with two joins, about 0.6 ms of
Python, more than PostgreSQL takes to answer it (issue 19). A read whose SQL follows from a few values (an
officer's reach, the levels they act for) is compiled here once per process for those values; `key` names
them, so two reads under one key must compile to one statement. Rows come back as the database gives them:
a read with a column Django converts (dates on SQLite, JSON, decimals) is refused when it is compiled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

MAX_STATEMENTS = 2_000  # a few per reach and read; a national site has a few thousand reaches: start again

_lock = threading.Lock()
_compiled: dict[tuple, tuple[str, str, tuple]] = {}  # key -> (database alias, SQL, parameters)


def rows(key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of `build()`, a `values_list` queryset, compiled once per process for `key`."""
    statement = _compiled.get(key)
    if statement is None:
        statement = _compile(build())
        with _lock:
            if len(_compiled) >= MAX_STATEMENTS:
                _compiled.clear()
            _compiled[key] = statement
    alias, sql, params = statement
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compile(queryset: QuerySet) -> tuple[str, str, tuple]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    if compiler.get_converters([expression for expression, _sql, _alias in compiler.select]):
        raise ValueError(
            f"{queryset.model.__name__}: a column needs Django's conversion, read it with the ORM"
        )
    return queryset.db, sql, tuple(params)
