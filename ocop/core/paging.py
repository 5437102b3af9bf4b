"""One way to page a list in the API: the same parameters, bounds, errors and answer for every list.

A list operation takes `page` (from 1) and `page_size` (1 to MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE when absent) and
answers `{"count", "page", "page_size", "items"}`, extended with whatever else the list says (`count_capped`...):

    class ListQuery(PageQuery):
        status: str = ""

    @router.get("")
    def list_things(request, filters: Query[ListQuery]):
        check_page(filters)            # before any work: 400 `bad_page`
        rows = things_visible_to(user)
        return page_of(rows, filters, lambda thing: thing_body(user, thing))

- `page` < 1, `page_size` outside 1..MAX_PAGE_SIZE: 400 `bad_page`.
- a page after the last one: 404 `page_out_of_range` (page 1 of an empty list is an empty page, not an error).

MAX_PAGE_SIZE is 200: the bound most lists had, large enough for every commune of the largest province in one
page (168), small enough that a page of dossiers with their checklists stays one short request.
The public catalogue search (`/api/v1/catalog/products`) is the one exception: it pages through its search
engine, reads every parameter as text and reports a bad one as `bad_catalog_query`, with a bound of 100
(docs/catalog.md); a page after its last is the same 404 `page_out_of_range`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema

from ocop.core.errors import Invalid, NotFound

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class PageQuery(Schema):
    """The paging parameters of a list; a list's own query schema extends it."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


class _Paged(Protocol):
    page: int
    page_size: int


def check_page(query: _Paged) -> None:
    """400 `bad_page` unless `page` ≥ 1 and 1 ≤ `page_size` ≤ MAX_PAGE_SIZE."""
    if query.page < 1 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise Invalid(
            _("page phải từ 1 trở lên và page_size từ 1 đến %(max)s.") % {"max": MAX_PAGE_SIZE},
            code="bad_page",
        )


def page_of(
    rows: Any,
    query: _Paged,
    render: Callable[[Any], dict] | None = None,
    *,
    count: int | None = None,
    exact: bool = True,
    render_all: Callable[[list], list] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The page `query` asks for of `rows` (a queryset or a list), each item through `render`.

    `count`: the number of rows when the caller counted them already (a capped count, say); `exact=False` when
    that count stops short of the end, so a page beyond it is not refused. `render_all` instead of `render`
    receives the page's rows as one list (to read what every item needs in one query). `extra` keys join the
    answer.
    """
    check_page(query)
    if count is None:
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (query.page - 1) * query.page_size
    if exact and start and start >= count:
        pages = -(-count // query.page_size)  # the last page, rounded up
        raise NotFound(
            _("Trang %(page)s không có: kết quả có %(pages)s trang.") % {"page": query.page, "pages": pages},
            code="page_out_of_range",
        )
    chosen = list(rows[start : start + query.page_size])
    if render_all is not None:
        items = render_all(chosen)
    else:
        items = [render(row) for row in chosen] if render is not None else chosen
    return {"count": count, **extra, "page": query.page, "page_size": query.page_size, "items": items}
