"""Pages of the cycle: officers' work queue, dossier detail (checklist, documents, history, messages),
ideas and business plans, notifications. Views only read through selectors and write through services; a
refused action re-renders the page with the reason and its 4xx status, having changed nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import Capability, has_capability, scope_unit_ids
from ocop.core import listing, markup
from ocop.core.errors import DomainError
from ocop.core.exports import Column, table_download
from ocop.core.listing import CappedPaginator
from ocop.core.markup import escape
from ocop.core.paths import path_of
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.cycle import certificates, notifications, selectors, services
from ocop.cycle.forms import (
    AttachmentForm,
    DossierCreateForm,
    DossierEditForm,
    IdeaCreateForm,
    IdeaEditForm,
    PlanForm,
)
from ocop.cycle.models import BusinessPlan, Dossier, ProductIdea
from ocop.cycle.policies import flags, may, route_of
from ocop.cycle.routes import level_label
from ocop.cycle.states import IDEA, PLAN
from ocop.cycle.workflow import workflow
from ocop.geo import eras
from ocop.geo.places import place_names
from ocop.producers.policies import acts_for
from ocop.producers.selectors import producers_pending_for
from ocop.products.selectors import product_get
from ocop.rubrics.selectors import product_group_choices


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- officers' work queue ---------------------------------------------------------------------------------


def _queue_columns(flow) -> list[Column]:
    """The queue's file: the columns the page shows, the place of today beside the place of its time."""
    return [
        Column(_("Sản phẩm"), lambda d: d.product.name),
        Column(_("Bộ sản phẩm"), lambda d: f"{d.product.product_set.code} – {d.product.product_set.name}"),
        Column(_("Chủ thể"), lambda d: d.producer.name),
        *eras.place_columns(lambda d: d.unit_id),
        Column(_("Năm"), lambda d: d.year),
        Column(_("Trạng thái"), lambda d: flow.label_of(d.status)),
        Column(_("Hạn"), lambda d: d.due_on),
    ]


# A queue row, written in one pass: fifty rows of template tags cost more than the page's SQL (7 ms of a 14 ms
# page at 100k dossiers, docs/cycle.md), and format_html's per-argument checks half as much again. Every value
# goes through `markup.escape` (html.escape, quotes included).
_ROW = (
    '<tr><td>{pick}</td><td><a href="{url}">{product}</a><br><small class="muted">{set_code} – {set_name}'
    "</small></td><td>{producer}</td><td>{today}</td><td>{then}</td><td>{year}</td>"
    '<td><span class="badge">{status}</span></td><td>{due}</td></tr>'
)
_PICK = (
    '<label class="visually-hidden" for="pick-{pk}">{pick} {product}</label>'
    '<input type="checkbox" id="pick-{pk}" name="ids" value="{pk}">'
)


def _queue_row(dossier, *, url, status_label, deadline, may_forward: bool, places, pick: str) -> str:
    product = escape(dossier.product_name)
    chosen = _PICK.format(pk=int(dossier.pk), pick=escape(pick), product=product) if may_forward else ""
    due = "—"
    if deadline:
        due = f'<span class="{"error" if deadline.overdue else ""}">{escape(deadline.text)}</span>'
    return _ROW.format(
        pick=chosen,
        url=escape(url),
        product=product,
        set_code=escape(dossier.set_code),
        set_name=escape(dossier.set_name),
        producer=escape(dossier.producer_name),
        today=escape(places[0]),
        then=escape(places[1]),
        year=int(dossier.year),
        status=escape(status_label),
        due=due,
    )


