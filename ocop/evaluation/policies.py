"""Who may run a round, score a dossier, read sheets and record the council's result.

Officers with `RUN_EVALUATION` over the round's unit run it. Council members act through their seat on the
round's council: a scoring member scores the dossiers assigned to them (never one they are conflicted on, the
conflict read again at every step). Scoring is blind: no points of any kind reach anyone before the council's
result is computed; then members who submitted read it and the other members' sheets. The secretary and the
chair follow progress (states only) and read the council's result; the officers (the programme's standing
agency) compute it and record the conclusion, since those steps also move the cycle's dossier, which only
officers may do. Each `can_x` has its `why_not_x` for the page to say why a button is missing (HotCRP
`can_view_review` / `perm_view_review`).

`refusal_for(user, action, obj)` is the one place that says why an evaluation action is refused now (the
right, then the state of the round or dossier); the services raise what it returns, and `round_flags`,
`round_dossier_flags` and `sheet_flags` turn it into the `may_*` flags the pages, their templates and the API
show, so a button and the service behind it never disagree (the cycle's `policies.py` has the same shape).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, why_not
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.cycle import policies as cycle_policies
from ocop.cycle.guards import Refusal
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import selectors
from ocop.evaluation.models import (
    SCORING_ROLES,
    Assignment,
    ConflictOfInterest,
    Council,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    RoundDossier,
    RoundStatus,
    ScoreSheet,
    SelfAssessment,
    SheetMode,
    SheetStatus,
)
from ocop.evaluation.states import FORWARDABLE, RESULT_OPEN, ROUND_TRANSITIONS
from ocop.producers.policies import acts_for
from ocop.rubrics.selectors import sheet_mode

# Council roles that follow progress and read the council's result beside the officers.
STEERING_ROLES = frozenset({CouncilRole.CHAIR, CouncilRole.SECRETARY})


def seat(user, evaluation_round: EvaluationRound) -> CouncilMember | None:
    """The user's seat on the round's council, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_ocop_seats", None)
    if cache is None:
        cache = user._ocop_seats = {}
    if evaluation_round.pk not in cache:
        cache[evaluation_round.pk] = (
            CouncilMember.objects.filter(council__round=evaluation_round, user=user)
            .select_related("council")
            .first()
        )
    return cache[evaluation_round.pk]


def forget_seats(user) -> None:
    if hasattr(user, "_ocop_seats"):
        del user._ocop_seats


# Running a round ------------------------------------------------------------------------------------------


def why_not_run(user, evaluation_round: EvaluationRound) -> str | None:
    return why_not(user, Capability.RUN_EVALUATION, evaluation_round.unit)


def can_run(user, evaluation_round: EvaluationRound) -> bool:
    return why_not_run(user, evaluation_round) is None


def can_view_round(user, evaluation_round: EvaluationRound) -> bool:
    return can_run(user, evaluation_round) or seat(user, evaluation_round) is not None


def why_not_steer(user, evaluation_round: EvaluationRound) -> str | None:
    """Follow progress (who has scored what) and read the council's result."""
    if can_run(user, evaluation_round):
        return None
    member = seat(user, evaluation_round)
    if member is not None and member.role in STEERING_ROLES:
        return None
    return why_not_run(user, evaluation_round) or _(
        "Chỉ Chủ tịch, Thư ký Hội đồng hoặc cán bộ tổ chức đợt được làm việc này."
    )


def can_steer(user, evaluation_round: EvaluationRound) -> bool:
    return why_not_steer(user, evaluation_round) is None


# Scoring ----------------------------------------------------------------------------------------------------


def is_conflicted(user, round_dossier: RoundDossier) -> bool:
    """A conflict recorded for the user, or, for a council seat, one the data shows now (a member who joined
    the producer after being assigned)."""
    if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user=user).exists():
        return True
    member = seat(user, round_dossier.round)
    return member is not None and bool(selectors.detected_reasons(member, round_dossier))


