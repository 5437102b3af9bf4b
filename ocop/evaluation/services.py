"""Every write of the evaluation: rounds, councils, conflicts, assignments, sheets and the council's result.

Each function is one action in one transaction: it checks the actor's right, writes, and records an audit
event. Derived values on a round dossier (the running aggregate, the council's result) are only written while
that row is locked (`select_for_update`), so two members submitting at once never lose an update. Locks are
always taken in one order, round dossier before sheet, so no two actions wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, covers, has_capability, is_staff_officer
from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.core.storage import store
from ocop.core.text import nfc, shorten
from ocop.cycle.programme import FIRST_YEAR
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules, selectors
from ocop.evaluation.conflicts import detected_reasons
from ocop.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    Conclusion,
    ConflictOfInterest,
    ConflictReason,
    ConflictSource,
    Council,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    RoundDossier,
    RoundStatus,
    ScoreLine,
    ScoreSheet,
    ScoreSheetRevision,
    SheetMode,
    SheetStatus,
)
from ocop.rubrics import engine
from ocop.rubrics import selectors as rubric_selectors
from ocop.rubrics.issues import ScoringError
from ocop.rubrics.services import rubric_version_freeze

# Round states and the moves between them (STYLE 4); every move is `round_advance`.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.PREPARING: frozenset({RoundStatus.SCORING}),
    RoundStatus.SCORING: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset(),
}

# A round dossier's evaluation states and the moves between them (docs/evaluation.md).
DOSSIER_TRANSITIONS: dict[str, frozenset[str]] = {
    EvaluationStatus.UNDER_EVALUATION: frozenset({EvaluationStatus.SCORED}),
    EvaluationStatus.SCORED: frozenset(
        {EvaluationStatus.SCORED, EvaluationStatus.RECOGNITION_PROPOSED, EvaluationStatus.NOT_RECOGNISED}
    ),
    EvaluationStatus.RECOGNITION_PROPOSED: frozenset({EvaluationStatus.RECOGNISED}),
    EvaluationStatus.NOT_RECOGNISED: frozenset(),
    EvaluationStatus.RECOGNISED: frozenset(),
}


def _move(round_dossier: RoundDossier, to: str) -> None:
    if to not in DOSSIER_TRANSITIONS.get(round_dossier.status, frozenset()):
        raise Conflict(
            _("Hồ sơ đang ở trạng thái «%(status)s», không chuyển được sang «%(to)s».")
            % {"status": round_dossier.get_status_display(), "to": EvaluationStatus(to).label},
            code="evaluation_bad_transition",
        )
    round_dossier.status = to


def _require_run(actor, evaluation_round: EvaluationRound) -> None:
    reason = policies.why_not_run(actor, evaluation_round)
    if reason:
        raise Forbidden(reason, code="evaluation_forbidden")


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict(
            _("Người khác vừa thay đổi dữ liệu này. Hãy tải lại trang rồi thử lại."), code="stale_version"
        )


def _lock_round_dossier(round_dossier: RoundDossier) -> RoundDossier:
    return (
        RoundDossier.objects.select_for_update()
        .select_related("round", "round__unit", "round__rubric_version")
        .get(pk=round_dossier.pk)
    )


# Rounds -----------------------------------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor,
    name: str,
    level: str,
    unit,
    year: int,
    rubric_version,
    held_on: date,
    min_sheets: int = 3,
    disagreement_threshold: Decimal | int | str = 3,
) -> EvaluationRound:
    if not can(actor, Capability.RUN_EVALUATION, unit):
        raise Forbidden(
            _("Bạn không có quyền tổ chức đợt đánh giá tại đơn vị này."), code="evaluation_forbidden"
        )
    name = nfc(name)
    if not name:
        raise Invalid(_("Cần đặt tên cho đợt đánh giá."), code="round_name_required")
    version = rules.loaded_version(rubric_version)
    try:
        period = engine.duty_period_on(version, held_on)
    except ScoringError as error:
        raise Invalid(
            _("Bộ tiêu chí %(version)s không áp dụng vào ngày %(day)s.")
            % {"version": rubric_version.code, "day": held_on.strftime("%d/%m/%Y")},
            code="round_date_outside_version",
        ) from error
    duty = period.duty(level)
    if duty is None or not duty.scores:
        raise Invalid(
            _("Theo quy định ngày %(day)s, cấp «%(level)s» không tổ chức hội đồng chấm điểm.")
            % {"day": held_on.strftime("%d/%m/%Y"), "level": level},
            code="round_level_does_not_score",
        )
    if unit.level != version.unit_level(level):
        raise Invalid(_("Đơn vị tổ chức không phải đơn vị của cấp đánh giá này."), code="round_unit_level")
    if not (FIRST_YEAR <= int(year) <= held_on.year + 1):
        raise Invalid(_("Năm của đợt đánh giá không hợp lệ."), code="round_year_invalid")
    if int(min_sheets) < 1:
        raise Invalid(_("Số phiếu tối thiểu phải từ 1 trở lên."), code="round_min_sheets_invalid")
    threshold = engine.to_decimal(disagreement_threshold, place="disagreement_threshold")
    if threshold < 0:
        raise Invalid(_("Ngưỡng chênh lệch không được âm."), code="round_threshold_invalid")
    evaluation_round = EvaluationRound.objects.create(
        name=name,
        level=level,
        unit=unit,
        year=int(year),
        rubric_version=rubric_version,
        held_on=held_on,
        min_sheets=int(min_sheets),
        disagreement_threshold=threshold,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="round.create",
        target=evaluation_round,
        unit=unit,
        data={
            "level": level,
            "year": int(year),
            "rubric": rubric_version.code,
            "held_on": held_on.isoformat(),
        },
    )
    return evaluation_round


@transaction.atomic
def round_advance(
    *, actor, evaluation_round: EvaluationRound, to: str, expected_version: int | None = None
) -> EvaluationRound:
    evaluation_round = (
        EvaluationRound.objects.select_for_update().select_related("unit").get(pk=evaluation_round.pk)
    )
    _require_run(actor, evaluation_round)
    _check_version(evaluation_round, expected_version)
    if to not in RoundStatus.values:
        raise Invalid(
            _("Không có trạng thái «%(to)s»; các trạng thái của đợt: %(known)s.")
            % {"to": str(to)[:40], "known": ", ".join(RoundStatus.values)},
            code="round_status_unknown",
        )
    if to not in ROUND_TRANSITIONS.get(evaluation_round.status, frozenset()):
        raise Conflict(
            _("Đợt đánh giá đang «%(status)s», không chuyển được sang «%(to)s».")
            % {"status": evaluation_round.get_status_display(), "to": RoundStatus(to).label},
            code="round_bad_transition",
        )
    if to == RoundStatus.SCORING:
        council = Council.objects.filter(round=evaluation_round).first()
        scorers = 0 if council is None else council.members.filter(role__in=SCORING_ROLES).count()
        if scorers < evaluation_round.min_sheets:
            raise Invalid(
                _("Hội đồng cần ít nhất %(count)s thành viên chấm điểm trước khi bắt đầu chấm.")
                % {"count": evaluation_round.min_sheets},
                code="council_too_small",
            )
    if to == RoundStatus.CLOSED:
        pending = evaluation_round.dossiers.filter(
            status__in=[EvaluationStatus.UNDER_EVALUATION, EvaluationStatus.SCORED]
        ).count()
        if pending:
            raise Invalid(
                _("Còn %(count)s hồ sơ chưa có kết luận của Hội đồng.") % {"count": pending},
                code="round_has_open_dossiers",
            )
    previous = evaluation_round.status
    evaluation_round.status = to
    evaluation_round.version += 1
    evaluation_round.save(update_fields=["status", "version"])
    record_event(
        actor=actor,
        action="round.advance",
        target=evaluation_round,
        unit=evaluation_round.unit,
        data={"from": previous, "to": to},
    )
    return evaluation_round


# Council ----------------------------------------------------------------------------------------------------


@transaction.atomic
def council_set_up(
    *, actor, evaluation_round: EvaluationRound, name: str, decision_number: str, decision_date: date
) -> Council:
    _require_run(actor, evaluation_round)
    if evaluation_round.status == RoundStatus.CLOSED:
        raise Conflict(_("Đợt đánh giá đã kết thúc."), code="round_closed")
    name, decision_number = nfc(name), nfc(decision_number)
    if not name or not decision_number:
        raise Invalid(_("Cần tên Hội đồng và số quyết định thành lập."), code="council_decision_required")
    if decision_date > timezone.localdate():
        raise Invalid(_("Ngày quyết định không được ở tương lai."), code="council_decision_date_future")
    if Council.objects.filter(round=evaluation_round).exists():
        raise Conflict(_("Đợt đánh giá này đã có Hội đồng."), code="council_exists")
    council = Council.objects.create(
        round=evaluation_round,
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="council.set_up",
        target=council,
        unit=evaluation_round.unit,
        data={"decision_number": decision_number, "decision_date": decision_date.isoformat()},
    )
    return council


@transaction.atomic
def member_add(
    *, actor, council: Council, user, role: str, position: str = "", employer: str = ""
) -> CouncilMember:
    evaluation_round = council.round
    _require_run(actor, evaluation_round)
    if evaluation_round.status == RoundStatus.CLOSED:
        raise Conflict(_("Đợt đánh giá đã kết thúc."), code="round_closed")
    if role not in CouncilRole.values:
        raise Invalid(_("Vai trò trong Hội đồng không hợp lệ."), code="council_role_invalid")
    if role in SCORING_ROLES and not can(user, Capability.SCORE, evaluation_round.unit):
        raise Invalid(
            _("Người này chưa được giao vai trò thành viên Hội đồng đánh giá của đơn vị."),
            code="member_without_score_role",
        )
    if role == CouncilRole.HELPER and not (is_staff_officer(user) or has_capability(user, Capability.SCORE)):
        raise Invalid(_("Tổ giúp việc gồm cán bộ có vai trò trong hệ thống."), code="helper_not_staff")
    if CouncilMember.objects.filter(council=council, user=user).exists():
        raise Conflict(_("Người này đã có tên trong Hội đồng."), code="member_exists")
    if (
        role == CouncilRole.CHAIR
        and CouncilMember.objects.filter(council=council, role=CouncilRole.CHAIR).exists()
    ):
        raise Conflict(_("Hội đồng đã có Chủ tịch."), code="chair_exists")
    member = CouncilMember.objects.create(
        council=council,
        user=user,
        role=role,
        position=nfc(position),
        employer=nfc(employer),
        added_by=actor,
    )
    policies.forget_seats(user)
    record_event(
        actor=actor,
        action="council.member_add",
        target=member,
        unit=evaluation_round.unit,
        data={"user": user.username, "role": role},
    )
    for round_dossier in evaluation_round.dossiers.select_related("dossier"):
        _detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
    return member


# Dossiers in a round ----------------------------------------------------------------------------------------


@transaction.atomic
def round_dossier_add(*, actor, evaluation_round: EvaluationRound, dossier) -> RoundDossier:
    """Gather a dossier accepted for evaluation (or, for a higher level, one proposed up to it) into the round."""
    evaluation_round = (
        EvaluationRound.objects.select_for_update().select_related("unit").get(pk=evaluation_round.pk)
    )
    _require_run(actor, evaluation_round)
    if evaluation_round.status == RoundStatus.CLOSED:
        raise Conflict(_("Đợt đánh giá đã kết thúc."), code="round_closed")
    producer = dossier_gateway.producer_of(dossier)
    if not covers(evaluation_round.unit, producer.unit):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    if dossier_gateway.rubric_version_id_of(dossier) != evaluation_round.rubric_version_id:
        raise Invalid(
            _("Sản phẩm của hồ sơ được phân loại theo bộ tiêu chí khác với bộ tiêu chí của đợt."),
            code="dossier_rubric_mismatch",
        )
    proposed_here = RoundDossier.objects.filter(
        dossier=dossier, forwarded_at__isnull=False, forward_to=evaluation_round.level
    ).exists()
    if not proposed_here and not dossier_gateway.is_ready_for_evaluation(dossier):
        raise Invalid(_("Hồ sơ chưa được tiếp nhận để đánh giá."), code="dossier_not_accepted")
    in_progress = RoundDossier.objects.filter(
        dossier=dossier,
        round__level=evaluation_round.level,
        status__in=[EvaluationStatus.UNDER_EVALUATION, EvaluationStatus.SCORED],
    )
    if in_progress.exists():
        raise Conflict(_("Hồ sơ đang được đánh giá trong một đợt khác."), code="dossier_in_other_round")
    try:
        with transaction.atomic():
            round_dossier = RoundDossier.objects.create(
                round=evaluation_round, dossier=dossier, added_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("Hồ sơ đã có trong đợt đánh giá này."), code="dossier_already_in_round") from error
    if not proposed_here:
        dossier_gateway.mark_under_evaluation(actor=actor, dossier=dossier)
    record_event(
        actor=actor,
        action="round.dossier_add",
        target=round_dossier,
        unit=producer.unit,
        data={"round": evaluation_round.pk, "dossier": dossier.pk},
    )
    council = Council.objects.filter(round=evaluation_round).first()
    if council is not None:
        _detect_conflicts(actor=actor, round_dossier=round_dossier, members=list(council.members.all()))
    return round_dossier


# Conflicts of interest ---------------------------------------------------------------------------------------


def _detect_conflicts(*, actor, round_dossier: RoundDossier, members: Iterable[CouncilMember]) -> int:
    recorded = 0
    for member in members:
        for reason in detected_reasons(member, round_dossier):
            conflict, created = ConflictOfInterest.objects.get_or_create(
                round_dossier=round_dossier,
                user_id=member.user_id,
                reason=reason,
                defaults={"source": ConflictSource.DETECTED, "recorded_by": None},
            )
            if created:
                recorded += 1
                record_event(
                    actor=actor,
                    action="conflict.detect",
                    target=conflict,
                    unit=round_dossier.round.unit,
                    data={"user": member.user.username, "reason": reason, "round_dossier": round_dossier.pk},
                )
        if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user_id=member.user_id).exists():
            Assignment.objects.filter(round_dossier=round_dossier, member=member).delete()
    return recorded


@transaction.atomic
def conflict_declare(
    *, actor, round_dossier: RoundDossier, reason: str, note: str = "", user=None
) -> ConflictOfInterest:
    """A member declares a conflict on a dossier (an officer may record one for a member). The member's
    assignment goes, and a sheet they already submitted no longer counts."""
    round_dossier = _lock_round_dossier(round_dossier)
    person = user or actor
    why = policies.why_not_declare_conflict(actor, round_dossier, person)
    if why:
        raise Forbidden(why, code="evaluation_forbidden")
    if reason not in ConflictReason.values:
        raise Invalid(_("Lý do xung đột lợi ích không hợp lệ."), code="conflict_reason_invalid")
    note = nfc(note)
    if reason == ConflictReason.DECLARED and not note:
        raise Invalid(_("Cần ghi rõ lý do khi tự khai báo."), code="conflict_note_required")
    if round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        raise Conflict(_("Hội đồng đã có kết quả cho hồ sơ này."), code="conflict_too_late")
    member = policies.seat(person, round_dossier.round)
    if member is None:
        raise Invalid(_("Người này không có tên trong Hội đồng của đợt."), code="not_a_member")
    try:
        with transaction.atomic():
            conflict = ConflictOfInterest.objects.create(
                round_dossier=round_dossier,
                user=person,
                reason=reason,
                source=ConflictSource.DECLARED,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise Conflict(_("Xung đột lợi ích này đã được ghi nhận."), code="conflict_exists") from error
    Assignment.objects.filter(round_dossier=round_dossier, member=member).delete()
    record_event(
        actor=actor,
        action="conflict.declare",
        target=conflict,
        unit=round_dossier.round.unit,
        reason=note,
        data={"user": person.username, "reason": reason, "round_dossier": round_dossier.pk},
    )
    _recompute_running(round_dossier)
    return conflict


# Assignments ------------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, actor, round_dossier: RoundDossier, member: CouncilMember) -> Assignment:
    round_dossier = _lock_round_dossier(round_dossier)
    _require_run(actor, round_dossier.round)
    if member.council.round_id != round_dossier.round_id:
        raise Invalid(_("Thành viên không thuộc Hội đồng của đợt này."), code="not_a_member")
    if not member.scores:
        raise Invalid(_("Tổ giúp việc không chấm điểm."), code="member_does_not_score")
    if round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        raise Conflict(_("Hội đồng đã có kết quả cho hồ sơ này."), code="assignment_too_late")
    _detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
    if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user_id=member.user_id).exists():
        raise Invalid(
            _("Thành viên có xung đột lợi ích với hồ sơ này nên không được phân công."),
            code="member_conflicted",
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                round_dossier=round_dossier, member=member, assigned_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("Thành viên đã được phân công hồ sơ này."), code="assignment_exists") from error
    record_event(
        actor=actor,
        action="assignment.create",
        target=assignment,
        unit=round_dossier.round.unit,
        data={"user": member.user.username, "round_dossier": round_dossier.pk},
    )
    dossier_gateway.notify_assigned(actor=actor, round_dossier=round_dossier, member=member)
    return assignment


def assign_all(*, actor, evaluation_round: EvaluationRound) -> int:
    """Assign every scoring member to every dossier under evaluation, except where a conflict stands."""
    _require_run(actor, evaluation_round)
    council = Council.objects.filter(round=evaluation_round).first()
    if council is None:
        raise Invalid(_("Đợt đánh giá chưa có Hội đồng."), code="council_missing")
    created = 0
    scorers = list(council.members.filter(role__in=SCORING_ROLES).select_related("user", "council"))
    for round_dossier in evaluation_round.dossiers.filter(status=EvaluationStatus.UNDER_EVALUATION):
        assigned = set(round_dossier.assignments.values_list("member_id", flat=True))
        for member in scorers:
            if member.pk in assigned:
                continue
            with transaction.atomic():
                _detect_conflicts(actor=actor, round_dossier=round_dossier, members=[member])
            if ConflictOfInterest.objects.filter(
                round_dossier=round_dossier, user_id=member.user_id
            ).exists():
                continue
            try:
                assignment_create(actor=actor, round_dossier=round_dossier, member=member)
            except Conflict:
                continue
            created += 1
    return created


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


def _member_for_scoring(actor, round_dossier: RoundDossier) -> CouncilMember:
    why = policies.why_not_score(actor, round_dossier)
    if why:
        raise Forbidden(why, code="scoring_forbidden")
    member = policies.seat(actor, round_dossier.round)
    assert member is not None  # why_not_score checked it
    return member


def _sheet_for_update(
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
    _check_version(sheet, expected_version)
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
    member = _member_for_scoring(actor, round_dossier)
    _require_mode(round_dossier, SheetMode.DIGITAL)
    sheet = _sheet_for_update(actor, round_dossier, member, expected_version)
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
    round_dossier = _lock_round_dossier(round_dossier)
    member = _member_for_scoring(actor, round_dossier)
    _require_mode(round_dossier, SheetMode.DIGITAL)
    sheet = _sheet_for_update(actor, round_dossier, member, expected_version)
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
    _recompute_running(round_dossier)
    return sheet


# The council's result ---------------------------------------------------------------------------------------


def counted_sheets(round_dossier: RoundDossier) -> list[ScoreSheet]:
    """Submitted sheets that count: their member has no conflict of interest on the dossier."""
    conflicted = ConflictOfInterest.objects.filter(round_dossier=round_dossier).values("user_id")
    return list(
        ScoreSheet.objects.filter(round_dossier=round_dossier, status=SheetStatus.SUBMITTED)
        .exclude(member__user_id__in=conflicted)
        .select_related("member__user", "rubric_version")
        .prefetch_related("lines")
        .order_by("member_id")
    )


def _recompute_running(round_dossier: RoundDossier) -> None:
    """With the round dossier locked: the aggregate of the sheets submitted so far."""
    sheets = counted_sheets(round_dossier)
    running = None
    if sheets:
        version = rules.loaded_version(round_dossier.round.rubric_version)
        running = rules.council_score(version, sheets).total
    round_dossier.submitted_sheets = len(sheets)
    round_dossier.running_mean = running
    round_dossier.version += 1
    round_dossier.save(update_fields=["submitted_sheets", "running_mean", "version"])


def _recheck_conflicts(*, actor, round_dossier: RoundDossier) -> list[CouncilMember]:
    """Before sheets are counted, read the conflicts again for every member holding an assignment or a sheet
    of the dossier (one may have joined the producer since being assigned): a new one is recorded (audit
    `conflict.detect`) and takes the member off the dossier. Returns the members whose submitted sheet
    therefore does not count."""
    holders = (
        CouncilMember.objects.filter(
            Q(assignments__round_dossier=round_dossier) | Q(sheets__round_dossier=round_dossier)
        )
        .distinct()
        .select_related("user")
    )
    _detect_conflicts(actor=actor, round_dossier=round_dossier, members=list(holders))
    conflicted = ConflictOfInterest.objects.filter(round_dossier=round_dossier).values("user_id")
    return list(
        CouncilMember.objects.filter(
            sheets__round_dossier=round_dossier, sheets__status=SheetStatus.SUBMITTED, user_id__in=conflicted
        )
        .select_related("user")
        .order_by("pk")
    )


def _not_counted_sentence(members: list[CouncilMember]) -> str:
    return _("Không tính phiếu của %(names)s vì có xung đột lợi ích với hồ sơ.") % {
        "names": ", ".join(str(m.user) for m in members)
    }


def _explain(
    version,
    council_score,
    recognition,
    evaluation_round: EvaluationRound,
    names: dict[str, str],
    *,
    paper: bool = False,
) -> dict:
    level_names = {lv.code: lv.name for lv in version.levels}
    duty = recognition.period.duty(evaluation_round.level)
    lines = [
        _("Điểm trung bình của %(count)s phiếu: %(total)s điểm (làm tròn %(decimals)s chữ số thập phân).")
        % {
            "count": len(council_score.member_totals),
            # In the reader's decimal style (78,33 in Vietnamese), as the page shows the score.
            "total": number_format(council_score.total, decimal_pos=version.aggregation.decimals),
            "decimals": version.aggregation.decimals,
        },
        _("Mức điểm thuộc hạng %(stars)s sao: %(label)s.")
        % {"stars": council_score.band.stars, "label": council_score.band.label},
    ]
    for gate, count in council_score.gates_fired:
        lines.append(
            _("Điều kiện «%(text)s» được %(count)s thành viên xác nhận: sản phẩm không được công nhận.")
            % {"text": gate.text, "count": count}
        )
    for unmet in council_score.unmet:
        requirement = unmet.requirement
        lines.append(
            _("Chưa đạt tiêu chí bắt buộc cho hạng %(stars)s sao (%(what)s: cần %(need)s, đạt %(got)s).")
            % {
                "stars": requirement.stars,
                "what": requirement.text or requirement.criterion or requirement.part or "",
                "need": rules.plain(requirement.min_points),
                "got": rules.plain(unmet.actual),
            }
        )
    if recognition.recognised_stars:
        lines.append(
            _("%(level)s công nhận %(stars)s sao theo %(decision)s.")
            % {
                "level": level_names.get(evaluation_round.level, evaluation_round.level),
                "stars": recognition.recognised_stars,
                "decision": recognition.period.decision,
            }
        )
    else:
        lines.append(_("Sản phẩm không đủ điều kiện công nhận ở cấp này."))
    if paper:
        lines.append(
            _(
                "Hội đồng chấm trên phiếu giấy (bộ sản phẩm chưa có phiếu điện tử): chỉ có tổng điểm từng phần, nên không thể tư vấn theo từng tiêu chí và không kiểm tra được các tiêu chí bắt buộc."
            )
        )
    if recognition.forward_to:
        lines.append(
            _("Đề xuất lên %(level)s xem xét %(stars)s sao.")
            % {
                "level": level_names.get(recognition.forward_to, recognition.forward_to),
                "stars": recognition.proposed_stars or council_score.eligible_stars or "",
            }
        )
    return {
        "total": rules.plain(council_score.total),
        "member_totals": [rules.plain(t) for t in council_score.member_totals],
        "parts": {code: rules.plain(points) for code, points in council_score.parts.items()},
        "band": {"stars": council_score.band.stars, "label": council_score.band.label},
        "eligible_stars": council_score.eligible_stars,
        "recognised_stars": recognition.recognised_stars,
        "forward_to": recognition.forward_to,
        "forward_to_name": level_names.get(recognition.forward_to or "", ""),
        "proposed_stars": recognition.proposed_stars,
        "gates": [{"code": g.code, "text": g.text, "members": n} for g, n in council_score.gates_fired],
        "unmet": [
            {
                "stars": u.requirement.stars,
                "criterion": u.requirement.criterion,
                "part": u.requirement.part,
                "min_points": rules.plain(u.requirement.min_points),
                "actual": rules.plain(u.actual),
                "text": u.requirement.text,
            }
            for u in council_score.unmet
        ],
        "next_star": (
            {
                "stars": council_score.next_star.stars,
                "points_needed": rules.plain(council_score.next_star.points_needed),
            }
            if council_score.next_star
            else None
        ),
        "duty": {
            "decision": recognition.period.decision,
            "level": evaluation_round.level,
            "tasks": duty.tasks if duty else "",
        },
        "on": evaluation_round.held_on.isoformat(),
        "lines": lines,
        "criteria": names,
        "mode": SheetMode.PAPER if paper else SheetMode.DIGITAL,
    }


@transaction.atomic
def council_result_compute(*, actor, round_dossier: RoundDossier) -> RoundDossier:
    """The council's result from the submitted sheets, by the rubric engine, under a lock on the round dossier."""
    round_dossier = _lock_round_dossier(round_dossier)
    evaluation_round = round_dossier.round
    _require_run(actor, evaluation_round)
    if round_dossier.status not in (EvaluationStatus.UNDER_EVALUATION, EvaluationStatus.SCORED):
        raise Conflict(_("Hội đồng đã kết luận về hồ sơ này."), code="result_already_concluded")
    not_counted = _recheck_conflicts(actor=actor, round_dossier=round_dossier)
    sheets = counted_sheets(round_dossier)
    missing = selectors.missing_sheets(round_dossier)
    if missing or len(sheets) < evaluation_round.min_sheets:
        values = {
            "done": len(sheets),
            "need": evaluation_round.min_sheets,
            "missing": ", ".join(str(m.user) for m in missing) or "—",
            "names": ", ".join(str(m.user) for m in not_counted),
        }
        if not_counted:
            message = (
                _(
                    "Chưa đủ phiếu để tổng hợp: đã nộp %(done)s phiếu được tính, cần ít nhất %(need)s và đủ phiếu của mọi thành viên được phân công (còn thiếu: %(missing)s). Không tính phiếu của %(names)s vì có xung đột lợi ích với hồ sơ."
                )
                % values
            )
        else:
            message = (
                _(
                    "Chưa đủ phiếu để tổng hợp: đã nộp %(done)s, cần ít nhất %(need)s và đủ phiếu của mọi thành viên được phân công (còn thiếu: %(missing)s)."
                )
                % values
            )
        raise Invalid(
            message,
            code="not_enough_sheets",
            details={
                "submitted": len(sheets),
                "required": evaluation_round.min_sheets,
                "missing": [m.user.username for m in missing],
                "not_counted": [m.user.username for m in not_counted],
            },
        )
    version = rules.loaded_version(evaluation_round.rubric_version)
    council_score = rules.council_score(version, sheets)
    paper = any(s.mode == SheetMode.PAPER for s in sheets)
    try:
        recognition = engine.recognise(
            version,
            total=council_score.total,
            eligible_stars=council_score.eligible_stars,
            level=evaluation_round.level,
            on=evaluation_round.held_on,
        )
    except ScoringError as error:
        raise rules.invalid_answers(error) from error
    if paper:  # the spread is per part: a paper sheet has no criteria
        names = {p.code: p.name for p in version.parts}
    else:
        names = {c.code: c.name for c in rules.sheet_of(version, sheets[0].product_set).criteria}
    threshold = evaluation_round.disagreement_threshold
    disagreements = [
        {
            "criterion": spread.code,
            "name": names.get(spread.code, ""),
            "low": rules.plain(spread.low),
            "high": rules.plain(spread.high),
            "spread": rules.plain(spread.spread),
            "points": {
                s.member.user.username: rules.plain(p) for s, p in zip(sheets, spread.points, strict=True)
            },
        }
        for spread in council_score.spread
        if spread.spread > threshold
    ]
    _move(round_dossier, EvaluationStatus.SCORED)
    round_dossier.mean_score = council_score.total
    round_dossier.band_stars = council_score.band.stars
    round_dossier.eligible_stars = council_score.eligible_stars
    round_dossier.recognised_stars = recognition.recognised_stars
    round_dossier.forward_to = recognition.forward_to or ""
    round_dossier.proposed_stars = recognition.proposed_stars
    round_dossier.explanation = _explain(
        version, council_score, recognition, evaluation_round, names, paper=paper
    )
    round_dossier.explanation["not_counted"] = [m.user.username for m in not_counted]
    if not_counted:
        round_dossier.explanation["lines"].insert(1, _not_counted_sentence(not_counted))
    round_dossier.disagreements = disagreements
    round_dossier.result_at = timezone.now()
    round_dossier.submitted_sheets = len(sheets)
    round_dossier.running_mean = council_score.total
    round_dossier.version += 1
    round_dossier.save()
    dossier_gateway.mark_scored(actor=actor, dossier=round_dossier.dossier)
    record_event(
        actor=actor,
        action="council.result",
        target=round_dossier,
        unit=evaluation_round.unit,
        data={
            "mean": rules.plain(council_score.total),
            "sheets": len(sheets),
            "band_stars": council_score.band.stars,
            "recognised_stars": recognition.recognised_stars,
            "forward_to": recognition.forward_to,
            "disagreements": [d["criterion"] for d in disagreements],
            "not_counted": [m.user.username for m in not_counted],
        },
    )
    return round_dossier


