"""API of recognition decisions and certificates, under /api/v1/certificates.

Public: `POST /verify` (API.md), `GET /keys` (the published key list), `GET /revocations` (signed revocation
lists). Everything else needs a signed-in caller and is scoped like the pages.

No `from __future__ import annotations` here: django-ninja reads the payload types of handlers wrapped by
`@idempotent` at run time and would not resolve them from strings.
"""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ocop.accounts.api_auth import any_caller, require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.certification import policies, selectors, services, throttle
from ocop.certification.models import (
    Certificate,
    CertificateChange,
    DecisionStatus,
    IssuingAuthority,
    RecognitionDecision,
)
from ocop.core.errors import NotFound
from ocop.core.paging import PageQuery, page_of

router = Router(tags=["certificates"], auth=signed_in)  # the public operations say auth=any_caller


class VerifyIn(Schema):
    code: str = Field(..., min_length=1, max_length=1000, description="The text read from the QR code")


class ItemIn(Schema):
    product: int
    stars: int
    score: Decimal | None = None
    dossier: int | None = None


class DecisionIn(Schema):
    authority: str = Field(..., description="Authority code: the province code, or TW for the ministry")
    number: str = Field(..., max_length=50)
    date: datetime.date
    signer: str = Field(..., max_length=200)
    note: str = Field("", max_length=2000)
    items: list[ItemIn] = Field(..., max_length=services.MAX_ITEMS)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class RevokeIn(Schema):
    reason: str = Field(..., max_length=2000)
    decision_number: str = Field(..., max_length=50)
    decision_date: datetime.date


class StarsIn(RevokeIn):
    stars: int


def decision_dict(decision: RecognitionDecision, user, *, items: bool = False) -> dict:
    body = {
        "id": decision.pk,
        "authority": {"code": decision.authority.code, "name": decision.authority.name},
        "number": decision.number,
        "date": decision.date.isoformat(),
        "signer": decision.signer,
        "status": decision.status,
        "created_by": decision.created_by.get_username(),
        "checked_by": decision.checked_by.get_username() if decision.checked_by else None,
        **policies.flags(user, decision),
    }
    if items:
        certificates = {c.item_id: c for c in decision.certificates.all()}
        # For a draft, the council result that carries each item today (what the approver checks against).
        councils = selectors.council_results_for(decision) if decision.status == DecisionStatus.DRAFT else {}
        body["items"] = [
            {
                "product": {"id": item.product_id, "name": item.product.name},
                "stars": item.stars,
                "score": str(item.score) if item.score is not None else None,
                "dossier": item.dossier_id,
                "kind": item.kind,
                "previous_certificate": item.previous_certificate.number
                if item.previous_certificate
                else None,
                "certificate": certificates[item.pk].number if item.pk in certificates else None,
                "council": _council_dict(councils.get(item.pk)),
            }
            for item in decision.items.select_related("product", "previous_certificate")
        ]
    return body


def _council_dict(round_dossier) -> dict | None:
    if round_dossier is None:
        return None
    return {
        "round": {"id": round_dossier.round_id, "name": round_dossier.round.name},
        "score": str(round_dossier.mean_score) if round_dossier.mean_score is not None else None,
        "stars": round_dossier.recognised_stars,
        "explanation": list((round_dossier.explanation or {}).get("lines", [])),
    }


def certificate_dict(certificate: Certificate, user) -> dict:
    return {
        "id": certificate.pk,
        **selectors.certificate_summary(certificate),
        "effective_status": certificate.effective_status(),
        "issued_on": certificate.issued_on.isoformat(),
        # The names as certified (the certificate's snapshot), and today's product name beside them.
        "product": {
            "id": certificate.product_id,
            "name": certificate.product_name,
            "current_name": certificate.product.name,
        },
        "producer": {"id": certificate.product.producer_id, "name": certificate.producer_name},
        "authority": {"code": certificate.authority.code, "name": certificate.authority.name},
        "decision": {"id": certificate.decision_id, "number": certificate.decision.number},
        "pdf_url": reverse("certification:pdf", args=[certificate.pk]),
        **policies.flags(user, certificate),
    }


def change_dict(change: CertificateChange, user) -> dict:
    return {
        "id": change.pk,
        "certificate": change.certificate.number,
        "kind": change.kind,
        "new_stars": change.new_stars,
        "reason": change.reason,
        "decision_number": change.decision_number,
        "decision_date": change.decision_date.isoformat(),
        "status": change.status,
        "requested_by": change.requested_by.get_username(),
        **policies.flags(user, change),
    }


# ---------------------------------------------------------------------------------------------------------
# Public


@router.post("/verify", auth=any_caller, summary="Kiểm tra mã QR của giấy chứng nhận (công khai)")
def verify(request, payload: VerifyIn):
    throttle.check_verify_rate(request)
    result, certificate = selectors.certificate_verify(payload.code)
    if certificate is not None:
        services.certificate_record_scan(certificate=certificate)
    return selectors.verification_body(result, certificate)


@router.get(
    "/keys", auth=any_caller, summary="Danh sách khóa công khai của các cơ quan cấp (để kiểm tra ngoại tuyến)"
)
def keys(request):
    return selectors.key_list()


@router.get("/revocations", auth=any_caller, summary="Danh sách thu hồi đã ký của từng cơ quan cấp")
def revocations(request):
    return selectors.revocation_lists()


# ---------------------------------------------------------------------------------------------------------
# Decisions


def _authority_for(user, code: str) -> IssuingAuthority:
    """The authority named by its code; the caller's own is set up on first use. Whether the caller may act for
    it is the service's decision."""
    for unit in selectors.authority_units_for(user):
        if code == selectors.authority_default_code(unit):
            return services.authority_ensure(actor=user, unit=unit)
    authority = IssuingAuthority.objects.filter(code=code[:8]).first()
    if authority is None:
        raise NotFound(
            _("Không có cơ quan cấp mã '%(code)s'.") % {"code": code[:8]}, code="authority_not_found"
        )
    return authority


