"""Every write of supervision: an inspection of a certified product (`inspection_create`), its findings with
evidence (`finding_add`), follow-up visits (`follow_up_record`), warnings (`warning_issue`), the proposal to
revoke or lower the stars (`inspection_propose`, which files certification's change request: a second officer
approves it there), the end of the inspection (`inspection_close`); public complaints (`complaint_submit`,
`complaint_dismiss`) and the yearly plan (`inspection_plan_draw`)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.certification import services as certification
from ocop.certification.models import Certificate, ChangeKind
from ocop.core import uploads
from ocop.core.errors import Conflict, Invalid
from ocop.core.storage import store
from ocop.core.text import nfc
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import Product
from ocop.supervision import plan as planning
from ocop.supervision import policies
from ocop.supervision.models import (
    Complaint,
    ComplaintStatus,
    Evidence,
    Finding,
    FindingStatus,
    FollowUp,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanItem,
    Warning,
)
from ocop.supervision.rules import rules

EVIDENCE_KINDS = ("pdf", "jpeg", "png")
MAX_TEXT = 2000
MAX_PLAN = 500


def _text(value: str, label: str, code: str, *, limit: int = MAX_TEXT, required: bool = True) -> str:
    value = nfc(value or "").strip()
    if required and not value:
        raise Invalid(_("Cần ghi %(field)s.") % {"field": label}, code=code)
    if len(value) > limit:
        raise Invalid(_("%(field)s dài quá %(max)s ký tự.") % {"field": label, "max": limit}, code=code)
    return value


def _day(value, label: str, code: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise Invalid(_("Cần ghi %(field)s.") % {"field": label}, code=code)
    if value > timezone.localdate():
        raise Invalid(_("%(field)s không được sau hôm nay.") % {"field": label}, code=code)
    return value


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update()
        .select_related("unit", "product", "certificate__authority")
        .get(pk=inspection.pk)
    )


def _certificate_in_force(product: Product) -> Certificate:
    certificate = (
        Certificate.objects.in_force(timezone.localdate())
        .select_related("authority")
        .filter(product=product)
        .first()
    )
    if certificate is None:
        raise Invalid(
            _(
                "Sản phẩm «%(product)s» không có giấy chứng nhận OCOP còn hiệu lực: không kiểm tra như sản phẩm OCOP."
            )
            % {"product": product.name},
            code="not_certified",
        )
    return certificate


def inspection_create(
    *,
    actor,
    product: Product,
    kinds: list[str],
    inspected_on: datetime.date,
    team: str = "",
    note: str = "",
) -> Inspection:
    """Record an inspection of a product holding a certificate in force. The product's complaints still waiting
    join it."""
    product = Product.objects.select_related("producer__unit").get(pk=product.pk)
    policies.require_inspect(actor, product.producer.unit)
    certificate = _certificate_in_force(product)
    chosen = list(dict.fromkeys(kinds or []))
    unknown = [kind for kind in chosen if kind not in rules().kinds]
    if not chosen or unknown:
        raise Invalid(
            _("Cần chọn nội dung kiểm tra trong danh mục (không nhận: %(kinds)s).")
            % {"kinds": ", ".join(unknown) or "—"},
            code="inspection_invalid",
        )
    day = _day(inspected_on, _("ngày kiểm tra"), "inspection_invalid")
    if day < certificate.issued_on:
        raise Invalid(_("Ngày kiểm tra trước ngày cấp giấy chứng nhận."), code="inspection_invalid")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            product=product,
            certificate=certificate,
            producer=product.producer,
            unit=product.producer.unit,
            kinds=chosen,
            inspected_on=day,
            team=_text(team, _("đoàn kiểm tra"), "inspection_invalid", limit=300, required=False),
            note=_text(note, _("ghi chú"), "inspection_invalid", required=False),
            created_by=actor,
        )
        joined = list(
            Complaint.objects.select_for_update()
            .filter(product=product, status=ComplaintStatus.NEW)
            .values_list("pk", flat=True)
        )
        Complaint.objects.filter(pk__in=joined).update(
            status=ComplaintStatus.INSPECTED, inspection=inspection, handled_by=actor
        )
        record_event(
            actor=actor,
            action="inspection.create",
            target=inspection,
            unit=inspection.unit,
            data={
                "product": product.pk,
                "certificate": certificate.number,
                "kinds": chosen,
                "complaints": joined,
            },
        )
    return inspection


def finding_add(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    severity: str,
    description: str,
    fix_by: datetime.date | None = None,
    evidence=None,
) -> Finding:
    """Record what the inspection found, by when it must be fixed (by default the severity's days from the
    inspection), and a file proving it (PDF, JPEG or PNG; checked by content before anything is stored)."""
    rule = rules()
    checked = None
    with transaction.atomic():
        inspection = _lock(inspection)
        policies.require_inspect(actor, inspection.unit)
        policies.require_open(inspection)
        if kind not in rule.kinds:
            raise Invalid(
                _("Nội dung «%(kind)s» không có trong danh mục.") % {"kind": kind}, code="finding_invalid"
            )
        if severity not in rule.severities:
            raise Invalid(
                _("Mức độ «%(severity)s» không có trong danh mục.") % {"severity": severity},
                code="finding_invalid",
            )
        text = _text(description, _("mô tả vi phạm"), "finding_invalid")
        deadline = fix_by or inspection.inspected_on + datetime.timedelta(
            days=rule.severities[severity].days_to_fix
        )
        if deadline < inspection.inspected_on:
            raise Invalid(_("Hạn khắc phục trước ngày kiểm tra."), code="finding_invalid")
        if evidence is not None:
            checked = uploads.check_upload(evidence, allowed=EVIDENCE_KINDS)
        finding = Finding.objects.create(
            inspection=inspection,
            kind=kind,
            severity=severity,
            description=text,
            fix_by=deadline,
            created_by=actor,
        )
        stored = None
        if checked is not None:
            stored = store(
                evidence, folder="supervision", filename=checked.original_name, content_type=checked.kind.mime
            )
        try:
            if stored is not None:
                Evidence.objects.create(
                    finding=finding,
                    file=stored.name,
                    file_sha256=stored.sha256,
                    original_name=checked.original_name[:200] if checked else "",
                    content_type=checked.kind.mime if checked else "",
                    size=stored.size,
                    added_by=actor,
                )
            record_event(
                actor=actor,
                action="inspection.finding_add",
                target=inspection,
                unit=inspection.unit,
                data={
                    "finding": finding.pk,
                    "kind": kind,
                    "severity": severity,
                    "fix_by": deadline.isoformat(),
                    "evidence": stored.sha256 if stored else None,
                },
            )
        except Exception:
            if stored is not None:
                uploads.discard(stored.name)
            raise
    return finding


def follow_up_record(
    *, actor, finding: Finding, visited_on: datetime.date, fixed: bool, note: str = ""
) -> FollowUp:
    """A follow-up visit: the finding is fixed, or, once its deadline has passed, not fixed in time."""
    with transaction.atomic():
        inspection = _lock(finding.inspection)
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        policies.require_inspect(actor, inspection.unit)
        policies.require_open(inspection)
        if finding.status != FindingStatus.OPEN:
            raise Conflict(_("Nội dung này đã được kết luận."), code="finding_not_open")
        day = _day(visited_on, _("ngày kiểm tra lại"), "finding_invalid")
        if day < inspection.inspected_on:
            raise Invalid(_("Ngày kiểm tra lại trước ngày kiểm tra."), code="finding_invalid")
        visit = FollowUp.objects.create(
            finding=finding,
            visited_on=day,
            fixed=bool(fixed),
            note=_text(note, _("ghi chú"), "finding_invalid", required=False),
            created_by=actor,
        )
        if fixed:
            finding.status = FindingStatus.FIXED
        elif day > finding.fix_by:
            finding.status = FindingStatus.NOT_FIXED
        finding.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="inspection.follow_up",
            target=inspection,
            unit=inspection.unit,
            data={
                "finding": finding.pk,
                "fixed": bool(fixed),
                "status": finding.status,
                "visited_on": day.isoformat(),
            },
        )
    return visit


def warning_issue(
    *, actor, inspection: Inspection, text: str, issued_on: datetime.date | None = None
) -> Warning:
    """A written warning to the producer after the inspection."""
    with transaction.atomic():
        inspection = _lock(inspection)
        policies.require_inspect(actor, inspection.unit)
        policies.require_open(inspection)
        day = _day(issued_on or timezone.localdate(), _("ngày cảnh báo"), "inspection_invalid")
        warning = Warning.objects.create(
            inspection=inspection,
            issued_on=day,
            text=_text(text, _("nội dung cảnh báo"), "inspection_invalid"),
            issued_by=actor,
        )
        record_event(
            actor=actor,
            action="inspection.warn",
            target=inspection,
            unit=inspection.unit,
            reason=warning.text,
            data={"warning": warning.pk},
        )
    return warning


def inspection_propose(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    reason: str,
    decision_number: str,
    decision_date,
    stars: int | None = None,
):
    """Propose revoking the certificate or lowering its stars: files certification's change request (the
    maker), which another officer of the issuing authority approves or turns down there (the checker)."""
    with transaction.atomic():
        inspection = _lock(inspection)
        policies.require_inspect(actor, inspection.unit)
        policies.require_open(inspection)
        if inspection.proposal_id is not None:
            raise Conflict(_("Đợt kiểm tra này đã có đề nghị."), code="proposal_exists")
        common = {
            "actor": actor,
            "certificate": inspection.certificate,
            "reason": reason,
            "decision_number": decision_number,
            "decision_date": decision_date,
        }
        if kind == ChangeKind.REVOKE:
            change = certification.certificate_revoke_request(**common)
        elif kind == ChangeKind.CHANGE_STARS:
            if stars is not None and stars >= inspection.certificate.stars:
                raise Invalid(_("Sau kiểm tra chỉ đề nghị hạ hạng sao."), code="proposal_invalid")
            change = certification.certificate_change_stars_request(stars=stars, **common)  # type: ignore[arg-type]
        else:
            raise Invalid(_("Đề nghị phải là thu hồi hoặc hạ hạng sao."), code="proposal_invalid")
        inspection.proposal = change
        inspection.save(update_fields=["proposal"])
        record_event(
            actor=actor,
            action="inspection.propose",
            target=inspection,
            unit=inspection.unit,
            reason=change.reason,
            data={"change": change.pk, "kind": kind, "stars": change.new_stars},
        )
    return change


def inspection_close(*, actor, inspection: Inspection, conclusion: str) -> Inspection:
    """End the inspection with its conclusion; nothing more is recorded on it."""
    with transaction.atomic():
        inspection = _lock(inspection)
        policies.require_inspect(actor, inspection.unit)
        policies.require_open(inspection)
        inspection.conclusion = _text(conclusion, _("kết luận"), "inspection_invalid")
        inspection.status = InspectionStatus.CLOSED
        inspection.closed_at = timezone.now()
        inspection.save(update_fields=["conclusion", "status", "closed_at"])
        record_event(
            actor=actor,
            action="inspection.close",
            target=inspection,
            unit=inspection.unit,
            reason=inspection.conclusion,
        )
    return inspection


def complaint_submit(
    *, certificate: Certificate, text: str, where_bought: str = "", contact: str = ""
) -> Complaint:
    """A member of the public reports that a product does not look like the certified one (anonymous; the
    page limits how often one address may send)."""
    with transaction.atomic():
        certificate = Certificate.objects.select_related("product__producer__unit").get(pk=certificate.pk)
        complaint = Complaint.objects.create(
            certificate=certificate,
            product=certificate.product,
            unit=certificate.product.producer.unit,
            text=_text(text, _("nội dung phản ánh"), "complaint_invalid"),
            where_bought=_text(where_bought, _("nơi mua"), "complaint_invalid", limit=300, required=False),
            contact=_text(contact, _("thông tin liên hệ"), "complaint_invalid", limit=200, required=False),
        )
        record_event(
            actor=None,
            action="complaint.submit",
            target=complaint,
            unit=complaint.unit,
            data={"certificate": certificate.number, "product": certificate.product_id},
        )
    return complaint


def complaint_dismiss(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Close a complaint without an inspection, saying why."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("unit").get(pk=complaint.pk)
        policies.require_inspect(actor, complaint.unit)
        if complaint.status != ComplaintStatus.NEW:
            raise Conflict(_("Phản ánh này đã được xử lý."), code="complaint_handled")
        complaint.handled_note = _text(reason, _("lý do"), "complaint_invalid")
        complaint.status, complaint.handled_by = ComplaintStatus.DISMISSED, actor
        complaint.save(update_fields=["handled_note", "status", "handled_by"])
        record_event(
            actor=actor,
            action="complaint.dismiss",
            target=complaint,
            unit=complaint.unit,
            reason=complaint.handled_note,
        )
    return complaint


def inspection_plan_draw(*, actor, province: AdminUnit, year: int, size: int = 50) -> InspectionPlan:
    """Draw (or draw again) a province's plan for this year or the next: its certified products ranked by risk,
    the `size` riskiest kept."""
    if province is None or province.era != Era.CURRENT or province.level != Level.PROVINCE:
        raise Invalid(_("Kế hoạch được lập cho một tỉnh, thành phố hiện hành."), code="plan_invalid")
    policies.require_inspect(actor, province)
    this_year = timezone.localdate().year
    if year not in (this_year, this_year + 1):
        raise Invalid(_("Kế hoạch được lập cho năm nay hoặc năm sau."), code="plan_invalid")
    if not 1 <= int(size) <= MAX_PLAN:
        raise Invalid(
            _("Số sản phẩm của kế hoạch từ 1 đến %(max)s.") % {"max": MAX_PLAN}, code="plan_invalid"
        )
    ranked = planning.ranked(province, year)[: int(size)]
    with transaction.atomic():
        plan, _created = InspectionPlan.objects.select_for_update().get_or_create(
            province=province, year=year, defaults={"size": size, "drawn_by": actor}
        )
        plan.size, plan.drawn_by, plan.drawn_at = size, actor, timezone.now()
        plan.save(update_fields=["size", "drawn_by", "drawn_at"])
        plan.items.all().delete()
        PlanItem.objects.bulk_create(
            PlanItem(
                plan=plan,
                position=position,
                product_id=row.product_id,
                certificate_id=row.certificate_id,
                risk=row.risk,
                reasons=row.reasons,
            )
            for position, row in enumerate(ranked, start=1)
        )
        record_event(
            actor=actor,
            action="inspection_plan.draw",
            target=plan,
            unit=province,
            data={"year": year, "size": size, "products": len(ranked)},
        )
    return plan