def why_not_score(user, round_dossier: RoundDossier) -> str | None:
    """Why the user may not open or change their sheet for this dossier; None when they may."""
    evaluation_round = round_dossier.round
    if not getattr(user, "is_authenticated", False):
        return _("Bạn cần đăng nhập.")
    if not can(user, Capability.SCORE, evaluation_round.unit):
        return _("Bạn không phải thành viên Hội đồng đánh giá của đơn vị này.")
    member = seat(user, evaluation_round)
    if member is None or not member.scores:
        return _("Bạn không có tên trong Hội đồng chấm điểm của đợt này.")
    if is_conflicted(user, round_dossier):
        return _("Bạn có xung đột lợi ích với hồ sơ này nên không chấm điểm.")
    if not Assignment.objects.filter(round_dossier=round_dossier, member=member).exists():
        return _("Hồ sơ này chưa được phân công cho bạn.")
    if evaluation_round.status != RoundStatus.SCORING:
        return _("Đợt đánh giá không ở giai đoạn chấm điểm.")
    if round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        return _("Hội đồng đã có kết quả cho hồ sơ này; không chấm thêm.")
    return None


def can_score(user, round_dossier: RoundDossier) -> bool:
    return why_not_score(user, round_dossier) is None


def has_submitted(user, round_dossier: RoundDossier) -> bool:
    return ScoreSheet.objects.filter(
        round_dossier=round_dossier, member__user=user, status=SheetStatus.SUBMITTED
    ).exists()


def can_view_round_dossier(user, round_dossier: RoundDossier) -> bool:
    """Officers of the round, the steering members, and members assigned or conflicted on it."""
    evaluation_round = round_dossier.round
    if can_steer(user, evaluation_round):
        return True
    member = seat(user, evaluation_round)
    if member is None:
        return False
    return (
        Assignment.objects.filter(round_dossier=round_dossier, member=member).exists()
        or ConflictOfInterest.objects.filter(round_dossier=round_dossier, user=user).exists()
    )


def why_not_view_result(user, round_dossier: RoundDossier) -> str | None:
    """Scoring is blind: no one reads points of any kind (a running mean, totals, other members' sheets)
    before the council's result is computed. Then the officers of the round, the chair and the secretary,
    and the members who submitted their own sheet read it; never a member conflicted on the dossier."""
    if round_dossier.result_at is None:
        return _("Hội đồng chưa tổng hợp kết quả; điểm chưa được công bố.")
    if can_run(user, round_dossier.round):
        return None
    if is_conflicted(user, round_dossier):
        return _("Bạn có xung đột lợi ích với hồ sơ này.")
    if can_steer(user, round_dossier.round) or has_submitted(user, round_dossier):
        return None
    return _("Bạn xem kết quả của Hội đồng sau khi nộp phiếu của mình.")


def can_view_result(user, round_dossier: RoundDossier) -> bool:
    return why_not_view_result(user, round_dossier) is None


def why_not_view_sheet(user, sheet: ScoreSheet) -> str | None:
    """A member sees their own sheet; another member's, a submitted one, only with the council's result (see
    `why_not_view_result`): reading a colleague's points before then would break blind scoring."""
    if sheet.member.user_id == getattr(user, "pk", None):
        return None
    if sheet.status != SheetStatus.SUBMITTED:
        return _("Phiếu này chưa được nộp.")
    return why_not_view_result(user, sheet.round_dossier)


def can_view_sheet(user, sheet: ScoreSheet) -> bool:
    return why_not_view_sheet(user, sheet) is None


def why_not_view_progress(user, evaluation_round: EvaluationRound) -> str | None:
    return why_not_steer(user, evaluation_round)


def why_not_declare_conflict(user, round_dossier: RoundDossier, person) -> str | None:
    """A member declares their own conflicts; an officer of the round records anyone's."""
    if can_run(user, round_dossier.round):
        return None
    if person is not None and person.pk != getattr(user, "pk", None):
        return _("Bạn chỉ khai báo xung đột lợi ích của chính mình.")
    if seat(user, round_dossier.round) is None:
        return _("Bạn không có tên trong Hội đồng của đợt này.")
    return None


