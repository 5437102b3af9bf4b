"""Query expressions the ORM lacks or makes slow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from django.db.models import BooleanField, Expression, F


def ids_parameter(vendor: str, ids: Iterable[int]) -> str:
    """Integer ids as one parameter: a PostgreSQL array's text, or a JSON array for SQLite's `json_each`."""
    listed = ",".join(str(int(pk)) for pk in ids)  # integers: nothing to quote
    return "{" + listed + "}" if vendor == "postgresql" else "[" + listed + "]"


class _ColumnCondition(Expression):
    """A filter on one column against a tuple of constants, `values`: `Model.objects.filter(Kind("field", ...))`."""

    conditional = True

    def __init__(self, field: str, values: tuple):
        super().__init__(output_field=BooleanField())
        self.column = F(field)
        self.values = values

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.column!r}, {len(self.values)} values)"

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def _column(self, compiler) -> str:
        column, params = compiler.compile(self.column)
        if params:  # a model field compiles to a bare column; the SQL below repeats it
            raise ValueError(f"{self!r} needs a plain column")
        return column

    @property
    def identity(self):  # equal expressions compare equal (Q objects and querysets compare them)
        return (self.__class__, str(self.column), self.values)

    def __eq__(self, other):
        return isinstance(other, _ColumnCondition) and self.identity == other.identity

    def __hash__(self):
        return hash(self.identity)


class IdIn(_ColumnCondition):
    """`<field> IN (ids)` for a list of integer ids, as a filter: `Model.objects.filter(IdIn("unit", ids))`.

    The same SQL as `filter(unit__in=ids)`, compiled without the work Django's `in` lookup does for each
    value (a province officer's reach is 400-odd unit ids, filtered on by several queries of every page: that
    work alone cost milliseconds a page). The ids must be integers; an empty list matches nothing."""

    def __init__(self, field: str, ids: Iterable[int]):
        super().__init__(field, tuple(map(int, ids)))

    @property
    def ids(self) -> tuple[int, ...]:
        return self.values

    def as_sql(self, compiler, connection):
        if not self.ids:
            return "1 = 0", ()
        return f"{self._column(compiler)} IN ({', '.join(['%s'] * len(self.ids))})", self.ids

    def as_postgresql(self, compiler, connection):
        # One parameter, the array's text: psycopg rewrites each `%s` of a statement it has not cached (a long
        # one is not), and dumps a list item by item; 400 ids in each of a page's five statements cost
        # PostgreSQL's pages 3 ms. PostgreSQL plans `IN (list)` as this very `= ANY(array)`.
        if not self.ids:
            return "1 = 0", ()
        return f"{self._column(compiler)} = ANY(%s::bigint[])", (self._array,)

    @cached_property
    def _array(self) -> str:
        return ids_parameter("postgresql", self.ids)


class IdsSlot(_ColumnCondition):
    """`<field> IN` a list of integer ids given when the statement runs, as one parameter (`SLOT` in the
    compiled parameters): one statement serves every list of ids, so `core.statements` compiles a page's read
    by id once per process. PostgreSQL reads the parameter as an array, SQLite as a JSON array
    (`json_each`, built into the SQLite that Django's JSON fields need); both look each id up by its key."""

    SLOT = object()  # the parameter `statements` replaces with `ids_parameter(vendor, ids)`

    def __init__(self, field: str):
        super().__init__(field, ())

    def as_sql(self, compiler, connection):
        # The column is one Django compiled; the ids are the parameter.
        return f"{self._column(compiler)} IN (SELECT value FROM json_each(%s))", (self.SLOT,)  # noqa: S608

    def as_postgresql(self, compiler, connection):
        return f"{self._column(compiler)} = ANY(%s::bigint[])", (self.SLOT,)


class LeadingWordsIn(_ColumnCondition):
    """The column's text is one of `phrases`, or begins with one of them and a space: found through the column's
    index (a few lookups per phrase) instead of a read of every row. Pass a few hundred phrases at a time.

    SQLite's `LIKE` ignores case, so it cannot use the column's (case-sensitive) index; a range in byte order
    can: `col >= 'p ' AND col < 'p!'` ('!' follows the space). PostgreSQL compares by its collation, in which
    such a range need not hold what begins with the phrase; there `LIKE 'p %'` uses the `varchar_pattern_ops`
    index that Django adds to an indexed text column."""

    def __init__(self, field: str, phrases: Iterable[str]):
        super().__init__(field, tuple(phrases))

    def as_sql(self, compiler, connection):
        if not self.values:
            return "1 = 0", ()
        column = self._column(compiler)
        marks = ", ".join(["%s"] * len(self.values))
        ranges = " OR ".join([f"({column} >= %s AND {column} < %s)"] * len(self.values))
        bounds = [bound for phrase in self.values for bound in (f"{phrase} ", f"{phrase}!")]
        return f"({column} IN ({marks}) OR {ranges})", (*self.values, *bounds)

    def as_postgresql(self, compiler, connection):
        if not self.values:
            return "1 = 0", ()
        column = self._column(compiler)
        likes = " OR ".join([f"{column} LIKE %s"] * len(self.values))
        patterns = [re.sub(r"([\\%_])", r"\\\1", phrase) + " %" for phrase in self.values]
        return f"({column} = ANY(%s::text[]) OR {likes})", (list(self.values), *patterns)
