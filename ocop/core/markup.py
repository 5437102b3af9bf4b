"""Markup that lists repeat dozens of times a page, written in one pass instead of by template loops.

Fifty rows of eight cells, or a filter of a hundred-odd units, drawn by template tags cost more than a list's
SQL (docs/cycle.md, issue 19). Every value goes through `escape` (html.escape's, quotes included), so what
anyone typed is shown as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from django.utils.safestring import SafeString, mark_safe

EMPTY_CELL = "—"


def escape(text: str) -> str:
    """`html.escape(text)`, quotes included. Most names and places hold none of the five characters it
    replaces: looking for them first costs half its five replacements, and a list page escapes 800 values."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text)
    return text


def options(choices: Iterable[tuple[str, str]], chosen: str) -> SafeString:
    """The `<option>` tags of a filter's choices (code, label), the chosen one selected."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<option value="{escape(str(code))}"{" selected" if code == chosen else ""}>{escape(str(label))}'
            "</option>"
            for code, label in choices
        )
    )


def _cell(text: str, link: str, badge: str) -> str:
    if link:
        return f'<td><a href="{escape(link)}">{escape(text or EMPTY_CELL)}</a></td>'
    if badge:
        return f'<td><span class="badge {escape(badge)}">{escape(text)}</span></td>'
    return f"<td>{escape(text or EMPTY_CELL)}</td>"


def table_rows(rows: Sequence[Sequence[tuple[str, str, str]]]) -> SafeString:
    """The `<tr>` of a page of a list (`exports.page_rows`: each cell's text, link and badge class)."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join("<tr>" + "".join(_cell(*cell) for cell in row) + "</tr>" for row in rows)
    )


def nav_links(items: Iterable[tuple[str, str]], current: str) -> SafeString:
    """The `<li>` of the main navigation (path, label), the page's own marked `aria-current`."""
    mark = ' aria-current="page"'
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<li><a href="{escape(url)}"{mark if url == current else ""}>{escape(label)}</a></li>'
            for url, label in items
        )
    )
