"""Actions on producers. The cycle issue extends these (self-registration, confirmation by the commune)."""

from __future__ import annotations

from django.db import transaction

from ocop.audit.services import record_event
from ocop.core.errors import Conflict
from ocop.core.text import fold, nfc
from ocop.producers.models import Producer, ProducerMember, ProducerStatus


def producer_search_text(producer: Producer) -> str:
    return fold(f"{producer.name} {producer.tax_code or ''}")


@transaction.atomic
def producer_create(
    *,
    actor,
    name: str,
    legal_form: str,
    unit,
    tax_code: str | None = None,
    owner=None,
    status: str = ProducerStatus.PENDING,
    **fields,
) -> Producer:
    if tax_code and Producer.objects.filter(tax_code=tax_code).exists():
        raise Conflict("Mã số thuế này đã được một chủ thể khác đăng ký.", code="producer_tax_code_taken")
    producer = Producer(
        name=nfc(name), legal_form=legal_form, unit=unit, tax_code=tax_code or None, status=status, **fields
    )
    producer.search_text = producer_search_text(producer)
    producer.save()
    if owner is not None:
        ProducerMember.objects.create(producer=producer, user=owner, is_owner=True)
    record_event(
        actor=actor,
        action="producer.create",
        target=producer,
        unit=unit,
        data={"legal_form": legal_form, "tax_code": tax_code},
    )
    return producer
