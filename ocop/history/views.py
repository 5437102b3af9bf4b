"""Pages of the history import: upload a file of past recognitions, page through its preview filtered by
problem, merge or split producer groups, apply it in the background with its progress, undo a batch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import Capability, has_capability
from ocop.core.refusals import refusal, shows_refusals
from ocop.rubrics.forms import HistoryUploadForm

from . import selectors
from .models import UploadStatus
from .services import history_import_start, history_import_undo, history_upload_choose, history_upload_create


def _require_officer(request) -> None:
    if not has_capability(request.user, Capability.RECOGNISE):
        raise Http404


def _filter_labels() -> list[tuple[str, str]]:
    return [
        ("all", _("Tất cả")),
        ("errors", _("Có lỗi")),
        ("flags", _("Cần xem lại")),
        ("ambiguous", _("Chủ thể không rõ")),
        ("address", _("Địa chỉ chưa xác định")),
        ("new_producer", _("Chủ thể mới")),
        ("matched_producer", _("Chủ thể đã có")),
    ]


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def index(request):
    """Upload a file (it is previewed at once), the officer's uploads, and the batches they may undo."""
    _require_officer(request)
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal(form):
            created = history_upload_create(
                actor=request.user,
                content=upload.read(),
                filename=upload.name,
                mapping=form.cleaned_data["mapping"],
            )
            return redirect("history:upload", upload_id=created.pk)
    return render(
        request,
        "history/index.html",
        {
            "form": form,
            "uploads": selectors.uploads_visible_to(request.user)[:20],
            "batches": selectors.batches_visible_to(request.user)[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@shows_refusals
def upload(request, upload_id: int):
    """The preview: counts, the rows of one filter, one page at a time; the groups to merge or split; the run."""
    _require_officer(request)
    item = selectors.upload_get(request.user, upload_id)
    problem = request.GET.get("problem", "all")[:20]
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    running = item.status in (UploadStatus.QUEUED, UploadStatus.APPLYING)
    view = selectors.rows_page(item, problem=problem, page=page)
    return render(
        request,
        "history/upload.html",
        {
            "upload": item,
            "lang": _lang(),
            "view": view,
            "groups": selectors.groups_to_decide(item) if item.status == UploadStatus.PREVIEWED else [],
            "running": running,
            "filters": [(key, label, view["counts"][key]) for key, label in _filter_labels()],
        },
    )


@login_required
@require_POST
@shows_refusals
def choose(request, upload_id: int):
    """Merge (an existing producer's id) or split ("new") per producer group; the preview is drawn again."""
    _require_officer(request)
    item = selectors.upload_get(request.user, upload_id)
    prefix = "group:"
    choices = {key[len(prefix) :]: value for key, value in request.POST.items() if key.startswith(prefix)}
    with refusal(request):
        item = history_upload_choose(actor=request.user, upload=item, choices=choices)
        messages.success(
            request, _("Đã lưu lựa chọn; tệp còn %(count)s dòng có lỗi.") % {"count": item.error_count}
        )
    return redirect("history:upload", upload_id=item.pk)


@login_required
@require_POST
@shows_refusals
def apply(request, upload_id: int):
    _require_officer(request)
    item = selectors.upload_get(request.user, upload_id)
    with refusal(request):
        history_import_start(actor=request.user, upload=item)
        messages.success(request, _("Đã bắt đầu ghi %(rows)s dòng vào hệ thống.") % {"rows": item.row_count})
    return redirect("history:upload", upload_id=item.pk)


@login_required
@require_POST
@shows_refusals
def undo(request, batch_id: int):
    _require_officer(request)
    batch = selectors.batch_get(request.user, batch_id)
    with refusal(request):
        history_import_undo(actor=request.user, batch=batch, reason=request.POST.get("reason", "")[:300])
        messages.success(request, _("Đã hủy lần nhập %(file)s.") % {"file": batch.filename})
    return redirect("history:index")
