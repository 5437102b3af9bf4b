"""A decision follows its council: which council result supports a decision item, and who may not check it.

An item (first certification, upgrade or re-evaluation) needs a round dossier of the same product, in a round of
the authority's own unit, that the council concluded with "recognise" (status `recognition_proposed`), whose
recognised stars are at least the item's, at a level that may recognise those stars. The level's stars are read
from the duty table of the round's loaded rubric version on the round's `held_on` (as the evaluation engine
read them when it computed the result), never from code.

The same checks run when the draft is made and again when it is approved: the record may have changed between.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.evaluation import rules as evaluation_rules
from ocop.evaluation.models import Conclusion, EvaluationStatus, RoundDossier, ScoreSheet
from ocop.producers.models import ProducerMember
from ocop.rubrics.engine import duty_period_on
from ocop.rubrics.issues import RubricError

Problem = tuple[str, str]


def proposals_for(authority, product, dossier_id: int | None = None):
    """The council results of this authority's unit still waiting for a decision on `product`, newest first."""
    found = RoundDossier.objects.filter(
        dossier__product=product,
        status=EvaluationStatus.RECOGNITION_PROPOSED,
        conclusion=Conclusion.RECOGNISE,
        round__unit_id=authority.unit_id,
    ).select_related("round__rubric_version", "dossier")
    if dossier_id is not None:
        found = found.filter(dossier_id=dossier_id)
    return found.order_by("-concluded_at", "-id")


def level_recognises(round_dossier: RoundDossier) -> tuple[int, ...]:
    """The stars the round's level may recognise on the day the council met (the rubric's duty table)."""
    evaluation_round = round_dossier.round
    try:
        version = evaluation_rules.loaded_version(evaluation_round.rubric_version)
        duty = duty_period_on(version, evaluation_round.held_on).duty(evaluation_round.level)
    except RubricError:
        return ()
    return tuple(duty.recognises) if duty is not None else ()


def support_problem(round_dossier: RoundDossier | None, product, stars: int) -> Problem | None:
    """Why this council result cannot carry an item of `stars` for `product` (None: it can)."""
    if round_dossier is None:
        return "no_council_result", _(
            "Sản phẩm '%(product)s' chưa có kết quả hội đồng đề nghị công nhận (đợt đánh giá đã kết luận) "
            "của cơ quan này."
        ) % {"product": product.name}
    council_stars = round_dossier.recognised_stars or 0
    if stars > council_stars:
        return "stars_above_council", _(
            "Sản phẩm '%(product)s': hội đồng công nhận %(council)s sao, quyết định không được ghi %(stars)s sao."
        ) % {"product": product.name, "council": council_stars, "stars": stars}
    if stars not in level_recognises(round_dossier):
        return "stars_not_for_round_level", _(
            "Sản phẩm '%(product)s': cấp của đợt đánh giá không được công nhận hạng %(stars)s sao."
        ) % {"product": product.name, "stars": stars}
    return None


def supporting(authority, product, stars: int, dossier_id: int | None = None):
    """(round dossier, problem): the newest council result that carries the item, or the reason none does."""
    candidates = list(proposals_for(authority, product, dossier_id))
    first_problem = support_problem(None, product, stars)
    for candidate in candidates:
        problem = support_problem(candidate, product, stars)
        if problem is None:
            return candidate, None
        if first_problem[0] == "no_council_result":
            first_problem = problem
    return None, first_problem


def checker_problem(user, item, round_dossier: RoundDossier | None) -> Problem | None:
    """Why `user` may not approve this item: a member of the producer, or a scorer of it in that round."""
    product = item.product
    if ProducerMember.objects.filter(producer_id=product.producer_id, user_id=user.pk).exists():
        return "checker_is_producer_member", _(
            "Người duyệt là thành viên của chủ thể có sản phẩm '%(product)s'."
        ) % {"product": product.name}
    if (
        round_dossier is not None
        and ScoreSheet.objects.filter(round_dossier=round_dossier, member__user_id=user.pk).exists()
    ):
        return "checker_scored_product", _(
            "Người duyệt đã chấm điểm sản phẩm '%(product)s' trong đợt đánh giá này."
        ) % {"product": product.name}
    return None