# Paper sheets (issue 12) ----------------------------------------------------------------------------------


def why_not_enter_on_behalf(user, round_dossier: RoundDossier) -> str | None:
    """The council secretary enters members' paper sheets for them (the minutes' secretary keeps the papers);
    never on a dossier they are conflicted on, and only while the dossier is being scored."""
    member = seat(user, round_dossier.round)
    if member is None or member.role != CouncilRole.SECRETARY:
        return _("Chỉ Thư ký Hội đồng được nhập phiếu giấy thay cho thành viên khác.")
    if is_conflicted(user, round_dossier):
        return _("Bạn có xung đột lợi ích với hồ sơ này nên không nhập phiếu.")
    if round_dossier.round.status != RoundStatus.SCORING:
        return _("Đợt đánh giá không ở giai đoạn chấm điểm.")
    if round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        return _("Hội đồng đã có kết quả cho hồ sơ này; không chấm thêm.")
    return None


def can_enter_on_behalf(user, round_dossier: RoundDossier) -> bool:
    return why_not_enter_on_behalf(user, round_dossier) is None


def why_not_view_scan(user, sheet: ScoreSheet) -> str | None:
    """The scan goes with the sheet: whoever may read the sheet, and the secretary who entered it."""
    if sheet.entered_by_id is not None and sheet.entered_by_id == getattr(user, "pk", None):
        return None
    return why_not_view_sheet(user, sheet)


# One place for every refusal -------------------------------------------------------------------------------


def _forbidden(reason: str | None, code: str = "evaluation_forbidden") -> Refusal | None:
    return Refusal(Forbidden, code, reason) if reason else None


def _run_refusal(user, evaluation_round: EvaluationRound) -> Refusal | None:
    return _forbidden(why_not_run(user, evaluation_round))


def _open_round_refusal(user, evaluation_round: EvaluationRound) -> Refusal | None:
    refusal = _run_refusal(user, evaluation_round)
    if refusal is None and evaluation_round.status == RoundStatus.CLOSED:
        return Refusal(Conflict, "round_closed", _("Đợt đánh giá đã kết thúc."))
    return refusal


def _council_missing(evaluation_round: EvaluationRound) -> Refusal | None:
    if Council.objects.filter(round=evaluation_round).exists():
        return None
    return Refusal(Invalid, "council_missing", _("Đợt đánh giá chưa có Hội đồng."))


def _refuse_set_up_council(user, evaluation_round: EvaluationRound) -> Refusal | None:
    refusal = _open_round_refusal(user, evaluation_round)
    if refusal is None and Council.objects.filter(round=evaluation_round).exists():
        return Refusal(Conflict, "council_exists", _("Đợt đánh giá này đã có Hội đồng."))
    return refusal


def _refuse_with_council(user, evaluation_round: EvaluationRound) -> Refusal | None:
    return _open_round_refusal(user, evaluation_round) or _council_missing(evaluation_round)


def _bad_move(evaluation_round: EvaluationRound, to: str) -> Refusal | None:
    if to in ROUND_TRANSITIONS.get(evaluation_round.status, frozenset()):
        return None
    return Refusal(
        Conflict,
        "round_bad_transition",
        _("Đợt đánh giá đang «%(status)s», không chuyển được sang «%(to)s».")
        % {"status": evaluation_round.get_status_display(), "to": RoundStatus(to).label},
    )


def _refuse_start_scoring(user, evaluation_round: EvaluationRound) -> Refusal | None:
    refusal = _run_refusal(user, evaluation_round) or _bad_move(evaluation_round, RoundStatus.SCORING)
    if refusal is not None:
        return refusal
    council = Council.objects.filter(round=evaluation_round).first()
    scorers = 0 if council is None else council.members.filter(role__in=SCORING_ROLES).count()
    if scorers < evaluation_round.min_sheets:
        return Refusal(
            Invalid,
            "council_too_small",
            _("Hội đồng cần ít nhất %(count)s thành viên chấm điểm trước khi bắt đầu chấm.")
            % {"count": evaluation_round.min_sheets},
        )
    return None


