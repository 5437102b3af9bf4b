"""Reads of producers for a user, already confined to what that user may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_ids_q, scope_q
from ocop.core import statements
from ocop.core.errors import NotFound
from ocop.core.listing import Listed, ValueRows
from ocop.core.text import fold
from ocop.producers.models import ChangeRequestStatus, Producer, ProducerStatus, RecordChangeRequest
from ocop.producers.policies import member_producer_ids


def producers_of(user) -> QuerySet[Producer]:
    """The organisations `user` acts for."""
    return Producer.objects.filter(pk__in=member_producer_ids(user)).select_related("unit")


def _visible_q(user) -> Q:
    # The officer's units are resolved first (`unit_id IN (...)`): no join to the units table per producer.
    return Q(pk__in=member_producer_ids(user)) | scope_ids_q(user, Capability.VIEW_WORK, "unit")


def producers_visible_to(user) -> QuerySet[Producer]:
    return Producer.objects.filter(_visible_q(user)).select_related("unit", "unit__parent")


@dataclass(frozen=True, slots=True)
class Pending:
    """A producer waiting for confirmation, as an officer's queue page lists it."""

    pk: int
    name: str
    unit_name: str


def producers_pending_for(user, limit: int = 50) -> list[Pending]:
    """Up to `limit` producers waiting for the confirmation of an officer who manages producers of their unit,
    by name, with the unit's name: one query on the unit ids of the officer's reach, plain values."""
    reach = scope_ids_q(user, Capability.MANAGE_PRODUCERS, "unit")
    rows = statements.rows(  # compiled once per reach: the filter is the key
        (producers_pending_for, reach, limit),
        lambda: (
            Producer.objects.filter(reach, status=ProducerStatus.PENDING)
            .order_by("name", "pk")
            .values_list("id", "name", "unit__name")[:limit]
        ),
    )
    return [Pending(*row) for row in rows]


def producer_get(user, producer_id) -> Producer:
    """One producer, or NotFound whether it is missing or out of the user's reach."""
    try:
        return producers_visible_to(user).get(pk=int(producer_id))
    except (Producer.DoesNotExist, TypeError, ValueError) as missing:
        raise NotFound(_("Không tìm thấy chủ thể."), code="producer_not_found") from missing


def producers_search(user, *, q: str = "", status: str = "", legal_form: str = "") -> QuerySet[Producer]:
    return _searched(producers_visible_to(user), q, status, legal_form)


def producers_listed(
    user,
    *,
    q: str = "",
    status: str = "",
    legal_form: str = "",
    unit_q: Q | None = None,
    year: int | None = None,
) -> Listed:
    """The officers' producer list: `producers_search`, filtered also by place and year of entry; its rows
    are read by `producer_rows`."""
    return Listed.of(_producers_listed, _visible_q(user), q, status, legal_form, unit_q, year)


def _producers_listed(
    visible: Q, q: str, status: str, legal_form: str, unit_q: Q | None, year: int | None
) -> QuerySet[Producer]:
    producers = _searched(Producer.objects.filter(visible), q, status, legal_form)
    if unit_q:
        producers = producers.filter(unit_q)
    if year:
        producers = producers.filter(created_at__year=year)
    return producers


def _searched(producers: QuerySet[Producer], q: str, status: str, legal_form: str) -> QuerySet[Producer]:
    if q:
        producers = producers.filter(search_text__contains=fold(q)[:100])
    if status:
        producers = producers.filter(status=status)
    if legal_form:
        producers = producers.filter(legal_form=legal_form)
    return producers.order_by("name", "pk")


# The producer list's rows (`listing.ValueRows`): read by id as plain values.
producer_rows = ValueRows(
    Producer,
    {
        "name": "name",
        "legal_form": "legal_form",
        "tax_code": "tax_code",
        "status": "status",
        "unit_id": "unit_id",
    },
)


# ---------------------------------------------------------------------------------------------------------
# Changes that wait for an officer: what a certificate or the commune's confirmation vouches for.

# A certified product's fields on its certificate; its producer's fields on every certificate of its products.
PRODUCT_GUARDED = ("name", "product_set")
PRODUCER_GUARDED = ("name", "address", "tax_code")
# Vouched for by the commune's confirmation alone, certificate or not.
PRODUCER_GUARDED_ONCE_CONFIRMED = ("tax_code",)


def holds_active_certificate(producer: Producer, product=None) -> bool:
    """Whether the product (or any product of the producer) holds a certificate in force today. The
    certification app sits above this one: its model is looked up by name (as Django's migrations do) and
    asked which certificates are in force, so this app imports nothing above it and names none of its states."""
    certificates = apps.get_model("certification", "Certificate").objects.in_force(timezone.localdate())
    certificates = certificates.filter(product__producer=producer)
    if product is not None:
        certificates = certificates.filter(product=product)
    return certificates.exists()


def producer_guarded_fields(producer: Producer) -> tuple[str, ...]:
    if holds_active_certificate(producer):
        return PRODUCER_GUARDED
    if producer.status == ProducerStatus.CONFIRMED:
        return PRODUCER_GUARDED_ONCE_CONFIRMED
    return ()


def stored_value(value):
    """A value as a change request keeps it (JSON): a related record by its id."""
    return getattr(value, "pk", value)


def pending_change(producer: Producer, product=None) -> RecordChangeRequest | None:
    """The change of this record (the product's, or the producer's own) that waits for an officer."""
    requests = RecordChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, producer=producer)
    return requests.filter(product=product).first() if product else requests.filter(product=None).first()


def pending_changes_of(products) -> dict[int, RecordChangeRequest]:
    """The waiting changes of these products (already read for the user), by product id: one query."""
    waiting = RecordChangeRequest.objects.filter(
        status=ChangeRequestStatus.PENDING, product__in=[product.pk for product in products]
    )
    return {change.product_id: change for change in waiting}


def change_requests_visible_to(user) -> QuerySet[RecordChangeRequest]:
    """Officers see the requests of producers in their units; a producer's people see their own."""
    visible = Q(producer_id__in=member_producer_ids(user)) | scope_q(
        user, Capability.VIEW_WORK, "producer__unit"
    )
    return RecordChangeRequest.objects.filter(visible).select_related(
        "producer__unit", "product", "requested_by", "checked_by"
    )


def change_request_get(user, request_id) -> RecordChangeRequest:
    try:
        return change_requests_visible_to(user).get(pk=int(request_id))
    except (RecordChangeRequest.DoesNotExist, TypeError, ValueError, OverflowError) as missing:
        raise NotFound(_("Không tìm thấy đề nghị thay đổi."), code="change_request_not_found") from missing


def pending_lines(request: RecordChangeRequest | None) -> list[tuple[str, str, str]]:
    """A producer's waiting change as (field, now, asked for); its fields are all plain text."""
    if request is None:
        return []
    return [
        (str(Producer._meta.get_field(key).verbose_name), request.old_values.get(key) or "", value or "")
        for key, value in request.new_values.items()
    ]
