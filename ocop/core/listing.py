"""The filters every officer list shares (year, status, star, group, expiry window, text), read from the query
string once, and the pieces its template draws: the filter form, the count, the export links, the pages.

A list keeps its own selector (already scoped) and applies the values it understands; an unknown or malformed
value is ignored (the list shows everything for that filter), never an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import Choices, Model, QuerySet
from django.http import QueryDict
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ocop.core import markup, statements
from ocop.core.exports import PREPARED_BATCH, Column, batches, page_rows, table_download

EXPORT_FORMATS = ("csv", "xlsx")
STAR_CHOICES = [(str(stars), f"{stars}★") for stars in range(3, 6)]
EXPIRY_WINDOWS = (1, 3, 6, 12)  # months: "expiring within"
YEAR_RANGE = (2018, 2100)


@dataclass
class ListFilter:
    """One field of the filter form: `choices` None draws a text box."""

    name: str
    label: str
    value: str = ""
    choices: Sequence[tuple[str, str]] | None = None
    any_label: str = ""

    @property
    def options(self) -> SafeString:
        return markup.options(self.choices or (), self.value)


@dataclass
class ListTools:
    """What the shared list template draws around a table."""

    filters: list[ListFilter] = field(default_factory=list)
    query: str = ""  # the filters as a query string, without the page or the format
    count: int = 0  # at most COUNT_CAP
    more: bool = False  # the list goes on beyond COUNT_CAP ("hơn 1.000 kết quả")

    @property
    def more_text(self) -> str:
        return _("hơn %(count)s kết quả") % {"count": f"{COUNT_CAP:,}".replace(",", ".")}


def int_param(query: QueryDict, name: str, *, low: int, high: int) -> int | None:
    try:
        value = int(query.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def year_param(query: QueryDict) -> int | None:
    return int_param(query, "year", low=YEAR_RANGE[0], high=YEAR_RANGE[1])


def star_param(query: QueryDict) -> int | None:
    return int_param(query, "star", low=1, high=5)


def expiry_param(query: QueryDict) -> int | None:
    months = int_param(query, "expiring", low=1, high=24)
    return months if months in EXPIRY_WINDOWS else None


def choice_param(query: QueryDict, name: str, choices: Sequence[tuple[str, str]]) -> str:
    value = query.get(name, "")
    return value if value in {code for code, _ in choices} else ""


def text_param(query: QueryDict, name: str = "q", limit: int = 100) -> str:
    return query.get(name, "").strip()[:limit]


def export_format(query: QueryDict) -> str | None:
    """ "csv" or "xlsx" when the list is asked as a download (`?format=`), else None."""
    fmt = query.get("format", "")
    return fmt if fmt in EXPORT_FORMATS else None


def filter_query(query: QueryDict, names: Sequence[str]) -> str:
    """The query string of the filters in use (not the page nor the format), for links that keep them."""
    kept = QueryDict(mutable=True)
    for name in names:
        value = query.get(name, "")
        if value:
            kept[name] = value
    return kept.urlencode()


PAGE_SIZE = 50
COUNT_CAP = 1000  # a list's count stops here: "hơn 1.000" says enough, and counting further reads every row


@dataclass(frozen=True)
class CappedCount:
    value: int  # at most COUNT_CAP
    more: bool  # there are more than COUNT_CAP

    @classmethod
    def of(cls, found: int) -> CappedCount:
        """From a count of at most COUNT_CAP + 1 rows."""
        return cls(min(found, COUNT_CAP), found > COUNT_CAP)

    @property
    def text(self) -> str:
        if self.more:
            return _("hơn %(count)s") % {"count": f"{COUNT_CAP:,}".replace(",", ".")}
        return str(self.value)


def capped_count(queryset: QuerySet) -> CappedCount:
    """Count at most COUNT_CAP + 1 rows (one query, `LIMIT` inside): the cost follows the cap, not the list."""
    return CappedCount.of(queryset.order_by()[: COUNT_CAP + 1].count())


@dataclass(frozen=True)
class Listed:
    """A list's records, for a list read on every visit: its count and the ids of its pages are read by
    statements compiled once per process for `key` (`core.statements`). Building and compiling the two
    queries cost a list about 2 ms of Python a page, more than their SQL (issue 19).

    Made by `Listed.of(build, *values)`: `build(*values)` makes the filtered, ordered queryset from these
    values alone (the reader's reach as a filter, the filters, the day when a filter reads it), and the key is
    `build` with its values, so two lists under one key are the same SQL."""

    key: tuple
    build: Callable[[], QuerySet]

    @classmethod
    def of(cls, build: Callable[..., QuerySet], *values: Hashable) -> Listed:
        return cls((build, *values), lambda: build(*values))

    def ids(self) -> QuerySet:
        return self.build().values_list("pk", flat=True)

    def capped(self) -> CappedCount:
        return CappedCount.of(
            statements.count_of(self.key, lambda: self.build().order_by().values("pk")[: COUNT_CAP + 1])
        )

    def __getitem__(self, page: slice) -> list[int]:  # a page's ids, as the paginator slices them
        start, stop = page.start or 0, page.stop
        rows = statements.rows((*self.key, start, stop), lambda: self.ids()[start:stop])
        return [pk for (pk,) in rows]


class CappedPaginator(Paginator):
    """Pages over at most COUNT_CAP records: counting a national list to the end costs more than the page;
    beyond that the officer narrows the filters (the page says "hơn 1.000")."""

    def __init__(self, records: Listed, per_page: int):
        # A `Listed` is sliced like a sequence; the paginator's count is its capped count.
        super().__init__(records, per_page)  # type: ignore[arg-type]
        self.records = records

    @cached_property
    def capped(self) -> CappedCount:
        return self.records.capped()

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self.capped.value


def choice_label(choices: type[Choices], value: str) -> str:
    """The label of a stored choice, as `get_FOO_display()` gives it (the value itself when unknown)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@dataclass(frozen=True)
class ValueRows:
    """How a list reads its rows: by id, as plain values, one namespace per row with the named `fields`
    (attribute: ORM path) in the order of the ids; `add` reads, for the batch at once, what a join would
    make costly (a count, the stars in force) and sets it on the rows.

    A list pages through its records' ids and reads only the page's rows this way: a narrow SELECT without an
    ORDER BY. Read as model objects through `select_related`, 50 rows cost Django a hashing of every selected
    column for the ORDER BY and six objects a row, milliseconds a page more than their SQL (issue 19)."""

    model: type[Model]
    fields: Mapping[str, str]
    add: Callable[[list[SimpleNamespace]], None] | None = None

    def __call__(self, ids: Sequence[int]) -> list[SimpleNamespace]:
        if not ids:
            return []
        names = ("pk", *self.fields)
        read = statements.rows_of_ids(  # compiled once per process: the ids are the statement's parameter
            (ValueRows, self.model, *self.fields.items()),
            # No ORDER BY (the model's own may join): the rows are put in the ids' order here.
            lambda where: (
                self.model._default_manager.filter(where).order_by().values_list("pk", *self.fields.values())
            ),
            "pk",
            ids,
        )
        found = {row[0]: SimpleNamespace(**dict(zip(names, row, strict=True))) for row in read}
        rows = [found[pk] for pk in ids if pk in found]
        if self.add:
            self.add(rows)
        return rows

    def of_all(self, ids: Iterable[int]) -> Iterator[SimpleNamespace]:
        """Every record's row, read per batch of ids: a download's."""
        for batch in batches(ids):
            yield from self(batch)


def list_response(
    request,
    template: str,
    *,
    records: Listed,
    rows: ValueRows,
    columns: Sequence[Column],
    filters: list[ListFilter],
    filename: str,
    context: dict | None = None,
):
    """The page of a filtered list, or (`?format=csv|xlsx`) the file of every record it lists, with the
    same columns: what the officer downloads is exactly what the list shows, all pages of it. `records`
    (filtered, ordered) gives the ids and the count; `rows` reads the page's, or the file's, rows by id."""
    names = [f.name for f in filters]
    fmt = export_format(request.GET)
    if fmt:
        return table_download(
            fmt,
            columns,
            rows.of_all(records.ids().iterator(chunk_size=PREPARED_BATCH)),
            filename=filename,
            sheet_title=filename,
        )
    paginator = CappedPaginator(records, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cells = page_rows(columns, rows(list(page)))
    tools = ListTools(
        filters=filters,
        query=filter_query(request.GET, names),
        count=paginator.count,
        more=paginator.capped.more,
    )
    return render(
        request,
        template,
        {
            "page": page,
            "tools": tools,
            "columns": columns,
            "rows": cells,
            "table_rows": markup.table_rows(cells),  # drawn in one pass, not by template loops
            **(context or {}),
        },
    )


def year_choices(first: int, last: int | None = None) -> list[tuple[str, str]]:
    """Years from `first` (the programme's first year) to this one, newest first."""
    from django.utils import timezone

    last = last or timezone.localdate().year
    return [(str(year), str(year)) for year in range(last, first - 1, -1)]
