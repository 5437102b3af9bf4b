"""Reads of the rubrics app. Rubric versions are public reference data: no user scope applies.

`engine_version(code)` gives the engine's frozen `RubricVersion` for a loaded version, parsed once per
content fingerprint and process, so scoring never re-reads the tables. Every rubric fact other apps use
(certificate validity, recognised stars, who recognises what, level names and the unit each level acts at)
is read through these, so a version a central officer loads, or a sheet a province imports, counts at once:
`engine_version(code)` asks the database for the fingerprint at each call; `engine_versions()` and
`engine_version_on(day)` ask which contents are loaded once per load (see `_loaded_contents`); a changed
fingerprint is parsed again. The files in ocop/rubrics/data/ count only once `load_rubrics` has loaded them.
"""

from __future__ import annotations

import threading
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_q
from ocop.core import generations
from ocop.core.errors import NotFound

from . import models as m
from . import schema
from .loader import parse_version

_cache: dict[tuple[str, str], schema.RubricVersion] = {}
_lock = threading.Lock()

# Which contents are loaded, as (code, fingerprint) oldest first, read once per "generation": a token in the
# shared cache that every load deletes (`loaded_changed`). A list page that names a level or routes a draft on
# every row reads the database once, and a load is followed at the next read by every process that shares the
# cache (without a shared cache, other processes follow within GENERATION_SECONDS).
_GENERATION_KEY = "rubrics:loaded-generation"
GENERATION_SECONDS = 60
_loaded: tuple[str, tuple[tuple[str, str], ...]] | None = None


def rubric_versions() -> QuerySet[m.RubricVersion]:
    return m.RubricVersion.objects.select_related("content").order_by("effective_from")


def rubric_version_get(code: str) -> m.RubricVersion:
    row = rubric_versions().filter(code=code).first()
    if row is None:
        raise NotFound(_("Không có bộ tiêu chí «%(code)s».") % {"code": code}, code="unknown_rubric_version")
    return row


def _parsed(code: str, fingerprint: str) -> schema.RubricVersion:
    """The version of this content, parsed once per process; the document is read only on a miss."""
    cached = _cache.get((code, fingerprint))
    if cached is None:
        document = (
            m.RubricVersionContent.objects.filter(version__code=code, fingerprint=fingerprint)
            .values_list("document", flat=True)
            .first()
        )
        if document is None:  # reloaded between the two reads: take what is there now
            return engine_version(code)
        cached = parse_version(document)
        with _lock:
            for key in [k for k in _cache if k[0] == code]:
                del _cache[key]  # an older content of the version is not read again
            _cache[(code, fingerprint)] = cached
    return cached


def engine_version(code: str) -> schema.RubricVersion:
    """The scoring engine's view of a loaded version."""
    fingerprint = (
        m.RubricVersionContent.objects.filter(version__code=code)
        .values_list("fingerprint", flat=True)
        .first()
    )
    if fingerprint is None:
        raise NotFound(_("Không có bộ tiêu chí «%(code)s».") % {"code": code}, code="unknown_rubric_version")
    return _parsed(code, fingerprint)


def loaded_changed() -> None:
    """Called by every write of a version's content: each process reads the loaded contents again."""
    generations.changed(_GENERATION_KEY)


def _loaded_contents() -> tuple[tuple[str, str], ...]:
    global _loaded
    token = generations.current(_GENERATION_KEY, GENERATION_SECONDS)
    known = _loaded
    if token is not None and known is not None and known[0] == token:
        return known[1]
    rows = tuple(
        m.RubricVersionContent.objects.order_by("version__effective_from").values_list(
            "version__code", "fingerprint"
        )
    )
    _loaded = (token, rows) if token is not None else None
    return rows


def engine_versions() -> tuple[schema.RubricVersion, ...]:
    """Every loaded version as the engine sees it, oldest first (no query while nothing was loaded since)."""
    return tuple(_parsed(code, fingerprint) for code, fingerprint in _loaded_contents())


def in_force(versions: tuple[schema.RubricVersion, ...], on: date) -> schema.RubricVersion | None:
    """Of `versions`, the one whose effective dates cover `on` (the newest one if two overlap)."""
    covering = [
        v
        for v in versions
        if v.effective_from <= on and (v.effective_until is None or on <= v.effective_until)
    ]
    return max(covering, key=lambda v: v.effective_from, default=None)


def engine_version_on(on: date) -> schema.RubricVersion | None:
    """The loaded version in force on `on`, as the engine sees it (`version_in_force` for the row)."""
    return in_force(engine_versions(), on)


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


_group_choices: tuple[tuple[tuple[str, str], ...], list[tuple[str, str]]] | None = None


def product_group_choices() -> list[tuple[str, str]]:
    """The product groups a list filters by, one per code across the loaded versions (the newest name). Read
    once per set of loaded contents (a load writes the groups with the content), not once per list page."""
    global _group_choices
    loaded = _loaded_contents()
    known = _group_choices
    if known is not None and known[0] == loaded:
        return known[1]
    names: dict[str, str] = {}
    groups = m.TaxonNode.objects.filter(level=m.TaxonLevel.GROUP).order_by(
        "version__effective_from", "position"
    )
    for code, name in groups.values_list("code", "name"):
        names[code] = name
    choices = [(code, f"{code}. {name}") for code, name in names.items()]
    _group_choices = (loaded, choices)
    return choices
