"""The one place where evaluation reads and moves the cycle's dossiers.

Rounds gather dossiers the cycle accepted for evaluation. The states after acceptance are rows of the cycle's
own state table (`ocop/cycle/data/routing.yaml`: under_evaluation, scored, proposed_to_central, recognised,
not_recognised) and are moved through `cycle.services.dossier_transition`, so the cycle's role checks, history
and notifications apply. A step that does not apply to the dossier's state (a central round works on a dossier
that stays "proposed to central") is skipped here; the round's own record keeps the detail.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ocop.accounts.policies import covers
from ocop.cycle import notifications
from ocop.cycle import selectors as cycle_selectors
from ocop.cycle import services as cycle_services
from ocop.cycle.models import Dossier
from ocop.cycle.states import DOSSIER
from ocop.cycle.workflow import workflow
from ocop.evaluation.models import EvaluationStatus

ACCEPTED = DOSSIER.accepted
PROPOSED_TO_CENTRAL = DOSSIER.proposed_to_central
WITHDRAWN = DOSSIER.withdrawn


def producer_of(dossier):
    return dossier.producer


def product_of(dossier):
    return dossier.product


def product_set_code_of(dossier) -> str:
    return dossier.product.product_set.code


def rubric_version_id_of(dossier) -> int:
    return dossier.rubric_version_id


def is_ready_for_evaluation(dossier) -> bool:
    return dossier.status == ACCEPTED


def dossier_get(user, dossier_id: int):
    return cycle_selectors.dossier_get(user, dossier_id)


def dossiers_ready_for(user, evaluation_round) -> list:
    """Dossiers the officer may gather into the round: accepted for this level's evaluation (or proposed up to
    it), on the round's rubric version, in the round's unit, not in the round yet."""
    from ocop.evaluation.models import RoundDossier

    visible: QuerySet = cycle_selectors.dossiers_visible_to(user).filter(
        rubric_version_id=evaluation_round.rubric_version_id
    )
    proposed = RoundDossier.objects.filter(
        forwarded_at__isnull=False, forward_to=evaluation_round.level
    ).values("dossier_id")
    ready = visible.filter(status=ACCEPTED) | visible.filter(status=PROPOSED_TO_CENTRAL, pk__in=proposed)
    taken = RoundDossier.objects.filter(round=evaluation_round).values("dossier_id")
    rows = ready.exclude(pk__in=taken).select_related("producer__unit", "product").order_by("pk")[:500]
    return [d for d in rows if covers(evaluation_round.unit, d.producer.unit)]


def _move(*, actor, dossier, action: str) -> bool:
    """Take the cycle transition `action` if the dossier's current state has it; True when it moved."""
    status = Dossier.objects.filter(pk=dossier.pk).values_list("status", flat=True).first()
    if status is None or workflow(Dossier.WORKFLOW).find(action, status) is None:
        return False
    cycle_services.dossier_transition(actor=actor, dossier=dossier, action=action)
    return True


def step_refusal(user, dossier, action: str):
    """Why `user` may not take the cycle step `action` that an evaluation action takes on `dossier`, as the
    cycle's policy says it (`ocop.cycle.policies.refusal_for`); None when allowed, or when the dossier's state
    has no such step (the evaluation then skips it, see `_move`)."""
    from ocop.core.errors import NotFound
    from ocop.cycle import policies as cycle_policies
    from ocop.cycle.guards import Refusal

    current = Dossier.objects.filter(pk=dossier.pk).first()
    if current is None or workflow(Dossier.WORKFLOW).find(action, current.status) is None:
        return None
    if not cycle_policies.can_view_record(user, current):
        return Refusal(NotFound, "not_found", _("Không tìm thấy."))
    return cycle_policies.refusal_for(user, current, action)


def dossier_mark_under_evaluation(*, actor, dossier) -> None:
    _move(actor=actor, dossier=dossier, action="evaluate")


def dossier_mark_scored(*, actor, dossier) -> None:
    _move(actor=actor, dossier=dossier, action="score")


def dossier_mark_not_recognised(*, actor, dossier) -> None:
    _move(actor=actor, dossier=dossier, action="not_recognise")


def dossier_mark_proposed_upward(*, actor, dossier, level: str) -> None:
    _move(actor=actor, dossier=dossier, action="propose_central")


def dossier_mark_recognised(*, actor, dossier, level: str) -> None:
    # A province's own recognition (4★) of a product it proposed to the centre leaves the dossier with the centre.
    status = Dossier.objects.filter(pk=dossier.pk).values_list("status", flat=True).first()
    if status == PROPOSED_TO_CENTRAL and level != "central":
        return
    _move(actor=actor, dossier=dossier, action="recognise")


def certification_links(user, round_dossier) -> list[dict]:
    """Where an officer goes next: the certification app's decision form (an app above this one, reached by URL
    name only, so it is skipped when not installed)."""
    if round_dossier.status != EvaluationStatus.RECOGNITION_PROPOSED or not round_dossier.recognised_stars:
        return []
    try:
        url = reverse("certification:decision_create")
    except NoReverseMatch:
        return []
    return [
        {
            # "Draft the decision for the recognised products of this round": the form opens with them ticked.
            "url": f"{url}?{urlencode({'round': round_dossier.round_id})}",
            "label": _("Lập dự thảo quyết định cho các sản phẩm được công nhận của đợt này"),
        }
    ]


def notify_assigned(*, actor, round_dossier, member) -> None:
    """Tell a council member they were assigned a dossier to score, with the link to their sheet (where the
    dossier, its documents and the product are shown beside it)."""
    notifications.notify_people(
        people=[member.user],
        actor=actor,
        unit=round_dossier.round.unit,
        title=_("Bạn được phân công chấm hồ sơ sản phẩm «%(product)s» (%(round)s)")
        % {"product": round_dossier.dossier.product.name, "round": round_dossier.round.name},
        body=_("Mở phiếu đánh giá để xem hồ sơ, tài liệu và sản phẩm (chỉ xem) trong thời gian đợt còn mở."),
        url=reverse("evaluation:score", args=[round_dossier.pk]),
    )


def may_tag_evidence(user, dossier) -> bool:
    """Whether the cycle lets `user` change the dossier's documents now (and so tie them to criteria)."""
    from ocop.cycle.policies import may_edit

    return may_edit(user, dossier)
