"""The producer's self-assessment on the official sheet (issue 18), and the help team's check of its claims.

The producer fills the sheet of their product set for their dossier, scored by the same engine as a council
member's sheet (`rules.score`); a draft may be partial, a submission must answer every criterion that applies.
Submitting locks it and writes the self-assessment report (a PDF in Vietnamese) into the dossier's checklist item
«self_assessment» through the cycle's own upload action. The help team (*tổ giúp việc*) then records, per
criterion, whether the evidence bears out the claim; the council reads that beside the criterion. Nothing of
either counts in a score: the rubric version is not frozen by them and the council's sheets never read them.

Locks: the cycle's dossier row first, then the self-assessment row (the same order in every action).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import fold, nfc
from ocop.cycle import services as cycle_services
from ocop.cycle.models import Dossier
from ocop.evaluation import policies, report, rules, selectors
from ocop.evaluation.models import (
    PrecheckNote,
    PrecheckVerdict,
    SelfAssessment,
    SelfAssessmentLine,
    SelfAssessmentStatus,
)
from ocop.evaluation.services.common import check_version

REPORT_ITEM = "self_assessment"  # the checklist item the report fills (cycle/data/checklists.yaml)
MAX_NOTE = 2000


def _lock_dossier(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update()
        .select_related("producer", "product__product_set", "rubric_version", "unit")
        .get(pk=dossier.pk)
    )


def _stale() -> Conflict:
    return Conflict(
        _("Người khác vừa thay đổi dữ liệu này. Hãy tải lại trang rồi thử lại."), code="stale_version"
    )


def _for_update(actor, dossier: Dossier, expected_version: int | None) -> SelfAssessment:
    """The dossier's self-assessment, locked; the first save creates it (expected version 0)."""
    if expected_version is None:
        raise Invalid(_("Thiếu số phiên bản của phiếu."), code="version_required")
    assessment = SelfAssessment.objects.select_for_update().filter(dossier=dossier).first()
    if assessment is None:
        if int(expected_version) != 0:
            raise _stale()
        return SelfAssessment.objects.create(
            dossier=dossier,
            rubric_version=dossier.rubric_version,
            product_set=dossier.product.product_set.code,
            legal_form=dossier.producer.legal_form or "",
            created_by=actor,
            version=0,
        )
    check_version(assessment, expected_version)
    return assessment


def _clean_notes(notes: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k)[:20]: nfc(str(v)).strip()[:MAX_NOTE] for k, v in (notes or {}).items() if str(v).strip()}


def _write(
    assessment: SelfAssessment, answers: Mapping[str, str], notes: Mapping[str, str], *, complete: bool
):
    """Score the answers on the sheet (every problem refused before anything is written) and store them."""
    version = rules.loaded_version(assessment.rubric_version)
    scored = rules.score(
        version, assessment.product_set, answers, legal_form=assessment.legal_form, complete=complete
    )
    sheet = rules.sheet_of(version, assessment.product_set)
    unknown = [code for code in notes if sheet.criterion(code) is None]
    if unknown:
        raise Invalid(
            _("Có tiêu chí không thuộc phiếu đánh giá: %(details)s") % {"details": ", ".join(unknown)},
            code="criterion_not_on_sheet",
        )
    assessment.total = scored.total
    assessment.parts = {code: rules.plain(points) for code, points in scored.parts.items()}
    assessment.band_stars = scored.band.stars
    assessment.eligible_stars = scored.eligible_stars
    assessment.updated_at = timezone.now()
    assessment.version += 1
    assessment.save()
    SelfAssessmentLine.objects.filter(self_assessment=assessment).delete()
    SelfAssessmentLine.objects.bulk_create(
        [
            SelfAssessmentLine(
                self_assessment=assessment,
                criterion=result.code,
                option=answers.get(result.code, ""),
                points=result.points,
                note=notes.get(result.code, ""),
            )
            for result in scored.criteria
            if answers.get(result.code) or notes.get(result.code)
        ]
    )
    return scored


@transaction.atomic
def self_assessment_save(
    *,
    actor,
    dossier: Dossier,
    answers: Mapping[str, str],
    expected_version: int | None,
    notes: Mapping[str, str] | None = None,
) -> SelfAssessment:
    """Save the producer's answers so far (a draft: criteria may be left open)."""
    dossier = _lock_dossier(dossier)
    policies.require(actor, "self_assess", dossier)
    assessment = _for_update(actor, dossier, expected_version)
    answers = {str(k)[:20]: str(v)[:20] for k, v in answers.items() if v}
    _write(assessment, answers, _clean_notes(notes), complete=False)
    record_event(
        actor=actor,
        action="self_assessment.save",
        target=dossier,
        unit=dossier.unit,
        data={"total": rules.plain(assessment.total), "version": assessment.version},
    )
    return assessment


