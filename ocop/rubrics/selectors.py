"""Reads of the rubrics app. Rubric versions are public reference data: no user scope applies.

`engine_version(code)` gives the engine's frozen `RubricVersion` for a loaded version, parsed once per
content fingerprint and process, so scoring never re-reads the tables.
"""

from __future__ import annotations

import threading
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_q
from ocop.core.errors import NotFound

from . import models as m
from . import schema
from .loader import parse_version

_cache: dict[tuple[str, str], schema.RubricVersion] = {}
_lock = threading.Lock()


def rubric_versions() -> QuerySet[m.RubricVersion]:
    return m.RubricVersion.objects.select_related("content").order_by("effective_from")


def get_rubric_version(code: str) -> m.RubricVersion:
    row = rubric_versions().filter(code=code).first()
    if row is None:
        raise NotFound(_("Không có bộ tiêu chí «%(code)s».") % {"code": code}, code="unknown_rubric_version")
    return row


def engine_version(code: str) -> schema.RubricVersion:
    """The scoring engine's view of a loaded version."""
    content = (
        m.RubricVersionContent.objects.filter(version__code=code).only("fingerprint", "document").first()
    )
    if content is None:
        raise NotFound(_("Không có bộ tiêu chí «%(code)s».") % {"code": code}, code="unknown_rubric_version")
    key = (code, content.fingerprint)
    cached = _cache.get(key)
    if cached is None:
        cached = parse_version(content.document)
        with _lock:
            _cache[key] = cached
    return cached


def version_in_force(on: date) -> m.RubricVersion | None:
    """The version whose effective dates cover `on` (the newest one if two overlap)."""
    return (
        m.RubricVersion.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=on))
        .order_by("-effective_from")
        .first()
    )


def product_sets_of(version: m.RubricVersion) -> QuerySet[m.ProductSet]:
    return (
        m.ProductSet.objects.filter(version=version).select_related("group", "subgroup").order_by("position")
    )


def sheet_rows(version: m.RubricVersion, product_set: str) -> m.Sheet | None:
    """A sheet with its groups, criteria and options, in a fixed number of queries."""
    return (
        m.Sheet.objects.filter(version=version, product_set__code=product_set)
        .prefetch_related(
            "groups", "criteria__options", "criteria__option_sets", "criteria__gates", "mandatory"
        )
        .first()
    )


# Digital sheets per product set (issue 12): a set without one is scored in paper-sheet mode.
DIGITAL = "digital"
PAPER = "paper"


def has_sheet(version: m.RubricVersion, product_set: str) -> bool:
    """Whether the loaded version has a digital scoring sheet for the product set (code)."""
    return engine_version(version.code).sheet(product_set) is not None


def sheet_mode(version: m.RubricVersion, product_set: str) -> str:
    """ "digital" when members score the version's sheet criterion by criterion, "paper" when they enter the
    part totals of a paper sheet with its scan."""
    return DIGITAL if has_sheet(version, product_set) else PAPER


def product_sets_without_sheet(version: m.RubricVersion) -> list[schema.ProductSet]:
    """The version's product sets still without a digital sheet, in the version's order."""
    loaded = engine_version(version.code)
    return [p for p in loaded.product_sets if loaded.sheet(p.code) is None]


def sheet_codes(version: m.RubricVersion) -> frozenset[str]:
    """Codes of the product sets that have a digital sheet in the loaded version (one read for a list)."""
    return frozenset(engine_version(version.code).sheets)


def sheet_mode_label(mode: str) -> str:
    return _("phiếu điện tử") if mode == DIGITAL else _("phiếu giấy")


def sheet_mode_help(mode: str) -> str:
    """What a producer or an officer does about the set's sheet, said where the set is chosen."""
    if mode == DIGITAL:
        return _("Hội đồng chấm trên phiếu điện tử theo từng tiêu chí của bộ sản phẩm này.")
    return _(
        "Bộ tiêu chí đang áp dụng chưa có phiếu điện tử cho bộ sản phẩm này: sản phẩm vẫn được đăng ký và đánh giá; Hội đồng chấm trên phiếu giấy và nhập tổng điểm từng phần kèm bản quét phiếu. Có thể cần thêm thời gian để tổng hợp kết quả."
    )


def scored_product_sets(version: m.RubricVersion) -> dict[str, str]:
    """Product sets scored in any round under the version, each with how: "paper" if any sheet was on paper,
    else "digital". Drafts count: a set a member has started scoring keeps the way it was started.

    The evaluation app owns the score sheets and builds on this app; its model is looked up by name so that
    the rubrics app does not import it (the same lookup Django's migrations use)."""
    from django.apps import apps

    if not apps.is_installed("ocop.evaluation"):
        return {}
    score_sheet = apps.get_model("evaluation", "ScoreSheet")
    scored: dict[str, str] = {}
    for product_set, mode in (
        score_sheet.objects.filter(rubric_version_id=version.pk).values_list("product_set", "mode").distinct()
    ):
        if scored.get(product_set) != "paper":
            scored[product_set] = mode
    return scored


def sheet_additions(version: m.RubricVersion) -> dict[str, str]:
    """For each product set without a digital sheet, whether one may be imported now: "open" (never scored
    under the version, or the version is not frozen yet) or "paper" (scored on paper: keeps paper mode)."""
    scored = scored_product_sets(version) if version.frozen else {}
    return {p.code: scored.get(p.code, "open") for p in product_sets_without_sheet(version)}


def history_imports_visible_to(user) -> QuerySet[m.HistoryImport]:
    """Imports of past decisions not undone that the officer made, or whose every row lies within their
    RECOGNISE scope, newest first (the scope is part of the query, so a page of them is a full page)."""
    outside = m.HistoricalRecognition.objects.filter(batch=OuterRef("pk")).exclude(
        scope_q(user, Capability.RECOGNISE, "unit")
    )
    return (
        m.HistoryImport.objects.filter(undone_at__isnull=True)
        .filter(Q(created_by_id=user.pk) | ~Exists(outside))
        .order_by("-created_at", "-id")
    )