def _refuse_close(user, evaluation_round: EvaluationRound) -> Refusal | None:
    refusal = _run_refusal(user, evaluation_round) or _bad_move(evaluation_round, RoundStatus.CLOSED)
    if refusal is not None:
        return refusal
    pending = evaluation_round.dossiers.filter(status__in=RESULT_OPEN).count()
    if pending:
        return Refusal(
            Invalid,
            "round_has_open_dossiers",
            _("Còn %(count)s hồ sơ chưa có kết luận của Hội đồng.") % {"count": pending},
        )
    return None


# The action each state a round may be moved to takes (`round_advance`).
ADVANCE_ACTIONS: dict[str, str] = {RoundStatus.SCORING: "start_scoring", RoundStatus.CLOSED: "close"}


def _refuse_score(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _forbidden(why_not_score(user, round_dossier), "scoring_forbidden")
    if refusal is None and has_submitted(user, round_dossier):
        return Refusal(Conflict, "sheet_already_submitted", _("Phiếu đã nộp, không sửa được nữa."))
    return refusal


def declare_conflict_refusal(user, round_dossier: RoundDossier, person) -> Refusal | None:
    """`user` records a conflict of `person` (themselves, or a member when an officer records it)."""
    refusal = _forbidden(why_not_declare_conflict(user, round_dossier, person))
    if refusal is not None:
        return refusal
    if round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        return Refusal(Conflict, "conflict_too_late", _("Hội đồng đã có kết quả cho hồ sơ này."))
    if seat(person, round_dossier.round) is None:
        return Refusal(Invalid, "not_a_member", _("Người này không có tên trong Hội đồng của đợt."))
    if ConflictOfInterest.objects.filter(round_dossier=round_dossier, user=person).exists():
        return Refusal(Conflict, "conflict_exists", _("Xung đột lợi ích này đã được ghi nhận."))
    return None


def _refuse_compute(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _run_refusal(user, round_dossier.round)
    if refusal is None and round_dossier.status not in RESULT_OPEN:
        return Refusal(Conflict, "result_already_concluded", _("Hội đồng đã kết luận về hồ sơ này."))
    # The result also takes the dossier's cycle step «score», which the cycle gives to the evaluating level.
    return refusal or dossier_gateway.step_refusal(user, round_dossier.dossier, "score")


def _refuse_conclude(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _run_refusal(user, round_dossier.round)
    if refusal is None and round_dossier.status != EvaluationStatus.SCORED:
        return Refusal(
            Conflict, "conclusion_needs_result", _("Chỉ kết luận khi Hội đồng đã có kết quả chấm.")
        )
    return refusal


def _refuse_propose(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _run_refusal(user, round_dossier.round)
    if refusal is not None:
        return refusal
    if not round_dossier.forward_to:
        return Refusal(
            Invalid, "nothing_to_forward", _("Theo quy định, sản phẩm này không chuyển lên cấp trên.")
        )
    if round_dossier.status not in FORWARDABLE:
        return Refusal(
            Conflict,
            "forward_needs_conclusion",
            _("Chỉ đề xuất lên cấp trên sau khi Hội đồng kết luận đề nghị công nhận."),
        )
    if round_dossier.forwarded_at is not None:
        return Refusal(Conflict, "already_forwarded", _("Sản phẩm đã được đề xuất lên cấp trên."))
    return dossier_gateway.step_refusal(user, round_dossier.dossier, "propose_central")


def _refuse_assign(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _run_refusal(user, round_dossier.round)
    if refusal is None and round_dossier.status != EvaluationStatus.UNDER_EVALUATION:
        return Refusal(Conflict, "assignment_too_late", _("Hội đồng đã có kết quả cho hồ sơ này."))
    return refusal


def _refuse_enter_on_behalf(user, round_dossier: RoundDossier) -> Refusal | None:
    refusal = _forbidden(why_not_enter_on_behalf(user, round_dossier), "paper_on_behalf_forbidden")
    if refusal is None and selectors.sheet_mode_of(round_dossier) != SheetMode.PAPER:
        return Refusal(
            Invalid,
            "sheet_is_digital",
            _("Bộ sản phẩm %(set)s đã có phiếu điện tử: hãy chấm theo từng tiêu chí trên phiếu điện tử.")
            % {"set": dossier_gateway.product_set_code_of(round_dossier.dossier)},
        )
    return refusal


_ROUND_ACTIONS: dict[str, Callable[..., Refusal | None]] = {
    "run": _run_refusal,
    "steer": lambda user, rnd: _forbidden(why_not_steer(user, rnd)),
    "set_up_council": _refuse_set_up_council,
    "add_member": _refuse_with_council,
    "add_dossier": _open_round_refusal,
    "assign_all": _refuse_with_council,
    "start_scoring": _refuse_start_scoring,
    "close": _refuse_close,
}

_ROUND_DOSSIER_ACTIONS: dict[str, Callable[..., Refusal | None]] = {
    "score": _refuse_score,
    "declare_conflict": lambda user, rd: declare_conflict_refusal(user, rd, user),
    "view_result": lambda user, rd: _forbidden(why_not_view_result(user, rd), "result_not_visible"),
    "enter_on_behalf": _refuse_enter_on_behalf,
    "assign": _refuse_assign,
    "compute_result": _refuse_compute,
    "conclude": _refuse_conclude,
    "propose": _refuse_propose,
    "recognise": lambda user, rd: _run_refusal(user, rd.round),
}


# Self-assessment and the help team's pre-check (issue 18) ------------------------------------------------


def _self_assessment_of(dossier) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(dossier_id=dossier.pk).first()


def _refuse_self_assess(user, dossier) -> Refusal | None:
    """The producer's people fill the self-assessment of their own dossier, on the digital sheet of its set,
    while they hold the dossier (a draft or one sent back) and until they submit the self-assessment."""
    if not acts_for(user, dossier.producer_id):
        return Refusal(
            Forbidden,
            "self_assessment_not_yours",
            _("Chỉ chủ thể sở hữu hồ sơ mới tự đánh giá sản phẩm của hồ sơ này."),
        )
    product_set = dossier_gateway.product_set_code_of(dossier)
    if sheet_mode(dossier.rubric_version, product_set) != SheetMode.DIGITAL:
        return Refusal(
            Invalid,
            "self_assessment_paper_mode",
            _(
                "Bộ tiêu chí %(version)s chưa có phiếu điện tử cho bộ sản phẩm %(set)s: hãy tải lên báo cáo tự đánh giá trong thành phần hồ sơ."
            )
            % {"version": dossier.rubric_version.code, "set": product_set},
        )
    existing = _self_assessment_of(dossier)
    if existing is not None and existing.is_submitted:
        return Refusal(
            Conflict, "self_assessment_submitted", _("Phiếu tự đánh giá đã nộp, không sửa được nữa.")
        )
    if not cycle_policies.may_edit(user, dossier):
        return Refusal(
            Conflict,
            "self_assessment_dossier_submitted",
            _("Hồ sơ đã nộp, phiếu tự đánh giá không sửa được nữa."),
        )
    return None


def _refuse_precheck(user, dossier) -> Refusal | None:
    """The help team over the dossier's unit checks the claims of a submitted self-assessment of a submitted
    dossier, until the council has a result for it."""
    if not can(user, Capability.PRECHECK, dossier.unit):
        return _forbidden(
            why_not(user, Capability.PRECHECK, dossier.unit) or _("Vai trò của bạn không có quyền này."),
            "precheck_forbidden",
        )
    existing = _self_assessment_of(dossier)
    if dossier.submitted_at is None or existing is None or not existing.is_submitted:
        return Refusal(
            Invalid,
            "precheck_not_ready",
            _("Hồ sơ chưa được nộp hoặc chủ thể chưa nộp phiếu tự đánh giá."),
        )
    if RoundDossier.objects.filter(dossier_id=dossier.pk, result_at__isnull=False).exists():
        return Refusal(Conflict, "precheck_too_late", _("Hội đồng đã có kết quả cho hồ sơ này."))
    return None


_DOSSIER_ACTIONS: dict[str, Callable[..., Refusal | None]] = {
    "self_assess": _refuse_self_assess,
    "precheck": _refuse_precheck,
}


def self_assessment_flags(user, dossier) -> dict[str, bool]:
    return {"may_edit": may(user, "self_assess", dossier), "may_precheck": may(user, "precheck", dossier)}


def refusal_for(user, action: str, obj) -> Refusal | None:
    """Why `user` may not do `action` on `obj` now, or None when allowed. `obj` is the unit for
    `create_round`, a round for the round's actions, a round dossier for the dossier's actions, a cycle dossier
    for the self-assessment's."""
    if action in _DOSSIER_ACTIONS:
        return _DOSSIER_ACTIONS[action](user, obj)
    if action == "create_round":
        return _forbidden(
            None
            if can(user, Capability.RUN_EVALUATION, obj)
            else _("Bạn không có quyền tổ chức đợt đánh giá tại đơn vị này.")
        )
    if action in _ROUND_ACTIONS:
        return _ROUND_ACTIONS[action](user, obj)
    if action in _ROUND_DOSSIER_ACTIONS:
        return _ROUND_DOSSIER_ACTIONS[action](user, obj)
    raise ValueError(f"unknown evaluation action {action!r}")


def require(user, action: str, obj) -> None:
    """Raise the refusal of `action`, if any (the services' first step)."""
    refusal = refusal_for(user, action, obj)
    if refusal is not None:
        refusal.raise_it()


def may(user, action: str, obj) -> bool:
    return refusal_for(user, action, obj) is None


# The flags pages, templates and the API show ---------------------------------------------------------------


def can_create_round(user) -> bool:
    """Whether to offer "create a round" at all: the user runs evaluations somewhere."""
    return has_capability(user, Capability.RUN_EVALUATION)


def next_states(user, evaluation_round: EvaluationRound) -> list[RoundStatus]:
    """The states the user may move the round to now."""
    return [RoundStatus(to) for to, action in ADVANCE_ACTIONS.items() if may(user, action, evaluation_round)]


def round_flags(user, evaluation_round: EvaluationRound) -> dict[str, bool]:
    flags = {f"may_{action}": may(user, action, evaluation_round) for action in _ROUND_ACTIONS}
    flags["may_view_progress"] = flags["may_steer"]
    return flags


def round_dossier_flags(user, round_dossier: RoundDossier) -> dict[str, bool]:
    flags = {
        f"may_{action}": may(user, action, round_dossier)
        for action in _ROUND_DOSSIER_ACTIONS
        if action != "recognise"  # taken by the certification's decision, never offered on its own
    }
    # Computing also needs every assigned member's sheet in (the service counts them again after reading the
    # conflicts anew, so a conflict detected only then can still refuse it, with the names).
    flags["may_compute_result"] = flags["may_compute_result"] and _sheets_in(round_dossier)
    flags["may_run"] = can_run(user, round_dossier.round)
    flags["may_steer"] = can_steer(user, round_dossier.round)
    return flags


def _sheets_in(round_dossier: RoundDossier) -> bool:
    counted = len(selectors.counted_sheets(round_dossier))
    return counted >= round_dossier.round.min_sheets and not selectors.missing_sheets(round_dossier)


def sheet_flags(
    user, round_dossier: RoundDossier, sheet: ScoreSheet | None, member_user=None
) -> dict[str, bool]:
    """`may_edit` / `may_submit` of a sheet: a draft (or none yet) that the user scores, or, for the council
    secretary entering a paper sheet for `member_user`, that the member may be scored for and they may enter."""
    if member_user is None or member_user.pk == getattr(user, "pk", None):
        allowed = can_score(user, round_dossier)
    else:
        allowed = may(user, "enter_on_behalf", round_dossier) and can_score(member_user, round_dossier)
    editable = allowed and (sheet is None or sheet.status == SheetStatus.DRAFT)
    return {"may_edit": editable, "may_submit": editable}
