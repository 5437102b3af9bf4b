"""A member's digital score sheet: saved as a draft, then submitted and locked, with its revisions.

A sheet belongs to the member's seat on the council; every save is checked against the rubric version's
sheet and keeps a revision (STYLE 5). Submitting recomputes the council's running aggregate under the round
dossier's lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import nfc
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules
from ocop.evaluation.models import (
    CouncilMember,
    RoundDossier,
    ScoreLine,
    ScoreSheet,
    ScoreSheetRevision,
    SheetMode,
    SheetStatus,
)
from ocop.evaluation.services.common import check_version, lock_round_dossier, recompute_running
from ocop.rubrics import selectors as rubric_selectors
from ocop.rubrics.services import rubric_version_freeze


def require_mode(round_dossier: RoundDossier, mode: str) -> None:
    """Refuse a sheet of the other mode before anything is written, saying which form to use."""
    version = round_dossier.round.rubric_version
    product_set = dossier_gateway.product_set_code_of(round_dossier.dossier)
    if rubric_selectors.sheet_mode(version, product_set) == mode:
        return
    if mode == SheetMode.DIGITAL:
        raise Invalid(
            _(
                "Bộ tiêu chí %(version)s chưa có phiếu điện tử cho bộ sản phẩm %(set)s: hãy nhập phiếu giấy (tổng điểm từng phần kèm bản quét)."
            )
            % {"version": version.code, "set": product_set},
            code="sheet_not_loaded",
        )
    raise Invalid(
        _("Bộ sản phẩm %(set)s đã có phiếu điện tử: hãy chấm theo từng tiêu chí trên phiếu điện tử.")
        % {"set": product_set},
        code="sheet_is_digital",
    )


# Score sheets -----------------------------------------------------------------------------------------------


def _clean_comments(comments: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k): nfc(str(v))[:2000] for k, v in (comments or {}).items() if v and str(v).strip()}


def _snapshot(sheet: ScoreSheet, answers: Mapping[str, str], comments: Mapping[str, str]) -> dict:
    return {
        "status": sheet.status,
        "answers": dict(answers),
        "comments": dict(comments),
        "gates": list(sheet.gates),
        "comment": sheet.comment,
        "total": rules.plain(sheet.total),
        "parts": dict(sheet.parts),
        "version": sheet.version,
    }


def _write_sheet(
    *,
    actor,
    sheet: ScoreSheet,
    answers: Mapping[str, str],
    comments: Mapping[str, str],
    gates: list[str],
    comment: str,
    complete: bool,
) -> None:
    if not sheet.rubric_version.frozen:
        # The first score given under a version freezes it (STYLE 5): a correction becomes a new version.
        rubric_version_freeze(
            actor=actor, version=sheet.rubric_version, reason=_("Đã có phiếu chấm điểm theo bộ tiêu chí này.")
        )
    version = rules.loaded_version(sheet.rubric_version)
    scored = rules.score(
        version, sheet.product_set, answers, gates=gates, legal_form=sheet.legal_form, complete=complete
    )
    sheet_rules = rules.sheet_of(version, sheet.product_set)
    unknown = [code for code in comments if sheet_rules.criterion(code) is None]
    if unknown:
        raise Invalid(
            _("Có tiêu chí không thuộc phiếu đánh giá: %(details)s") % {"details": ", ".join(unknown)},
            code="criterion_not_on_sheet",
        )
    sheet.gates = list(gates)
    sheet.comment = nfc(comment)[:5000]
    sheet.total = scored.total
    sheet.parts = {code: rules.plain(points) for code, points in scored.parts.items()}
    sheet.updated_at = timezone.now()
    sheet.version += 1
    sheet.save()
    ScoreLine.objects.filter(sheet=sheet).delete()
    lines = []
    for result in scored.criteria:
        chosen = answers.get(result.code, "")
        note = comments.get(result.code, "")
        if not chosen and not note:
            continue
        lines.append(
            ScoreLine(sheet=sheet, criterion=result.code, option=chosen, points=result.points, comment=note)
        )
    ScoreLine.objects.bulk_create(lines)
    number = ScoreSheetRevision.objects.filter(sheet=sheet).count() + 1
    ScoreSheetRevision.objects.create(
        sheet=sheet,
        number=number,
        status=sheet.status,
        snapshot=_snapshot(sheet, answers, comments),
        saved_by=actor,
    )


def member_for_scoring(actor, round_dossier: RoundDossier) -> CouncilMember:
    policies.require(actor, "score", round_dossier)
    member = policies.seat(actor, round_dossier.round)
    assert member is not None  # why_not_score checked it
    return member


def sheet_for_update(
    actor, round_dossier: RoundDossier, member: CouncilMember, expected_version: int
) -> ScoreSheet:
    """The member's sheet, locked; a first save creates it (expected version 0)."""
    sheet = ScoreSheet.objects.select_for_update().filter(round_dossier=round_dossier, member=member).first()
    if sheet is None:
        if int(expected_version) != 0:
            raise Conflict(
                _("Người khác vừa thay đổi dữ liệu này. Hãy tải lại trang rồi thử lại."), code="stale_version"
            )
        dossier = round_dossier.dossier
        try:
            with transaction.atomic():
                sheet = ScoreSheet.objects.create(
                    round_dossier=round_dossier,
                    member=member,
                    rubric_version=round_dossier.round.rubric_version,
                    product_set=dossier_gateway.product_set_code_of(dossier),
                    legal_form=dossier_gateway.producer_of(dossier).legal_form or "",
                    version=0,
                )
        except IntegrityError as error:  # another tab created it first
            raise Conflict(
                _("Người khác vừa thay đổi dữ liệu này. Hãy tải lại trang rồi thử lại."), code="stale_version"
            ) from error
        return sheet
    if sheet.status == SheetStatus.SUBMITTED:
        raise Conflict(_("Phiếu đã nộp, không sửa được nữa."), code="sheet_already_submitted")
    check_version(sheet, expected_version)
    return sheet