@transaction.atomic
def council_conclude(
    *, actor, round_dossier: RoundDossier, conclusion: str, minutes: str, expected_version: int | None = None
) -> RoundDossier:
    """Record the council's conclusion with its minutes (*biên bản họp hội đồng*)."""
    round_dossier = _lock_round_dossier(round_dossier)
    _require_run(actor, round_dossier.round)
    _check_version(round_dossier, expected_version)
    if conclusion not in Conclusion.values:
        raise Invalid(_("Kết luận không hợp lệ."), code="conclusion_invalid")
    minutes = nfc(minutes)
    if not minutes:
        raise Invalid(_("Cần ghi biên bản họp Hội đồng."), code="minutes_required")
    if round_dossier.status != EvaluationStatus.SCORED:
        raise Conflict(_("Chỉ kết luận khi Hội đồng đã có kết quả chấm."), code="conclusion_needs_result")
    if conclusion == Conclusion.RECOGNISE and not round_dossier.recognised_stars:
        raise Invalid(_("Kết quả chấm không cho phép công nhận ở cấp này."), code="nothing_to_recognise")
    _move(
        round_dossier,
        EvaluationStatus.RECOGNITION_PROPOSED
        if conclusion == Conclusion.RECOGNISE
        else EvaluationStatus.NOT_RECOGNISED,
    )
    round_dossier.conclusion = conclusion
    round_dossier.minutes = minutes[:20000]
    round_dossier.concluded_by = actor
    round_dossier.concluded_at = timezone.now()
    round_dossier.version += 1
    round_dossier.save()
    if conclusion == Conclusion.NOT_RECOGNISE:
        dossier_gateway.mark_not_recognised(actor=actor, dossier=round_dossier.dossier)
    record_event(
        actor=actor,
        action="council.conclude",
        target=round_dossier,
        unit=round_dossier.round.unit,
        reason=shorten(minutes, 500),
        data={"conclusion": conclusion, "recognised_stars": round_dossier.recognised_stars},
    )
    return round_dossier


