"""Paths of many records of one kind, from one `reverse()`.

A list page links each of its rows; resolving the URL pattern once per row cost more than the page's SQL
(50 rows: about 1 ms of the queue page). The pattern is reversed once with marker numbers in place of the
records' keys, and each row's path is that template with its keys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

_MARKERS = (918273645, 918273646, 918273647)  # keys no path holds otherwise


def path_for_keys(name: str, keys: int = 1) -> Callable[..., str]:
    """`(*keys) -> path` for the URL `name`, whose arguments are `keys` integer keys."""
    template = reverse(name, args=_MARKERS[:keys]).replace("{", "{{").replace("}", "}}")
    for position, marker in enumerate(_MARKERS[:keys]):
        template = template.replace(str(marker), f"{{{position}}}")
    return lambda *values: template.format(*(int(value) for value in values))


def path_for_text_key(name: str) -> Callable[[str], str]:
    """`(key) -> path` for the URL `name`, whose one argument is a text key: a province's code "01", which an
    integer would turn into "1"."""
    marker = str(_MARKERS[0])
    template = reverse(name, args=[marker])
    return lambda key: template.replace(marker, quote(str(key), safe=""))


@functools.cache
def _remembered(name: str, keys: int, prefix: str) -> Callable[..., str]:
    return path_for_keys(name, keys)  # under `prefix`, which reverse() reads itself


def path_of(name: str, *keys: int) -> str:
    """The path of the URL `name` for these integer keys, its pattern reversed once per process: a list's row
    links and the navigation's sections (twenty on every page)."""
    return _remembered(name, len(keys), get_script_prefix())(*keys)
