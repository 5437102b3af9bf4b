"""Display order as a number: `CatalogEntry.display_order` follows (stars desc, folded name, product id).

Listed entries are numbered `GAP` apart in that order; every other entry holds `-product_id` (never shown,
but the number must stay unique: on SQLite it is the row id of the full-text table, so a search walks the
matches in display order and stops after one page). A reindex that changes an entry's stars, name or
listing moves only that entry, into the gap between its new neighbours (two indexed lookups); when no gap
is left, or when many entries changed at once, everything is renumbered in one statement.
The comparisons run in the database, so its collation decides the name order, exactly as `ORDER BY` does.
"""

# Statements are built from constant table and column names only.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection as default_connection
from django.db.models import Q

from ocop.catalog import index_sql
from ocop.catalog.models import CatalogEntry

GAP = 1 << 16  # room for 16 moves into the same place before a renumbering
_SHIFT = 1 << 40  # a temporary number below every -product_id
RENUMBER_ABOVE = 200  # more changed entries than this: renumber everything (one statement)

_TABLE = index_sql.ENTRY_TABLE
_RANKED = (
    f"UPDATE {_TABLE} SET display_order = ranked.n * {GAP} FROM (SELECT product_id, row_number() OVER "
    f"(ORDER BY stars DESC, name_text, product_id) AS n FROM {_TABLE} WHERE listed) AS ranked "
    f"WHERE {_TABLE}.product_id = ranked.product_id"
)


def renumber(connection=None) -> None:
    """Number every listed entry in display order, GAP apart; the others get -product_id.

    On SQLite the full-text triggers are set aside meanwhile and the FTS table rebuilt once at the end:
    cheaper than two trigger-driven rewrites of every row.
    """
    connection = connection or default_connection
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            for statement in index_sql.SQLITE_ENTRY_TRIGGERS_DROP:
                cursor.execute(statement)
        # Two steps, because a unique number must never collide with another row's old one mid-update.
        cursor.execute(f"UPDATE {_TABLE} SET display_order = -product_id - {_SHIFT} WHERE listed")
        cursor.execute(f"UPDATE {_TABLE} SET display_order = -product_id WHERE NOT listed")
        cursor.execute(_RANKED)
        if sqlite:
            for statement in index_sql.SQLITE_ENTRY_TRIGGERS_CREATE:
                cursor.execute(statement)
            for statement in index_sql.SQLITE_ENTRY_REBUILD:
                cursor.execute(statement)


Key = tuple[bool, int | None, str]  # listed, stars, folded name: what decides the place


def keys_of(product_ids: Iterable[int]) -> dict[int, tuple[Key, int]]:
    rows = CatalogEntry.objects.filter(product_id__in=list(product_ids)).values_list(
        "product_id", "listed", "stars", "name_text", "display_order"
    )
    return {pid: ((listed, stars, name), order) for pid, listed, stars, name, order in rows}


def place(before: dict[int, tuple[Key, int]], product_ids: Iterable[int]) -> int:
    """Give the entries whose key changed (compared with `before`, read before the reindex) their place.
    Returns how many moved."""
    now = keys_of(product_ids)
    moved = {pid: key for pid, (key, order) in now.items() if pid not in before or before[pid][0] != key}
    moved.update({pid: key for pid, (key, order) in now.items() if key[0] != (order > 0)})
    if not moved:
        return 0
    if len(moved) > RENUMBER_ABOVE:
        renumber()
        return len(moved)
    entries = CatalogEntry.objects.filter(product_id__in=list(moved))
    # First out of the order (so no moved entry serves as another's neighbour), then in, one by one.
    for pid in moved:
        entries.filter(product_id=pid).update(display_order=-pid - _SHIFT)
    for pid, (listed, stars, name) in moved.items():
        if not listed or stars is None:
            CatalogEntry.objects.filter(product_id=pid).update(display_order=-pid)
            continue
        ranked = CatalogEntry.objects.filter(listed=True, display_order__gt=0)
        earlier = (
            Q(stars__gt=stars)
            | Q(stars=stars, name_text__lt=name)
            | Q(stars=stars, name_text=name, product_id__lt=pid)
        )
        low = (
            ranked.filter(earlier)
            .order_by("stars", "-name_text", "-product_id")
            .values_list("display_order", flat=True)
            .first()
        ) or 0
        high = ranked.exclude(earlier).order_by("-stars", "name_text", "product_id").values_list(
            "display_order", flat=True
        ).first() or (low + 2 * GAP)
        if high - low < 2:
            renumber()
            return len(moved)
        CatalogEntry.objects.filter(product_id=pid).update(display_order=(low + high) // 2)
    return len(moved)