@transaction.atomic
def propose_upward(*, actor, round_dossier: RoundDossier, note: str = "") -> RoundDossier:
    """Send a product the duty table forwards to the next level (a province's ≥ 90 product to the central
    council as a 5★ candidate). Forwarding is recorded beside the status: the province still recognises its own
    star for the product."""
    round_dossier = _lock_round_dossier(round_dossier)
    _require_run(actor, round_dossier.round)
    if not round_dossier.forward_to:
        raise Invalid(_("Theo quy định, sản phẩm này không chuyển lên cấp trên."), code="nothing_to_forward")
    if round_dossier.status not in (EvaluationStatus.RECOGNITION_PROPOSED, EvaluationStatus.RECOGNISED):
        raise Conflict(
            _("Chỉ đề xuất lên cấp trên sau khi Hội đồng kết luận đề nghị công nhận."),
            code="forward_needs_conclusion",
        )
    if round_dossier.forwarded_at is not None:
        raise Conflict(_("Sản phẩm đã được đề xuất lên cấp trên."), code="already_forwarded")
    round_dossier.forwarded_at = timezone.now()
    round_dossier.forwarded_by = actor
    round_dossier.version += 1
    round_dossier.save(update_fields=["forwarded_at", "forwarded_by", "version"])
    dossier_gateway.mark_proposed_upward(
        actor=actor, dossier=round_dossier.dossier, level=round_dossier.forward_to
    )
    record_event(
        actor=actor,
        action="round_dossier.propose_upward",
        target=round_dossier,
        unit=round_dossier.round.unit,
        reason=nfc(note),
        data={"forward_to": round_dossier.forward_to, "proposed_stars": round_dossier.proposed_stars},
    )
    return round_dossier


