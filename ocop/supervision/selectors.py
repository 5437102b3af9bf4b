"""Reads of supervision for a user, already scoped to the producer's unit: inspections, their findings and
evidence, the complaint queue and the plans of the provinces the user covers."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import scope_q
from ocop.core.errors import NotFound
from ocop.supervision.models import (
    Complaint,
    ComplaintStatus,
    Evidence,
    Finding,
    Inspection,
    InspectionPlan,
)
from ocop.supervision.policies import READ


def inspections_visible_to(user) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(scope_q(user, READ, "unit"))
        .select_related("product", "producer", "unit", "certificate", "proposal")
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-inspected_on", "-id")
    )


def inspection_get(user, pk: int) -> Inspection:
    inspection = inspections_visible_to(user).select_related("certificate__authority").filter(pk=pk).first()
    if inspection is None:
        raise NotFound(_("Không tìm thấy đợt kiểm tra."), code="inspection_not_found")
    return inspection


def findings_of(inspection: Inspection) -> QuerySet[Finding]:
    return inspection.findings.prefetch_related("evidence", "follow_ups").order_by("id")


def finding_get(inspection: Inspection, pk: int) -> Finding:
    finding = inspection.findings.filter(pk=pk).select_related("inspection").first()
    if finding is None:
        raise NotFound(_("Không tìm thấy nội dung vi phạm."), code="finding_not_found")
    return finding


def evidence_get(user, inspection_pk: int, pk: int) -> Evidence:
    """An evidence file of an inspection the user sees (missing and forbidden look the same)."""
    inspection = inspection_get(user, inspection_pk)
    evidence = Evidence.objects.filter(pk=pk, finding__inspection=inspection).first()
    if evidence is None:
        raise NotFound(_("Không tìm thấy tệp chứng cứ."), code="evidence_not_found")
    return evidence


def complaints_visible_to(user, *, waiting_only: bool = False) -> QuerySet[Complaint]:
    rows = Complaint.objects.filter(scope_q(user, READ, "unit")).select_related(
        "product", "certificate", "unit"
    )
    if waiting_only:
        rows = rows.filter(status=ComplaintStatus.NEW)
    return rows.order_by("-created_at", "-id")


def complaint_get(user, pk: int) -> Complaint:
    complaint = complaints_visible_to(user).filter(pk=pk).first()
    if complaint is None:
        raise NotFound(_("Không tìm thấy phản ánh."), code="complaint_not_found")
    return complaint


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    return InspectionPlan.objects.filter(scope_q(user, READ, "province")).select_related("province")


def plan_items(plan: InspectionPlan):
    return plan.items.select_related("product__producer__unit", "certificate").order_by("position")


def inspected_products(plan: InspectionPlan) -> set[int]:
    """Products of the plan inspected in its year."""
    return set(
        Inspection.objects.filter(
            Q(product_id__in=plan.items.values("product_id")), inspected_on__year=plan.year
        ).values_list("product_id", flat=True)
    )
