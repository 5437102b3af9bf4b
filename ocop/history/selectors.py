"""Reads of the history import, scoped to the officer: their uploads, an upload's rows paged and filtered by
problem, and the producer groups they may merge or split."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability
from ocop.core.errors import NotFound
from ocop.rubrics.models import HistoryImport
from ocop.rubrics.selectors import history_imports_visible_to

from .models import HistoryUpload

PAGE_SIZE = 50
# What the preview can be filtered by: name → a test on a row of the stored preview.
FILTERS: dict[str, Any] = {
    "all": lambda r: True,
    "errors": lambda r: r["has_error"],
    "flags": lambda r: r["has_flag"] and not r["has_error"],
    "ambiguous": lambda r: r["producer_match"] == "ambiguous",
    "new_producer": lambda r: r["producer_match"] == "new",
    "matched_producer": lambda r: r["producer_match"] == "matched",
    "address": lambda r: r["address_issue"] is not None,
}


def uploads_visible_to(user) -> QuerySet[HistoryUpload]:
    """An officer's own uploads, newest first."""
    if not has_capability(user, Capability.RECOGNISE):
        return HistoryUpload.objects.none()
    return HistoryUpload.objects.filter(created_by=user).select_related("batch", "task_run")


def upload_get(user, upload_id: int) -> HistoryUpload:
    upload = uploads_visible_to(user).filter(pk=upload_id).first()
    if upload is None:
        raise NotFound(_("Không tìm thấy tệp đã tải lên."), code="not_found")
    return upload


def batches_visible_to(user) -> QuerySet[HistoryImport]:
    if not has_capability(user, Capability.RECOGNISE):
        return HistoryImport.objects.none()
    return history_imports_visible_to(user)


def batch_get(user, batch_id: int) -> HistoryImport:
    batch = batches_visible_to(user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("Không tìm thấy lần nhập."), code="not_found")
    return batch


def rows_page(upload: HistoryUpload, *, problem: str = "all", page: int = 1) -> dict[str, Any]:
    """One page of the stored preview, filtered; with the count of every filter for the filter bar."""
    test = FILTERS.get(problem, FILTERS["all"])
    rows = [r for r in upload.rows if test(r)]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    counts = {name: sum(1 for r in upload.rows if f(r)) for name, f in FILTERS.items()}
    return {
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "count": len(rows),
        "page": page,
        "pages": pages,
        "counts": counts,
        "problem": problem if problem in FILTERS else "all",
    }


def groups_to_decide(upload: HistoryUpload, limit: int = 200) -> list[dict[str, Any]]:
    """Producer groups the officer may merge or split: ambiguous ones first, then those with candidates
    (a same-name producer), then matched ones (to split), and new ones whose address stops at a district (a
    commune to pick) — each once, with its rows and current choice."""
    groups: dict[str, dict[str, Any]] = {}
    for r in upload.rows:
        communes = r.get("communes") or []
        if not r["group"] or not (r["candidates"] or communes or r["producer_match"] != "new"):
            continue
        group = groups.setdefault(
            r["group"],
            {
                "key": r["group"],
                "name": r["producer"],
                "place": r["unit"],
                "match": r["producer_match"],
                "label": r["producer_label"],
                "candidates": r["candidates"],
                "communes": [(f"commune:{i}", name, marked) for i, name, marked in communes],
                "rows": [],
                "choice": upload.choices.get(r["group"], ""),
            },
        )
        group["rows"].append(r["n"])
    order = {"ambiguous": 0, "new": 1, "matched": 2}
    return sorted(groups.values(), key=lambda g: (order.get(g["match"], 3), g["rows"][0]))[:limit]
