"""The one bound on whole numbers a request may carry, checked before any view runs.

Ids and page numbers come from URL paths (`<int:pk>` converters and the API's `{product_id}`), query strings
(`?page=`) and JSON bodies (`{"dossier": …}`). A number beyond 64 bits cannot be bound as a database
parameter (SQLite raises OverflowError; PostgreSQL refuses it for a bigint column), and a page number near
that limit overflows the offset it becomes. Rather than guard every converter, selector and handler, requests
are refused here:

- a path segment that is a whole number longer than `MAX_DIGITS` digits: 404, as any missing object;
- a query value that is such a number: 400 `number_out_of_range` (free-text search boxes excepted);
- in API JSON bodies, such a number anywhere: 400 `number_out_of_range` (`ocop.api.parser`).

Fifteen digits is beyond any id, page, year or count the system will hold, and small enough that a page
number times the largest page size stays within a 64-bit offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

MAX_DIGITS = 15
MAX_NUMBER = 10**MAX_DIGITS - 1

_WHOLE_NUMBER = re.compile(r"[+-]?0*(\d+)")
# Query parameters that are free text (a buyer may paste a long barcode into the search box): never numbers.
FREE_TEXT_PARAMETERS = frozenset({"q"})


def too_large(text: str) -> bool:
    """Whether `text` is a whole number (sign and leading zeros allowed) with more than MAX_DIGITS digits."""
    found = _WHOLE_NUMBER.fullmatch(text.strip())
    return found is not None and len(found.group(1)) > MAX_DIGITS


def too_large_in(value: Any) -> bool:
    """Whether a decoded JSON value holds an integer beyond ±MAX_NUMBER anywhere."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_NUMBER
    if isinstance(value, dict):
        return any(too_large_in(item) for item in value.values())
    if isinstance(value, list):
        return any(too_large_in(item) for item in value)
    return False


def out_of_range_message() -> str:
    return _("Số quá lớn: mã số, số trang và số lượng có tối đa %(digits)s chữ số.") % {"digits": MAX_DIGITS}


class NumbersInRangeMiddleware:
    """Refuses a request whose path or query carries a number beyond MAX_DIGITS digits (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from ocop.core.views import error_404, error_page

        if any(too_large(segment) for segment in request.path_info.split("/")):
            return error_404(request)
        for key, values in request.GET.lists():
            if key not in FREE_TEXT_PARAMETERS and any(too_large(value) for value in values):
                if request.path_info.startswith("/api/"):
                    body = {"code": "number_out_of_range", "message": out_of_range_message()}
                    return JsonResponse(body, status=400)
                return error_page(request, 400, _("Yêu cầu không hợp lệ"), out_of_range_message())
        return self.get_response(request)
