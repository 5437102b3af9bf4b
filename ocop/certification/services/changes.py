"""Revocation and change of stars of an issued certificate: requested by one official under a decision of the
authority (`certificate_revoke_request`, `certificate_change_stars_request`), approved by another
(`certificate_change_approve`; a change of stars replaces the certificate by a new one) or turned down
(`certificate_change_reject`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.certification import rules
from ocop.certification.models import (
    Certificate,
    CertificateChange,
    CertificateStatus,
    ChangeKind,
    ChangeStatus,
    IssuingAuthority,
)
from ocop.certification.policies import require
from ocop.certification.services.issuing import _after_change, _decision_date, _decision_number, _end, _issue
from ocop.certification.services.keys import _active_key, _publish
from ocop.core.errors import Invalid
from ocop.core.maker_checker import reason_required, stamp_check
from ocop.core.text import nfc


def _request_change(*, actor, certificate, kind, reason, decision_number, decision_date, new_stars=None):
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("authority__unit", "product__producer__unit")
        .get(pk=certificate.pk)
    )
    action = "request_revocation" if kind == ChangeKind.REVOKE else "request_stars_change"
    require(actor, action, certificate)
    reason = nfc(reason)
    if not reason or len(reason) > 2000:
        raise Invalid(_("Cần ghi lý do (tối đa 2000 ký tự)."), code="reason_required")
    number = _decision_number(decision_number)
    day = _decision_date(decision_date, not_before=certificate.issued_on)
    if kind == ChangeKind.CHANGE_STARS:
        try:
            new_stars = int(new_stars)
        except (TypeError, ValueError) as exc:
            raise Invalid(_("Hạng sao mới không hợp lệ."), code="stars_invalid") from exc
        if new_stars == certificate.stars:
            raise Invalid(_("Hạng sao mới trùng hạng hiện tại."), code="stars_unchanged")
        allowed = rules.recognisable_stars(certificate.authority.unit, day)
        if new_stars not in allowed:
            raise Invalid(
                _("%(authority)s không công nhận hạng %(stars)s sao vào ngày này.")
                % {"authority": certificate.authority.name, "stars": new_stars},
                code="stars_not_recognisable",
            )
    change = CertificateChange.objects.create(
        certificate=certificate,
        kind=kind,
        new_stars=new_stars if kind == ChangeKind.CHANGE_STARS else None,
        reason=reason,
        decision_number=number,
        decision_date=day,
        requested_by=actor,
    )
    record_event(
        actor=actor,
        action=f"certificate.{kind}_request",
        target=certificate,
        unit=certificate.product.producer.unit,
        reason=reason,
        data={"change": change.pk, "decision": number, "new_stars": change.new_stars},
    )
    return change


def certificate_revoke_request(
    *, actor, certificate: Certificate, reason: str, decision_number: str, decision_date
) -> CertificateChange:
    """Propose revoking a certificate under a revocation decision (the maker)."""
    with transaction.atomic():
        return _request_change(
            actor=actor,
            certificate=certificate,
            kind=ChangeKind.REVOKE,
            reason=reason,
            decision_number=decision_number,
            decision_date=decision_date,
        )


def certificate_change_stars_request(
    *, actor, certificate: Certificate, stars: int, reason: str, decision_number: str, decision_date
) -> CertificateChange:
    """Propose re-issuing a certificate at other stars under an amending decision (the maker)."""
    with transaction.atomic():
        return _request_change(
            actor=actor,
            certificate=certificate,
            kind=ChangeKind.CHANGE_STARS,
            reason=reason,
            decision_number=decision_number,
            decision_date=decision_date,
            new_stars=stars,
        )


@transaction.atomic
def certificate_change_approve(*, actor, change: CertificateChange, note: str = "") -> CertificateChange:
    """Approve a pending revocation or change of stars (the checker, never its maker). A change of stars
    replaces the certificate by a new one (new number, new signature, same expiry)."""
    change = CertificateChange.objects.select_for_update().select_related("requested_by").get(pk=change.pk)
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("authority__unit", "product__producer__unit", "decision")
        .get(pk=change.certificate_id)
    )
    authority = certificate.authority
    change.certificate = certificate
    require(actor, "approve_change", change)
    note = nfc(note)
    changed = [certificate]
    if change.kind == ChangeKind.REVOKE:
        _end(
            certificate,
            CertificateStatus.REVOKED,
            revoked_reason=change.reason,
            revocation_decision_number=change.decision_number,
            revocation_decision_date=change.decision_date,
        )
        record_event(
            actor=actor,
            action="certificate.revoke",
            target=certificate,
            unit=certificate.product.producer.unit,
            reason=change.reason,
            data={"decision": change.decision_number, "requested_by": change.requested_by.get_username()},
        )
    else:
        if change.new_stars is None:  # a request to change stars always names them
            raise Invalid(_("Hạng sao mới không hợp lệ."), code="stars_invalid")
        IssuingAuthority.objects.select_for_update().filter(pk=authority.pk).first()  # numbering
        _end(
            certificate,
            CertificateStatus.SUPERSEDED,
            revocation_decision_number=change.decision_number,
            revocation_decision_date=change.decision_date,
        )
        new = _issue(
            actor=actor,
            authority=authority,
            key=_active_key(authority),
            decision=certificate.decision,
            product=certificate.product,
            stars=change.new_stars,
            issued_on=change.decision_date,
            valid_until=certificate.valid_until,
            change=change,
            replaces=certificate,
        )
        changed.append(new)
        record_event(
            actor=actor,
            action="certificate.change_stars",
            target=certificate,
            unit=certificate.product.producer.unit,
            reason=change.reason,
            data={
                "decision": change.decision_number,
                "stars": [certificate.stars, new.stars],
                "new": new.number,
            },
        )
    stamp_check(change, actor=actor, status=ChangeStatus.APPROVED, note=note)
    _publish(authority)
    _after_change(actor, authority, changed)
    return change


def certificate_revoke_approve(*, actor, change: CertificateChange, note: str = "") -> CertificateChange:
    if change.kind != ChangeKind.REVOKE:
        raise Invalid(_("Đề nghị này không phải đề nghị thu hồi."), code="change_kind_mismatch")
    return certificate_change_approve(actor=actor, change=change, note=note)


def certificate_change_stars_approve(
    *, actor, change: CertificateChange, note: str = ""
) -> CertificateChange:
    if change.kind != ChangeKind.CHANGE_STARS:
        raise Invalid(_("Đề nghị này không phải đề nghị điều chỉnh hạng sao."), code="change_kind_mismatch")
    return certificate_change_approve(actor=actor, change=change, note=note)


@transaction.atomic
def certificate_change_reject(*, actor, change: CertificateChange, reason: str) -> CertificateChange:
    """Turn a pending request down (the checker) or withdraw it (its maker)."""
    change = CertificateChange.objects.select_for_update().get(pk=change.pk)
    certificate = Certificate.objects.select_related("authority", "product__producer__unit").get(
        pk=change.certificate_id
    )
    change.certificate = certificate
    require(actor, "reject_change", change)
    reason = reason_required(reason)
    stamp_check(change, actor=actor, status=ChangeStatus.REJECTED, note=reason)
    record_event(
        actor=actor,
        action=f"certificate.{change.kind}_reject",
        target=certificate,
        unit=certificate.product.producer.unit,
        reason=reason,
        data={"change": change.pk},
    )
    return change
