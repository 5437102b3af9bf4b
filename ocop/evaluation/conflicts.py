"""Conflicts of interest the data shows between a council seat and a dossier's producer.

Read at every step, not only at assignment: a member may join the producer (`producers.ProducerMember`), take a
commune role over its commune or declare its name as employer after being assigned. The policies ask here
before letting a member save or submit a sheet, and the council's result asks here before counting sheets.
"""

from __future__ import annotations

from ocop.accounts.models import Role
from ocop.accounts.policies import covers
from ocop.core.text import fold
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation.models import ConflictOfInterest, ConflictReason, CouncilMember, RoundDossier
from ocop.geo.models import Level
from ocop.producers.models import ProducerMember


def detected_reasons(member: CouncilMember, round_dossier: RoundDossier) -> list[str]:
    """The conflicts the data shows today between a council seat and a dossier's producer."""
    producer = dossier_gateway.producer_of(round_dossier.dossier)
    reasons = []
    if ProducerMember.objects.filter(producer=producer, user_id=member.user_id).exists():
        reasons.append(ConflictReason.SAME_PRODUCER)
    commune_roles = Role.active.filter(user_id=member.user_id, unit__level=Level.COMMUNE).select_related(
        "unit"
    )
    if any(covers(role.unit, producer.unit) for role in commune_roles):
        reasons.append(ConflictReason.SAME_COMMUNE)
    if member.employer and fold(member.employer) == fold(producer.name):
        reasons.append(ConflictReason.EMPLOYER)
    return reasons


def is_conflicted(member: CouncilMember, round_dossier: RoundDossier) -> bool:
    """A conflict recorded (declared or detected earlier) or one the data shows now."""
    recorded = ConflictOfInterest.objects.filter(round_dossier=round_dossier, user_id=member.user_id)
    return recorded.exists() or bool(detected_reasons(member, round_dossier))