@transaction.atomic
def sheet_save_draft(
    *,
    actor,
    round_dossier: RoundDossier,
    answers: Mapping[str, str],
    expected_version: int,
    comments: Mapping[str, str] | None = None,
    gates: Iterable[str] = (),
    comment: str = "",
) -> ScoreSheet:
    """Save the member's choices so far; options are checked against the sheet, missing ones are allowed."""
    round_dossier = RoundDossier.objects.select_related("round", "round__unit", "round__rubric_version").get(
        pk=round_dossier.pk
    )
    member = member_for_scoring(actor, round_dossier)
    require_mode(round_dossier, SheetMode.DIGITAL)
    sheet = sheet_for_update(actor, round_dossier, member, expected_version)
    answers = {str(k): str(v) for k, v in answers.items() if v}
    comments = _clean_comments(comments)
    _write_sheet(
        actor=actor,
        sheet=sheet,
        answers=answers,
        comments=comments,
        gates=[str(g) for g in gates],
        comment=comment,
        complete=False,
    )
    record_event(
        actor=actor,
        action="sheet.save",
        target=sheet,
        unit=round_dossier.round.unit,
        data={"round_dossier": round_dossier.pk, "total": rules.plain(sheet.total), "version": sheet.version},
    )
    return sheet


@transaction.atomic
def sheet_submit(
    *,
    actor,
    round_dossier: RoundDossier,
    expected_version: int,
    answers: Mapping[str, str] | None = None,
    comments: Mapping[str, str] | None = None,
    gates: Iterable[str] | None = None,
    comment: str | None = None,
) -> ScoreSheet:
    """Submit the member's sheet: every criterion answered, then locked. With `answers`, they are saved first
    (the page's "Nộp phiếu" sends the whole form). The council's running aggregate is recomputed."""
    round_dossier = lock_round_dossier(round_dossier)
    member = member_for_scoring(actor, round_dossier)
    require_mode(round_dossier, SheetMode.DIGITAL)
    sheet = sheet_for_update(actor, round_dossier, member, expected_version)
    if answers is None:
        if sheet.version == 0:
            raise Invalid(_("Phiếu chưa có lựa chọn nào."), code="sheet_incomplete")
        answers = rules.stored_answers(sheet)
        comments = {line.criterion: line.comment for line in sheet.lines.all() if line.comment}
    else:
        answers = {str(k): str(v) for k, v in answers.items() if v}
        comments = _clean_comments(comments)
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    _write_sheet(
        actor=actor,
        sheet=sheet,
        answers=answers,
        comments=comments or {},
        gates=[str(g) for g in (sheet.gates if gates is None else gates)],
        comment=sheet.comment if comment is None else comment,
        complete=True,
    )
    record_event(
        actor=actor,
        action="sheet.submit",
        target=sheet,
        unit=round_dossier.round.unit,
        data={"round_dossier": round_dossier.pk, "total": rules.plain(sheet.total), "version": sheet.version},
    )
    recompute_running(round_dossier)
    return sheet
