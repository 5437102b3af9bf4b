"""Pages: decisions (draft, approve, return), certificates (detail, PDF, revocation and change of stars with a
second official), and the public verification page a phone camera opens from the QR."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts.models import User
from ocop.accounts.policies import Capability, has_capability, scope_unit_ids
from ocop.certification import policies, selectors, services, throttle, verify_links
from ocop.certification.forms import DecisionForm, NoteForm, ReasonForm, RevokeForm, StarsForm, VerifyForm
from ocop.certification.models import ChangeStatus, DecisionStatus, EffectiveStatus, effective_status_of
from ocop.certification.templatetags.certification_tags import status_badge_class
from ocop.core import listing
from ocop.core.exports import Column
from ocop.core.listing import EXPIRY_WINDOWS
from ocop.core.paths import path_of
from ocop.core.refusals import found as _found  # a selector's NotFound is the ordinary 404 page
from ocop.core.refusals import refusal
from ocop.core.storage import download_response
from ocop.cycle.programme import FIRST_YEAR
from ocop.geo import eras
from ocop.rubrics.selectors import product_group_choices

# ---------------------------------------------------------------------------------------------------------
# Certificates


@login_required
def certificate_list(request):
    """Certificates the reader sees, filtered (number, unit of today or of its time, year, state, stars,
    group, expiry window), with the "expiring soon" view and the download of what it shows."""
    query = request.GET
    unit = eras.unit_from_param(query.get("unit"))
    statuses = [(code, str(label)) for code, label in EffectiveStatus.choices]
    groups = product_group_choices()
    windows = [
        (str(months), _("Trong %(months)s tháng tới") % {"months": months}) for months in EXPIRY_WINDOWS
    ]
    number = listing.text_param(query, "q", 32)
    expiring = listing.expiry_param(query)
    records = selectors.certificates_listed(
        request.user,
        number=number,
        unit_q=eras.unit_q(unit, "producer_unit") if unit else None,
        year=listing.year_param(query),
        status=listing.choice_param(query, "status", statuses),
        star=listing.star_param(query),
        group=listing.choice_param(query, "group", groups),
        expiring_months=expiring,
    )
    filters = [
        listing.ListFilter("q", _("Số giấy chứng nhận"), number),
        eras.unit_list_filter(query, unit, scope_unit_ids(request.user, Capability.VIEW_WORK)),
        listing.ListFilter("year", _("Năm cấp"), query.get("year", ""), listing.year_choices(FIRST_YEAR)),
        listing.ListFilter("status", _("Tình trạng"), query.get("status", ""), statuses),
        listing.ListFilter("star", _("Hạng sao"), query.get("star", ""), listing.STAR_CHOICES),
        listing.ListFilter("group", _("Nhóm sản phẩm"), query.get("group", ""), groups),
        listing.ListFilter("expiring", _("Sắp hết hạn"), str(expiring or ""), windows),
    ]
    if not filters[1].choices:
        filters.pop(1)  # a producer's own certificates: no area to choose
    today = timezone.localdate()

    def state(c) -> str:
        return effective_status_of(c.status, c.valid_until, today)

    columns = [
        Column(_("Số"), lambda c: c.number, lambda c: path_of("certification:detail", c.pk)),
        Column(_("Sản phẩm"), lambda c: c.product_name),
        Column(_("Chủ thể"), lambda c: c.producer_name),
        Column(_("Nhóm sản phẩm"), lambda c: c.group_name),
        Column(_("Hạng sao"), lambda c: c.stars),
        Column(_("Ngày cấp"), lambda c: c.issued_on),
        Column(_("Có giá trị đến"), lambda c: c.valid_until),
        Column(
            _("Tình trạng"),
            lambda c: listing.choice_label(EffectiveStatus, state(c)),
            badge=lambda c: status_badge_class(state(c)),
        ),
        *eras.place_columns(lambda c: c.unit_id, lambda c: c.issued_in_unit_id or c.unit_id),
    ]
    return listing.list_response(
        request,
        "certification/list.html",
        records=records,
        rows=selectors.certificate_rows,
        columns=columns,
        filters=filters,
        filename="giay-chung-nhan-ocop",
        context={"expiring": expiring},
    )


@login_required
def certificate_detail(request, pk: int):
    certificate = _found(selectors.certificate_get, request.user, pk)
    changes = list(certificate.changes.select_related("requested_by", "checked_by"))
    pending = next((c for c in changes if c.status == ChangeStatus.PENDING), None)
    pending_flags = policies.flags(request.user, pending) if pending else {}
    pending_refusal = policies.refusal_for(request.user, "approve_change", pending) if pending else None
    return render(
        request,
        "certification/detail.html",
        {
            "certificate": certificate,
            "status": certificate.effective_status(),
            "statuses": EffectiveStatus,
            "qr_text": selectors.certificate_qr_text(certificate),
            "replaced_by": certificate.replaced_by.first(),
            "changes": changes,
            "pending": pending,
            **policies.flags(request.user, certificate),
            "may_check_pending": pending_flags.get("may_approve", False),
            "may_withdraw_pending": pending_flags.get("may_reject", False),
            # The maker of the request sees why there is no button: someone else approves it.
            "pending_is_mine": pending_refusal is not None and pending_refusal.code == "maker_checker",
            "revoke_form": RevokeForm(prefix="revoke"),
            "stars_form": StarsForm(prefix="stars"),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
def certificate_pdf(request, pk: int):
    """The PDF as an attachment, only to those who may see the certificate. One that does not read as the
    certificate stands today (never rendered, or revoked, replaced or expired since) is asked of the
    rendering task, and the page says it is being prepared: a page never renders a PDF itself."""
    certificate = _found(selectors.certificate_get, request.user, pk)
    if not selectors.certificate_pdf_ready(certificate):
        services.certificate_pdf_request(actor=request.user, certificate=certificate)
        # With tasks run in-process (the default) the run has already finished: serve what it made.
        certificate.refresh_from_db()
        if not selectors.certificate_pdf_ready(certificate):
            return render(request, "certification/pdf_pending.html", {"certificate": certificate})
    return download_response(
        request,
        certificate.pdf.name,
        filename=f"giay-chung-nhan-ocop-{certificate.number}.pdf",
        content_type="application/pdf",
    )


def _change_request(request, pk: int, form_class, prefix: str, action):
    certificate = _found(selectors.certificate_get, request.user, pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Vui lòng điền đủ và đúng các ô của đề nghị."))
        return redirect("certification:detail", pk=pk)
    with refusal(request, details=True):
        action(certificate, form.cleaned_data)
        messages.success(request, _("Đã gửi đề nghị; cần một cán bộ khác duyệt."))
    return redirect("certification:detail", pk=pk)


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    return _change_request(
        request,
        pk,
        RevokeForm,
        "revoke",
        lambda certificate, data: services.certificate_revoke_request(
            actor=request.user, certificate=certificate, **data
        ),
    )


@login_required
@require_POST
def certificate_stars(request, pk: int):
    return _change_request(
        request,
        pk,
        StarsForm,
        "stars",
        lambda certificate, data: services.certificate_change_stars_request(
            actor=request.user, certificate=certificate, **data
        ),
    )


@login_required
@require_POST
def change_approve(request, pk: int):
    change = _found(selectors.change_get, request.user, pk)
    form = NoteForm(request.POST)
    with refusal(request, details=True):
        services.certificate_change_approve(
            actor=request.user, change=change, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("Đã duyệt đề nghị."))
    return redirect("certification:detail", pk=change.certificate_id)


@login_required
@require_POST
def change_reject(request, pk: int):
    change = _found(selectors.change_get, request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do trả lại."))
        return redirect("certification:detail", pk=change.certificate_id)
    with refusal(request, details=True):
        services.certificate_change_reject(
            actor=request.user, change=change, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Đã trả lại đề nghị."))
    return redirect("certification:detail", pk=change.certificate_id)


# ---------------------------------------------------------------------------------------------------------
# Decisions


def _require_recognise(request) -> None:
    if not has_capability(request.user, Capability.RECOGNISE):
        raise Http404


@login_required
def decision_list(request):
    """Recognition decisions of the officer's authorities, filtered (unit of today or of its time, year,
    state, stars and group of their products), with the download of what it shows."""
    _require_recognise(request)
    query = request.GET
    unit = eras.unit_from_param(query.get("unit"))
    statuses = [(code, str(label)) for code, label in DecisionStatus.choices]
    groups = product_group_choices()
    records = selectors.decisions_listed(
        request.user,
        # A paper decision is kept by today's province (authority) and was issued by a unit of its time.
        unit_q=(eras.unit_q(unit, "authority__unit") | eras.unit_q(unit, "issuer_unit")) if unit else None,
        year=listing.year_param(query),
        status=listing.choice_param(query, "status", statuses),
        star=listing.star_param(query),
        group=listing.choice_param(query, "group", groups),
    )
    filters = [
        eras.unit_list_filter(query, unit, scope_unit_ids(request.user, Capability.RECOGNISE)),
        listing.ListFilter(
            "year", _("Năm quyết định"), query.get("year", ""), listing.year_choices(FIRST_YEAR)
        ),
        listing.ListFilter("status", _("Trạng thái"), query.get("status", ""), statuses),
        listing.ListFilter("star", _("Có sản phẩm hạng"), query.get("star", ""), listing.STAR_CHOICES),
        listing.ListFilter("group", _("Nhóm sản phẩm"), query.get("group", ""), groups),
    ]
    columns = [
        Column(
            _("Số quyết định"),
            lambda d: d.number,
            lambda d: path_of("certification:decision_detail", d.pk),
        ),
        Column(_("Ngày"), lambda d: d.date),
        Column(_("Cơ quan"), lambda d: d.authority_name),
        Column(_("Số sản phẩm"), lambda d: d.item_count),
        Column(_("Người lập"), lambda d: User.shown_name(d.created_by_name, d.created_by_username)),
        Column(_("Trạng thái"), lambda d: listing.choice_label(DecisionStatus, d.status)),
        *eras.place_columns(lambda d: d.unit_id, lambda d: d.issuer_unit_id or d.unit_id),
    ]
    return listing.list_response(
        request,
        "certification/decisions.html",
        records=records,
        rows=selectors.decision_rows,
        columns=columns,
        filters=filters,
        filename="quyet-dinh-cong-nhan-ocop",
        context={
            "changes": selectors.changes_pending_lines(request.user),
            "may_create": bool(selectors.authority_units_for(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request):
    _require_recognise(request)
    units = selectors.authority_units_for(request.user)
    if not units:
        raise Http404
    names = dict(selectors.authorities_for(request.user).values_list("unit_id", "name"))
    choices = [(unit.pk, names.get(unit.pk) or selectors.authority_default_name(unit)) for unit in units]
    # A concluded round links here (`?round=`): its recognised products are offered, all ticked.
    round_id = _int_or_none(request.POST.get("round") or request.GET.get("round"))
    proposals = selectors.proposals_for_form(request.user, round_id)
    initial = {"proposals": [rd.pk for rd in proposals]} if round_id else {}
    if round_id and proposals:
        initial["authority"] = proposals[0].round.unit_id
    form = DecisionForm(request.POST or None, authorities=choices, proposals=proposals, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["authority"])
        chosen = [rd for rd in proposals if rd.pk in set(form.cleaned_data["proposals"])]
        details = {
            "number": form.cleaned_data["number"],
            "date": form.cleaned_data["date"],
            "signer": form.cleaned_data["signer"],
            "note": form.cleaned_data["note"],
        }
        with refusal(form, details=True):
            if round_id and proposals:
                decision = services.decision_draft_from_round(
                    actor=request.user, evaluation_round=proposals[0].round, round_dossiers=chosen, **details
                )
            else:
                decision = services.decision_create(
                    actor=request.user,
                    authority=services.authority_ensure(actor=request.user, unit=unit),
                    items=[
                        (rd.dossier.product, rd.recognised_stars, rd.mean_score, rd.dossier_id)
                        for rd in chosen
                    ],
                    **details,
                )
            messages.success(
                request, _("Đã lập dự thảo quyết định; cần một cán bộ khác duyệt để cấp giấy chứng nhận.")
            )
            return redirect("certification:decision_detail", pk=decision.pk)
    status = 400 if request.method == "POST" else 200  # a refused form is drawn again with its errors
    return render(
        request,
        "certification/decision_form.html",
        {"form": form, "round_id": round_id, "has_proposals": bool(proposals)},
        status=status,
    )


def _int_or_none(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


@login_required
def decision_detail(request, pk: int):
    _require_recognise(request)
    decision = _found(selectors.decision_get, request.user, pk)
    draft = decision.status == DecisionStatus.DRAFT
    decision_flags = policies.flags(request.user, decision)
    certificates = {c.item_id: c for c in decision.certificates.all()}
    councils = selectors.council_results_for(decision) if draft else {}
    items = [
        (item, certificates.get(item.pk), councils.get(item.pk))
        for item in decision.items.select_related("product__producer", "previous_certificate")
    ]
    why_not = (
        policies.why_not(request.user, "approve_decision", decision)
        if draft and not decision_flags["may_approve"]
        else None
    )
    return render(
        request,
        "certification/decision_detail.html",
        {
            "decision": decision,
            "draft": draft,
            "items": items,
            **decision_flags,
            "why_not_approve": why_not,
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def decision_approve(request, pk: int):
    _require_recognise(request)
    decision = _found(selectors.decision_get, request.user, pk)
    form = NoteForm(request.POST)
    with refusal(request, details=True):
        services.decision_approve(
            actor=request.user, decision=decision, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("Đã duyệt quyết định và cấp giấy chứng nhận."))
    return redirect("certification:decision_detail", pk=pk)


@login_required
@require_POST
def decision_reject(request, pk: int):
    _require_recognise(request)
    decision = _found(selectors.decision_get, request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do trả lại."))
        return redirect("certification:decision_detail", pk=pk)
    with refusal(request, details=True):
        services.decision_reject(actor=request.user, decision=decision, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã trả lại dự thảo quyết định."))
    return redirect("certification:decision_detail", pk=pk)


# ---------------------------------------------------------------------------------------------------------
# Public verification


def _verification(request, code: str):
    with refusal() as limited:
        throttle.check_verify_rate(request)
    if limited:
        return render(
            request,
            "certification/verify.html",
            {"limited": str(limited.error.message), "form": VerifyForm()},
            status=limited.status,
        )
    result, certificate = selectors.certificate_verify(code)
    if certificate is not None and services.certificate_record_scan(certificate=certificate):
        certificate.scan_count += 1
    body = selectors.verification_body(result, certificate)
    return render(
        request,
        "certification/verify.html",
        {
            "result": result,
            "statuses": EffectiveStatus,
            "body": body,
            "certificate": certificate,
            "links": verify_links.links_for(certificate),
            "form": VerifyForm(initial={"code": code}),
        },
    )


def verify_page(request, payload: str):
    """What a phone camera opens from the QR: genuine or not, status, product and producer."""
    return _verification(request, payload)


def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        return _verification(request, form.cleaned_data["code"])
    return render(request, "certification/verify.html", {"form": form})
