"""API of programme plans (`/api/v1/plans`): a unit's plan for a year, its targets and activities; import from
a sheet (all or nothing, with each row's problems)."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.accounts.policies import has_capability
from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, page_of
from ocop.geo.models import Level
from ocop.planning import selectors, services
from ocop.planning.models import ProgrammePlan
from ocop.planning.policies import READ, plan_flags

router = Router(tags=["plans"])


class TargetIn(Schema):
    indicator: str
    value: float | str | None = None
    value_max: float | str | None = None
    note: str = ""


class ActivityIn(Schema):
    name: str
    agency: str = ""
    timing: str = ""
    budget: float | str | None = None
    budget_source: str = ""


class PlanIn(Schema):
    unit: str
    year: int
    year_to: int | None = None
    title: str = ""
    decision_number: str = ""
    decision_date: str | None = None
    note: str = ""
    targets: list[TargetIn] = []
    activities: list[ActivityIn] = []


class PlanListQuery(PageQuery):
    unit: str = ""
    year: int | None = None


def _number(value):
    return None if value is None else (int(value) if value == value.to_integral_value() else float(value))


def plan_body(user, plan: ProgrammePlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "unit": selectors.COUNTRY_CODE if plan.unit.level == Level.COUNTRY else plan.unit.code,
        "unit_name": plan.unit.name,
        "year": plan.year_from,
        "year_to": plan.year_to,
        "title": plan.title,
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else None,
        "note": plan.note,
        "targets": [
            {
                "indicator": target.indicator,
                "value": _number(target.value),
                "value_max": _number(target.value_max),
                "kind": target.kind,
                "note": target.note,
            }
            for target in plan.targets.all()
        ],
        "activities": [
            {
                "name": activity.name,
                "agency": activity.agency,
                "timing": activity.timing,
                "budget": _number(activity.budget_vnd),
                "budget_source": activity.budget_source,
            }
            for activity in plan.activities.all()
        ],
        "version": plan.version,
        **plan_flags(user, plan),
    }


def _date(raw: str | None):
    try:
        return services.parse_date(raw)
    except ValueError as error:
        raise Invalid(
            _("Ngày ban hành «%(value)s» không đọc được (yyyy-mm-dd).") % {"value": str(raw)[:20]},
            code="programme_plan_invalid",
        ) from error


@router.get("", auth=signed_in, summary="Kế hoạch OCOP của các đơn vị trong địa bàn (lọc theo unit, year)")
def list_plans(request, filters: Query[PlanListQuery]):
    user = require_api_user(request)
    plans = selectors.plans_visible_to(user).prefetch_related("targets", "activities")
    if filters.unit:
        plans = plans.filter(unit=selectors.unit_from_code(user, filters.unit))
    if filters.year:
        plans = plans.filter(year_from__lte=filters.year, year_to__gte=filters.year)
    return page_of(
        plans.order_by("-year_from", "unit__code", "pk"), filters, lambda plan: plan_body(user, plan)
    )


@router.post("", response={201: Any}, auth=signed_in, summary="Lập kế hoạch OCOP của một đơn vị cho một năm")
@idempotent
def create_plan(request, payload: PlanIn):
    user = require_api_user(request)
    unit = selectors.unit_from_code(user, payload.unit)
    plan = services.programme_plan_create(
        actor=user,
        unit=unit,
        year_from=payload.year,
        year_to=payload.year_to,
        title=payload.title,
        decision_number=payload.decision_number,
        decision_date=_date(payload.decision_date),
        note=payload.note,
        targets=[target.dict() for target in payload.targets],
        activities=[activity.dict() for activity in payload.activities],
    )
    return Status(201, plan_body(user, selectors.plan_get(user, plan.pk)))


@router.post(
    "/import",
    response={201: Any},
    auth=signed_in,
    summary="Nhập kế hoạch từ tệp XLSX/CSV: hoặc mọi dòng đúng và tất cả được lưu, hoặc không lưu gì",
)
@idempotent
def import_plans(request, file: File[UploadedFile]):
    user = require_api_user(request)
    if not has_capability(user, READ):
        raise NotFound(_("Không tìm thấy."), code="not_found")
    plans = services.programme_plan_import(actor=user, content=file.read(), filename=file.name or "")
    return Status(201, {"items": [plan_body(user, selectors.plan_get(user, plan.pk)) for plan in plans]})


@router.get("/{plan_id}", auth=signed_in, summary="Một kế hoạch OCOP")
def get_plan(request, plan_id: int):
    user = require_api_user(request)
    return plan_body(user, selectors.plan_get(user, plan_id))
