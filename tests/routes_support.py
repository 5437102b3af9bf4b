"""The inventory of every route, generated from the URL conf and the API router (STYLE 8): pages by URL name,
API operations as "METHOD /api/v1/path". Shared by the authorization and the security-header tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.api.urls import api

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name" as reverse() takes it
    route: str  # the pattern, for messages
    params: dict[str, str]  # argument name → converter class name ("IntConverter", "StringConverter"...)

    def url(self, values: dict[str, object] | None = None) -> str:
        values = values or {}
        kwargs = {
            key: values.get(key, 1 if converter == "IntConverter" else "x")
            for key, converter in self.params.items()
        }
        return reverse(self.name, kwargs=kwargs)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # "/api/v1/producers/{producer_id}"
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict[str, object] | None = None) -> str:
        values = values or {}
        return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), self.path)


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield pattern, prefix + str(pattern.pattern), namespace


def pages() -> dict[str, Page]:
    """Every named page route. The API operations themselves are listed by `operations()` (their Django
    routes are the router's own); the API's documentation routes stay here as pages."""
    found: dict[str, Page] = {}
    for pattern, route, namespace in _walk(get_resolver().url_patterns):
        if getattr(pattern.callback, "__module__", "") == "ninja.operation":
            continue
        assert pattern.name, f"the route {route!r} has no name, so it cannot have an authorization entry"
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        converters = {key: type(value).__name__ for key, value in pattern.pattern.converters.items()}
        # A plain <name> without converter is a string.
        for key in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
            converters.setdefault(key, "StringConverter")
        found[name] = Page(name=name, route=route, params=converters)
    return found


def operations() -> dict[str, Operation]:
    """Every operation of the API, from its OpenAPI document (what partners see is what is checked)."""
    found: dict[str, Operation] = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            op = Operation(method.upper(), path, tuple(re.findall(r"\{(\w+)\}", path)))
            found[op.key] = op
    return found