@transaction.atomic
def mark_recognised(*, actor, round_dossier: RoundDossier, decision_number: str = "") -> RoundDossier:
    """After the recognition decision is approved (certification), the round dossier is recognised."""
    round_dossier = _lock_round_dossier(round_dossier)
    _require_run(actor, round_dossier.round)
    if round_dossier.status == EvaluationStatus.RECOGNISED:
        return round_dossier
    _move(round_dossier, EvaluationStatus.RECOGNISED)
    round_dossier.version += 1
    round_dossier.save(update_fields=["status", "version"])
    dossier_gateway.mark_recognised(
        actor=actor, dossier=round_dossier.dossier, level=round_dossier.round.level
    )
    record_event(
        actor=actor,
        action="round_dossier.recognised",
        target=round_dossier,
        unit=round_dossier.round.unit,
        data={"decision": decision_number, "stars": round_dossier.recognised_stars},
    )
    return round_dossier


# Paper sheets (issue 12) ------------------------------------------------------------------------------------
# For a product set whose rubric version has no digital sheet, each member's sheet is the part totals written
# on the paper sheet, with its scan. The member enters it, or the council secretary on their behalf (recorded
# in `entered_by`). The result, stars, level rules, conflicts, versions, revisions and audit are the digital
# sheet's; only criterion-level advice and the mandatory-criteria check are impossible (see rules.py).

