"""What every evaluation service shares: the version check, the round dossier's lock and its running aggregate.

Derived values on a round dossier (the running aggregate, the council's result) are only written while that row
is locked (`select_for_update`), so two members submitting at once never lose an update. Locks are always taken
in one order, round dossier before sheet, so no two actions wait on each other in a cycle.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.core.errors import Conflict
from ocop.evaluation import rules, selectors
from ocop.evaluation.models import RoundDossier


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise Conflict(
            _("Người khác vừa thay đổi dữ liệu này. Hãy tải lại trang rồi thử lại."), code="stale_version"
        )


def lock_round_dossier(round_dossier: RoundDossier) -> RoundDossier:
    return (
        RoundDossier.objects.select_for_update()
        .select_related("round", "round__unit", "round__rubric_version")
        .get(pk=round_dossier.pk)
    )


def recompute_running(round_dossier: RoundDossier) -> None:
    """With the round dossier locked: the aggregate of the sheets submitted so far."""
    sheets = selectors.counted_sheets(round_dossier)
    running = None
    if sheets:
        version = rules.loaded_version(round_dossier.round.rubric_version)
        running = rules.council_score(version, sheets).total
    round_dossier.submitted_sheets = len(sheets)
    round_dossier.running_mean = running
    round_dossier.version += 1
    round_dossier.save(update_fields=["submitted_sheets", "running_mean", "version"])
