"""The states of a round and of a dossier in a round, and the moves between them (STYLE 4).

Read by the policies (which moves are offered) and the services (which move is made); no other place decides.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.core.errors import Conflict
from ocop.evaluation.models import EvaluationStatus, RoundDossier, RoundStatus

# Round states and the moves between them; every move is `round_advance`.
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

# The dossier states in which the council may still (re)compute its result.
RESULT_OPEN = (EvaluationStatus.UNDER_EVALUATION, EvaluationStatus.SCORED)
# The dossier states from which a product the duty table forwards may be proposed upward.
FORWARDABLE = (EvaluationStatus.RECOGNITION_PROPOSED, EvaluationStatus.RECOGNISED)


def move(round_dossier: RoundDossier, to: str) -> None:
    """Set the round dossier's state to `to`, refused unless the table allows the move."""
    if to not in DOSSIER_TRANSITIONS.get(round_dossier.status, frozenset()):
        raise Conflict(
            _("Hồ sơ đang ở trạng thái «%(status)s», không chuyển được sang «%(to)s».")
            % {"status": round_dossier.get_status_display(), "to": EvaluationStatus(to).label},
            code="evaluation_bad_transition",
        )
    round_dossier.status = to
