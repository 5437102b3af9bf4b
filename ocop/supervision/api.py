"""API of supervision, under /api/v1/supervision: inspections of certified products in the caller's area, their
findings (with an evidence file), follow-up visits, warnings, the proposal to revoke or lower the stars (filed
as certification's change request), the conclusion; the complaint queue; the yearly plans.

No `from __future__ import annotations` here: django-ninja reads the payload types of handlers wrapped by
`@idempotent` at run time.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, page_of
from ocop.core.uploads import refused_upload
from ocop.geo.models import AdminUnit, Era
from ocop.products.models import Product
from ocop.supervision import plan as planning
from ocop.supervision import policies, selectors, services
from ocop.supervision.models import Complaint, Finding, Inspection, InspectionPlan
from ocop.supervision.rules import kind_name, rules, severity_name

router = Router(tags=["supervision"], auth=signed_in)


class InspectionIn(Schema):
    product: int
    kinds: list[str] = Field(..., max_length=20, description="Codes from GET /supervision/kinds")
    inspected_on: datetime.date
    team: str = Field("", max_length=300)
    note: str = Field("", max_length=2000)


class InspectionFollowUpIn(Schema):
    visited_on: datetime.date
    fixed: bool
    note: str = Field("", max_length=2000)


class InspectionWarningIn(Schema):
    text: str = Field(..., max_length=2000)
    issued_on: datetime.date | None = None


class InspectionProposalIn(Schema):
    kind: str = Field(..., description="revoke or change_stars")
    stars: int | None = None
    reason: str = Field(..., max_length=2000)
    decision_number: str = Field(..., max_length=50)
    decision_date: datetime.date


class InspectionConclusionIn(Schema):
    conclusion: str = Field(..., max_length=2000)


class ComplaintDismissIn(Schema):
    reason: str = Field(..., max_length=2000)


class InspectionPlanIn(Schema):
    province: str = Field(..., max_length=8, description="A current province code")
    year: int
    size: int = 50


class InspectionListQuery(PageQuery):
    status: str = Field("", max_length=10)


def finding_dict(finding: Finding, inspection_pk: int) -> dict:
    return {
        "id": finding.pk,
        "kind": {"code": finding.kind, "name": kind_name(finding.kind)},
        "severity": {"code": finding.severity, "name": severity_name(finding.severity)},
        "description": finding.description,
        "fix_by": finding.fix_by.isoformat(),
        "status": finding.status,
        "evidence": [
            {
                "id": e.pk,
                "filename": e.original_name,
                "sha256": e.file_sha256,
                "url": reverse("supervision:evidence", args=[inspection_pk, e.pk]),
            }
            for e in finding.evidence.all()
        ],
        "follow_ups": [
            {"visited_on": v.visited_on.isoformat(), "fixed": v.fixed, "note": v.note}
            for v in finding.follow_ups.all()
        ],
    }


def inspection_dict(inspection: Inspection, user, *, full: bool = False) -> dict:
    body = {
        "id": inspection.pk,
        "product": {"id": inspection.product_id, "name": inspection.product.name},
        "producer": {"id": inspection.producer_id, "name": inspection.producer.name},
        "unit": {"code": inspection.unit.code, "name": inspection.unit.name},
        "certificate": {
            "id": inspection.certificate_id,
            "number": inspection.certificate.number,
            "stars": inspection.certificate.stars,
        },
        "kinds": inspection.kinds,
        "inspected_on": inspection.inspected_on.isoformat(),
        "status": inspection.status,
        "conclusion": inspection.conclusion,
        "proposal": (
            {
                "id": inspection.proposal_id,
                "kind": inspection.proposal.kind,
                "status": inspection.proposal.status,
                "new_stars": inspection.proposal.new_stars,
            }
            if inspection.proposal
            else None
        ),
        **policies.flags(user, inspection),
    }
    if full:
        body["team"], body["note"] = inspection.team, inspection.note
        body["findings"] = [finding_dict(f, inspection.pk) for f in selectors.findings_of(inspection)]
        body["warnings"] = [
            {"issued_on": w.issued_on.isoformat(), "text": w.text} for w in inspection.warnings.all()
        ]
        body["complaints"] = [c.pk for c in inspection.complaints.all()]
    return body


def complaint_dict(complaint: Complaint) -> dict:
    return {
        "id": complaint.pk,
        "certificate": complaint.certificate.number,
        "product": {"id": complaint.product_id, "name": complaint.product.name},
        "text": complaint.text,
        "where_bought": complaint.where_bought,
        "status": complaint.status,
        "inspection": complaint.inspection_id,
        "received_at": complaint.created_at.isoformat(),
    }


def plan_dict(plan: InspectionPlan) -> dict:
    done = selectors.inspected_products(plan)
    return {
        "id": plan.pk,
        "province": plan.province.code,
        "year": plan.year,
        "size": plan.size,
        "drawn_at": plan.drawn_at.isoformat(),
        "items": [
            {
                "position": item.position,
                "product": {"id": item.product_id, "name": item.product.name},
                "certificate": item.certificate.number,
                "risk": item.risk,
                "reasons": [{"code": r, "name": str(planning.REASON_LABELS.get(r, r))} for r in item.reasons],
                "inspected": item.product_id in done,
            }
            for item in selectors.plan_items(plan)
        ],
    }


@router.get("/kinds", summary="Danh mục nội dung kiểm tra và mức độ vi phạm")
def kinds(request):
    rule = rules()
    return {
        "kinds": [{"code": k.code, "name_vi": k.name_vi, "name_en": k.name_en} for k in rule.kinds.values()],
        "severities": [
            {"code": s.code, "name_vi": s.name_vi, "name_en": s.name_en, "days_to_fix": s.days_to_fix}
            for s in rule.severities.values()
        ],
    }


@router.get("/inspections", summary="Các đợt kiểm tra trong phạm vi của bạn")
def list_inspections(request, query: Query[InspectionListQuery]):
    user = require_api_user(request)
    rows = selectors.inspections_visible_to(user)
    if query.status:
        rows = rows.filter(status=query.status)
    return page_of(rows, query, lambda i: inspection_dict(i, user))


@router.post("/inspections", response={201: dict}, summary="Ghi một đợt kiểm tra sản phẩm được chứng nhận")
@idempotent
def create_inspection(request, payload: InspectionIn):
    user = require_api_user(request)
    product = Product.objects.filter(pk=payload.product).first()
    if product is None:
        raise Invalid(_("Không tìm thấy sản phẩm được chứng nhận này."), code="not_certified")
    inspection = services.inspection_create(
        actor=user,
        product=product,
        kinds=payload.kinds,
        inspected_on=payload.inspected_on,
        team=payload.team,
        note=payload.note,
    )
    return Status(201, inspection_dict(selectors.inspection_get(user, inspection.pk), user, full=True))


@router.get("/inspections/{inspection_id}", summary="Một đợt kiểm tra với các nội dung vi phạm")
def get_inspection(request, inspection_id: int):
    user = require_api_user(request)
    return inspection_dict(selectors.inspection_get(user, inspection_id), user, full=True)


@router.post(
    "/inspections/{inspection_id}/findings",
    response={201: dict},
    summary="Ghi nội dung vi phạm (kèm tệp chứng cứ)",
)
@idempotent
def add_finding(
    request,
    inspection_id: int,
    kind: Form[str],
    severity: Form[str],
    description: Form[str],
    fix_by: Form[datetime.date | None] = None,
    evidence: File[UploadedFile | None] = None,
):
    user = require_api_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    refused_upload(request, "evidence")
    finding = services.finding_add(
        actor=user,
        inspection=inspection,
        kind=kind,
        severity=severity,
        description=description,
        fix_by=fix_by,
        evidence=evidence,
    )
    return Status(201, finding_dict(finding, inspection.pk))


@router.post(
    "/inspections/{inspection_id}/findings/{finding_id}/follow-ups",
    response={201: dict},
    summary="Ghi kết quả kiểm tra lại một nội dung vi phạm",
)
@idempotent
def add_follow_up(request, inspection_id: int, finding_id: int, payload: InspectionFollowUpIn):
    user = require_api_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    finding = selectors.finding_get(inspection, finding_id)
    services.follow_up_record(
        actor=user, finding=finding, visited_on=payload.visited_on, fixed=payload.fixed, note=payload.note
    )
    return Status(201, finding_dict(selectors.finding_get(inspection, finding_id), inspection.pk))


@router.post(
    "/inspections/{inspection_id}/warnings", response={201: dict}, summary="Ghi văn bản cảnh báo chủ thể"
)
@idempotent
def add_warning(request, inspection_id: int, payload: InspectionWarningIn):
    user = require_api_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    warning = services.warning_issue(
        actor=user, inspection=inspection, text=payload.text, issued_on=payload.issued_on
    )
    return Status(201, {"id": warning.pk, "issued_on": warning.issued_on.isoformat(), "text": warning.text})


@router.post(
    "/inspections/{inspection_id}/proposal",
    response={201: dict},
    summary="Đề nghị thu hồi hoặc hạ hạng sao (một cán bộ khác duyệt ở /certificates/changes)",
)
@idempotent
def propose(request, inspection_id: int, payload: InspectionProposalIn):
    user = require_api_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    change = services.inspection_propose(
        actor=user,
        inspection=inspection,
        kind=payload.kind,
        stars=payload.stars,
        reason=payload.reason,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
    )
    return Status(
        201,
        {"change": change.pk, "kind": change.kind, "status": change.status, "new_stars": change.new_stars},
    )


@router.post("/inspections/{inspection_id}/close", summary="Kết thúc đợt kiểm tra với kết luận")
def close(request, inspection_id: int, payload: InspectionConclusionIn):
    user = require_api_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    services.inspection_close(actor=user, inspection=inspection, conclusion=payload.conclusion)
    return inspection_dict(selectors.inspection_get(user, inspection_id), user, full=True)


@router.get("/complaints", summary="Phản ánh của người tiêu dùng trong phạm vi của bạn")
def list_complaints(request, query: Query[PageQuery]):
    user = require_api_user(request)
    return page_of(selectors.complaints_visible_to(user), query, complaint_dict)


@router.post("/complaints/{complaint_id}/dismiss", summary="Đóng phản ánh không kiểm tra, ghi lý do")
def dismiss(request, complaint_id: int, payload: ComplaintDismissIn):
    user = require_api_user(request)
    complaint = selectors.complaint_get(user, complaint_id)
    return complaint_dict(services.complaint_dismiss(actor=user, complaint=complaint, reason=payload.reason))


@router.get("/plans", summary="Kế hoạch kiểm tra năm của các tỉnh trong phạm vi của bạn")
def list_plans(request, query: Query[PageQuery]):
    user = require_api_user(request)
    rows = selectors.plans_visible_to(user).order_by("-year", "province__code")
    return page_of(
        rows, query, lambda p: {"id": p.pk, "province": p.province.code, "year": p.year, "size": p.size}
    )


@router.post("/plans", response={201: dict}, summary="Lập (hoặc lập lại) kế hoạch kiểm tra năm của một tỉnh")
@idempotent
def draw_plan(request, payload: InspectionPlanIn):
    user = require_api_user(request)
    province = AdminUnit.objects.filter(era=Era.CURRENT, code=payload.province).first()
    plan = services.inspection_plan_draw(actor=user, province=province, year=payload.year, size=payload.size)
    return Status(201, plan_dict(plan))


@router.get("/plans/{plan_id}", summary="Một kế hoạch kiểm tra năm")
def get_plan(request, plan_id: int):
    user = require_api_user(request)
    plan = selectors.plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("Không tìm thấy kế hoạch kiểm tra."), code="inspection_plan_not_found")
    return plan_dict(plan)
