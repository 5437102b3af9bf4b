"""What a frozen rubric version may still receive: sheets for product sets that have none and were never scored.

A version is frozen at its first score. Everything a score may have read stays as it was: the version-level
facts (parts, bands, aggregation, levels and duties, taxonomy, legal forms, certificate…) and every sheet
already in the version. A sheet may be added only for a product set that has no sheet and has never been
scored under the version (digitally or on paper, drafts included): a set scored on paper keeps paper mode, so
its dossiers are never scored half on paper and half on a sheet that appeared later. `sources` may only
grow (provenance of the added sheets). A field the format gained after versions were frozen, and that no score
reads, may be added where it is absent (`ADDABLE`: the `unit_level` of a level, which says what kind of unit
acts at it); once there it is frozen like the rest. Nothing else may change. Pure functions: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .issues import Issue

# Top-level keys whose only allowed change on a frozen version is checked apart.
_SHEETS, _SOURCES = "sheets", "sources"

# Per top-level list: entry fields a frozen version may gain where an entry lacks them (never change).
ADDABLE: dict[str, frozenset[str]] = {"levels": frozenset({"unit_level"})}


def _entries(document: Mapping[str, Any], key: str) -> list[Any]:
    value = document.get(key)
    return list(value) if isinstance(value, list) else []


def _gained(old: Mapping[str, Any], new: Mapping[str, Any], key: str) -> list[tuple[int, str]]:
    """(position, field) of each addable field the new list's entries have and the old one's lack, when the
    two lists are otherwise entry for entry the same (else nothing: the change is not only an addition)."""
    before, after, fields = _entries(old, key), _entries(new, key), ADDABLE[key]
    if len(before) != len(after) or not all(isinstance(e, Mapping) for e in before + after):
        return []
    gained = []
    for position, (was, now) in enumerate(zip(before, after, strict=True)):
        added = [f for f in fields if f in now and f not in was]
        if {k: v for k, v in now.items() if k not in added} != dict(was):
            return []
        gained += [(position, f) for f in sorted(added)]
    return gained


def added_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The addable fields `new` adds to a frozen `old`, named `levels[2].unit_level`."""
    return [f"{key}[{position}].{field}" for key in ADDABLE for position, field in _gained(old, new, key)]


def _sheets_by_set(document: Mapping[str, Any]) -> dict[str, Any]:
    return {str(s.get("product_set")): s for s in document.get(_SHEETS) or [] if isinstance(s, Mapping)}


def added_sheets(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Product sets whose sheet is in `new` and not in `old`, in the new file's order."""
    before = _sheets_by_set(old)
    return [code for code in _sheets_by_set(new) if code not in before]


def frozen_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], *, version: str, scored: Mapping[str, str]
) -> list[Issue]:
    """Every change of `new` against the frozen `old` that is not allowed, each named (empty: it may load).

    `scored` maps each product set scored under the version to how ("digital" or "paper")."""
    issues: list[Issue] = []
    for key in sorted(set(old) | set(new)):
        if key in (_SHEETS, _SOURCES):
            continue
        if key in ADDABLE and _gained(old, new, key):
            continue
        if old.get(key) != new.get(key):
            issues.append(
                Issue("frozen_field_changed", (("field", key),), {"version": version, "field": key})
            )
    old_sources, new_sources = list(old.get(_SOURCES) or []), list(new.get(_SOURCES) or [])
    if new_sources[: len(old_sources)] != old_sources:
        issues.append(
            Issue("frozen_field_changed", (("field", _SOURCES),), {"version": version, "field": _SOURCES})
        )
    before, after = _sheets_by_set(old), _sheets_by_set(new)
    for code, sheet in before.items():
        if code not in after:
            issues.append(
                Issue("frozen_sheet_removed", (("sheet", code),), {"version": version, "set": code})
            )
        elif after[code] != sheet:
            issues.append(
                Issue("frozen_sheet_changed", (("sheet", code),), {"version": version, "set": code})
            )
    for code in after:
        if code in before:
            continue
        mode = scored.get(code)
        if mode == "paper":
            issues.append(Issue("frozen_set_paper", (("sheet", code),), {"version": version, "set": code}))
        elif mode is not None:
            issues.append(Issue("frozen_set_scored", (("sheet", code),), {"version": version, "set": code}))
    return issues