SCAN_KINDS = ("pdf", "jpeg", "png")


def _require_mode(round_dossier: RoundDossier, mode: str) -> None:
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


def paper_parts(version, parts: Mapping[str, object]) -> dict[str, Decimal]:
    """The part totals as entered: every part of the version, each a number from 0 to the part's maximum with
    at most the version's decimals (a decimal comma is read as a point). Refused with a stable code otherwise."""
    unknown = [str(code) for code in parts if version.part(str(code)) is None]
    if unknown:
        raise Invalid(
            _("Phần không có trong bộ tiêu chí: %(parts)s.") % {"parts": ", ".join(unknown)},
            code="paper_part_unknown",
        )
    decimals = version.aggregation.decimals
    values: dict[str, Decimal] = {}
    for part in version.parts:
        raw = parts.get(part.code)
        text = "" if raw is None or isinstance(raw, bool) else str(raw).strip().replace(",", ".")
        if not text:
            raise Invalid(
                _("Chưa nhập tổng điểm phần %(part)s.") % {"part": part.code}, code="paper_part_missing"
            )
        try:
            value = Decimal(text)
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():
            raise Invalid(
                _("Tổng điểm phần %(part)s phải là một số; đã nhập «%(value)s».")
                % {"part": part.code, "value": text[:20]},
                code="paper_part_not_number",
            )
        if value < 0 or value > part.max_points:
            raise Invalid(
                _("Tổng điểm phần %(part)s phải từ 0 đến %(max)s; đã nhập %(value)s.")
                % {"part": part.code, "max": rules.plain(part.max_points), "value": text[:20]},
                code="paper_part_out_of_range",
            )
        if value != value.quantize(Decimal(1).scaleb(-decimals)):
            raise Invalid(
                _("Tổng điểm phần %(part)s có nhiều nhất %(decimals)s chữ số thập phân; đã nhập %(value)s.")
                % {"part": part.code, "decimals": decimals, "value": text[:20]},
                code="paper_part_precision",
            )
        values[part.code] = value
    return values


