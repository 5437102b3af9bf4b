"""Reads of figures, plans and reports, scoped to the reader: a unit outside the officer's area is "not found".

`indicator_values(user, unit, year)` is the one way to read a unit's figures: each indicator's value (from the
summary table), its target from the unit's plan for that year, and the progress towards it. Dashboards,
the API and the reports all read it, so their figures agree. `user=None` is the system (a report task).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import scope_ids_q
from ocop.core.errors import Invalid, NotFound
from ocop.cycle.programme import FIRST_YEAR
from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning import catalogue, summary
from ocop.planning.catalogue import Indicator
from ocop.planning.models import PlanTarget, ProgrammePlan, ProgrammeReport, TargetKind
from ocop.planning.policies import READ, can_read_unit

COUNTRY_CODE = "VN"


# --- units and years ----------------------------------------------------------------------------------------


def unit_from_code(user, code: str) -> AdminUnit:
    """A current province or commune by its code, or the country (`VN`), within the reader's area."""
    code = (code or "").strip()[:8]
    if code.upper() == COUNTRY_CODE:
        unit = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COUNTRY).first()
    else:
        unit = (
            AdminUnit.objects.filter(era=Era.CURRENT, level__in=(Level.PROVINCE, Level.COMMUNE), code=code)
            .select_related("current_province")
            .first()
        )
    if unit is None or (user is not None and not can_read_unit(user, unit)):
        raise NotFound(
            _("Không có tỉnh, xã hiện hành mã «%(code)s» (hoặc VN cho toàn quốc) trong địa bàn của bạn.")
            % {"code": code[:10]},
            code="unit_unknown",
        )
    return unit


def check_year(year: int) -> int:
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        raise Invalid(
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last},
            code="year_invalid",
        )
    return year


def units_visible_to(user) -> QuerySet[AdminUnit]:
    """Current provinces and communes (and the country, for a central officer) the user sees figures of."""
    units = AdminUnit.objects.filter(
        era=Era.CURRENT, level__in=(Level.COUNTRY, Level.PROVINCE, Level.COMMUNE)
    )
    return units.filter(scope_ids_q(user, READ, "pk"))


def default_unit(user) -> AdminUnit | None:
    """The widest unit the user serves: the country for a central officer, else their province or commune."""
    order = {Level.COUNTRY: 0, Level.PROVINCE: 1, Level.COMMUNE: 2}
    from ocop.accounts.policies import roles_with

    units = [role.unit for role in roles_with(user, READ) if role.unit.era == Era.CURRENT]
    return min(units, key=lambda unit: order.get(unit.level, 9), default=None)


# --- plans and targets --------------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[ProgrammePlan]:
    plans = ProgrammePlan.objects.select_related("unit")
    if user is None:
        return plans
    return plans.filter(scope_ids_q(user, READ, "unit"))


def plan_get(user, pk: int) -> ProgrammePlan:
    plan = plans_visible_to(user).filter(pk=pk).prefetch_related("targets", "activities").first()
    if plan is None:
        raise NotFound(_("Không tìm thấy kế hoạch."), code="programme_plan_not_found")
    return plan


def plan_for(unit: AdminUnit, year: int) -> ProgrammePlan | None:
    """The unit's plan for `year`: a plan of that very year before a plan of a period that covers it."""
    plans = ProgrammePlan.objects.filter(unit=unit, year_from__lte=year, year_to__gte=year)
    return min(plans, key=lambda plan: (plan.year_to - plan.year_from, -plan.pk), default=None)


# --- figures ------------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One indicator of a unit and year: the value from the records beside the plan's target."""

    indicator: Indicator
    value: Decimal | None
    target: PlanTarget | None = None
    plan: ProgrammePlan | None = None
    expected: Decimal | None = None  # what the target asks by the reference day (linear through the period)
    progress: Decimal | None = None  # value / target, in percent
    on_track: bool | None = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def value_number(self) -> int | float | None:
        return as_number(self.value, self.indicator)

    @property
    def target_number(self) -> int | float | None:
        return as_number(self.target.value, self.indicator) if self.target is not None else None

    @property
    def target_max_number(self) -> int | float | None:
        if self.target is None or self.target.value_max is None:
            return None
        return as_number(self.target.value_max, self.indicator)


