"""Public API of rubric versions: list, one version with taxonomy and sheets, and classify (API.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema

from ocop.core.errors import Invalid

from . import schema
from .classify import classify, number
from .issues import ScoringError
from .selectors import engine_version, rubric_version_get, rubric_versions

router = Router(tags=["rubrics"])


class ClassifyIn(Schema):
    total: float | None = None
    product_set: str | None = None
    answers: dict[str, str] | None = None
    gates: list[str] | None = None
    legal_form: str | None = None
    level: str | None = None
    date: dt.date | None = None


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def scoring_error(error: ScoringError) -> Invalid:
    lang = _lang()
    first = error.issues[0]
    return Invalid(first.describe(lang), code=first.code, details=[i.as_dict(lang) for i in error.issues])


def version_summary(row, engine: schema.RubricVersion | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": row.code,
        "title": row.title,
        "decision": row.decision,
        "effective_from": row.effective_from.isoformat(),
        "effective_until": row.effective_until.isoformat() if row.effective_until else None,
        "frozen": row.frozen,
    }
    if engine is not None:
        item["parts"] = [{"code": p.code, "name": p.name, "max": number(p.max_points)} for p in engine.parts]
        item["product_sets"] = len(engine.product_sets)
        item["sheets"] = len(engine.sheets)
    return item


@router.get("", summary="Các phiên bản bộ tiêu chí")
def list_versions(request):
    return [version_summary(row, engine_version(row.code)) for row in rubric_versions()]


@router.get("/{code}", summary="Một phiên bản: phân loại sản phẩm, phiếu đánh giá, hạng sao, phân cấp")
def get_version(request, code: str):
    row = rubric_version_get(code)
    return version_detail(row, engine_version(code))


@router.post("/{code}/classify", summary="Xếp hạng sao từ tổng điểm hoặc từ các lựa chọn của một phiếu")
def classify_product(request, code: str, payload: ClassifyIn):
    rubric_version_get(code)
    engine = engine_version(code)
    body = payload.dict(exclude_none=True)
    try:
        return classify(engine, body, today=timezone.localdate())
    except ScoringError as error:
        raise scoring_error(error) from error


def version_detail(row, v: schema.RubricVersion) -> dict[str, Any]:
    detail = version_summary(row, v)
    detail.update(
        {
            "amended_by": [{"number": d.number, "date": d.date.isoformat()} for d in v.amended_by],
            "sources": list(v.sources),
            "scale_max": number(v.scale_max),
            "bands": [
                {
                    "stars": b.stars,
                    "from": number(b.lower),
                    "to": number(b.upper),
                    "recognised": b.recognised,
                    "label": b.label,
                }
                for b in v.bands
            ],
            "aggregation": {
                "method": v.aggregation.method,
                "decimals": v.aggregation.decimals,
                "rounding": v.aggregation.rounding,
            },
            "certificate": {
                "validity_months": v.certificate.validity_months,
                "expiry_notice_days": v.certificate.expiry_notice_days,
            },
            "legal_forms": [{"code": f.code, "name": f.name} for f in v.legal_forms],
            "levels": [{"code": lv.code, "name": lv.name} for lv in v.levels],
            "duties": [
                {
                    "from": p.start.isoformat(),
                    "until": p.end.isoformat() if p.end else None,
                    "decision": p.decision,
                    "note": p.note,
                    "levels": [
                        {
                            "level": d.level,
                            "tasks": d.tasks,
                            "scores": d.scores,
                            "recognises": list(d.recognises),
                            "caps_higher_stars": d.caps_higher_stars,
                            "forwards_to": d.forwards_to,
                            "forwards_min_total": number(d.forwards_min_total)
                            if d.forwards_min_total is not None
                            else None,
                            "assesses": list(d.assesses),
                        }
                        for d in p.levels
                    ],
                }
                for p in v.duties
            ],
            "taxonomy": {"levels": list(v.taxonomy_levels), "nodes": _taxonomy(v)},
            "sheets": [_sheet(s) for s in v.sheets.values()],
        }
    )
    detail["product_sets"] = [
        {
            "code": p.code,
            "name": p.name,
            "node": p.node,
            "ministry": p.ministry,
            "note": p.note,
            "has_sheet": p.code in v.sheets,
        }
        for p in v.product_sets
    ]
    return detail


def _taxonomy(v: schema.RubricVersion) -> list[dict[str, Any]]:
    def node(n: schema.TaxonNode) -> dict[str, Any]:
        item: dict[str, Any] = {"code": n.code, "name": n.name, "note": n.note}
        children = [c for c in v.nodes if c.parent == n.code]
        if children:
            item["children"] = [node(c) for c in children]
        else:
            item["product_sets"] = [p.code for p in v.product_sets if p.node == n.code]
        return item

    return [node(n) for n in v.nodes if n.parent is None]


def _sheet(s: schema.Sheet) -> dict[str, Any]:
    return {
        "product_set": s.product_set,
        "source": s.source,
        "sources": list(s.sources),
        "doubts": [{"criterion": d.criterion, "text": d.text} for d in s.doubts],
        "note": s.note,
        "gates": [{"code": g.code, "kind": g.kind, "text": g.text} for g in s.general_gates],
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "part": g.part,
                "criteria": [_criterion(s.criterion(code)) for code in g.criteria if s.criterion(code)],
            }
            for g in s.groups
        ],
        "requirements": [
            {
                "stars": r.stars,
                "criterion": r.criterion,
                "part": r.part,
                "option": r.option,
                "min_points": number(r.min_points),
                "text": r.text,
            }
            for r in s.requirements
        ],
    }


def _criterion(c: schema.Criterion | None) -> dict[str, Any]:
    assert c is not None
    return {
        "code": c.code,
        "name": c.name,
        "max": number(c.max_points),
        "note": c.note,
        "bonus": c.bonus,
        "applies_when": (
            {"criterion": c.applies_when.criterion, "min_points": number(c.applies_when.min_points)}
            if c.applies_when
            else None
        ),
        "gates": [{"code": g.code, "kind": g.kind, "text": g.text} for g in c.gates],
        "alternatives": [
            {
                "code": a.code,
                "label": a.label,
                "applies_to": a.applies_to,
                "legal_forms": list(a.legal_forms),
                "options": [{"code": o.code, "text": o.text, "points": number(o.points)} for o in a.options],
            }
            for a in c.alternatives
        ],
    }