def _paper_member(actor, round_dossier: RoundDossier, on_behalf_of) -> CouncilMember:
    """The member whose paper sheet is entered: the actor's own, or (for the secretary) the member named."""
    if on_behalf_of is None or on_behalf_of.pk == actor.pk:
        return _member_for_scoring(actor, round_dossier)
    why = policies.why_not_enter_on_behalf(actor, round_dossier)
    if why:
        raise Forbidden(why, code="paper_on_behalf_forbidden")
    member = CouncilMember.objects.filter(council__round=round_dossier.round, user=on_behalf_of).first()
    if member is None or not member.scores:
        raise Invalid(
            _("%(name)s không phải thành viên chấm điểm của Hội đồng đợt này.") % {"name": on_behalf_of},
            code="not_a_member",
        )
    why = policies.why_not_score(on_behalf_of, round_dossier)
    if why:
        raise Forbidden(
            _("Không nhập được phiếu thay cho %(name)s: %(reason)s") % {"name": on_behalf_of, "reason": why},
            code="scoring_forbidden",
        )
    return member


def _paper_snapshot(sheet: ScoreSheet) -> dict:
    return {
        "mode": SheetMode.PAPER,
        "status": sheet.status,
        "parts": dict(sheet.parts),
        "total": rules.plain(sheet.total),
        "comment": sheet.comment,
        "scan": {"name": sheet.scan_name, "sha256": sheet.scan_sha256} if sheet.scan else None,
        "member": sheet.member.user.get_username(),
        "entered_by": sheet.entered_by.get_username() if sheet.entered_by else None,
        "version": sheet.version,
    }