@router.get("/decisions", summary="Quyết định công nhận trong phạm vi của bạn")
def list_decisions(request, query: Query[PageQuery]):
    user = require_api_user(request)
    return page_of(selectors.decisions_visible_to(user), query, lambda d: decision_dict(d, user))


@router.post("/decisions", response={201: dict}, summary="Lập dự thảo quyết định công nhận (người lập)")
@idempotent
def create_decision(request, payload: DecisionIn):
    user = require_api_user(request)
    decision = services.decision_create(
        actor=user,
        authority=_authority_for(user, payload.authority),
        number=payload.number,
        date=payload.date,
        signer=payload.signer,
        note=payload.note,
        items=[(item.product, item.stars, item.score, item.dossier) for item in payload.items],
    )
    return Status(201, decision_dict(decision, user, items=True))


class FromRoundIn(Schema):
    round: int = Field(
        ..., description="The concluded evaluation round whose recognised products are drafted"
    )
    number: str = Field(..., max_length=50)
    date: datetime.date
    signer: str = Field(..., max_length=200)
    note: str = Field("", max_length=2000)
    round_dossiers: list[int] | None = Field(
        None, max_length=services.MAX_ITEMS, description="Only these of the round's recognised dossiers"
    )


@router.post(
    "/decisions/from-round",
    response={201: dict},
    summary="Lập dự thảo quyết định cho các sản phẩm được công nhận của một đợt đánh giá (người lập)",
)
@idempotent
def create_decision_from_round(request, payload: FromRoundIn):
    user = require_api_user(request)
    decision = services.decision_draft_from_round(
        actor=user,
        evaluation_round=selectors.round_for_decision_get(user, payload.round),
        number=payload.number,
        date=payload.date,
        signer=payload.signer,
        note=payload.note,
        round_dossiers=payload.round_dossiers,
    )
    return Status(201, decision_dict(decision, user, items=True))


@router.get("/decisions/{int:decision_id}", summary="Một quyết định công nhận")
def get_decision(request, decision_id: int):
    user = require_api_user(request)
    return decision_dict(selectors.decision_get(user, decision_id), user, items=True)


@router.post(
    "/decisions/{int:decision_id}/approve", summary="Duyệt quyết định và cấp giấy chứng nhận (người duyệt)"
)
@idempotent
def approve_decision(request, decision_id: int, payload: NoteIn):
    user = require_api_user(request)
    decision = services.decision_approve(
        actor=user, decision=selectors.decision_get(user, decision_id), note=payload.note
    )
    return Status(200, decision_dict(selectors.decision_get(user, decision.pk), user, items=True))


@router.post("/decisions/{int:decision_id}/reject", summary="Trả lại dự thảo quyết định")
@idempotent
def reject_decision(request, decision_id: int, payload: ReasonIn):
    user = require_api_user(request)
    decision = services.decision_reject(
        actor=user, decision=selectors.decision_get(user, decision_id), reason=payload.reason
    )
    return Status(200, decision_dict(decision, user))


# ---------------------------------------------------------------------------------------------------------
# Certificates and their changes


@router.get("", summary="Giấy chứng nhận trong phạm vi của bạn")
def list_certificates(request, query: Query[PageQuery]):
    user = require_api_user(request)
    return page_of(selectors.certificates_visible_to(user), query, lambda c: certificate_dict(c, user))


@router.get("/{int:certificate_id}", summary="Một giấy chứng nhận")
def get_certificate(request, certificate_id: int):
    user = require_api_user(request)
    return certificate_dict(selectors.certificate_get(user, certificate_id), user)


@router.post("/{int:certificate_id}/revoke", response={201: dict}, summary="Đề nghị thu hồi (người lập)")
@idempotent
def request_revocation(request, certificate_id: int, payload: RevokeIn):
    user = require_api_user(request)
    change = services.certificate_revoke_request(
        actor=user,
        certificate=selectors.certificate_get(user, certificate_id),
        reason=payload.reason,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
    )
    return Status(201, change_dict(change, user))


@router.post(
    "/{int:certificate_id}/stars", response={201: dict}, summary="Đề nghị điều chỉnh hạng sao (người lập)"
)
@idempotent
def request_stars_change(request, certificate_id: int, payload: StarsIn):
    user = require_api_user(request)
    change = services.certificate_change_stars_request(
        actor=user,
        certificate=selectors.certificate_get(user, certificate_id),
        stars=payload.stars,
        reason=payload.reason,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
    )
    return Status(201, change_dict(change, user))


@router.get("/changes", summary="Đề nghị thu hồi, điều chỉnh đang chờ duyệt")
def list_changes(request, query: Query[PageQuery]):
    user = require_api_user(request)
    return page_of(selectors.changes_pending_for(user), query, lambda c: change_dict(c, user))


@router.post("/changes/{int:change_id}/approve", summary="Duyệt đề nghị (người duyệt)")
@idempotent
def approve_change(request, change_id: int, payload: NoteIn):
    user = require_api_user(request)
    change = services.certificate_change_approve(
        actor=user, change=selectors.change_get(user, change_id), note=payload.note
    )
    return Status(200, change_dict(change, user))


@router.post("/changes/{int:change_id}/reject", summary="Trả lại đề nghị")
@idempotent
def reject_change(request, change_id: int, payload: ReasonIn):
    user = require_api_user(request)
    change = services.certificate_change_reject(
        actor=user, change=selectors.change_get(user, change_id), reason=payload.reason
    )
    return Status(200, change_dict(change, user))
