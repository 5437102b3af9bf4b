"""Public answers of the catalogue kept in Django's cache, for visitors who are not signed in.

The catalogue changes only when it is reindexed, and most of its traffic asks the same few questions, so a
search page, an API list or a product page is rendered once and replayed from the cache (the process's
memory by default, Redis with `OCOP_CACHE_URL`) until the catalogue changes. The key is the request's
normalised address (path and sorted parameters, host and scheme), the language the answer is written in,
today's date (a certificate runs out at midnight without a reindex), and the catalogue's version token
(`catalog.version`), which every reindex changes in the transaction that rewrites the entries: a
certification or a revocation is seen by the next request, in every process.

Never from or into the shared cache: a request with a session (anyone signed in), a bearer token, a
message waiting or any cookie other than the CSRF and language cookies; an answer that is not a plain 200,
sets a cookie or is marked private. The CSRF token of a page's forms (the language switch) is taken out of
the stored copy and a fresh one, the visitor's own, is put back on every replay.

The API's rate limit still counts every request, cached or not: the budget is spent here, before the
lookup, and the view does not spend it again (`ratelimit.throttle`). The middleware sits after the CSRF
middleware (so a replay can hand out the visitor's token) and before authentication, sessions' use,
messages and the view, which a replay skips.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone

from ocop.catalog import version
from ocop.catalog.ratelimit import throttle
from ocop.core.errors import DomainError

HEADER = "X-Catalog-Cache"  # "hit" or "miss" on the answers this cache handles; absent on the others
# Pages that also show other apps' data (promotion's shops and listings, its map layer): promotion changes the
# version when its records change (promotion.public), and these are kept at most this long all the same.
SHORT_SECONDS = 60
_LONGEST_QUERY = 1000  # longer query strings are answered but not stored (no cache filling by junk)
_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
_MARK = b"\x00csrf-token\x00"


@dataclass(frozen=True)
class Route:
    regex: re.Pattern[str]
    api: bool
    short: bool


# (URL name, its path's arguments as reversed once, API?, shows other apps' data?)
_NUMBER, _CODE = "987654321", "SAMPLECODE"
_CACHED = [
    ("catalog:home", [], False, False),
    ("catalog:search", [], False, False),
    ("catalog:province", [_CODE], False, False),
    ("catalog:producer", [_NUMBER], False, False),
    ("catalog:product", [_NUMBER], False, True),
    ("catalog:map", [], False, True),
    ("api:catalog_products", [], True, False),
    ("api:catalog_product", [_NUMBER], True, True),
    ("api:catalog_producer", [_NUMBER], True, False),
]
_routes: list[Route] = []


def _pattern(name: str, args: list[str]) -> re.Pattern[str]:
    """The route's path as a regular expression: reversed once with sample arguments, which then match any."""
    path = re.escape(reverse(name, args=args))
    path = path.replace(_NUMBER, "[0-9]+").replace(_CODE, "[^/]+")
    return re.compile(path + r"\Z")


def routes() -> list[Route]:
    """Built on first use (the URL configuration must be loaded), then kept for the process's life."""
    if not _routes:
        _routes.extend(Route(_pattern(name, args), api, short) for name, args, api, short in _CACHED)
    return _routes


def seconds() -> int:
    return settings.CATALOG_CACHE_SECONDS


def _anonymous(request: HttpRequest) -> bool:
    """No session, no token, no message waiting, no cookie we do not know: nothing personal to show."""
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return not (set(request.COOKIES) - allowed) and "HTTP_AUTHORIZATION" not in request.META


def route_of(request: HttpRequest) -> Route | None:
    if request.method != "GET" or seconds() <= 0 or not _anonymous(request):
        return None
    if len(request.META.get("QUERY_STRING", "")) > _LONGEST_QUERY:
        return None
    path = request.path
    for route in routes():
        if route.regex.match(path):
            return route
    return None


def key_of(request: HttpRequest) -> str:
    params = sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(params)}"
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"catalog:answer:{version.current()}:{timezone.localdate().isoformat()}:{language}:{digest}"


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _frozen(response: HttpResponse) -> tuple[int, list[tuple[str, str]], bytes]:
    body = _TOKEN.sub(rb"\1" + _MARK + rb"\2", response.content)
    return response.status_code, list(response.items()), body


def _replayed(request: HttpRequest, stored: tuple[int, list[tuple[str, str]], bytes]) -> HttpResponse:
    status, headers, body = stored
    if _MARK in body:
        body = body.replace(_MARK, get_token(request).encode())
    response = HttpResponse(body, status=status)
    for name, value in headers:
        if name != "Content-Length":
            response[name] = value
    return response


def _budget_spent(request: HttpRequest) -> bool:
    """The API's rate limit, counted once here; False when it refuses (the view then answers the refusal)."""
    try:
        throttle(request)
    except DomainError:
        return False
    return True


class PublicAnswerCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = route_of(request)
        if route is None or (route.api and not _budget_spent(request)):
            return self.get_response(request)
        with version.pinned():
            key = key_of(request)
            stored = cache.get(key)
            if stored is not None:
                response = _replayed(request, stored)
                response[HEADER] = "hit"
                return response
            response = self.get_response(request)
        if _storable(response):
            cache.set(key, _frozen(response), SHORT_SECONDS if route.short else seconds())
            response[HEADER] = "miss"
        return response
