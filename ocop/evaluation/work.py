"""The evaluation's line of the work queue on the home page: sheets I have to score."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.core.work_queue import WorkItem
from ocop.evaluation import selectors


def pending_work(user) -> list[WorkItem]:
    """Dossiers assigned to the council member whose sheet is not submitted yet, in rounds that are scoring.
    Shown only to people who sit on a council."""
    if not selectors.sits_on_a_council(user):
        return []
    count = selectors.sheets_to_score(user).capped()
    return [
        WorkItem("sheets", _("Phiếu tôi cần chấm"), count.value, reverse("evaluation:home"), count.more, 20)
    ]