@login_required
def queue_view(request):
    """Dossiers of the officer's units waiting on them (or all, filtered), with bulk forward."""
    if not has_capability(request.user, Capability.CHECK_DOSSIERS):
        raise Http404
    flow = workflow(Dossier.WORKFLOW)
    status = request.GET.get("status", "")
    status = status if flow.state(status) else ""
    year = _int(request.GET.get("year"))
    group = request.GET.get("group", "")[:20]
    overdue = request.GET.get("overdue") == "1"
    show_all = request.GET.get("all") == "1"
    unit = eras.unit_from_param(request.GET.get("unit"))
    filters = selectors.QueueFilters(
        status=status, year=year, group=group, overdue=overdue, waiting=not show_all, unit=unit
    )
    queue = selectors.dossier_queue_listed(request.user, filters)
    fmt = listing.export_format(request.GET)
    if fmt:  # every dossier the filters keep, in the columns the page shows
        return table_download(
            fmt,
            _queue_columns(flow),
            selectors.with_row_related(queue.build()).iterator(chunk_size=2000),
            filename="ho-so-ocop",
            sheet_title="ho-so-ocop",
        )
    # The queue reads ids (an index range), then the page's 50 rows by id: queries and work follow the page.
    paginator = CappedPaginator(queue, 50)
    page = paginator.get_page(request.GET.get("page"))
    dossiers = selectors.queue_rows(list(page))
    places = place_names({dossier.unit_id for dossier in dossiers})
    today = timezone.localdate()
    labels = dict(flow.choices)
    pick = _("Chọn")
    rows, any_forward = [], False
    for dossier in dossiers:
        may_forward = may(request.user, dossier, "forward")
        any_forward |= may_forward
        rows.append(
            _queue_row(
                dossier,
                url=path_of("cycle:dossier", dossier.pk),
                status_label=labels.get(dossier.status, dossier.status),
                deadline=selectors.deadline_of(dossier, today),
                may_forward=may_forward,
                places=places.get(dossier.unit_id, ("", "")),
                pick=pick,
            )
        )
    # The filters' options are written in one pass (`core.markup`): a province's offers a hundred-odd units.
    units = eras.unit_filter_choices(scope_unit_ids(request.user, Capability.CHECK_DOSSIERS), unit)
    # The other work waiting on the officer (producers, ideas, plans) is listed beside the inbox: the first
    # page of what waits, unfiltered. A filtered, "show all" or later page is a search of the dossiers, and
    # reading those three lists again for each would cost it three queries for lists it does not change.
    inbox = not (show_all or status or year or group or overdue or unit) and page.number == 1
    waiting_ideas, waiting_plans, pending = [], [], []
    if inbox:
        idea_flow = workflow(ProductIdea.WORKFLOW)
        waiting_ideas = [
            (idea, idea_flow.label_of(idea.status))
            for idea in selectors.waiting_for(request.user, ProductIdea)
        ]
        waiting_plans = selectors.waiting_for(request.user, BusinessPlan)
        pending = producers_pending_for(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "cycle/queue.html",
        {
            "page": page,
            "count": paginator.capped,
            "rows": mark_safe("\n".join(rows)),  # noqa: S308 (every value escaped by _queue_row)
            "state_options": markup.options(flow.choices, status),
            "year": year,
            "overdue": overdue,
            "show_all": show_all,
            "group_options": markup.options(product_group_choices(), group),
            "unit": unit,
            "unit_options": markup.options(units, str(unit.pk) if unit else ""),
            "query": query.urlencode(),
            "ideas": waiting_ideas,
            "plans": waiting_plans,
            "pending_producers": pending,
            "any_forward": any_forward,
            "inbox": inbox,
        },
    )


@login_required
@require_POST
@shows_refusals
def bulk_forward_view(request):
    ids = [pk for pk in (_int(v) for v in request.POST.getlist("ids")) if pk is not None]
    dossiers = [selectors.dossier_get(request.user, pk) for pk in dict.fromkeys(ids)]
    with refusal(request):
        moved = services.dossiers_forward_bulk(
            actor=request.user, dossiers=dossiers, note=request.POST.get("note", "")
        )
        messages.success(request, _("Đã chuyển %(count)s hồ sơ.") % {"count": len(moved)})
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{reverse('cycle:queue')}?{query}" if query else reverse("cycle:queue"))


