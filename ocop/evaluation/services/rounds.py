"""A round's lifecycle: created over a unit, moved from preparing to scoring to closed, dossiers gathered into it.

Each function is one action in one transaction: it asks `policies.refusal_for`, writes, and records an audit
event.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.accounts.policies import covers
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid, NotFound
from ocop.core.text import nfc
from ocop.cycle.programme import FIRST_YEAR
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules
from ocop.evaluation.models import (
    Council,
    EvaluationRound,
    EvaluationStatus,
    RoundDossier,
    RoundStatus,
)
from ocop.evaluation.services.common import check_version
from ocop.evaluation.services.council import detect_conflicts
from ocop.evaluation.states import ROUND_TRANSITIONS
from ocop.rubrics import engine
from ocop.rubrics.issues import ScoringError

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
    policies.require(actor, "create_round", unit)
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
    policies.require(actor, "run", evaluation_round)
    check_version(evaluation_round, expected_version)
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
    # Starting to score needs the council's scorers; closing needs every dossier concluded.
    policies.require(actor, policies.ADVANCE_ACTIONS[to], evaluation_round)
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


# Dossiers in a round ----------------------------------------------------------------------------------------


@transaction.atomic
def round_dossier_add(*, actor, evaluation_round: EvaluationRound, dossier) -> RoundDossier:
    """Gather a dossier accepted for evaluation (or, for a higher level, one proposed up to it) into the round."""
    evaluation_round = (
        EvaluationRound.objects.select_for_update().select_related("unit").get(pk=evaluation_round.pk)
    )
    policies.require(actor, "add_dossier", evaluation_round)
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
        dossier_gateway.dossier_mark_under_evaluation(actor=actor, dossier=dossier)
    record_event(
        actor=actor,
        action="round.dossier_add",
        target=round_dossier,
        unit=producer.unit,
        data={"round": evaluation_round.pk, "dossier": dossier.pk},
    )
    council = Council.objects.filter(round=evaluation_round).first()
    if council is not None:
        detect_conflicts(actor=actor, round_dossier=round_dossier, members=list(council.members.all()))
    return round_dossier
