"""Business plans (*phương án sản xuất kinh doanh*) of accepted ideas: the producer drafts one, attaches files
and submits it to the commune, which may return it (the `plan` table of data/routing.yaml)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.storage import store
from ocop.cycle.models import BusinessPlan, PlanAttachment, ProductIdea
from ocop.cycle.services.transitions import (
    MAX_TEXT,
    advance,
    clean_text,
    lock,
    require_editable,
    touch,
    unknown_fields,
)
from ocop.cycle.states import IDEA
from ocop.cycle.workflow import workflow
from ocop.producers.policies import acts_for

PLAN_TEXT_FIELDS = {
    "target_market": "Thị trường mục tiêu",
    "production_capacity": "Năng lực sản xuất",
    "raw_material_plan": "Kế hoạch nguyên liệu",
    "marketing_plan": "Kế hoạch tiếp thị, bán hàng",
    "timeline": "Tiến độ thực hiện",
}
PLAN_NUMBER_FIELDS = ("investment_vnd", "expected_revenue_vnd", "workers_planned")


def _plan_values(fields: dict) -> dict:
    unknown_fields(fields, {*PLAN_TEXT_FIELDS, *PLAN_NUMBER_FIELDS})
    values: dict[str, str | int | None] = {}
    for key, value in fields.items():
        if key in PLAN_TEXT_FIELDS:
            limit = 300 if key == "production_capacity" else MAX_TEXT
            values[key] = clean_text(value, _(PLAN_TEXT_FIELDS[key]), limit=limit)
        elif value in (None, ""):
            values[key] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**15:
            raise Invalid(_("Số tiền và số lao động phải là số nguyên không âm."), code="number_invalid")
        else:
            values[key] = value
    return values


@transaction.atomic
def plan_create(*, actor, idea: ProductIdea, **fields) -> BusinessPlan:
    """Start the business plan of an accepted idea (a draft the producer fills in)."""
    idea = lock(idea, None)
    if not acts_for(actor, idea.producer_id):
        raise Forbidden(_("Chỉ chủ thể sở hữu ý tưởng mới lập được phương án."), code="forbidden_action")
    if idea.status != IDEA.accepted:
        raise Conflict(_("Cần được xã chấp thuận ý tưởng trước khi lập phương án."), code="idea_not_accepted")
    if BusinessPlan.objects.filter(idea=idea).exists():
        raise Conflict(_("Ý tưởng này đã có phương án."), code="plan_exists")
    flow = workflow(BusinessPlan.WORKFLOW)
    plan = BusinessPlan(
        idea=idea,
        producer=idea.producer,
        product=idea.product,
        unit=idea.unit,
        year=idea.year,
        status=flow.states[0].code,
        created_by=actor,
        **_plan_values(fields),
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise Conflict(_("Ý tưởng này đã có phương án."), code="plan_exists") from exc
    record_event(actor=actor, action="plan.create", target=plan, unit=plan.unit, data={"idea": idea.pk})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: BusinessPlan, expected_version: int | None = None, **fields) -> BusinessPlan:
    plan = lock(plan, expected_version)
    require_editable(actor, plan)
    for key, value in _plan_values(fields).items():
        setattr(plan, key, value)
    touch(plan)
    plan.save()
    record_event(
        actor=actor, action="plan.update", target=plan, unit=plan.unit, data={"fields": sorted(fields)}
    )
    return plan


@transaction.atomic
def plan_attach(*, actor, plan: BusinessPlan, upload, expected_version: int | None = None) -> PlanAttachment:
    plan = lock(plan, expected_version)
    require_editable(actor, plan)
    checked = uploads.check_upload(upload)
    stored = store(upload, folder="plans", filename=checked.original_name, content_type=checked.kind.mime)
    try:
        attachment = PlanAttachment.objects.create(
            plan=plan,
            file=stored.name,
            original_name=checked.original_name,
            content_type=checked.kind.mime,
            size=stored.size,
            file_sha256=stored.sha256,
            uploaded_by=actor,
        )
        touch(plan)
        plan.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="plan.attach",
            target=plan,
            unit=plan.unit,
            data={"attachment": attachment.pk, "sha256": stored.sha256, "size": stored.size},
        )
    except Exception:
        uploads.discard(stored.name)
        raise
    return attachment


def plan_submit(*, actor, plan: BusinessPlan, expected_version: int | None = None) -> BusinessPlan:
    return advance(actor=actor, record=plan, action="submit", expected_version=expected_version)


def plan_return(
    *, actor, plan: BusinessPlan, reason: str, expected_version: int | None = None
) -> BusinessPlan:
    return advance(
        actor=actor, record=plan, action="return", reason=reason, expected_version=expected_version
    )