def _write_paper(
    *,
    actor,
    round_dossier: RoundDossier,
    on_behalf_of,
    parts: Mapping[str, object] | None,
    expected_version: int,
    scan,
    comment: str | None,
    submit: bool,
) -> ScoreSheet:
    member = _paper_member(actor, round_dossier, on_behalf_of)
    _require_mode(round_dossier, SheetMode.PAPER)
    version = rules.loaded_version(round_dossier.round.rubric_version)
    sheet = _sheet_for_update(actor, round_dossier, member, expected_version)
    values = paper_parts(version, sheet.parts if parts is None and sheet.version else (parts or {}))
    checked = uploads.check_upload(scan, allowed=SCAN_KINDS) if scan is not None else None
    if submit and checked is None and not sheet.scan:
        raise Invalid(
            _("Phiếu giấy cần kèm bản quét (PDF, JPEG hoặc PNG) của phiếu đã ký trước khi nộp."),
            code="paper_scan_missing",
        )
    if not sheet.rubric_version.frozen:
        rubric_version_freeze(
            actor=actor, version=sheet.rubric_version, reason=_("Đã có phiếu chấm điểm theo bộ tiêu chí này.")
        )
    stored = None
    if checked is not None:
        stored = store(
            scan, folder="score-sheets", filename=checked.original_name, content_type=checked.kind.mime
        )
    try:
        sheet.mode = SheetMode.PAPER
        sheet.parts = {code: rules.plain(value) for code, value in values.items()}
        sheet.total = sum(values.values(), Decimal(0))
        if comment is not None:
            sheet.comment = nfc(comment)[:5000]
        if stored is not None and checked is not None:
            sheet.scan = stored.name
            sheet.scan_sha256 = stored.sha256
            sheet.scan_name = checked.original_name
            sheet.scan_content_type = checked.kind.mime
        sheet.entered_by = actor
        if submit:
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = timezone.now()
        sheet.updated_at = timezone.now()
        sheet.version += 1
        sheet.save()
        ScoreSheetRevision.objects.create(
            sheet=sheet,
            number=ScoreSheetRevision.objects.filter(sheet=sheet).count() + 1,
            status=sheet.status,
            snapshot=_paper_snapshot(sheet),
            saved_by=actor,
        )
        record_event(
            actor=actor,
            action="sheet.submit" if submit else "sheet.save",
            target=sheet,
            unit=round_dossier.round.unit,
            data={
                "round_dossier": round_dossier.pk,
                "mode": SheetMode.PAPER,
                "total": rules.plain(sheet.total),
                "parts": dict(sheet.parts),
                "version": sheet.version,
                "member": member.user.get_username(),
                "entered_by": actor.get_username(),
                "scan_sha256": sheet.scan_sha256,
            },
        )
    except Exception:
        if stored is not None:
            uploads.discard(stored.name)
        raise
    return sheet


