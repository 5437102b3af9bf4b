"""Pages: rubric versions and their sheets (public), self-assessment on a sheet with "what held it back",
the sheet import for central officers (the import of past recognition decisions lives in `ocop.history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ocop.accounts.policies import Capability, has_capability
from ocop.core.refusals import refusal, shows_refusals

from .advice import held_back
from .engine import score_sheet
from .forms import SheetUploadForm
from .issues import RubricFileInvalid, ScoringError
from .selectors import (
    engine_version,
    product_sets_of,
    product_sets_without_sheet,
    rubric_version_get,
    rubric_versions,
    sheet_additions,
    version_in_force,
)
from .services import (
    rubric_sheet_import_apply,
    rubric_sheet_import_preview,
)
from .sheet_template import template_filename, template_workbook

_SALT = "ocop.rubrics.upload"


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def version_list(request):
    return render(
        request,
        "rubrics/version_list.html",
        {
            "versions": rubric_versions(),
            "may_import": has_capability(request.user, Capability.MANAGE_RUBRICS),
        },
    )


@shows_refusals
def version_detail(request, code: str):
    row = rubric_version_get(code)
    v = engine_version(code)
    nodes = [
        {
            "node": n,
            "children": [
                {"node": c, "sets": [p for p in v.product_sets if p.node == c.code]}
                for c in v.nodes
                if c.parent == n.code
            ],
        }
        for n in v.nodes
        if n.parent is None
    ]
    return render(
        request,
        "rubrics/version_detail.html",
        {
            "row": row,
            "v": v,
            "nodes": nodes,
            # A frozen version still receives sheets for sets that have none and were never scored.
            "may_import": has_capability(request.user, Capability.MANAGE_RUBRICS),
            # Where the data came from is for those who maintain it, not for every officer reading the rubric.
            "may_manage": has_capability(request.user, Capability.MANAGE_RUBRICS),
        },
    )


@shows_refusals
def sheet_view(request, code: str, product_set: str):
    """The sheet as a form: anyone may try options and see the score and what held it back (a GET form)."""
    rubric_version_get(code)
    v = engine_version(code)
    sheet = v.sheet(product_set)
    if sheet is None:
        raise Http404
    legal_form = request.GET.get("legal_form") or None
    answers = {c.code: request.GET[f"c-{c.code}"] for c in sheet.criteria if request.GET.get(f"c-{c.code}")}
    gates = [g.code for g in sheet.gates if request.GET.get(f"g-{g.code}")]
    score = advice = None
    errors: list[str] = []
    if answers:
        try:
            score = score_sheet(v, product_set, answers, gates=gates, legal_form=legal_form, complete=False)
            advice = held_back(v, score)
        except ScoringError as error:
            errors = error.describe(_lang())
    return render(
        request,
        "rubrics/sheet.html",
        {
            "v": v,
            "product_set": v.product_set(product_set),
            "sheet": sheet,
            "layout": sheet_layout(sheet),
            "answers": answers,
            "gates": gates,
            "legal_form": legal_form or "",
            "score": score,
            "held": advice,
            "errors": errors,
        },
    )


def sheet_layout(sheet) -> list[dict]:
    """Groups → criteria → options, each option with the stars it is mandatory for (the sheet's star marks)
    and each criterion with its doubts, so the page shows them beside what they concern."""
    layout = []
    for group in sheet.groups:
        rows = []
        for code in group.criteria:
            criterion = sheet.criterion(code)
            requirements = sheet.requirements_of(code)
            rows.append(
                {
                    "criterion": criterion,
                    "doubts": sheet.doubts_of(code),
                    "alternatives": [
                        {
                            "alternative": alternative,
                            "options": [
                                {
                                    "option": option,
                                    "marks": sorted(r.stars for r in requirements if r.option == option.code),
                                }
                                for option in alternative.options
                            ],
                        }
                        for alternative in criterion.alternatives
                    ],
                }
            )
        layout.append({"group": group, "rows": rows})
    return layout


def _signed(content: bytes, **extra) -> str:
    return signing.dumps({"content": content.hex(), **extra}, salt=_SALT, compress=True)


def _unsigned(token: str) -> dict:
    try:
        return signing.loads(token, salt=_SALT, max_age=3600)
    except signing.BadSignature as bad:
        raise Http404 from bad


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def sheet_import(request, code: str):
    """Upload → preview with every problem → confirm: a central officer keys in a sheet without a developer."""
    if not has_capability(request.user, Capability.MANAGE_RUBRICS):
        raise Http404
    row = rubric_version_get(code)
    form = SheetUploadForm(request.POST or None, request.FILES or None, product_sets=product_sets_of(row))
    preview = token = None
    if request.method == "POST" and request.POST.get("confirm"):
        data = _unsigned(request.POST["confirm"])
        with refusal(request):
            try:
                result = rubric_sheet_import_apply(
                    actor=request.user,
                    version=row,
                    product_set=data["product_set"],
                    content=bytes.fromhex(data["content"]),
                    filename=data["filename"],
                )
            except RubricFileInvalid as invalid:
                messages.error(request, "; ".join(invalid.describe(_lang())[:5]))
            else:
                messages.success(
                    request, _("Đã nạp phiếu đánh giá vào bộ tiêu chí %(code)s.") % {"code": result.code}
                )
                return redirect("rubrics:sheet", code=code, product_set=data["product_set"])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        preview = rubric_sheet_import_preview(
            actor=request.user,
            version=row,
            product_set=form.cleaned_data["product_set"],
            content=content,
            filename=upload.name,
        )
        if preview.ok:
            token = _signed(content, product_set=preview.product_set, filename=upload.name)
    return render(
        request,
        "rubrics/sheet_import.html",
        {
            "row": row,
            "form": form,
            "preview": preview,
            "token": token,
            "issues": [i.as_dict(_lang()) for i in preview.issues] if preview else [],
        },
    )


@login_required
def history_import(request):
    """The import of past recognitions moved to `ocop.history` (it now creates the records): the old address
    leads there."""
    return redirect("history:index")


# Product sets without a digital sheet (issue 12) ------------------------------------------------------------


def _require_rubric_manager(request) -> None:
    if not has_capability(request.user, Capability.MANAGE_RUBRICS):
        raise Http404


@login_required
@shows_refusals
def missing_sheets(request):
    """For the version in force (or the one asked for), the product sets still scored on paper, each with the
    XLSX template to fill and the import that loads it."""
    _require_rubric_manager(request)
    code = request.GET.get("version", "")[:20]
    row = rubric_version_get(code) if code else version_in_force(timezone.localdate())
    if row is None:
        raise Http404
    loaded = engine_version(row.code)
    additions = sheet_additions(row)  # "paper": scored on paper under a frozen version, keeps paper mode
    return render(
        request,
        "rubrics/missing_sheets.html",
        {
            "row": row,
            "v": loaded,
            "missing": [
                (product_set, additions.get(product_set.code, "open"))
                for product_set in product_sets_without_sheet(row)
            ],
            "with_sheet": len(loaded.sheets),
            "versions": rubric_versions(),
        },
    )


@login_required
@shows_refusals
def sheet_template(request, code: str, product_set: str):
    """The XLSX template of one product set's sheet, with the columns the sheet import reads."""
    _require_rubric_manager(request)
    rubric_version_get(code)
    loaded = engine_version(code)
    chosen = loaded.product_set(product_set)
    if chosen is None:
        raise Http404
    response = HttpResponse(
        template_workbook(loaded, chosen),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{template_filename(loaded, chosen)}"'
    response["Cache-Control"] = "private, no-store"
    return response