# -- dossiers ---------------------------------------------------------------------------------------------


def _dossier_page(request, dossier: Dossier, *, error: DomainError | None = None, edit_form=None):
    flow = workflow(Dossier.WORKFLOW)
    route = route_of(dossier)
    may = flags(request.user, dossier)
    documents = list(dossier.documents.select_related("uploaded_by").order_by("item", "-revision"))
    older: dict[str, list] = {}
    for document in documents:
        if not document.is_current:
            older.setdefault(document.item, []).append(document)
    checklist = [{**row, "older": older.get(row["item"], [])} for row in selectors.checklist_status(dossier)]
    history = [
        {
            "transition": t,
            "label": flow.label_of(t.to_status),
            "level": level_label(t.level) if t.level else "",
        }
        for t in selectors.transitions_of(dossier)
    ]
    if edit_form is None and may["may_edit"]:
        edit_form = DossierEditForm(
            initial={
                "application_type": dossier.application_type,
                "target_stars": dossier.target_stars,
                "previous_certificate": certificates.number_of(
                    dossier.producer_id, dossier.previous_certificate_id
                )
                or "",
                "version": dossier.version,
            },
            certificate_choices=certificates.choices(dossier.producer_id),
        )
    context = {
        "dossier": dossier,
        "status_label": flow.label_of(dossier.status),
        "deadline": selectors.deadline_of(dossier),
        "route": route,
        "receiver_label": level_label(route.receiver),
        "evaluator_label": level_label(route.evaluator),
        "checklist": checklist,
        "missing": [row for row in checklist if row["required"] and not row["done"]],
        "history": history,
        "messages_list": selectors.messages_of(dossier),
        "may": may,
        "edit_form": edit_form,
        "assessment": [(item, dossier.receiver_assessment.get(item, "")) for item in route.assesses],
        "error": error,
    }
    return render(request, "cycle/dossier.html", context, status=error.status if error else 200)


