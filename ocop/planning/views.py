"""Pages of planning: a unit's figures beside its plan's targets, the records behind a figure, plans (form,
import with a preview), reports upward. Every read goes through `selectors` (scoped), every write through
`services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ocop.accounts.policies import has_capability
from ocop.core.errors import NotFound
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.geo.models import Level
from ocop.planning import catalogue, selectors, services
from ocop.planning.drilldown import record_row, with_related
from ocop.planning.forms import PlanForm, PlanImportForm, ReportForm
from ocop.planning.imports import COLUMNS
from ocop.planning.models import ReportStatus
from ocop.planning.policies import READ, can_manage_unit, plan_flags

_SALT = "ocop.planning.import"


def _officer(request) -> None:
    if not has_capability(request.user, READ):
        raise Http404


def _unit_and_year(request):
    """The unit (`?unit=`, default: the widest the officer serves) and year (`?year=`, default: this year)."""
    code = request.GET.get("unit", "")
    if code:
        unit = selectors.unit_from_code(request.user, code)
    else:
        unit = selectors.default_unit(request.user)
        if unit is None:
            raise NotFound(_("Bạn chưa phụ trách đơn vị nào."), code="unit_unknown")
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return unit, selectors.check_year(year)


def unit_code(unit) -> str:
    return selectors.COUNTRY_CODE if unit.level == Level.COUNTRY else unit.code


@login_required
@shows_refusals
def figures_view(request):
    """A unit's indicators for a year beside its plan's targets; the units below to go down to."""
    _officer(request)
    unit, year = _unit_and_year(request)
    figures = selectors.indicator_values(request.user, unit, year)
    plan = figures[0].plan if figures else None
    lower = selectors.lower_units(unit).filter(pk__in=selectors.units_visible_to(request.user).values("pk"))
    return render(
        request,
        "planning/figures.html",
        {
            "unit": unit,
            "code": unit_code(unit),
            "year": year,
            "years": range(timezone.localdate().year, 2018, -1),
            "figures": figures,
            "plan": plan,
            "lower": lower.order_by("code")[:500],
            "parent": unit.current_province if unit.level == Level.COMMUNE else None,
            "may_plan": can_manage_unit(request.user, unit),
        },
    )


@login_required
@shows_refusals
def records_view(request, code: str):
    """The records behind one figure of a unit and year (drill-down)."""
    _officer(request)
    unit, year = _unit_and_year(request)
    item = catalogue.indicator(code)
    rows = selectors.figure_records(request.user, unit, year, code)
    page = None
    if rows is not None:
        page = Paginator(with_related(rows).order_by("pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/records.html",
        {
            "unit": unit,
            "code": unit_code(unit),
            "year": year,
            "indicator": item,
            "page": page,
            "rows": [record_row(row) for row in page] if page is not None else [],
        },
    )


@login_required
def plans_view(request):
    _officer(request)
    plans = selectors.plans_visible_to(request.user).order_by("-year_from", "unit__code", "pk")
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(request, "planning/plans.html", {"page": page})


def _plan_values(form: PlanForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data.get("title") or "",
        "decision_number": data.get("decision_number") or "",
        "decision_date": data.get("decision_date"),
        "note": data.get("note") or "",
        "targets": form.target_rows(),
        "activities": form.activity_rows(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_create_view(request):
    _officer(request)
    initial = {"year": timezone.localdate().year}
    default = selectors.default_unit(request.user)
    if default is not None:
        initial["unit"] = unit_code(default)
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusal(form, details=True):
            unit = selectors.unit_from_code(request.user, form.cleaned_data["unit"])
            plan = services.programme_plan_create(
                actor=request.user,
                unit=unit,
                year_from=form.cleaned_data["year"],
                year_to=form.cleaned_data.get("year_to"),
                **_plan_values(form),
            )
            messages.success(request, _("Đã lập kế hoạch «%(title)s».") % {"title": plan.title})
            return redirect("planning:plan", plan.pk)
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "title": _("Lập kế hoạch OCOP")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@shows_refusals
def plan_view(request, pk: int):
    _officer(request)
    plan = selectors.plan_get(request.user, pk)
    raw = request.GET.get("year", "")
    year = (
        int(raw)
        if raw.isdigit() and plan.covers(int(raw))
        else min(plan.year_to, max(plan.year_from, timezone.localdate().year))
    )
    figures = {f.code: f for f in selectors.indicator_values(request.user, plan.unit, year)}
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "year": year,
            "years": range(plan.year_from, plan.year_to + 1),
            "code": unit_code(plan.unit),
            "targets": [
                (target, figures.get(target.indicator), catalogue.indicator(target.indicator))
                for target in plan.targets.all()
            ],
            "rollup": selectors.plan_rollup(plan, year),
            "flags": plan_flags(request.user, plan),
        },
    )


@login_required
@shows_refusals
@require_http_methods(["GET", "POST"])
def plan_edit_view(request, pk: int):
    _officer(request)
    plan = selectors.plan_get(request.user, pk)
    if not plan_flags(request.user, plan)["may_edit"]:
        raise Http404
    initial = {
        "unit": unit_code(plan.unit),
        "year": plan.year_from,
        "year_to": plan.year_to,
        "title": plan.title,
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date,
        "note": plan.note,
        "activities": "\n".join(
            " | ".join([a.name, a.agency, a.timing, str(a.budget_vnd or ""), a.budget_source])
            for a in plan.activities.all()
        ),
    }
    for target in plan.targets.all():
        initial[f"target_{target.indicator}"] = f"{target.value.normalize():f}"
        if target.value_max is not None:
            initial[f"target_{target.indicator}_max"] = f"{target.value_max.normalize():f}"
    form = PlanForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        with refusal(form, details=True):
            version = request.POST.get("version", "")
            services.programme_plan_update(
                actor=request.user,
                plan=plan,
                expected_version=int(version) if version.isdigit() else None,
                **_plan_values(form),
            )
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("planning:plan", plan.pk)
    return render(
        request,
        "planning/plan_form.html",
        {"form": form, "title": _("Sửa kế hoạch"), "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_view(request):
    """Upload → preview of every row (nothing stored) → import all, only when every row is right."""
    _officer(request)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    preview = token = None
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            data = signing.loads(request.POST["confirm"], salt=_SALT, max_age=3600)
        except signing.BadSignature as bad:
            raise Http404 from bad
        with refusal(request, details=True):
            plans = services.programme_plan_import(
                actor=request.user, content=bytes.fromhex(data["content"]), filename=data["filename"]
            )
            messages.success(request, _("Đã nhập %(count)s kế hoạch.") % {"count": len(plans)})
            return redirect("planning:plans")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        preview = services.programme_plan_import_preview(
            actor=request.user, content=content, filename=upload.name
        )
        if preview.ok:
            token = signing.dumps(
                {"content": content.hex(), "filename": upload.name[:100]}, salt=_SALT, compress=True
            )
    return render(
        request,
        "planning/plan_import.html",
        {"form": form, "preview": preview, "token": token, "columns": COLUMNS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reports_view(request):
    """Reports of the officer's units (a province sees its communes' too); a form to make a new one."""
    _officer(request)
    default = selectors.default_unit(request.user)
    form = ReportForm(
        request.POST or None,
        initial={"unit": unit_code(default) if default else "", "year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        with refusal(form):
            unit = selectors.unit_from_code(request.user, form.cleaned_data["unit"])
            year = selectors.check_year(form.cleaned_data["year"])
            services.programme_report_request(actor=request.user, unit=unit, year=year)
            messages.success(request, _("Đang tạo báo cáo; tải về ở danh sách dưới đây khi xong."))
            return redirect("planning:reports")
    reports = Paginator(selectors.reports_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "planning/reports.html", {"form": form, "page": reports, "ready": ReportStatus.READY}
    )


@login_required
@shows_refusals
def report_download_view(request, pk: int, fmt: str):
    _officer(request)
    report = selectors.report_get(request.user, pk)
    if report.status != ReportStatus.READY or fmt not in ("xlsx", "pdf"):
        raise Http404
    from ocop.planning import reports

    name = report.xlsx.name if fmt == "xlsx" else report.pdf.name
    content_type = reports.XLSX_TYPE if fmt == "xlsx" else "application/pdf"
    return download_response(
        request, name, filename=reports.file_name(report.unit, report.year, fmt), content_type=content_type
    )