def as_number(value: Decimal | None, indicator: Indicator) -> int | float | None:
    """A count as an int, a share or an amount as it reads (50.0 → 50, 33.3 → 33.3)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def elapsed_share(plan: ProgrammePlan, year: int, today: datetime.date) -> Decimal:
    """How much of the plan's period has passed on the figure's reference day (0 to 1, by days)."""
    start, end = datetime.date(plan.year_from, 1, 1), datetime.date(plan.year_to, 12, 31)
    day = min(today, datetime.date(year, 12, 31))
    share = Decimal((day - start).days + 1) / Decimal((end - start).days + 1)
    return max(Decimal(0), min(Decimal(1), share))


def judge(figure: Figure, year: int, today: datetime.date) -> Figure:
    """Progress and whether it is on track. A count is expected to grow evenly through the plan's period (a
    2025 target of 40 is on track at 20 on 1 July); a share is compared with its target as it stands; a
    ceiling (direction `down`) is on track while the value stays at or under it."""
    target, value = figure.target, figure.value
    if target is None or value is None or figure.plan is None:
        return figure
    goal = target.value
    if figure.indicator.direction == "down":
        ceiling = (
            target.value_max if target.kind == TargetKind.RANGE and target.value_max is not None else goal
        )
        figure.expected = ceiling
        figure.on_track = value <= ceiling
        figure.progress = None if ceiling == 0 else (value * 100 / ceiling).quantize(Decimal("0.1"))
        return figure
    if figure.indicator.is_share:
        figure.expected = goal
    else:
        figure.expected = (goal * elapsed_share(figure.plan, year, today)).quantize(Decimal("0.1"))
    figure.on_track = value >= figure.expected
    figure.progress = Decimal(100) if goal == 0 else (value * 100 / goal).quantize(Decimal("0.1"))
    return figure


def indicator_values(user, unit: AdminUnit, year: int) -> list[Figure]:
    """Every indicator of the catalogue for `unit` (a current province or commune, or the country) and `year`:
    value, target and progress. `user` None: the system; otherwise the unit must lie in the user's area."""
    if user is not None and not can_read_unit(user, unit):
        raise NotFound(_("Đơn vị này nằm ngoài địa bàn của bạn."), code="unit_unknown")
    values = summary.values_for(unit, year)
    plan = plan_for(unit, year)
    targets = {target.indicator: target for target in plan.targets.all()} if plan else {}
    today = timezone.localdate()
    figures = []
    for item in catalogue.indicators():
        figure = Figure(indicator=item, value=values.get(item.code), target=targets.get(item.code), plan=plan)
        figures.append(judge(figure, year, today))
    return figures


def figure_records(user, unit: AdminUnit, year: int, code: str) -> QuerySet | None:
    """The records behind one figure (drill-down), or None when the indicator has no list of records."""
    item = catalogue.indicator(code)
    if item is None:
        raise NotFound(_("Không có chỉ tiêu mã «%(code)s».") % {"code": code[:60]}, code="indicator_unknown")
    if user is not None and not can_read_unit(user, unit):
        raise NotFound(_("Đơn vị này nằm ngoài địa bàn của bạn."), code="unit_unknown")
    return catalogue.records(item, year=year, **summary.place_of(unit))


# --- roll-up ------------------------------------------------------------------------------------------------


@dataclass
class RollupRow:
    """One indicator of a plan: the unit's own target beside the sum of the targets of the units below it."""

    indicator: Indicator
    own: Decimal | None
    lower_sum: Decimal | None
    lower_plans: int

    @property
    def gap(self) -> Decimal | None:
        if self.own is None or self.lower_sum is None:
            return None
        return self.lower_sum - self.own


def lower_units(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The current units directly below: provinces under the country, communes under a province."""
    if unit.level == Level.COUNTRY:
        return AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE)
    if unit.level == Level.PROVINCE:
        return AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, current_province=unit)
    return AdminUnit.objects.none()


def plan_rollup(plan: ProgrammePlan, year: int) -> list[RollupRow]:
    """The lower units' targets for `year` summed per indicator and set beside this plan's. Shares are not
    summed (a sum of percentages means nothing): their row shows the plan's own target only."""
    below = ProgrammePlan.objects.filter(
        unit__in=lower_units(plan.unit), year_from__lte=year, year_to__gte=year
    )
    chosen: dict[int, ProgrammePlan] = {}
    for lower in below.order_by("unit_id", "year_to", "-pk"):
        current = chosen.get(lower.unit_id)
        if current is None or (lower.year_to - lower.year_from) < (current.year_to - current.year_from):
            chosen[lower.unit_id] = lower
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for target in PlanTarget.objects.filter(plan__in=list(chosen.values())):
        sums[target.indicator] = sums.get(target.indicator, Decimal(0)) + target.value
        counts[target.indicator] = counts.get(target.indicator, 0) + 1
    own = {target.indicator: target.value for target in plan.targets.all()}
    rows = []
    for item in catalogue.indicators():
        if item.code not in own and item.code not in sums:
            continue
        lower_sum = None if item.is_share else sums.get(item.code)
        rows.append(RollupRow(item, own.get(item.code), lower_sum, counts.get(item.code, 0)))
    return rows


# --- reports ------------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[ProgrammeReport]:
    """Reports of the units the user serves: a province officer sees its communes' reports too."""
    reports = ProgrammeReport.objects.select_related("unit", "requested_by")
    if user is None:
        return reports
    return reports.filter(scope_ids_q(user, READ, "unit"))


def report_get(user, pk: int) -> ProgrammeReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound(_("Không tìm thấy báo cáo."), code="report_not_found")
    return report