@transaction.atomic
def sheet_paper_save(
    *,
    actor,
    round_dossier: RoundDossier,
    parts: Mapping[str, object],
    expected_version: int,
    scan=None,
    comment: str = "",
    on_behalf_of=None,
) -> ScoreSheet:
    """Save a paper sheet's part totals (and its scan, when given) as a draft; `on_behalf_of` names the member
    when the council secretary enters it for them."""
    round_dossier = RoundDossier.objects.select_related("round", "round__unit", "round__rubric_version").get(
        pk=round_dossier.pk
    )
    return _write_paper(
        actor=actor,
        round_dossier=round_dossier,
        on_behalf_of=on_behalf_of,
        parts=parts,
        expected_version=expected_version,
        scan=scan,
        comment=comment,
        submit=False,
    )


@transaction.atomic
def sheet_paper_submit(
    *,
    actor,
    round_dossier: RoundDossier,
    expected_version: int,
    parts: Mapping[str, object] | None = None,
    scan=None,
    comment: str | None = None,
    on_behalf_of=None,
) -> ScoreSheet:
    """Submit a paper sheet: every part total within its maximum and the scan attached, then locked; the
    council's running aggregate is recomputed as for a digital sheet."""
    round_dossier = _lock_round_dossier(round_dossier)
    sheet = _write_paper(
        actor=actor,
        round_dossier=round_dossier,
        on_behalf_of=on_behalf_of,
        parts=parts,
        expected_version=expected_version,
        scan=scan,
        comment=comment,
        submit=True,
    )
    _recompute_running(round_dossier)
    return sheet
