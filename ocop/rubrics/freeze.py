"""What a frozen rubric version may still receive: sheets for product sets that have none and were never scored.

A version is frozen at its first score. Everything a score may have read stays as it was: the version-level
facts (parts, bands, aggregation, levels and duties, taxonomy, legal forms, certificate…) and every sheet
already in the version. A sheet may be added only for a product set that has no sheet and has never been
scored under the version (digitally or on paper, drafts included): a set scored on paper keeps paper mode, so
its dossiers are never scored half on paper and half on a sheet that appeared later. `sources` may only
grow (provenance of the added sheets); nothing else may change. Pure functions: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .issues import Issue

# Top-level keys whose only allowed change on a frozen version is checked apart.
_SHEETS, _SOURCES = "sheets", "sources"


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
