"""Certification's lines of the work queue on the home page: decisions waiting for my approval (I am not their
maker) and certificates of my area ending within six months."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability
from ocop.certification import selectors
from ocop.certification.models import DecisionStatus
from ocop.core.work_queue import WorkItem

EXPIRY_NOTICE_MONTHS = 6  # "certificates expiring in my area": the window


def pending_work(user) -> list[WorkItem]:
    items = []
    if has_capability(user, Capability.RECOGNISE):
        drafts = selectors.decisions_listed(user, status=DecisionStatus.DRAFT, not_made_by=user.pk)
        url = reverse("certification:decisions") + f"?status={DecisionStatus.DRAFT}"
        count = drafts.capped()
        items.append(
            WorkItem("decisions", _("Quyết định chờ tôi duyệt"), count.value, url, count.more, position=30)
        )
    if has_capability(user, Capability.VIEW_WORK):
        expiring = selectors.certificates_listed(user, expiring_months=EXPIRY_NOTICE_MONTHS)
        url = reverse("certification:list") + f"?expiring={EXPIRY_NOTICE_MONTHS}"
        label = _("Giấy chứng nhận trên địa bàn hết hạn trong %(months)s tháng") % {
            "months": EXPIRY_NOTICE_MONTHS
        }
        count = expiring.capped()
        items.append(WorkItem("expiring", label, count.value, url, count.more, position=40))
    return items
