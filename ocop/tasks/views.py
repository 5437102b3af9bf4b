"""The officers' page of background work: what ran, what failed and why, and the files runs produced."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.policies import Capability, can, has_capability
from ocop.core.refusals import refusal, shows_refusals
from ocop.core.storage import download_response
from ocop.tasks import services
from ocop.tasks.models import Status
from ocop.tasks.selectors import task_run_get, task_runs_visible_to


def _require_officer(request) -> None:
    if not has_capability(request.user, Capability.VIEW_WORK):
        raise Http404


@login_required
def task_list(request):
    _require_officer(request)
    runs = task_runs_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        runs = runs.filter(status=status)
    else:
        status = ""
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "may_probe": can(request.user, Capability.VIEW_WORK, None),
        },
    )


@login_required
@require_POST
@shows_refusals
def task_retry(request, run_id: int):
    _require_officer(request)
    run = task_run_get(request.user, run_id)
    with refusal(request):
        services.task_run_retry(actor=request.user, run=run, reason=request.POST.get("reason", "")[:500])
        messages.success(request, _("Đã đưa công việc vào hàng chờ để chạy lại."))
    return redirect("tasks:list")


@login_required
@require_POST
def task_probe(request):
    _require_officer(request)
    with refusal(request):
        services.probe_request(actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Đã gửi yêu cầu kiểm tra hệ thống."))
    return redirect("tasks:list")


@login_required
@shows_refusals
def task_output(request, run_id: int):
    _require_officer(request)
    run = task_run_get(request.user, run_id)
    if not run.output:
        raise Http404
    return download_response(request, run.output.name, filename=run.output_filename or "ket-qua")
