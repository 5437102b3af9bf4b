"""The two place columns of officers' lists ("Địa bàn hiện nay", "Địa bàn thời đó"), named once per process.

Units are reference data: they change when `load_units` loads a reform, or when an administrator edits one.
A list page names the places of its 50 rows from this cache, so it neither joins four unit rows per record
nor builds them in Python; on a miss it reads the missing units in one query.

Invalidation is `ocop.core.generations`, as for the rubric versions: the names are kept under a
"generation" token in the shared cache; saving or deleting a unit, and every `load_units`, delete the token,
and every process drops its names at its next read. Without a shared cache (the in-process default), other
processes follow within GENERATION_SECONDS. Names are kept per language ("(cũ)" is translated).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from ocop.core import generations
from ocop.geo.models import AdminUnit

_GENERATION_KEY = "geo:units-generation"
GENERATION_SECONDS = 60
MAX_NAMES = 50_000  # every unit of both generations, in two languages, fits; beyond that start again

_lock = threading.Lock()
_names: dict[tuple[str, int], tuple[str, str]] = {}
_generation: str | None = None


def units_changed(**_kwargs) -> None:
    """A unit was saved, deleted or loaded: every process names its places again."""
    global _generation
    generations.changed(_GENERATION_KEY)
    with _lock:
        _names.clear()
        _choices.clear()
        _generation = None


def _current_generation() -> str | None:
    """The token of the names in force; a new one (and an empty cache here) when it changed or expired."""
    global _generation
    token = generations.current(_GENERATION_KEY, GENERATION_SECONDS)
    if token != _generation:
        with _lock:
            _names.clear()
            _choices.clear()
            _generation = token
    return token


def place_names(unit_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """For each unit id: (where it is today, where it was in its time), as `eras.place_today` and
    `eras.place_of_its_time` write them; at most one query, for the units not named yet."""
    from ocop.geo import eras

    language = get_language() or ""
    wanted = set(unit_ids)
    token = _current_generation()
    found = {pk: _names[(language, pk)] for pk in wanted if (language, pk) in _names}
    missing = wanted - found.keys()
    if missing:
        units = AdminUnit.objects.filter(pk__in=missing).select_related(*eras.PLACE_RELATED)
        fresh = {unit.pk: (eras.place_today(unit), eras.place_of_its_time(unit)) for unit in units}
        found.update(fresh)
        if token is not None and token == _generation:  # not kept when a load happened meanwhile
            with _lock:
                if len(_names) + len(fresh) > MAX_NAMES:
                    _names.clear()
                _names.update({(language, pk): names for pk, names in fresh.items()})
    return found


_choices: dict[tuple, object] = {}
_idle: dict[tuple, float] = {}  # keys dropped once unused that long (seconds)
_used: dict[tuple, float] = {}
_clock = time.monotonic


def remembered(key: tuple, compute, *, idle_seconds: float | None = None):
    """A value read from the units (a reach's unit ids, a unit filter's choices) computed once per process and
    generation of the units, under `key`; shared by every request, so callers do not change it. With
    `idle_seconds`, a large value is dropped once that long unused (checked at every call)."""
    _current_generation()
    now = _clock()
    for idle_key, limit in list(_idle.items()):
        if now - _used.get(idle_key, now) > limit:
            with _lock:
                _choices.pop(idle_key, None)
                _idle.pop(idle_key, None)
    found = _choices.get(key)
    if found is None:
        found = compute()
        with _lock:
            if len(_choices) > 1000:  # one per reach: a national site has a few thousand at most
                _choices.clear()
            _choices[key] = found
            if idle_seconds is not None:
                _idle[key] = idle_seconds
    if idle_seconds is not None:
        _used[key] = now
    return found


def remembered_choices(key: tuple, compute) -> list[tuple[str, str]]:
    """A unit filter's choices (`eras.unit_filter_choices`) for a reach `key`, per language too."""
    return remembered((get_language() or "", *key), compute)  # type: ignore[return-value]


def connect() -> None:
    """Called by the geo app when it is ready."""
    post_save.connect(units_changed, sender=AdminUnit, dispatch_uid="geo-places-saved")
    post_delete.connect(units_changed, sender=AdminUnit, dispatch_uid="geo-places-deleted")
