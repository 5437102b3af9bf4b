"""Who may run a round, score a dossier, read sheets and record the council's result.

Officers with `RUN_EVALUATION` over the round's unit run it. Council members act through their seat on the
round's council: a scoring member scores the dossiers assigned to them (never one they are conflicted on, the
conflict read again at every step). Scoring is blind: no points of any kind reach anyone before the council's
result is computed; then members who submitted read it and the other members' sheets. The secretary and the
chair follow progress (states only) and read the council's result; the officers (the programme's standing
agency) compute it and record the conclusion, since those steps also move the cycle's dossier, which only
officers may do. Each `can_x` has its `why_not_x` for the page to say why a button is missing (HotCRP
`can_view_review` / `perm_view_review`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, why_not
from ocop.evaluation import conflicts
from ocop.evaluation.models import (
    Assignment,
    ConflictOfInterest,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    RoundDossier,
    RoundStatus,
    ScoreSheet,
    SheetStatus,
)

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
    return member is not None and bool(conflicts.detected_reasons(member, round_dossier))


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
