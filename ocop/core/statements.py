"""Small fixed reads compiled once per process, then run as the plain statements they compiled to.

Django builds and compiles a queryset's SQL again on every call: for a read with two joins, about 0.6 ms of
Python, more than PostgreSQL takes to answer it (issue 19). A read whose SQL follows from a few values (an
officer's reach, the levels they act for) is compiled here once per process for those values; `key` names
them, so two reads under one key must compile to one statement. A page's rows read by id (`rows_of_ids`)
compile once per read: the ids are one parameter of the statement (`expressions.IdsSlot`).

Rows come back as the ORM's `values_list` gives them: the columns Django converts (JSON, dates on SQLite)
go through the very converters the ORM applies, with the connection of the thread that reads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet

from ocop.core.expressions import IdsSlot, ids_parameter

MAX_STATEMENTS = 2_000  # a few per reach and read; a national site has a few thousand reaches: start again

_lock = threading.Lock()
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Statement:
    alias: str  # the database
    sql: str | None  # None: a filter that matches nothing (`EmptyResultSet`), so no rows, as the ORM finds
    params: tuple
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]  # (column, converters, expression)
    slot: int | None  # the position of the ids' parameter (`rows_of_ids`)


_compiled: dict[tuple, _Statement] = {}


def rows(key: tuple, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of `build()`, a `values_list` queryset, compiled once per process for `key`."""
    return _run(_statement(key, build), None)[1]


def count_of(key: tuple, build: Callable[[], QuerySet]) -> int:
    """The number of rows of `build()`, a `values` or `values_list` queryset (slice it to cap the count: the
    database then stops counting there), compiled once per process for `key`."""
    found = _run(_statement(key, build, counted=True), None)[1]
    return found[0][0] if found else 0


def rows_of_ids(
    key: tuple, build: Callable[[IdsSlot], QuerySet], field: str, ids: Sequence[int]
) -> list[tuple]:
    """The rows of `build(where)` for the records whose `field` is one of `ids`, in `build`'s order: `where` is
    the condition on `field` that `build` filters its `values_list` queryset with. Compiled once per process
    for `key` whatever the ids; no query for no ids."""
    return _read_ids(key, build, field, ids)[1]


def records_of_ids(
    key: tuple,
    model: type[M],
    build: Callable[[IdsSlot], QuerySet[M]],
    field: str,
    ids: Sequence[int],
    *,
    related: Sequence[str] = (),
) -> list[M]:
    """`rows_of_ids` for `model`'s objects: the records of `build(where)` (in its order), every column loaded,
    each built from its row as the ORM builds it (`Model.from_db`). `related` names foreign keys whose records
    come in the same statement (a join) and are set on each record, as `select_related` sets them."""
    names = _attnames(model)
    joined = [_Join(model._meta.get_field(name)) for name in related]
    lookups = [*names, *(lookup for join in joined for lookup in join.lookups)]
    alias, found = _read_ids(key, lambda where: build(where).values_list(*lookups), field, ids)
    records = []
    for row in found:
        record = model.from_db(alias, names, row[: len(names)])
        start = len(names)
        for join in joined:
            join.set(record, alias, row[start : start + len(join.names)])
            start += len(join.names)
        records.append(record)
    return records


def _attnames(model) -> tuple[str, ...]:
    return tuple(column.attname for column in model._meta.concrete_fields)


class _Join:
    """A foreign key read in the same statement: its record's columns, set on the record that points to it."""

    def __init__(self, foreign_key: Any):
        self.foreign_key = foreign_key
        self.target = foreign_key.related_model
        self.names = _attnames(self.target)
        # By lookup: a foreign key of the related record, named, reads its id as its attname would.
        self.lookups = tuple(
            f"{foreign_key.name}__{column.name}" for column in self.target._meta.concrete_fields
        )
        self.pk_at = self.names.index(self.target._meta.pk.attname)

    def set(self, record: Model, alias: str, values: tuple) -> None:
        found = None if values[self.pk_at] is None else self.target.from_db(alias, self.names, values)
        self.foreign_key.set_cached_value(record, found)


def _read_ids(
    key: tuple, build: Callable[[IdsSlot], QuerySet], field: str, ids: Sequence[int]
) -> tuple[str, list[tuple]]:
    if not ids:
        return "", []
    return _run(_statement(key, lambda: build(IdsSlot(field))), ids)


def _statement(key: tuple, build: Callable[[], QuerySet], *, counted: bool = False) -> _Statement:
    statement = _compiled.get((key, counted))
    if statement is None:
        statement = _counted(build()) if counted else _compile(build())
        with _lock:
            if len(_compiled) >= MAX_STATEMENTS:
                _compiled.clear()
            _compiled[key, counted] = statement
    return statement


def _counted(queryset: QuerySet) -> _Statement:
    # As the ORM counts a sliced queryset (`QuerySet.count()`): COUNT(*) over the statement as a subquery.
    inner = _compile(queryset)
    if inner.slot is not None:
        raise ValueError(f"{queryset.model.__name__}: a count reads no list of ids")
    return _Statement(
        alias=inner.alias,
        # The ORM's own SQL, and parameters.
        sql=None if inner.sql is None else f"SELECT COUNT(*) FROM ({inner.sql}) counted",  # noqa: S608
        params=inner.params,
        converters=(),
        slot=None,
    )


def _compile(queryset: QuerySet) -> _Statement:
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return _Statement(alias=queryset.db, sql=None, params=(), converters=(), slot=None)
    if compiler.has_extra_select:  # columns the ORM selects and then drops (an ORDER BY of an annotation)
        raise ValueError(f"{queryset.model.__name__}: read with the ORM, its rows are not the statement's")
    converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
    slots = [position for position, param in enumerate(params) if param is IdsSlot.SLOT]
    if len(slots) > 1:
        raise ValueError(f"{queryset.model.__name__}: one list of ids per statement")
    return _Statement(
        alias=queryset.db,
        sql=sql,
        params=tuple(params),
        converters=tuple(
            (column, tuple(found), expression) for column, (found, expression) in converters.items()
        ),
        slot=slots[0] if slots else None,
    )


def _run(statement: _Statement, ids: Sequence[int] | None) -> tuple[str, list[tuple]]:
    """The database's alias and the statement's rows."""
    if statement.sql is None:
        return statement.alias, []
    connection = connections[statement.alias]
    params = list(statement.params)
    if statement.slot is not None:
        params[statement.slot] = ids_parameter(connection.vendor, ids or ())
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = cursor.fetchall()
    if statement.converters:
        found = [_converted(row, statement.converters, connection) for row in found]
    return statement.alias, found


def _converted(row: tuple, converters, connection) -> tuple:
    # As the ORM's compiler applies them (`SQLCompiler.apply_converters`), each in turn on its column.
    values = list(row)
    for column, functions, expression in converters:
        value = values[column]
        for function in functions:
            value = function(value, expression, connection)
        values[column] = value
    return tuple(values)
