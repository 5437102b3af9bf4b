"""Pages of supervision: the province's queue (inspections, complaints waiting), a new inspection of a certified
product, an inspection with its findings, follow-ups, warnings, proposal and conclusion, the evidence files,
the yearly plan, and the public complaint form reached from the certificate verification page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import can, has_capability, roles_with, scope_q
from ocop.certification.models import Certificate
from ocop.core.ratelimit import client_address, spend
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.geo.models import AdminUnit, Era, Level
from ocop.supervision import plan as planning
from ocop.supervision import policies, selectors, services
from ocop.supervision.forms import (
    CloseForm,
    ComplaintForm,
    DismissForm,
    FindingForm,
    FollowUpForm,
    InspectionForm,
    PlanForm,
    ProposalForm,
    WarningForm,
)
from ocop.supervision.rules import kind_name, severity_name

COMPLAINTS_PER_HOUR = 5  # per address: enough for a shopper, too few to flood a province's queue


def _reader(request) -> None:
    if not has_capability(request.user, policies.READ):
        raise Http404


@login_required
def home(request):
    _reader(request)
    inspections = list(selectors.inspections_visible_to(request.user)[:100])
    for inspection in inspections:
        inspection.kind_names = [kind_name(code) for code in inspection.kinds]
    complaints = selectors.complaints_visible_to(request.user, waiting_only=True)[:100]
    return render(
        request,
        "supervision/home.html",
        {
            "inspections": inspections,
            "complaints": complaints,
            "may_inspect": policies.may_inspect_somewhere(request.user),
            "dismiss_form": DismissForm(),
        },
    )


def _certified_products(user):
    """Products holding a certificate in force, in the units the user inspects (for the form's choice)."""
    rows = (
        Certificate.objects.in_force(timezone.localdate())
        .filter(scope_q(user, policies.INSPECT, "product__producer__unit"))
        .select_related("product__producer")
        .order_by("product__name")[:1000]
    )
    return [(c.product_id, f"{c.product.name} – {c.product.producer.name} ({c.number})") for c in rows]


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    if not policies.may_inspect_somewhere(request.user):
        raise Http404
    products = _certified_products(request.user)
    posted = request.POST.get("product", "")
    if posted and posted not in {str(pk) for pk, _label in products}:
        raise Http404  # a product outside the officer's area is reported like a missing one
    form = InspectionForm(
        request.POST or None, products=products, initial={"product": request.GET.get("product", "")[:12]}
    )
    if request.method == "POST" and form.is_valid():
        from ocop.products.models import Product

        data = form.cleaned_data
        with refusal(form) as refused:
            inspection = services.inspection_create(
                actor=request.user,
                product=get_object_or_404(Product, pk=data["product"]),
                kinds=data["kinds"],
                inspected_on=data["inspected_on"],
                team=data["team"],
                note=data["note"],
            )
            messages.success(request, _("Đã ghi đợt kiểm tra."))
            return redirect("supervision:inspection", inspection.pk)
        return render(request, "supervision/inspection_form.html", {"form": form}, status=refused.status)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/inspection_form.html", {"form": form}, status=status)


def _detail(request, inspection, forms: dict | None = None, status: int = 200):
    findings = list(selectors.findings_of(inspection))
    for finding in findings:
        finding.kind_name, finding.severity_name = kind_name(finding.kind), severity_name(finding.severity)
    forms = forms or {}
    return render(
        request,
        "supervision/inspection.html",
        {
            "inspection": inspection,
            "kind_names": [kind_name(code) for code in inspection.kinds],
            "findings": findings,
            "warnings": inspection.warnings.all(),
            "complaints": inspection.complaints.all(),
            "finding_form": forms.get("finding") or FindingForm(),
            "follow_up_form": FollowUpForm,
            "warning_form": forms.get("warn") or WarningForm(),
            "proposal_form": forms.get("propose") or ProposalForm(),
            "close_form": forms.get("close") or CloseForm(),
            **policies.flags(request.user, inspection),
        },
        status=status,
    )


@login_required
@shows_refusals
def inspection_detail(request, pk: int):
    return _detail(request, selectors.inspection_get(request.user, pk))


FORMS = {
    "finding": FindingForm,
    "follow_up": FollowUpForm,
    "warn": WarningForm,
    "propose": ProposalForm,
    "close": CloseForm,
}


@login_required
@require_POST
@shows_refusals
def inspection_action(request, pk: int, action: str):
    """One step on an inspection; a refusal redraws the inspection with the reason and its status."""
    inspection = selectors.inspection_get(request.user, pk)
    if action not in FORMS:
        raise Http404
    policies.require_inspect(request.user, inspection.unit)
    form = FORMS[action](request.POST, request.FILES or None)
    if action == "finding":
        refused_upload(request, "evidence")
    if not form.is_valid():
        return _detail(request, inspection, {action: form}, status=400)
    data = form.cleaned_data
    with refusal(form) as refused:
        if action == "finding":
            services.finding_add(
                actor=request.user,
                inspection=inspection,
                kind=data["kind"],
                severity=data["severity"],
                description=data["description"],
                fix_by=data["fix_by"],
                evidence=data["evidence"],
            )
            messages.success(request, _("Đã ghi nội dung vi phạm."))
        elif action == "follow_up":
            finding = selectors.finding_get(inspection, data["finding"])
            services.follow_up_record(
                actor=request.user,
                finding=finding,
                visited_on=data["visited_on"],
                fixed=data["fixed"],
                note=data["note"],
            )
            messages.success(request, _("Đã ghi kết quả kiểm tra lại."))
        elif action == "warn":
            services.warning_issue(actor=request.user, inspection=inspection, text=data["text"])
            messages.success(request, _("Đã ghi văn bản cảnh báo."))
        elif action == "propose":
            change = services.inspection_propose(
                actor=request.user,
                inspection=inspection,
                kind=data["kind"],
                stars=data["stars"],
                reason=data["reason"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
            )
            messages.success(
                request,
                _("Đã gửi đề nghị %(kind)s; một cán bộ khác của cơ quan cấp duyệt ở trang giấy chứng nhận.")
                % {"kind": change.get_kind_display().lower()},
            )
        else:
            services.inspection_close(
                actor=request.user, inspection=inspection, conclusion=data["conclusion"]
            )
            messages.success(request, _("Đã kết thúc đợt kiểm tra."))
        return redirect("supervision:inspection", inspection.pk)
    return _detail(request, selectors.inspection_get(request.user, pk), {action: form}, status=refused.status)


@login_required
@shows_refusals
def evidence_download(request, pk: int, evidence_id: int):
    evidence = selectors.evidence_get(request.user, pk, evidence_id)
    return download_response(
        request, evidence.file.name, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
@shows_refusals
def complaint_dismiss(request, pk: int):
    complaint = selectors.complaint_get(request.user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do."))
        return redirect("supervision:home")
    with refusal(request):
        services.complaint_dismiss(
            actor=request.user, complaint=complaint, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Đã đóng phản ánh."))
    return redirect("supervision:home")


def _plan_provinces(user) -> list[AdminUnit]:
    provinces = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")
    if any(role.unit.level == Level.COUNTRY for role in roles_with(user, policies.READ)):
        return list(provinces)
    return [unit for unit in provinces if can(user, policies.READ, unit)]


@login_required
@require_http_methods(["GET", "POST"])
def plan(request):
    """The yearly inspection plan of a province: drawn from its certified products by risk."""
    _reader(request)
    provinces = _plan_provinces(request.user)
    year = timezone.localdate().year
    chosen = (
        request.POST.get("province")
        or request.GET.get("province")
        or (provinces[0].code if provinces else "")
    )
    form = PlanForm(request.POST or None, provinces=provinces, initial={"province": chosen, "year": year})
    status = 200
    if request.method == "POST":
        if not policies.may_inspect_somewhere(request.user) or chosen not in {u.code for u in provinces}:
            raise Http404
        if form.is_valid():
            province = next((u for u in provinces if u.code == form.cleaned_data["province"]), None)
            with refusal(form) as refused:
                drawn = services.inspection_plan_draw(
                    actor=request.user,
                    province=province,
                    year=form.cleaned_data["year"],
                    size=form.cleaned_data["size"],
                )
                messages.success(request, _("Đã lập kế hoạch kiểm tra năm %(year)s.") % {"year": drawn.year})
                return redirect(f"{request.path}?province={drawn.province.code}&year={drawn.year}")
            status = refused.status
        else:
            status = 400
    try:
        shown_year = int(request.GET.get("year", year))
    except ValueError:
        shown_year = year
    current = selectors.plans_visible_to(request.user).filter(province__code=chosen, year=shown_year).first()
    items = list(selectors.plan_items(current)) if current else []
    done = selectors.inspected_products(current) if current else set()
    for item in items:
        item.reason_labels = [planning.REASON_LABELS.get(code, code) for code in item.reasons]
        item.inspected = item.product_id in done
    return render(
        request,
        "supervision/plan.html",
        {
            "form": form,
            "plan": current,
            "items": items,
            "may_draw": policies.may_inspect_somewhere(request.user),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def complaint(request, certificate_id: int):
    """Public: a shopper reports a product that does not look like the certified one; it reaches the inspection
    queue of the producer's province. One address may send a few an hour."""
    certificate = get_object_or_404(Certificate.objects.select_related("authority"), pk=certificate_id)
    form = ComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        budget = spend(f"complaint:{client_address(request)}", limit=COMPLAINTS_PER_HOUR, window=3600)
        if budget.exceeded:
            form.is_valid()
            form.add_error(None, _("Có quá nhiều phản ánh từ địa chỉ này. Vui lòng thử lại sau một giờ."))
            status = 429
        elif form.is_valid():
            with refusal(form) as refused:
                services.complaint_submit(certificate=certificate, **form.cleaned_data)
                return render(request, "supervision/complaint_sent.html", {"certificate": certificate})
            status = refused.status
        else:
            status = 400
    return render(
        request, "supervision/complaint.html", {"form": form, "certificate": certificate}, status=status
    )
