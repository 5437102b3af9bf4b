"""Display order as a number: `CatalogEntry.display_order` follows (stars desc, folded name, product id).

Listed entries are numbered `GAP` apart in that order; every other entry holds `-product_id` (never shown,
but the number must stay unique: on SQLite it is the row id of the full-text table, so a search walks the
matches in display order and stops after one page). A reindex that changes an entry's stars, name or
listing moves only that entry, into the gap between its new neighbours (two indexed lookups), and many such
entries share their gaps (`place`); when a gap is too narrow, or more than one entry in `RENUMBER_SHARE`
changed at once, everything is renumbered in one statement.
The comparisons run in the database, so its collation decides the name order, exactly as `ORDER BY` does.
"""

# Statements are built from constant table and column names only.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection as default_connection
from django.db.models import F, QuerySet

from ocop.catalog import index_sql
from ocop.catalog.models import CatalogEntry

GAP = 1 << 16  # room for 16 moves into the same place before a renumbering
_SHIFT = 1 << 40  # a temporary number below every -product_id
RENUMBER_ABOVE = 200  # a reindex of more entries than this is bulk (facet caches go); see `place`
# More moved entries than one in this many: renumbering is cheaper than placing each (SQLite at 1M products:
# a renumbering 100-175 s, a placement about 5 ms per entry).
RENUMBER_SHARE = 32

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
_KEYS_PER_QUERY = 10_000  # ids of one statement (SQLite allows 32,766 parameters)


def _entries_of(product_ids: list[int]) -> Iterator[QuerySet[CatalogEntry]]:
    """The entries of these products, a statement's worth of ids at a time."""
    for start in range(0, len(product_ids), _KEYS_PER_QUERY):
        yield CatalogEntry.objects.filter(product_id__in=product_ids[start : start + _KEYS_PER_QUERY])


def keys_of(product_ids: Iterable[int]) -> dict[int, tuple[Key, int]]:
    ids = list(product_ids)
    keys: dict[int, tuple[Key, int]] = {}
    for entries in _entries_of(ids):
        rows = entries.values_list("product_id", "listed", "stars", "name_text", "display_order")
        keys.update({pid: ((listed, stars, name), order) for pid, listed, stars, name, order in rows})
    return keys


def place(before: dict[int, tuple[Key, int]], product_ids: Iterable[int]) -> int:
    """Give the entries whose key changed (compared with `before`, read before the reindex) their place.
    Returns how many moved.

    The moved entries leave the order, then each run of them that falls between the same two neighbours
    shares that gap, spread evenly: a few indexed statements per moved entry, whatever the catalogue's size
    (a history import's thousands of new products at 1M products: seconds, where renumbering took minutes).
    Only when a gap is too narrow for its run, or when more than one entry in `RENUMBER_SHARE` moved, is
    everything renumbered."""
    now = keys_of(product_ids)
    moved = {pid: key for pid, (key, order) in now.items() if pid not in before or before[pid][0] != key}
    moved.update({pid: key for pid, (key, order) in now.items() if key[0] != (order > 0)})
    if not moved:
        return 0
    if len(moved) > RENUMBER_ABOVE and len(moved) * RENUMBER_SHARE > CatalogEntry.objects.count():
        renumber()
        return len(moved)
    ids = list(moved)
    relisted = [pid for pid, (listed, stars, name) in moved.items() if listed]
    # First out of the order: numbered below every -product_id and, meanwhile, not listed, so that no moved
    # entry serves as another's neighbour and the neighbours' lookups (the browse index holds listed entries
    # only) never step over them: 12,000 renamed entries clustered by name took 226 s that way, 19 ms each.
    for entries in _entries_of(ids):
        entries.update(display_order=-F("product_id") - _SHIFT, listed=False)
    runs: list[tuple[int, int | None, list[int]]] = []  # (low, high or None at the end, entries in order)
    for pid, stars, name in _moved_in_display_order():
        if not moved[pid][0]:
            continue
        low, high = _neighbours(pid, stars, name)
        if runs and runs[-1][:2] == (low, high):
            runs[-1][2].append(pid)
        else:
            runs.append((low, high, [pid]))
    numbers: dict[int, int] = {pid: -pid for pid in ids}  # not listed: -product_id
    for low, high, run in runs:
        top = high if high is not None else low + GAP * (len(run) + 1)
        if top - low <= len(run):
            for entries in _entries_of(relisted):
                entries.update(listed=True)
            renumber()
            return len(moved)
        numbers.update({pid: low + (top - low) * n // (len(run) + 1) for n, pid in enumerate(run, 1)})
    CatalogEntry.objects.bulk_update(
        [
            CatalogEntry(product_id=pid, display_order=number, listed=moved[pid][0])
            for pid, number in numbers.items()
        ],
        ["display_order", "listed"],
        batch_size=500,
    )
    return len(moved)


def _moved_in_display_order() -> list[tuple[int, int, str]]:
    """The entries just taken out of the order (numbered below every -product_id) with stars, in one statement
    ordered by the database: its collation decides the name order, as everywhere."""
    moved = CatalogEntry.objects.filter(display_order__lt=-_SHIFT, stars__isnull=False)
    rows = moved.order_by("-stars", "name_text", "product_id").values_list("product_id", "stars", "name_text")
    return list(rows)  # read whole: the neighbours' lookups run while going through them


def _neighbours(pid: int, stars: int, name: str) -> tuple[int, int | None]:
    """The display order of the ranked entries just before and just after this key (0 and None at the ends).

    Each side is the first answer of up to three lookups (the same stars and name, the same stars, the other
    stars), each a single step of the index in display order (`catalog_entry_browse`, walked forward or
    backward from the key). One query with their OR read every entry of the catalogue instead: 3 s at 1M."""
    ranked = CatalogEntry.objects.filter(listed=True, display_order__gt=0)
    band = ranked.filter(stars=stars)
    backward, forward = ("stars", "-name_text", "-product_id"), ("-stars", "name_text", "product_id")
    low = _first(
        band.filter(name_text=name, product_id__lt=pid).order_by(*backward),
        band.filter(name_text__lt=name).order_by(*backward),
        ranked.filter(stars__gt=stars).order_by(*backward),
    )
    high = _first(
        band.filter(name_text=name, product_id__gt=pid).order_by(*forward),
        band.filter(name_text__gt=name).order_by(*forward),
        ranked.filter(stars__lt=stars).order_by(*forward),
    )
    return low or 0, high


def _first(*candidates) -> int | None:
    for entries in candidates:
        found = entries.values_list("display_order", flat=True).first()
        if found is not None:
            return found
    return None