@login_required
@shows_refusals
def dossier_view(request, pk: int):
    return _dossier_page(request, selectors.dossier_get(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def dossier_create_view(request):
    product = product_get(request.user, request.GET.get("product") or request.POST.get("product"))
    form = DossierCreateForm(
        request.POST or None,
        initial={"application_type": "first"},
        certificate_choices=certificates.choices(product.producer_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form):
            dossier = services.dossier_create(
                actor=request.user,
                product=product,
                year=data["year"],
                application_type=data["application_type"],
                target_stars=data["target_stars"],
                previous_certificate=data["previous_certificate"] or None,
            )
            messages.success(request, _("Đã lập hồ sơ; hãy tải lên các thành phần còn thiếu rồi nộp."))
            return redirect("cycle:dossier", dossier.pk)
    return render(
        request,
        "cycle/form.html",
        {
            "form": form,
            "title": _("Lập hồ sơ đánh giá, phân hạng"),
            "subtitle": product.name,
            "hidden": {"product": product.pk},
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@shows_refusals
def dossier_edit_view(request, pk: int):
    dossier = selectors.dossier_get(request.user, pk)
    form = DossierEditForm(request.POST, certificate_choices=certificates.choices(dossier.producer_id))
    if not form.is_valid():
        return _dossier_page(
            request,
            dossier,
            edit_form=form,
            error=DomainError(_("Thông tin đăng ký không hợp lệ."), code="invalid"),
        )
    data = form.cleaned_data
    with refusal() as refused:
        services.dossier_update(
            actor=request.user,
            dossier=dossier,
            expected_version=data["version"],
            application_type=data["application_type"],
            target_stars=data["target_stars"],
            previous_certificate=data["previous_certificate"] or None,
            # An empty choice clears the link (the number, not the id, is what the producer picks).
            **({} if data["previous_certificate"] else {"previous_certificate_id": None}),
        )
        messages.success(request, _("Đã lưu; danh mục thành phần hồ sơ đã được cập nhật."))
        return redirect("cycle:dossier", pk)
    return _dossier_page(request, selectors.dossier_get(request.user, pk), error=refused.error)


@login_required
@require_POST
@shows_refusals
def upload_view(request, pk: int):
    dossier = selectors.dossier_get(request.user, pk)
    with refusal() as refused:
        refused_upload(request, "file")
        document = services.document_upload(
            actor=request.user,
            dossier=dossier,
            item=request.POST.get("item", ""),
            upload=request.FILES.get("file"),
            expected_version=_int(request.POST.get("version")),
        )
        messages.success(request, _("Đã tải lên «%(name)s».") % {"name": document.original_name})
        return redirect(f"{reverse('cycle:dossier', args=[pk])}#item-{document.item}")
    return _dossier_page(request, selectors.dossier_get(request.user, pk), error=refused.error)


@login_required
@shows_refusals
def document_view(request, pk: int, document_id: int):
    # Council members assigned the dossier read its current documents from their sheet page (evaluation).
    document = selectors.document_get(request.user, pk, document_id, readers=True)
    return download_response(
        request, document.file.name, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
@shows_refusals
def dossier_act_view(request, pk: int, action: str):
    if action not in services.DOSSIER_ACTIONS:
        raise Http404
    dossier = selectors.dossier_get(request.user, pk)
    text = request.POST.get("reason", "") or request.POST.get("note", "")
    arguments = {
        "actor": request.user,
        "dossier": dossier,
        "expected_version": _int(request.POST.get("version")),
    }
    if action in ("return", "withdraw"):
        arguments["reason"] = text
    else:
        arguments["note"] = text
    if action == "check":
        arguments["assessment"] = {
            item: request.POST.get(f"assess-{index}", "")
            for index, item in enumerate(route_of(dossier).assesses)
        }
    with refusal() as refused:
        moved = services.DOSSIER_ACTIONS[action](**arguments)
        messages.success(
            request,
            _("Hồ sơ chuyển sang «%(status)s».")
            % {"status": workflow(Dossier.WORKFLOW).label_of(moved.status)},
        )
        return redirect("cycle:dossier", pk)
    return _dossier_page(request, selectors.dossier_get(request.user, pk), error=refused.error)


@login_required
@require_POST
@shows_refusals
def message_view(request, pk: int):
    dossier = selectors.dossier_get(request.user, pk)
    with refusal() as refused:
        services.dossier_message_post(actor=request.user, dossier=dossier, body=request.POST.get("body", ""))
        messages.success(request, _("Đã gửi tin nhắn."))
        return redirect(f"{reverse('cycle:dossier', args=[pk])}#messages")
    return _dossier_page(request, dossier, error=refused.error)


# -- ideas ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def idea_create_view(request):
    product = product_get(request.user, request.GET.get("product") or request.POST.get("product"))
    form = IdeaCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        year = data.pop("year")
        with refusal(form):
            idea = services.idea_register(actor=request.user, product=product, year=year, **data)
            messages.success(request, _("Đã đăng ký ý tưởng; cán bộ xã sẽ xem xét."))
            return redirect("cycle:idea", idea.pk)
    return render(
        request,
        "cycle/form.html",
        {
            "form": form,
            "title": _("Đăng ký ý tưởng sản phẩm"),
            "subtitle": product.name,
            "hidden": {"product": product.pk},
        },
        status=400 if request.method == "POST" else 200,
    )


def _idea_page(request, idea: ProductIdea, *, error: DomainError | None = None, form=None):
    flow = workflow(ProductIdea.WORKFLOW)
    may = flags(request.user, idea)
    if form is None and may["may_edit"]:
        form = IdeaEditForm(
            initial={
                "summary": idea.summary,
                "idea_origin": idea.idea_origin,
                "local_raw_materials": idea.local_raw_materials,
                "local_labour": idea.local_labour,
                "local_identity": idea.local_identity,
                "version": idea.version,
            }
        )
    plan = BusinessPlan.objects.filter(idea=idea).first()
    return render(
        request,
        "cycle/idea.html",
        {
            "idea": idea,
            "status_label": flow.label_of(idea.status),
            "deadline": selectors.deadline_of(idea),
            "may": may,
            "form": form,
            "plan": plan,
            "error": error,
            "states": IDEA,
            "may_plan": idea.status == IDEA.accepted
            and plan is None
            and acts_for(request.user, idea.producer_id),
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def idea_view(request, pk: int):
    idea = selectors.idea_get(request.user, pk)
    if request.method == "POST":
        form = IdeaEditForm(request.POST)
        if not form.is_valid():
            return _idea_page(
                request, idea, form=form, error=DomainError(_("Hãy kiểm tra lại các ô."), code="invalid")
            )
        data = dict(form.cleaned_data)
        version = data.pop("version")
        with refusal() as refused:
            services.idea_update(actor=request.user, idea=idea, expected_version=version, **data)
            messages.success(request, _("Đã lưu ý tưởng."))
            return redirect("cycle:idea", pk)
        return _idea_page(request, idea, form=form, error=refused.error)
    return _idea_page(request, idea)


IDEA_ACTIONS = {
    "accept": lambda actor, idea, text, version: services.idea_accept(
        actor=actor, idea=idea, note=text, expected_version=version
    ),
    "return": lambda actor, idea, text, version: services.idea_return(
        actor=actor, idea=idea, reason=text, expected_version=version
    ),
    "resubmit": lambda actor, idea, text, version: services.idea_resubmit(
        actor=actor, idea=idea, expected_version=version
    ),
    "withdraw": lambda actor, idea, text, version: services.idea_withdraw(
        actor=actor, idea=idea, reason=text, expected_version=version
    ),
}


@login_required
@require_POST
@shows_refusals
def idea_act_view(request, pk: int, action: str):
    if action not in IDEA_ACTIONS:
        raise Http404
    idea = selectors.idea_get(request.user, pk)
    with refusal() as refused:
        moved = IDEA_ACTIONS[action](
            request.user, idea, request.POST.get("reason", ""), _int(request.POST.get("version"))
        )
        messages.success(
            request,
            _("Ý tưởng chuyển sang «%(status)s».")
            % {"status": workflow(ProductIdea.WORKFLOW).label_of(moved.status)},
        )
        return redirect("cycle:idea", pk)
    return _idea_page(request, selectors.idea_get(request.user, pk), error=refused.error)


# -- business plans ---------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "target_market",
    "production_capacity",
    "raw_material_plan",
    "investment_vnd",
    "expected_revenue_vnd",
    "workers_planned",
    "marketing_plan",
    "timeline",
)


@login_required
@require_POST
@shows_refusals
def plan_create_view(request, pk: int):
    idea = selectors.idea_get(request.user, pk)
    with refusal() as refused:
        plan = services.plan_create(actor=request.user, idea=idea)
        return redirect("cycle:plan", plan.pk)
    return _idea_page(request, idea, error=refused.error)


def _plan_page(request, plan: BusinessPlan, *, error: DomainError | None = None, form=None):
    flow = workflow(BusinessPlan.WORKFLOW)
    may = flags(request.user, plan)
    if form is None and may["may_edit"]:
        form = PlanForm(initial={**{key: getattr(plan, key) for key in PLAN_FIELDS}, "version": plan.version})
    return render(
        request,
        "cycle/plan.html",
        {
            "plan": plan,
            "status_label": flow.label_of(plan.status),
            "deadline": selectors.deadline_of(plan),
            "may": may,
            "form": form,
            "attachment_form": AttachmentForm(),
            "error": error,
            "states": PLAN,
            "fields": [
                (BusinessPlan._meta.get_field(key).verbose_name, getattr(plan, key)) for key in PLAN_FIELDS
            ],
        },
        status=error.status if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def plan_view(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    if request.method == "POST":
        form = PlanForm(request.POST)
        if not form.is_valid():
            return _plan_page(
                request, plan, form=form, error=DomainError(_("Hãy kiểm tra lại các ô."), code="invalid")
            )
        data = dict(form.cleaned_data)
        version = data.pop("version")
        with refusal() as refused:
            plan = services.plan_update(actor=request.user, plan=plan, expected_version=version, **data)
            if request.POST.get("then") == "submit":
                plan = services.plan_submit(actor=request.user, plan=plan)
            messages.success(
                request,
                _("Đã nộp phương án cho xã.") if plan.status == PLAN.submitted else _("Đã lưu phương án."),
            )
            return redirect("cycle:plan", pk)
        return _plan_page(request, selectors.plan_get(request.user, pk), form=form, error=refused.error)
    return _plan_page(request, plan)


@login_required
@require_POST
@shows_refusals
def plan_act_view(request, pk: int, action: str):
    plan = selectors.plan_get(request.user, pk)
    version = _int(request.POST.get("version"))
    with refusal() as refused:
        if action == "submit":
            services.plan_submit(actor=request.user, plan=plan, expected_version=version)
        elif action == "return":
            services.plan_return(
                actor=request.user, plan=plan, reason=request.POST.get("reason", ""), expected_version=version
            )
        else:
            raise Http404
        return redirect("cycle:plan", pk)
    return _plan_page(request, selectors.plan_get(request.user, pk), error=refused.error)


@login_required
@require_POST
@shows_refusals
def plan_attach_view(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    with refusal() as refused:
        refused_upload(request, "file")
        services.plan_attach(
            actor=request.user,
            plan=plan,
            upload=request.FILES.get("file"),
            expected_version=_int(request.POST.get("version")),
        )
        messages.success(request, _("Đã đính kèm tệp."))
        return redirect("cycle:plan", pk)
    return _plan_page(request, selectors.plan_get(request.user, pk), error=refused.error)


@login_required
@shows_refusals
def plan_file_view(request, pk: int, attachment_id: int):
    attachment = selectors.plan_attachment_get(request.user, pk, attachment_id)
    return download_response(
        request, attachment.file.name, filename=attachment.original_name, content_type=attachment.content_type
    )


# -- notifications ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications_view(request):
    if request.method == "POST":
        notifications.notifications_mark_read(actor=request.user)
        return redirect("cycle:notifications")
    page = Paginator(selectors.notifications_of(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "cycle/notifications.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def document_criteria_view(request, pk: int, document_id: int):
    """Tie a current document to the criteria of the sheet it is evidence for (*viện dẫn*, issue 18)."""
    document = selectors.document_get(request.user, pk, document_id)
    dossier = document.dossier
    status, error = 200, None
    chosen = set(document.evidence_tags.values_list("criterion", flat=True))
    if request.method == "POST":
        chosen = {code[:20] for code in request.POST.getlist("criterion")[:60]}
        with refusal() as refused:
            services.document_criteria_set(
                actor=request.user,
                document=document,
                criteria=sorted(chosen),
                expected_version=_int(request.POST.get("version")),
            )
            messages.success(
                request, _("Đã gắn «%(name)s» với các tiêu chí đã chọn.") % {"name": document.original_name}
            )
            return redirect(_self_page(pk) if request.POST.get("next_page") == "self" else request.path)
        error, status = refused.error, refused.status
        dossier = selectors.dossier_get(request.user, pk)
    return render(
        request,
        "cycle/document_criteria.html",
        {
            "dossier": dossier,
            "document": document,
            "groups": selectors.sheet_groups_of(dossier),
            "chosen": chosen,
            "editable": flags(request.user, dossier)["may_upload"] and document.is_current,
            "error": error,
        },
        status=status,
    )


def _self_page(pk: int) -> str:
    """The producer's self-assessment page, when the evaluation app serves one (it sits above this app)."""
    from django.urls import NoReverseMatch

    try:
        return reverse("evaluation:self_assess", args=[pk])
    except NoReverseMatch:
        return reverse("cycle:dossier", args=[pk])
