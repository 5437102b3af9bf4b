"""Who may recognise, approve, revoke and read certificates.

An authority's decisions are made by its own officers: a province officer acts for the province's People's
Committee, a central officer for the ministry (RECOGNISE held over exactly the authority's unit). Which stars
each may recognise comes from the rubric duty table (rules.recognisable_stars). Every issuing, revoking or
change of stars needs a second official: the checker is never the maker.

`refusal_for(user, action, obj)` is the one place that says why an action is not allowed now; the services
raise its refusal, and `flags(user, obj)` turns it into the `may_*` flags the pages and the API show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, roles_with
from ocop.certification import council
from ocop.certification.models import (
    Certificate,
    CertificateChange,
    ChangeStatus,
    DecisionStatus,
    EffectiveStatus,
    IssuingAuthority,
    RecognitionDecision,
)
from ocop.core.errors import Conflict, DomainError, Forbidden
from ocop.producers.models import ProducerMember


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: the error to raise, its stable code, a message for people, details."""

    error: type[DomainError]
    code: str
    message: str
    details: list[dict[str, Any]] | None = None

    def raise_it(self) -> NoReturn:
        raise self.error(self.message, code=self.code, details=self.details)


# The actions, by the kind of record they act on; each `may_<flag>` of a record is `refusal_for(...) is None`.
FLAGS: dict[type, dict[str, str]] = {
    Certificate: {
        "may_request_revocation": "request_revocation",
        "may_request_stars_change": "request_stars_change",
    },
    CertificateChange: {"may_approve": "approve_change", "may_reject": "reject_change"},
    RecognitionDecision: {"may_approve": "approve_decision", "may_reject": "reject_decision"},
    IssuingAuthority: {"may_act": "act_for"},
}


def can_act_for(user, authority) -> bool:
    return any(role.unit.pk == authority.unit_id for role in roles_with(user, Capability.RECOGNISE))


def acts_for_unit(user, unit) -> bool:
    """Does `user` act for the authority of `unit` (a RECOGNISE role over exactly that unit)?"""
    return any(role.unit.pk == unit.pk for role in roles_with(user, Capability.RECOGNISE))


def why_not_act_for(user, authority) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Bạn cần đăng nhập.")
    if not roles_with(user, Capability.RECOGNISE):
        return _("Vai trò của bạn không có quyền công nhận sản phẩm OCOP.")
    if not can_act_for(user, authority):
        return _("Bạn không phải cán bộ của %(authority)s.") % {"authority": authority.name}
    return None


def why_not_check(user, authority, maker) -> str | None:
    """Why `user` may not approve what `maker` prepared for `authority` (None: they may)."""
    refusal = _checker_refusal(user, authority, maker)
    return refusal.message if refusal else None


