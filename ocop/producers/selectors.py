"""Reads of producers for a user, already confined to what that user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_q
from ocop.core.errors import NotFound
from ocop.core.text import fold
from ocop.producers.models import Producer
from ocop.producers.policies import member_producer_ids


def producers_of(user) -> QuerySet[Producer]:
    """The organisations `user` acts for."""
    return Producer.objects.filter(pk__in=member_producer_ids(user)).select_related("unit")


def producers_visible_to(user) -> QuerySet[Producer]:
    visible = Q(pk__in=member_producer_ids(user)) | scope_q(user, Capability.VIEW_WORK, "unit")
    return Producer.objects.filter(visible).select_related("unit", "unit__parent")


def get_producer_for(user, producer_id) -> Producer:
    """One producer, or NotFound whether it is missing or out of the user's reach."""
    try:
        return producers_visible_to(user).get(pk=int(producer_id))
    except (Producer.DoesNotExist, TypeError, ValueError) as missing:
        raise NotFound(_("Không tìm thấy chủ thể."), code="producer_not_found") from missing


def producers_search(user, *, q: str = "", status: str = "", legal_form: str = "") -> QuerySet[Producer]:
    producers = producers_visible_to(user)
    if q:
        producers = producers.filter(search_text__contains=fold(q)[:100])
    if status:
        producers = producers.filter(status=status)
    if legal_form:
        producers = producers.filter(legal_form=legal_form)
    return producers.order_by("name", "pk")
