"""The dossier checklist (*thành phần hồ sơ*) as data: `data/checklists.yaml`, one list per rubric version.

`checklist_for` picks the items that apply to a product (its group and product set), the star level applied
for and the application type. A dossier stores the result with the list's version code, so a later change
of the file never alters a dossier already in flight.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.core.uploads import ALL_KINDS

CHECKLIST_FILE = Path(__file__).resolve().parent / "data" / "checklists.yaml"
APPLICATION_TYPES = ("first", "upgrade", "reevaluation")
_CONDITIONS = (
    "groups",
    "product_sets",
    "except_groups",
    "except_product_sets",
    "min_stars",
    "application_types",
)


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    required: bool
    accept: tuple[str, ...] = ALL_KINDS
    groups: tuple[str, ...] = ()
    product_sets: tuple[str, ...] = ()
    except_groups: tuple[str, ...] = ()
    except_product_sets: tuple[str, ...] = ()
    min_stars: int | None = None
    application_types: tuple[str, ...] = ()
    note: str = ""

    def applies(self, *, group: str, product_set: str, stars: int | None, application_type: str) -> bool:
        if (
            (self.groups or self.product_sets)
            and group not in self.groups
            and product_set not in self.product_sets
        ):
            return False
        if group in self.except_groups or product_set in self.except_product_sets:
            return False
        if self.min_stars is not None and (stars or 0) < self.min_stars:
            return False
        return not self.application_types or application_type in self.application_types

    def as_data(self) -> dict:
        return {
            "item": self.code,
            "label": self.label,
            "required": self.required,
            "accept": list(self.accept),
        }


@dataclass(frozen=True)
class ChecklistVersion:
    code: str
    rubric: str
    title: str
    items: tuple[Item, ...]


def parse_checklists(data: Any, *, source: str = "checklists.yaml") -> dict[str, ChecklistVersion]:
    """Every checklist version by rubric code, or ImproperlyConfigured listing every problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping) or data.get("format") != 1:
        raise ImproperlyConfigured(f"{source}: a mapping with format 1 is expected")
    versions: dict[str, ChecklistVersion] = {}
    for raw in data.get("versions") or []:
        code, rubric = str(raw.get("code", "")), str(raw.get("rubric", ""))
        place = f"{source} › {code or '?'}"
        if not code or not rubric:
            problems.append(f"{place}: code and rubric are required")
        if rubric in versions:
            problems.append(f"{place}: a second list for rubric «{rubric}»")
        items: list[Item] = []
        for item in raw.get("items") or []:
            item_code = str(item.get("code", ""))
            where = f"{place} › {item_code or '?'}"
            unknown = set(item) - {"code", "label", "required", "accept", "note", *_CONDITIONS}
            if unknown:
                problems.append(f"{where}: unknown keys {sorted(unknown)}")
            if not item_code or any(i.code == item_code for i in items):
                problems.append(f"{where}: code missing or repeated")
            if not isinstance(item.get("required"), bool) or not item.get("label"):
                problems.append(f"{where}: label and required (true/false) are needed")
            accept = tuple(item.get("accept") or ALL_KINDS)
            if any(kind not in ALL_KINDS for kind in accept):
                problems.append(f"{where}: accept lists an unknown file kind")
            types = tuple(item.get("application_types") or ())
            if any(t not in APPLICATION_TYPES for t in types):
                problems.append(f"{where}: unknown application type")
            stars = item.get("min_stars")
            if stars is not None and stars not in (1, 2, 3, 4, 5):
                problems.append(f"{where}: min_stars must be 1–5")
            items.append(
                Item(
                    code=item_code,
                    label=str(item.get("label", "")),
                    required=bool(item.get("required")),
                    accept=accept,
                    groups=tuple(str(g) for g in item.get("groups") or ()),
                    product_sets=tuple(str(p) for p in item.get("product_sets") or ()),
                    except_groups=tuple(str(g) for g in item.get("except_groups") or ()),
                    except_product_sets=tuple(str(p) for p in item.get("except_product_sets") or ()),
                    min_stars=stars,
                    application_types=types,
                    note=str(item.get("note", "")),
                )
            )
        versions[rubric] = ChecklistVersion(code, rubric, str(raw.get("title", "")), tuple(items))
    if problems:
        raise ImproperlyConfigured("Invalid checklist file:\n  " + "\n  ".join(problems))
    return versions


@functools.cache
def checklist_versions() -> dict[str, ChecklistVersion]:
    with CHECKLIST_FILE.open(encoding="utf-8") as stream:
        return parse_checklists(yaml.safe_load(stream), source=CHECKLIST_FILE.name)


def checklist_for(
    *, rubric: str, group: str, product_set: str, stars: int | None, application_type: str
) -> tuple[str, list[dict]]:
    """(checklist version code, the items that apply) for a product of `product_set` in `group`."""
    version = checklist_versions().get(rubric)
    if version is None:
        raise Invalid(
            _("Chưa có danh mục thành phần hồ sơ cho bộ tiêu chí %(rubric)s.") % {"rubric": rubric},
            code="checklist_missing",
        )
    items = [
        item.as_data()
        for item in version.items
        if item.applies(group=group, product_set=product_set, stars=stars, application_type=application_type)
    ]
    return version.code, items