@transaction.atomic
def self_assessment_submit(
    *,
    actor,
    dossier: Dossier,
    expected_version: int | None,
    answers: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> SelfAssessment:
    """Submit the self-assessment: every criterion that applies answered, then locked; the report is written
    into the dossier's checklist item. With `answers`, they are saved first (the page sends the whole form)."""
    dossier = _lock_dossier(dossier)
    policies.require(actor, "self_assess", dossier)
    assessment = _for_update(actor, dossier, expected_version)
    if answers is None:
        if assessment.version == 0:
            raise Invalid(_("Phiếu chưa có lựa chọn nào."), code="sheet_incomplete")
        answers = {line.criterion: line.option for line in assessment.lines.all() if line.option}
        notes = {line.criterion: line.note for line in assessment.lines.all() if line.note}
    else:
        answers = {str(k)[:20]: str(v)[:20] for k, v in answers.items() if v}
    assessment.status = SelfAssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    scored = _write(assessment, answers, _clean_notes(notes), complete=True)
    if any(row["item"] == REPORT_ITEM for row in dossier.checklist):
        pdf = report.render(report_context(dossier, assessment, scored, signer=str(actor)))
        name = f"bao-cao-tu-danh-gia-{fold(dossier.product.name).replace(' ', '-')[:60]}.pdf"
        document = cycle_services.document_upload(
            actor=actor,
            dossier=dossier,
            item=REPORT_ITEM,
            upload=SimpleUploadedFile(name, pdf, "application/pdf"),
        )
        assessment.report = document
        assessment.save(update_fields=["report"])
    record_event(
        actor=actor,
        action="self_assessment.submit",
        target=dossier,
        unit=dossier.unit,
        data={
            "total": rules.plain(assessment.total),
            "eligible_stars": assessment.eligible_stars,
            "report": assessment.report_id,
            "version": assessment.version,
        },
    )
    return assessment


def report_context(dossier: Dossier, assessment: SelfAssessment, scored, *, signer: str) -> dict:
    """What the report prints: the sheet's groups and criteria with the claim and evidence of each."""
    version = rules.loaded_version(assessment.rubric_version)
    sheet = rules.sheet_of(version, assessment.product_set)
    claims = selectors.claims_of(dossier, with_precheck=False)
    points = {result.code: result.points for result in scored.criteria}
    by_code = {criterion.code: criterion for criterion in sheet.criteria}
    layout = [
        {
            "code": group.code,
            "name": group.name,
            "part": group.part,
            "criteria": [
                {
                    "code": code,
                    "name": by_code[code].name,
                    "max": by_code[code].max_points,
                    "points": points.get(code, 0),
                    "claim": claims.get(code) or selectors.Claim(code=code),
                }
                for code in group.criteria
            ],
        }
        for group in sheet.groups
    ]
    return {
        "dossier": dossier,
        "producer": dossier.producer,
        "product": dossier.product,
        "product_set": version.product_set(assessment.product_set),
        "version": version,
        "assessment": assessment,
        "score": scored,
        "layout": layout,
        "parts": [
            {"code": p.code, "name": p.name, "max": p.max_points, "points": scored.parts.get(p.code, 0)}
            for p in version.parts
        ],
        "signer": signer,
    }


@transaction.atomic
def precheck_record(*, actor, dossier: Dossier, criterion: str, verdict: str, note: str = "") -> PrecheckNote:
    """The help team records whether the evidence bears out the producer's claim on one criterion (confirmed,
    doubtful, missing), with a note for the council; a second check of the criterion replaces the first."""
    dossier = _lock_dossier(dossier)
    policies.require(actor, "precheck", dossier)
    assessment = SelfAssessment.objects.select_for_update().get(dossier=dossier)
    if verdict not in PrecheckVerdict.values:
        raise Invalid(_("Kết luận kiểm tra không hợp lệ."), code="precheck_verdict_invalid")
    sheet = rules.sheet_of(rules.loaded_version(assessment.rubric_version), assessment.product_set)
    criterion = str(criterion)[:20]
    if sheet.criterion(criterion) is None:
        raise Invalid(
            _("Có tiêu chí không thuộc phiếu đánh giá: %(details)s") % {"details": criterion},
            code="criterion_not_on_sheet",
        )
    note = nfc(str(note or "")).strip()[:MAX_NOTE]
    if verdict != PrecheckVerdict.CONFIRMED and not note:
        raise Invalid(
            _("Hãy ghi rõ điều còn nghi vấn hoặc minh chứng còn thiếu để Hội đồng đọc."),
            code="precheck_note_required",
        )
    before = PrecheckNote.objects.filter(self_assessment=assessment, criterion=criterion).first()
    checked, _created = PrecheckNote.objects.update_or_create(
        self_assessment=assessment,
        criterion=criterion,
        defaults={"verdict": verdict, "note": note, "checked_by": actor, "checked_at": timezone.now()},
    )
    record_event(
        actor=actor,
        action="precheck.record",
        target=dossier,
        unit=dossier.unit,
        data={
            "criterion": criterion,
            "verdict": verdict,
            "before": before.verdict if before else None,
            "note": note[:200],
        },
    )
    return checked
