"""The council's result: computed from the counted sheets, concluded with minutes, proposed upward, recognised.

The result is computed by the rubric engine under a lock on the round dossier, after the conflicts of every
member holding an assignment or a sheet are read again. Its explanation is stored as facts and said in the
reader's language when read (`ocop.evaluation.explanations`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Invalid
from ocop.core.text import nfc, shorten
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import explanations, policies, rules, selectors
from ocop.evaluation.models import Conclusion, EvaluationStatus, RoundDossier, SheetMode
from ocop.evaluation.services.common import check_version, lock_round_dossier
from ocop.evaluation.services.council import recheck_conflicts
from ocop.evaluation.states import move
from ocop.rubrics import engine
from ocop.rubrics.issues import ScoringError


@transaction.atomic
def council_result_compute(*, actor, round_dossier: RoundDossier) -> RoundDossier:
    """The council's result from the submitted sheets, by the rubric engine, under a lock on the round dossier."""
    round_dossier = lock_round_dossier(round_dossier)
    evaluation_round = round_dossier.round
    policies.require(actor, "compute_result", round_dossier)
    not_counted = recheck_conflicts(actor=actor, round_dossier=round_dossier)
    sheets = selectors.counted_sheets(round_dossier)
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
    move(round_dossier, EvaluationStatus.SCORED)
    round_dossier.mean_score = council_score.total
    round_dossier.band_stars = council_score.band.stars
    round_dossier.eligible_stars = council_score.eligible_stars
    round_dossier.recognised_stars = recognition.recognised_stars
    round_dossier.forward_to = recognition.forward_to or ""
    round_dossier.proposed_stars = recognition.proposed_stars
    round_dossier.explanation_facts = explanations.facts(
        version, council_score, recognition, evaluation_round, names, paper=paper, not_counted=not_counted
    )
    round_dossier.disagreements = disagreements
    round_dossier.result_at = timezone.now()
    round_dossier.submitted_sheets = len(sheets)
    round_dossier.running_mean = council_score.total
    round_dossier.version += 1
    round_dossier.save()
    dossier_gateway.dossier_mark_scored(actor=actor, dossier=round_dossier.dossier)
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
    round_dossier = lock_round_dossier(round_dossier)
    policies.require(actor, "conclude", round_dossier)
    check_version(round_dossier, expected_version)
    if conclusion not in Conclusion.values:
        raise Invalid(_("Kết luận không hợp lệ."), code="conclusion_invalid")
    minutes = nfc(minutes)
    if not minutes:
        raise Invalid(_("Cần ghi biên bản họp Hội đồng."), code="minutes_required")
    if conclusion == Conclusion.RECOGNISE and not round_dossier.recognised_stars:
        raise Invalid(_("Kết quả chấm không cho phép công nhận ở cấp này."), code="nothing_to_recognise")
    move(
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
        dossier_gateway.dossier_mark_not_recognised(actor=actor, dossier=round_dossier.dossier)
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
def round_dossier_propose_upward(*, actor, round_dossier: RoundDossier, note: str = "") -> RoundDossier:
    """Send a product the duty table forwards to the next level (a province's ≥ 90 product to the central
    council as a 5★ candidate). Forwarding is recorded beside the status: the province still recognises its own
    star for the product."""
    round_dossier = lock_round_dossier(round_dossier)
    policies.require(actor, "propose", round_dossier)
    round_dossier.forwarded_at = timezone.now()
    round_dossier.forwarded_by = actor
    round_dossier.version += 1
    round_dossier.save(update_fields=["forwarded_at", "forwarded_by", "version"])
    dossier_gateway.dossier_mark_proposed_upward(
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
def round_dossier_mark_recognised(
    *, actor, round_dossier: RoundDossier, decision_number: str = ""
) -> RoundDossier:
    """After the recognition decision is approved (certification), the round dossier is recognised."""
    round_dossier = lock_round_dossier(round_dossier)
    policies.require(actor, "recognise", round_dossier)
    if round_dossier.status == EvaluationStatus.RECOGNISED:
        return round_dossier
    move(round_dossier, EvaluationStatus.RECOGNISED)
    round_dossier.version += 1
    round_dossier.save(update_fields=["status", "version"])
    dossier_gateway.dossier_mark_recognised(
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
