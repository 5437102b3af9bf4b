"""The cycle's line of the officer's work queue on the home page: dossiers waiting for me."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability
from ocop.core.work_queue import WorkItem
from ocop.cycle import selectors


def pending_work(user) -> list[WorkItem]:
    """The dossiers of the officer's units waiting on a level they act for (the queue's default view)."""
    if not has_capability(user, Capability.CHECK_DOSSIERS):
        return []
    count = selectors.dossier_queue_listed(user, selectors.QueueFilters()).capped()
    return [
        WorkItem("dossiers", _("Hồ sơ chờ tôi xử lý"), count.value, reverse("cycle:queue"), count.more, 10)
    ]
