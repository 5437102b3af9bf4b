"""Who may act for a producer, and who may see, edit or confirm it.

A person acts for an organisation through `ProducerMember` (and the producer role); officers reach producers
through the unit scope of their roles (`ocop.accounts.policies`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, why_not
from ocop.producers.models import ChangeRequestStatus, Producer, ProducerMember, ProducerStatus


def member_producer_ids(user) -> frozenset[int]:
    """The organisations `user` acts for, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not has_capability(user, Capability.ACT_AS_PRODUCER):
        return frozenset()
    cached = getattr(user, "_ocop_producer_ids", None)
    if cached is None:
        cached = frozenset(ProducerMember.objects.filter(user=user).values_list("producer_id", flat=True))
        user._ocop_producer_ids = cached
    return cached


def forget_memberships(user) -> None:
    if hasattr(user, "_ocop_producer_ids"):
        del user._ocop_producer_ids


def acts_for(user, producer_id: int | None) -> bool:
    return producer_id is not None and producer_id in member_producer_ids(user)


def can_view_producer(user, producer: Producer) -> bool:
    return acts_for(user, producer.pk) or can(user, Capability.VIEW_WORK, producer.unit)


def why_not_edit_producer(user, producer: Producer) -> str | None:
    if acts_for(user, producer.pk):
        return None
    return why_not(user, Capability.MANAGE_PRODUCERS, producer.unit)


def can_edit_producer(user, producer: Producer) -> bool:
    return why_not_edit_producer(user, producer) is None


def why_not_confirm_producer(user, producer: Producer) -> str | None:
    if producer.status == ProducerStatus.CONFIRMED:
        return _("Chủ thể này đã được xác nhận.")
    return why_not(user, Capability.MANAGE_PRODUCERS, producer.unit)


def can_confirm_producer(user, producer: Producer) -> bool:
    return why_not_confirm_producer(user, producer) is None


def can_create_producer(user, unit) -> bool:
    return can(user, Capability.MANAGE_PRODUCERS, unit)


def producer_flags(user, producer: Producer) -> dict[str, bool]:
    return {
        "may_edit": can_edit_producer(user, producer),
        "may_confirm": can_confirm_producer(user, producer),
    }


def why_not_decide_change(user, request) -> str | None:
    """An officer over the producer's unit approves or returns a change of certified details; never the person
    who asked for it (maker and checker)."""
    if request.status != ChangeRequestStatus.PENDING:
        return _("Đề nghị này không còn chờ duyệt.")
    if getattr(user, "pk", None) == request.requested_by_id:
        return _("Người đề nghị thay đổi không tự duyệt đề nghị của mình.")
    return why_not(user, Capability.MANAGE_PRODUCERS, request.producer.unit)


def change_request_flags(user, request) -> dict[str, bool]:
    decidable = why_not_decide_change(user, request) is None
    return {"may_approve": decidable, "may_reject": decidable}