def is_producer_member(user, producer_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ProducerMember.objects.filter(producer_id=producer_id, user=user).exists()


def can_view_certificate(user, certificate) -> bool:
    """Officers of the producer's units, officers of the issuing authority, and the producer's own people."""
    producer = certificate.product.producer
    if can(user, Capability.VIEW_WORK, producer.unit) or can_act_for(user, certificate.authority):
        return True
    return is_producer_member(user, producer.pk)


# ---------------------------------------------------------------------------------------------------------
# Refusals


def _authority_refusal(user, authority) -> Refusal | None:
    reason = why_not_act_for(user, authority)
    return Refusal(Forbidden, "not_authority_officer", reason) if reason else None


def _checker_refusal(user, authority, maker) -> Refusal | None:
    refusal = _authority_refusal(user, authority)
    if refusal is not None:
        return refusal
    if maker is not None and maker.pk == user.pk:
        return Refusal(
            Forbidden,
            "maker_checker",
            _("Người duyệt phải là một cán bộ khác với người lập (nguyên tắc hai người)."),
        )
    return None


def _not_active(certificate) -> Refusal | None:
    """Only a certificate in force may be revoked or have its stars changed: one past its validity (or revoked,
    or replaced) vouches for nothing any more, so a request about it, or its approval, is refused."""
    status = certificate.effective_status()
    if status == EffectiveStatus.ACTIVE:
        return None
    if status == EffectiveStatus.EXPIRED:
        return Refusal(
            Conflict,
            "certificate_not_active",
            _("Giấy chứng nhận %(number)s đã hết hiệu lực ngày %(day)s.")
            % {"number": certificate.number, "day": certificate.valid_until.strftime("%d/%m/%Y")},
        )
    return Refusal(
        Conflict,
        "certificate_not_active",
        _("Giấy chứng nhận %(number)s đã bị thu hồi hoặc đã được thay thế.") % {"number": certificate.number},
    )


def _change_request_refusal(user, certificate) -> Refusal | None:
    refusal = _authority_refusal(user, certificate.authority) or _not_active(certificate)
    if refusal is not None:
        return refusal
    pending = getattr(certificate, "has_pending_change", None)  # annotated by the scoped list
    if pending is None:
        pending = CertificateChange.objects.filter(
            certificate=certificate, status=ChangeStatus.PENDING
        ).exists()
    if pending:
        return Refusal(Conflict, "change_pending", _("Giấy chứng nhận này đang có một đề nghị chờ duyệt."))
    return None


def _change_not_pending(change) -> Refusal | None:
    if change.status == ChangeStatus.PENDING:
        return None
    return Refusal(Conflict, "change_not_pending", _("Đề nghị này không còn chờ duyệt."))


def _decision_not_draft(decision) -> Refusal | None:
    if decision.status == DecisionStatus.DRAFT:
        return None
    return Refusal(Conflict, "decision_not_draft", _("Quyết định này không còn chờ duyệt."))


def _unsupported_refusal(user, decision) -> Refusal | None:
    """Every item checked against the council again (the record may have changed since the draft) and the
    checker against each product: a member of its producer, or one who scored it in that round, may not
    approve."""
    checker_problems, council_problems = [], []
    items = decision.items.select_related("product__producer").order_by("position", "id")
    for item in items:
        backing, problem = council.supporting(decision.authority, item.product, item.stars, item.dossier_id)
        if problem is None and item.score is not None and item.score != backing.mean_score:
            problem = (
                "score_not_council",
                _("Điểm của sản phẩm '%(product)s' khác điểm của hội đồng.") % {"product": item.product.name},
            )
        if problem:
            council_problems.append({"position": item.position, "code": problem[0], "message": problem[1]})
        checker = council.checker_problem(user, item, backing)
        if checker:
            checker_problems.append({"position": item.position, "code": checker[0], "message": checker[1]})
    if checker_problems:
        first = checker_problems[0]
        return Refusal(Forbidden, first["code"], first["message"], checker_problems)
    if council_problems:
        return Refusal(
            Conflict,
            council_problems[0]["code"] if len(council_problems) == 1 else "decision_items_unsupported",
            _("Quyết định có %(count)s sản phẩm không khớp kết quả hội đồng: %(first)s")
            % {"count": len(council_problems), "first": council_problems[0]["message"]},
            council_problems,
        )
    return None


def refusal_for(user, action: str, obj) -> Refusal | None:
    """Why `user` may not do `action` on `obj` now, or None when allowed.

    Actions: `act_for` (an IssuingAuthority: draft its decisions, rotate its key); `request_revocation`,
    `request_stars_change` (a Certificate); `approve_change`, `reject_change` (a CertificateChange; rejecting
    is also its maker withdrawing it); `approve_decision`, `reject_decision` (a RecognitionDecision)."""
    if action == "act_for":
        return _authority_refusal(user, obj)
    if action in ("request_revocation", "request_stars_change"):
        return _change_request_refusal(user, obj)
    if action == "approve_change":
        certificate = obj.certificate
        return (
            _checker_refusal(user, certificate.authority, obj.requested_by)
            or _change_not_pending(obj)
            or _not_active(certificate)
        )
    if action == "reject_change":
        return _authority_refusal(user, obj.certificate.authority) or _change_not_pending(obj)
    if action == "approve_decision":
        return (
            _checker_refusal(user, obj.authority, obj.created_by)
            or _decision_not_draft(obj)
            or _unsupported_refusal(user, obj)
        )
    if action == "reject_decision":
        return _authority_refusal(user, obj.authority) or _decision_not_draft(obj)
    raise ValueError(f"Unknown certification action {action!r}.")


def require(user, action: str, obj) -> None:
    """Raise the refusal of `action`, if any (the services' first step)."""
    refusal = refusal_for(user, action, obj)
    if refusal is not None:
        refusal.raise_it()


def why_not(user, action: str, obj) -> str | None:
    refusal = refusal_for(user, action, obj)
    return refusal.message if refusal else None


def may(user, action: str, obj) -> bool:
    return refusal_for(user, action, obj) is None


def flags(user, obj) -> dict[str, bool]:
    """Every `may_*` flag of a certificate, a change, a decision or an authority for `user`."""
    table = FLAGS[type(obj)]
    if isinstance(obj, Certificate):  # both requests refuse for the same reasons: ask once
        allowed = may(user, "request_revocation", obj)
        return dict.fromkeys(table, allowed)
    return {flag: may(user, action, obj) for flag, action in table.items()}
