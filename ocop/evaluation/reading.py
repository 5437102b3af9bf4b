"""What a council member reads while scoring: the assigned dossier, its current documents and the product,
read only, for as long as the round is open and the dossier has no conclusion, and only when the member is
assigned it and not conflicted. Nothing else of the producer: no other dossier, product, message or the
producer's own records (the cycle's pages stay closed to them; only the download path asks this reader).
"""

from __future__ import annotations

from django.db.models import Q

from ocop.accounts.policies import Capability, has_capability
from ocop.evaluation.models import ConflictOfInterest, EvaluationStatus, RoundDossier, RoundStatus

OPEN_ROUNDS = (RoundStatus.PREPARING, RoundStatus.SCORING)
OPEN_DOSSIERS = (EvaluationStatus.UNDER_EVALUATION, EvaluationStatus.SCORED)


def readable_round_dossiers(user):
    """The round dossiers `user` reads as an assigned, non-conflicted member of an open round."""
    if not getattr(user, "is_authenticated", False) or not has_capability(user, Capability.SCORE):
        return RoundDossier.objects.none()
    conflicted = ConflictOfInterest.objects.filter(user_id=user.pk).values("round_dossier_id")
    return RoundDossier.objects.filter(
        assignments__member__user_id=user.pk,
        round__status__in=OPEN_ROUNDS,
        status__in=OPEN_DOSSIERS,
    ).exclude(pk__in=conflicted)


def assigned_dossiers_q(user) -> Q:
    """The cycle reader (`ocop.cycle.readers`): the dossiers of those round dossiers."""
    return Q(pk__in=readable_round_dossiers(user).values("dossier_id"))


def member_reading(user, round_dossier: RoundDossier) -> dict | None:
    """The dossier, its current documents and the product for the sheet page; None when not for this user."""
    if not readable_round_dossiers(user).filter(pk=round_dossier.pk).exists():
        return None
    dossier = round_dossier.dossier
    labels = {row["item"]: row.get("label", row["item"]) for row in dossier.checklist}
    documents = dossier.documents.filter(is_current=True).order_by("item", "id")
    return {
        "dossier": dossier,
        "product": dossier.product,
        # Each document with the checklist item it answers, as the producer's checklist names it.
        "documents": [(document, labels.get(document.item, document.item)) for document in documents],
    }


def register() -> None:
    from ocop.cycle.readers import register_reader

    register_reader("evaluation.assigned_member", assigned_dossiers_q)
    # The help team reads the documents of the dossiers whose claims it checks (issue 18).
    from ocop.evaluation.selectors import precheck_readable_q

    register_reader("evaluation.help_team", precheck_readable_q)
