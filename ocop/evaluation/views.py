"""Pages of the evaluation: rounds, the council, the scoring sheet, progress and the council's result.

Views parse input, call one service or selector, and render; the rules live in services and policies.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.policies import Capability, has_capability, roles_with, scope_unit_ids
from ocop.core import listing
from ocop.core.errors import DomainError
from ocop.core.exports import Column
from ocop.core.paths import path_of
from ocop.core.refusals import found as _found
from ocop.core.refusals import refusal
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.cycle.programme import FIRST_YEAR
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules, selectors, services
from ocop.evaluation.forms import (
    AddDossierForm,
    ConclusionForm,
    ConflictForm,
    CouncilForm,
    MemberForm,
    RoundForm,
)
from ocop.evaluation.models import Council, CouncilMember, EvaluationStatus, PrecheckVerdict, RoundStatus
from ocop.evaluation.reading import member_reading
from ocop.geo import eras
from ocop.rubrics import engine
from ocop.rubrics.advice import held_back
from ocop.rubrics.issues import ScoringError
from ocop.rubrics.selectors import engine_version, engine_version_on, product_group_choices


@login_required
def home(request):
    user = request.user
    rounds = selectors.rounds_visible_to(user)[:100]
    assignments = list(selectors.assignments_of(user)[:200])
    for assignment in assignments:
        sheets = list(assignment.round_dossier.sheets.all())
        assignment.own_sheet = sheets[0] if sheets else None
        # The council's mean, once the member may read it (after submitting: the API's `result`).
        assignment.shown_score = (
            assignment.round_dossier.mean_score
            if policies.may(user, "view_result", assignment.round_dossier)
            else None
        )
    if not (
        has_capability(user, Capability.RUN_EVALUATION)
        or has_capability(user, Capability.SCORE)
        or assignments
    ):
        raise Http404
    return render(
        request,
        "evaluation/home.html",
        {
            "rounds": rounds,
            "assignments": assignments,
            "may_create": policies.can_create_round(user),
        },
    )


def _level_of_unit(unit) -> str | None:
    """The rubric level whose councils sit at this unit's level, in the version in force today."""
    version = engine_version_on(timezone.localdate())
    return version.level_of_unit(unit.level) if version is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    roles = roles_with(request.user, Capability.RUN_EVALUATION)
    if not roles:
        raise Http404
    initial_unit = roles[0].unit
    form = RoundForm(
        request.POST or None,
        initial={
            "unit_code": initial_unit.code,
            "level": _level_of_unit(initial_unit),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form):
            evaluation_round = services.round_create(
                actor=request.user,
                name=data["name"],
                level=data["level"],
                unit=data["unit_code"],
                year=data["year"],
                rubric_version=data["rubric_version"],
                held_on=data["held_on"],
                min_sheets=data["min_sheets"],
                disagreement_threshold=data["disagreement_threshold"],
            )
            messages.success(request, _("Đã tạo đợt đánh giá."))
            return redirect("evaluation:round", round_id=evaluation_round.pk)
    return render(request, "evaluation/round_form.html", {"form": form})


def _round_context(request, evaluation_round, **forms):
    user = request.user
    council = Council.objects.filter(round=evaluation_round).first()
    flags = policies.round_flags(user, evaluation_round)
    candidates = (
        dossier_gateway.dossiers_ready_for(user, evaluation_round) if flags["may_add_dossier"] else []
    )
    levels = engine_version(evaluation_round.rubric_version.code).levels  # level names are the rubric's data
    return {
        "round": evaluation_round,
        "level_name": next(
            (lv.name for lv in levels if lv.code == evaluation_round.level), evaluation_round.level
        ),
        "council": council,
        "members": list(council.members.select_related("user")) if council else [],
        "round_dossiers": _round_rows(user, selectors.round_dossiers_of(user, evaluation_round)),
        "flags": flags,
        "next_states": policies.next_states(user, evaluation_round),
        "council_form": forms.get("council_form") or CouncilForm(),
        "member_form": forms.get("member_form") or MemberForm(),
        "dossier_form": forms.get("dossier_form") or AddDossierForm(dossiers=candidates),
        "seat": policies.seat(user, evaluation_round),
    }


def _round_rows(user, round_dossiers) -> list:
    """Each dossier of the round with its sheet mode (for a paper one, what to do: issue 12) and `shown_score`:
    the council's mean for those who may read the result (scoring is blind until then), otherwise None."""
    rows = list(round_dossiers)
    for row in rows:
        row.paper_notice = selectors.paper_notice(row)
        row.shown_score = row.mean_score if policies.may(user, "view_result", row) else None
    return rows


@login_required
def round_detail(request, round_id: int):
    evaluation_round = _found(selectors.round_get, request.user, round_id)
    return render(request, "evaluation/round.html", _round_context(request, evaluation_round))


@login_required
@require_POST
def round_action(request, round_id: int, action: str):
    """The officer's actions on a round: set up the council, add a member or a dossier, assign, advance."""
    user = request.user
    evaluation_round = _found(selectors.round_get, user, round_id)
    if not policies.can_run(user, evaluation_round):
        raise Http404
    forms = {}
    with refusal(request) as refused:
        if action == "council":
            form = forms["council_form"] = CouncilForm(request.POST)
            if form.is_valid():
                services.council_set_up(actor=user, evaluation_round=evaluation_round, **form.cleaned_data)
                messages.success(request, _("Đã thành lập Hội đồng."))
                return redirect("evaluation:round", round_id=round_id)
        elif action == "member":
            form = forms["member_form"] = MemberForm(request.POST)
            council = Council.objects.filter(round=evaluation_round).first()
            if council is None:
                raise Http404
            if form.is_valid():
                data = form.cleaned_data
                services.member_add(
                    actor=user,
                    council=council,
                    user=data["username"],
                    role=data["role"],
                    position=data["position"],
                    employer=data["employer"],
                )
                messages.success(request, _("Đã thêm thành viên."))
                return redirect("evaluation:round", round_id=round_id)
        elif action == "dossier":
            candidates = dossier_gateway.dossiers_ready_for(user, evaluation_round)
            form = forms["dossier_form"] = AddDossierForm(request.POST, dossiers=candidates)
            if form.is_valid():
                dossier = next(d for d in candidates if d.pk == form.cleaned_data["dossier"])
                added = services.round_dossier_add(
                    actor=user, evaluation_round=evaluation_round, dossier=dossier
                )
                messages.success(request, _("Đã đưa hồ sơ vào đợt đánh giá."))
                notice = selectors.paper_notice(added)
                if notice:
                    messages.warning(request, notice)
                return redirect("evaluation:round", round_id=round_id)
        elif action == "assign_all":
            count = services.assignments_create_all(actor=user, evaluation_round=evaluation_round)
            messages.success(request, _("Đã phân công %(count)s lượt chấm.") % {"count": count})
            return redirect("evaluation:round", round_id=round_id)
        elif action == "advance":
            services.round_advance(
                actor=user,
                evaluation_round=evaluation_round,
                to=request.POST.get("to", ""),
                expected_version=_int(request.POST.get("version")),
            )
            messages.success(request, _("Đã chuyển trạng thái đợt đánh giá."))
            if request.POST.get("to") == RoundStatus.SCORING:  # scoring starts: say which go on paper
                for notice in filter(
                    None, map(selectors.paper_notice, selectors.round_dossiers_of(user, evaluation_round))
                ):
                    messages.warning(request, notice)
            return redirect("evaluation:round", round_id=round_id)
        else:
            raise Http404
    if refused and not forms:
        return redirect("evaluation:round", round_id=round_id)
    return render(
        request, "evaluation/round.html", _round_context(request, evaluation_round, **forms), status=400
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def progress(request, round_id: int):
    evaluation_round = _found(selectors.round_get, request.user, round_id)
    members, rows = _found(selectors.progress, request.user, evaluation_round)
    return render(
        request, "evaluation/progress.html", {"round": evaluation_round, "members": members, "rows": rows}
    )


# The scoring sheet -----------------------------------------------------------------------------------------


def _sheet_layout(version, product_set: str, legal_form: str, answers, comments, gates) -> list[dict]:
    """The official sheet as groups of criteria with their options, for the form."""
    sheet = rules.sheet_of(version, product_set)
    layout = []
    for group in sheet.groups:
        criteria = []
        for code in group.criteria:
            criterion = sheet.criterion(code)
            alternatives = [a for a in criterion.alternatives if a.allows(legal_form or None)]
            criteria.append(
                {
                    "code": criterion.code,
                    "name": criterion.name,
                    "part": criterion.part,
                    "max": criterion.max_points,
                    "note": criterion.note,
                    "bonus": criterion.bonus,
                    "applies_when": criterion.applies_when,
                    "several": len(alternatives) > 1,
                    "alternatives": [
                        {
                            "label": alternative.label,
                            "applies_to": alternative.applies_to,
                            "options": [
                                {
                                    "code": option.code,
                                    "text": option.text,
                                    "points": option.points,
                                    "checked": answers.get(criterion.code) == option.code,
                                }
                                for option in alternative.options
                            ],
                        }
                        for alternative in alternatives
                    ],
                    "comment": comments.get(criterion.code, ""),
                    "gates": [
                        {"code": g.code, "text": g.text, "kind": g.kind, "checked": g.code in gates}
                        for g in criterion.gates
                    ],
                }
            )
        layout.append({"code": group.code, "name": group.name, "part": group.part, "criteria": criteria})
    return layout


def _sheet_gates(version, product_set: str, gates) -> list[dict]:
    """The whole-sheet gates (e.g. 2023's «loại phiếu»), shown above the criteria: ticking one disqualifies."""
    return [
        {"code": g.code, "text": g.text, "kind": g.kind, "checked": g.code in gates}
        for g in rules.sheet_of(version, product_set).general_gates
    ]


def _posted_sheet(request, version, product_set: str):
    sheet = rules.sheet_of(version, product_set)
    answers = {}
    comments = {}
    for criterion in sheet.criteria:
        chosen = request.POST.get(f"c-{criterion.code}", "").strip()
        if chosen:
            answers[criterion.code] = chosen[:20]
        note = request.POST.get(f"note-{criterion.code}", "").strip()
        if note:
            comments[criterion.code] = note[:2000]
    # Anything posted for a criterion that is not on the sheet is refused by the service, not dropped.
    for key in request.POST:
        if key.startswith("c-") and sheet.criterion(key[2:]) is None:
            answers[key[2:][:20]] = request.POST[key][:20]
    gates = [g[:40] for g in request.POST.getlist("gate")][:50]
    return answers, comments, gates, request.POST.get("comment", "")[:5000]


@login_required
@require_http_methods(["GET", "POST"])
def score(request, round_dossier_id: int):
    user = request.user
    round_dossier = _found(selectors.round_dossier_get, user, round_dossier_id)
    evaluation_round = round_dossier.round
    sheet = selectors.own_sheet(user, round_dossier)
    why_not = policies.why_not_score(user, round_dossier)
    if sheet is None and why_not:
        return render(
            request,
            "evaluation/score_refused.html",
            {"round_dossier": round_dossier, "reason": why_not},
            status=403,
        )
    if selectors.sheet_mode_of(round_dossier) == "paper":
        return _paper_page(request, round_dossier, request.user)
    version = rules.loaded_version(evaluation_round.rubric_version)
    product_set = dossier_gateway.product_set_code_of(round_dossier.dossier)
    legal_form = (
        sheet.legal_form if sheet else (dossier_gateway.producer_of(round_dossier.dossier).legal_form or "")
    )
    status = 200
    error = None
    if request.method == "POST":
        answers, comments, gates, comment = _posted_sheet(request, version, product_set)
        action = request.POST.get("action", "save")
        expected = _int(request.POST.get("version"))
        with refusal() as refused:
            if expected is None:
                raise DomainError(_("Thiếu số phiên bản của phiếu."), code="version_required")
            call = services.sheet_submit if action == "submit" else services.sheet_save_draft
            call(
                actor=user,
                round_dossier=round_dossier,
                answers=answers,
                comments=comments,
                gates=gates,
                comment=comment,
                expected_version=expected,
            )
            if action == "submit":
                messages.success(request, _("Đã nộp phiếu đánh giá."))
                return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("evaluation:score", round_dossier_id=round_dossier.pk)
        error, status = refused.error, refused.status
        sheet = selectors.own_sheet(user, round_dossier)
        sheet_version = expected if expected is not None else (sheet.version if sheet else 0)
        preview = _preview(version, product_set, answers, gates, legal_form)
    else:
        answers = rules.stored_answers(sheet) if sheet else {}
        comments = {line.criterion: line.comment for line in sheet.lines.all()} if sheet else {}
        gates = list(sheet.gates) if sheet else []
        comment = sheet.comment if sheet else ""
        sheet_version = sheet.version if sheet else 0
        preview = _preview(version, product_set, answers, gates, legal_form)
    flags = policies.sheet_flags(user, round_dossier, sheet)
    return render(
        request,
        "evaluation/score.html",
        {
            "round_dossier": round_dossier,
            "product": dossier_gateway.product_of(round_dossier.dossier),
            "producer": dossier_gateway.producer_of(round_dossier.dossier),
            "sheet": sheet,
            "sheet_version": sheet_version,
            "layout": _with_claims(
                _sheet_layout(version, product_set, legal_form, answers, comments, gates),
                selectors.claims_of(
                    round_dossier.dossier
                ),  # the producer's claim, evidence, checks (issue 18)
            ),
            "sheet_gates": _sheet_gates(version, product_set, gates),
            "parts": [
                {
                    "code": p.code,
                    "name": p.name,
                    "max": p.max_points,
                    "points": preview["parts"].get(p.code, 0),
                }
                for p in version.parts
            ],
            "total": preview["total"],
            "scale_max": version.scale_max,
            "comment": comment,
            "editable": flags["may_edit"],
            "why_not": why_not,
            "error": error,
            "may_view_result": policies.may(user, "view_result", round_dossier),
            # The dossier, its documents and the product, read only, beside the sheet (while the round is open).
            "reading": member_reading(user, round_dossier),
        },
        status=status,
    )


def _preview(version, product_set, answers, gates, legal_form) -> dict:
    """Totals of the answers as they stand (the server's own count, shown with or without JavaScript)."""
    try:
        scored = engine.score_sheet(
            version, product_set, answers, gates=gates, legal_form=legal_form or None, complete=False
        )
    except ScoringError:  # an answer not on the sheet: the service reports it, the totals show 0
        return {"parts": {}, "total": Decimal(0)}
    return {"parts": dict(scored.parts), "total": scored.total}


# The dossier in the round: sheets, result, conclusion ------------------------------------------------------


@login_required
def dossier(request, round_dossier_id: int):
    user = request.user
    round_dossier = _found(selectors.round_dossier_get, user, round_dossier_id)
    return render(request, "evaluation/dossier.html", _dossier_context(request, round_dossier))


def _dossier_context(request, round_dossier, **forms) -> dict:
    user = request.user
    evaluation_round = round_dossier.round
    flags = policies.round_dossier_flags(user, round_dossier)
    own = selectors.own_sheet(user, round_dossier)
    seat = policies.seat(user, evaluation_round)
    missing = selectors.missing_sheets(round_dossier) if flags["may_steer"] else []
    return {
        "round_dossier": round_dossier,
        "round": evaluation_round,
        "product": dossier_gateway.product_of(round_dossier.dossier),
        "producer": dossier_gateway.producer_of(round_dossier.dossier),
        "own_sheet": own,
        "why_not_score": policies.why_not_score(user, round_dossier),
        "others": [
            s for s in selectors.sheets_visible_to(user, round_dossier) if s.member.user_id != user.pk
        ],
        "conflicts": round_dossier.conflicts.select_related("user") if flags["may_steer"] else [],
        "my_conflicts": round_dossier.conflicts.filter(user=user),
        "flags": flags,
        "missing": missing,
        "conflict_form": forms.get("conflict_form") or ConflictForm(),
        "conclusion_form": forms.get("conclusion_form")
        or ConclusionForm(initial={"version": round_dossier.version}),
        "seat": seat,
        "certification": dossier_gateway.certification_links(user, round_dossier),
        "paper_notice": selectors.paper_notice(round_dossier),
        "paper_entries": selectors.paper_entries(user, round_dossier),
    }


@login_required
@require_POST
def dossier_action(request, round_dossier_id: int, action: str):
    user = request.user
    round_dossier = _found(selectors.round_dossier_get, user, round_dossier_id)
    forms = {}
    with refusal(request) as refused:
        if action == "conflict":
            form = forms["conflict_form"] = ConflictForm(request.POST)
            if form.is_valid():
                services.conflict_declare(actor=user, round_dossier=round_dossier, **form.cleaned_data)
                messages.success(request, _("Đã ghi nhận xung đột lợi ích; bạn không chấm hồ sơ này."))
                return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
        elif action == "result":
            services.council_result_compute(actor=user, round_dossier=round_dossier)
            messages.success(request, _("Đã tổng hợp kết quả của Hội đồng."))
            return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
        elif action == "conclude":
            form = forms["conclusion_form"] = ConclusionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.council_conclude(
                    actor=user,
                    round_dossier=round_dossier,
                    conclusion=data["conclusion"],
                    minutes=data["minutes"],
                    expected_version=data["version"],
                )
                messages.success(request, _("Đã ghi kết luận của Hội đồng."))
                return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
        elif action == "propose":
            services.round_dossier_propose_upward(
                actor=user, round_dossier=round_dossier, note=request.POST.get("note", "")[:500]
            )
            messages.success(request, _("Đã đề xuất sản phẩm lên cấp trên."))
            return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
        else:
            raise Http404
    round_dossier = selectors.round_dossier_get(user, round_dossier.pk)
    return render(
        request,
        "evaluation/dossier.html",
        _dossier_context(request, round_dossier, **forms),
        status=refused.status,
    )


# The producer's view of the council's result ---------------------------------------------------------------


@login_required
def result(request, round_dossier_id: int):
    """The council's result for the producer: score, stars, the reasons, and what held the product back (the
    rubric's advice on the sheet in the middle of the council's sheets)."""
    round_dossier = _found(selectors.producer_result_get, request.user, round_dossier_id)
    version = rules.loaded_version(round_dossier.round.rubric_version)
    held = score_of_median = None
    median = selectors.median_sheet(round_dossier)
    if median is not None and not median.is_paper:  # a paper sheet has no criteria to advise on
        score_of_median = rules.score_stored(version, median)
        held = held_back(version, score_of_median)
    return render(
        request,
        "evaluation/result.html",
        {
            "round_dossier": round_dossier,
            "product": dossier_gateway.product_of(round_dossier.dossier),
            "held": held,
            "score": score_of_median,
            # The producer's self-assessment beside the council's mean per criterion (issue 18).
            "comparison": selectors.self_comparison(round_dossier),
        },
    )


# Paper sheets (issue 12) ------------------------------------------------------------------------------------


def _paper_page(request, round_dossier, member_user):
    """The paper sheet of `member_user`: part totals and the scan, entered by the member or the secretary."""
    user = request.user
    on_behalf = member_user.pk != user.pk
    sheet = selectors.sheet_for_member(round_dossier, member_user)
    if on_behalf:
        why_not = policies.why_not_enter_on_behalf(user, round_dossier) or policies.why_not_score(
            member_user, round_dossier
        )
    else:
        why_not = policies.why_not_score(user, round_dossier)
    if why_not and (on_behalf or sheet is None):
        return render(
            request,
            "evaluation/score_refused.html",
            {"round_dossier": round_dossier, "reason": why_not},
            status=403,
        )
    version = rules.loaded_version(round_dossier.round.rubric_version)
    status, error = 200, None
    posted: dict[str, str] = {}
    comment = sheet.comment if sheet else ""
    sheet_version = sheet.version if sheet else 0
    if request.method == "POST":
        posted = {p.code: request.POST.get(f"part-{p.code}", "")[:20] for p in version.parts}
        comment = request.POST.get("comment", "")[:5000]
        action = request.POST.get("action", "save")
        expected = _int(request.POST.get("version"))
        with refusal() as refused:
            if expected is None:
                raise DomainError(_("Thiếu số phiên bản của phiếu."), code="version_required")
            refused_upload(request, "scan")
            call = services.sheet_paper_submit if action == "submit" else services.sheet_paper_save
            call(
                actor=user,
                round_dossier=round_dossier,
                parts=posted,
                expected_version=expected,
                scan=request.FILES.get("scan"),
                comment=comment,
                on_behalf_of=member_user if on_behalf else None,
            )
            if action == "submit":
                messages.success(request, _("Đã nộp phiếu giấy."))
                return redirect("evaluation:dossier", round_dossier_id=round_dossier.pk)
            messages.success(request, _("Đã lưu bản nháp."))
            if on_behalf:
                return redirect(
                    "evaluation:paper_for",
                    round_dossier_id=round_dossier.pk,
                    username=member_user.get_username(),
                )
            return redirect("evaluation:score", round_dossier_id=round_dossier.pk)
        error, status = refused.error, refused.status
        sheet_version = expected if expected is not None else sheet_version
    stored = sheet.parts if sheet else {}
    return render(
        request,
        "evaluation/score_paper.html",
        {
            "round_dossier": round_dossier,
            "product": dossier_gateway.product_of(round_dossier.dossier),
            "producer": dossier_gateway.producer_of(round_dossier.dossier),
            "member_user": member_user,
            "on_behalf": on_behalf,
            "sheet": sheet,
            "sheet_version": sheet_version,
            "parts": [
                {
                    "code": p.code,
                    "name": p.name,
                    "max": p.max_points,
                    "value": posted.get(p.code, stored.get(p.code, "")),
                }
                for p in version.parts
            ],
            "step": Decimal(1).scaleb(-version.aggregation.decimals),
            "decimals": version.aggregation.decimals,
            "scale_max": version.scale_max,
            "comment": comment,
            "editable": policies.sheet_flags(user, round_dossier, sheet, member_user)["may_edit"],
            "why_not": why_not,
            "error": error,
            "may_view_result": policies.may(user, "view_result", round_dossier),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_for(request, round_dossier_id: int, username: str):
    """The council secretary enters a member's paper sheet on their behalf."""
    round_dossier = _found(selectors.round_dossier_get, request.user, round_dossier_id)
    if selectors.sheet_mode_of(round_dossier) != "paper":
        raise Http404
    member = (
        CouncilMember.objects.filter(council__round=round_dossier.round, user__username=username)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404
    return _paper_page(request, round_dossier, member.user)  # one's own name: one's own sheet


@login_required
def sheet_scan(request, round_dossier_id: int, sheet_id: int):
    """The scanned paper sheet, to whoever may read the sheet (and the secretary who entered it)."""
    round_dossier = _found(selectors.round_dossier_get, request.user, round_dossier_id)
    sheet = _found(selectors.sheet_get, request.user, round_dossier, sheet_id)
    if not sheet.scan:
        raise Http404
    return download_response(
        request, sheet.scan.name, filename=sheet.scan_name, content_type=sheet.scan_content_type
    )


@login_required
def results(request):
    """The officers' list of rounds with scores: every dossier of the rounds they run, its council's mean
    and stars, filtered (unit of today or of its time, year, state, stars, group), downloadable as shown."""
    if not has_capability(request.user, Capability.RUN_EVALUATION):
        raise Http404
    query = request.GET
    unit = eras.unit_from_param(query.get("unit"))
    statuses = [(code, str(label)) for code, label in EvaluationStatus.choices]
    groups = product_group_choices()
    records = selectors.results_listed(
        request.user,
        unit_q=eras.unit_q(unit, "dossier__unit") if unit else None,
        year=listing.year_param(query),
        status=listing.choice_param(query, "status", statuses),
        star=listing.star_param(query),
        group=listing.choice_param(query, "group", groups),
    )
    filters = [
        eras.unit_list_filter(query, unit, scope_unit_ids(request.user, Capability.RUN_EVALUATION)),
        listing.ListFilter("year", _("Năm"), query.get("year", ""), listing.year_choices(FIRST_YEAR)),
        listing.ListFilter("status", _("Trạng thái"), query.get("status", ""), statuses),
        listing.ListFilter("star", _("Hạng sao"), query.get("star", ""), listing.STAR_CHOICES),
        listing.ListFilter("group", _("Nhóm sản phẩm"), query.get("group", ""), groups),
    ]
    columns = [
        Column(
            _("Đợt đánh giá"),
            lambda rd: rd.round_name,
            lambda rd: path_of("evaluation:round", rd.round_id),
        ),
        Column(_("Năm"), lambda rd: rd.year),
        Column(
            _("Sản phẩm"),
            lambda rd: rd.product_name,
            lambda rd: path_of("evaluation:dossier", rd.pk),
        ),
        Column(_("Nhóm sản phẩm"), lambda rd: rd.group_name),
        Column(_("Chủ thể"), lambda rd: rd.producer_name),
        Column(_("Điểm trung bình"), lambda rd: rd.mean_score),
        Column(_("Hạng theo điểm"), lambda rd: rd.band_stars),
        Column(_("Hạng sao được công nhận"), lambda rd: rd.recognised_stars),
        Column(_("Trạng thái"), lambda rd: listing.choice_label(EvaluationStatus, rd.status)),
        *eras.place_columns(lambda rd: rd.unit_id),
    ]
    return listing.list_response(
        request,
        "evaluation/results.html",
        records=records,
        rows=selectors.result_rows,
        columns=columns,
        filters=filters,
        filename="ket-qua-danh-gia-ocop",
    )


# Self-assessment, evidence and the help team's pre-check (issue 18) ----------------------------------------


def _with_claims(layout: list[dict], claims: dict) -> list[dict]:
    """Each criterion of the layout with what sits beside it (`c.claim`: answer, evidence, checks, commune)."""
    for group in layout:
        for criterion in group["criteria"]:
            criterion["claim"] = claims.get(criterion["code"])
    return layout


def _posted_answers(request, version, product_set: str) -> tuple[dict, dict]:
    answers, notes, _gates, _comment = _posted_sheet(request, version, product_set)
    return answers, notes


def _self_preview(version, product_set: str, answers, legal_form: str):
    """The answers as they stand through the engine: total, star, unmet mandatory criteria and the advice."""
    try:
        scored = engine.score_sheet(
            version, product_set, answers, legal_form=legal_form or None, complete=False
        )
    except ScoringError:
        return None, None
    return scored, held_back(version, scored)


@login_required
@require_http_methods(["GET", "POST"])
def self_assess(request, dossier_id: int):
    """The producer fills the official sheet of their product set for their dossier (same sheet, engine and
    running totals as a council member's), sees their total, star, unmet mandatory criteria and what would lift
    it, and submits; the report then fills the checklist item."""
    user = request.user
    dossier = _found(selectors.own_dossier_get, user, dossier_id)
    refused_now = policies.refusal_for(user, "self_assess", dossier)
    assessment = selectors.self_assessment_of(dossier)
    product_set = dossier_gateway.product_set_code_of(dossier)
    if selectors.sheet_mode(dossier.rubric_version, product_set) != "digital":
        return render(
            request,
            "evaluation/self_assess.html",
            {"dossier": dossier, "paper": True, "why_not": refused_now.message if refused_now else ""},
        )
    version = rules.loaded_version(dossier.rubric_version)
    legal_form = assessment.legal_form if assessment else (dossier.producer.legal_form or "")
    status, error = 200, None
    if request.method == "POST":
        answers, notes = _posted_answers(request, version, product_set)
        expected = _int(request.POST.get("version"))
        action = request.POST.get("action", "save")
        with refusal() as refused:
            call = services.self_assessment_submit if action == "submit" else services.self_assessment_save
            call(actor=user, dossier=dossier, answers=answers, notes=notes, expected_version=expected)
            if action == "submit":
                messages.success(request, _("Đã nộp phiếu tự đánh giá; báo cáo đã được đưa vào hồ sơ."))
            else:
                messages.success(request, _("Đã lưu bản nháp."))
            return redirect("evaluation:self_assess", dossier_id=dossier.pk)
        error, status = refused.error, refused.status
        sheet_version = expected if expected is not None else (assessment.version if assessment else 0)
    else:
        lines = list(assessment.lines.all()) if assessment else []
        answers = {line.criterion: line.option for line in lines if line.option}
        notes = {line.criterion: line.note for line in lines if line.note}
        sheet_version = assessment.version if assessment else 0
    scored, held = _self_preview(version, product_set, answers, legal_form)
    layout = _with_claims(
        _sheet_layout(version, product_set, legal_form, answers, notes, []), selectors.claims_of(dossier)
    )
    editable = refused_now is None
    return render(
        request,
        "evaluation/self_assess.html",
        {
            "dossier": dossier,
            "assessment": assessment,
            "sheet_version": sheet_version,
            "layout": layout,
            "parts": [
                {
                    "code": p.code,
                    "name": p.name,
                    "max": p.max_points,
                    "points": scored.parts.get(p.code, 0) if scored else 0,
                }
                for p in version.parts
            ],
            "score": scored,
            "held": held,
            "total": scored.total if scored else 0,
            "scale_max": version.scale_max,
            "editable": editable,
            "why_not": refused_now.message if refused_now else "",
            "error": error,
            "documents": selectors.current_documents_of(dossier),
            "may_tag": dossier_gateway.may_tag_evidence(user, dossier),
        },
        status=status,
    )


@login_required
def precheck_list(request):
    """The help team's list: submitted dossiers of its units with a submitted self-assessment, and how many
    claims have no evidence or are not checked yet."""
    user = request.user
    if not has_capability(user, Capability.PRECHECK):
        raise Http404
    rows = []
    for dossier in selectors.precheck_dossiers_visible_to(user)[:200]:
        claims = selectors.claims_of(dossier)
        claimed = [c for c in claims.values() if c.claimed]
        rows.append(
            {
                "dossier": dossier,
                "claimed": len(claimed),
                "unbacked": sum(1 for c in claimed if c.unbacked),
                "unchecked": sum(1 for c in claimed if c.precheck is None),
                "may_precheck": policies.may(user, "precheck", dossier),
            }
        )
    return render(request, "evaluation/precheck_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def precheck(request, dossier_id: int):
    """One dossier's claims, criterion by criterion, with the evidence cited and a form per claim for the
    help team's check (confirmed, doubtful, missing) and note."""
    user = request.user
    dossier = _found(selectors.precheck_dossier_get, user, dossier_id)
    status, error, failed = 200, None, ""
    if request.method == "POST":
        criterion = request.POST.get("criterion", "")[:20]
        with refusal() as refused:
            services.precheck_record(
                actor=user,
                dossier=dossier,
                criterion=criterion,
                verdict=request.POST.get("verdict", "")[:20],
                note=request.POST.get("note", "")[:2000],
            )
            messages.success(request, _("Đã ghi ý kiến kiểm tra tiêu chí %(code)s.") % {"code": criterion})
            return redirect(f"{request.path}#criterion-{criterion}")
        error, status, failed = refused.error, refused.status, criterion
    assessment = selectors.self_assessment_of(dossier)
    assert assessment is not None  # the selector keeps only dossiers with a submitted self-assessment
    version = rules.loaded_version(assessment.rubric_version)
    claims = selectors.claims_of(dossier)
    answers = {code: c.option for code, c in claims.items() if c.option}
    layout = _with_claims(
        _sheet_layout(version, assessment.product_set, assessment.legal_form, answers, {}, []), claims
    )
    return render(
        request,
        "evaluation/precheck.html",
        {
            "dossier": dossier,
            "assessment": assessment,
            "layout": layout,
            "verdicts": PrecheckVerdict.choices,
            "may_precheck": policies.may(user, "precheck", dossier),
            "why_not": policies.refusal_for(user, "precheck", dossier),
            "error": error,
            "failed": failed,
            "scale_max": version.scale_max,
        },
        status=status,
    )
