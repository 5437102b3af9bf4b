"""Product ideas (*ý tưởng sản phẩm*): a producer registers one for a product and a year; the commune accepts
it or returns it; the producer resubmits or withdraws it (the `idea` table of data/routing.yaml)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden
from ocop.cycle.models import ProductIdea
from ocop.cycle.notifications import notify
from ocop.cycle.policies import can_create_for
from ocop.cycle.routes import route_on
from ocop.cycle.services.transitions import (
    advance,
    change_title,
    check_year,
    clean_text,
    lock,
    require_editable,
    touch,
    unknown_fields,
)
from ocop.cycle.states import IDEA
from ocop.cycle.workflow import workflow

IDEA_FIELDS = {
    "summary": "Mô tả ý tưởng",
    "idea_origin": "Nguồn gốc ý tưởng",
    "local_raw_materials": "Nguyên liệu địa phương",
    "local_labour": "Sử dụng lao động địa phương",
    "local_identity": "Bản sắc, tri thức địa phương",
}


def _idea_values(fields: dict) -> dict:
    unknown_fields(fields, IDEA_FIELDS)
    return {
        key: clean_text(value, _(IDEA_FIELDS[key]), required=key == "summary")
        for key, value in fields.items()
    }


@transaction.atomic
def idea_register(*, actor, product, year: int, summary: str, **fields) -> ProductIdea:
    """A producer registers a product idea for a year; it goes straight to the commune."""
    if not can_create_for(actor, product):
        raise Forbidden(_("Chỉ chủ thể sở hữu sản phẩm mới đăng ký được ý tưởng."), code="forbidden_action")
    year = check_year(year)
    values = _idea_values({"summary": summary, **fields})
    if ProductIdea.objects.filter(product=product, year=year).exclude(status=IDEA.withdrawn).exists():
        raise Conflict(
            _("Sản phẩm «%(product)s» đã có ý tưởng đăng ký năm %(year)s.")
            % {"product": product.name, "year": year},
            code="idea_exists",
        )
    flow = workflow(ProductIdea.WORKFLOW)
    first = flow.states[0]
    now, today = timezone.now(), timezone.localdate()
    idea = ProductIdea(
        producer=product.producer,
        product=product,
        unit=product.producer.unit,
        year=year,
        status=first.code,
        status_changed_at=now,
        submitted_at=now,
        created_by=actor,
        due_on=today + timedelta(days=first.deadline_days) if first.deadline_days else None,
        **values,
    )
    idea.take_route(route_on(today).as_data())
    try:
        with transaction.atomic():
            idea.save()
    except IntegrityError as exc:
        raise Conflict(_("Ý tưởng cho sản phẩm và năm này vừa được đăng ký."), code="idea_exists") from exc
    record_event(actor=actor, action="idea.register", target=idea, unit=idea.unit, data={"year": year})
    notify(record=idea, actor=actor, title=change_title(idea, flow.label_of(idea.status)))
    return idea


@transaction.atomic
def idea_update(*, actor, idea: ProductIdea, expected_version: int | None = None, **fields) -> ProductIdea:
    idea = lock(idea, expected_version)
    require_editable(actor, idea)
    for key, value in _idea_values(fields).items():
        setattr(idea, key, value)
    touch(idea)
    idea.save()
    record_event(
        actor=actor, action="idea.update", target=idea, unit=idea.unit, data={"fields": sorted(fields)}
    )
    return idea


def idea_accept(
    *, actor, idea: ProductIdea, note: str = "", expected_version: int | None = None
) -> ProductIdea:
    return advance(actor=actor, record=idea, action="accept", reason=note, expected_version=expected_version)


def idea_return(*, actor, idea: ProductIdea, reason: str, expected_version: int | None = None) -> ProductIdea:
    return advance(
        actor=actor, record=idea, action="return", reason=reason, expected_version=expected_version
    )


def idea_resubmit(*, actor, idea: ProductIdea, expected_version: int | None = None) -> ProductIdea:
    return advance(actor=actor, record=idea, action="resubmit", expected_version=expected_version)


def idea_withdraw(
    *, actor, idea: ProductIdea, reason: str = "", expected_version: int | None = None
) -> ProductIdea:
    return advance(
        actor=actor, record=idea, action="withdraw", reason=reason, expected_version=expected_version
    )
