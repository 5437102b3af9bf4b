"""Issuing authorities, their signing keys and their signed revocation lists.

The private halves of the keys are files kept by `ocop.certification.keys`; here they are made, retired and
used to sign each authority's list of certificates it revoked or replaced.
"""

from __future__ import annotations

import base64

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.certification import keys as key_store
from ocop.certification import offline, qr
from ocop.certification.models import (
    Certificate,
    CertificateStatus,
    IssuingAuthority,
    RevocationList,
    SigningKey,
)
from ocop.certification.policies import acts_for_unit, require
from ocop.certification.selectors import authority_default_code, authority_default_name
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.text import nfc
from ocop.geo.models import Era, Level


def _new_key(authority: IssuingAuthority) -> SigningKey:
    count = SigningKey.objects.filter(authority=authority).count()
    key_id = qr.check_token(f"{authority.code}-{count + 1}", "key id")
    file_name, public_key = key_store.generate(key_id)
    return SigningKey.objects.create(
        key_id=key_id, authority=authority, public_key=public_key, private_key_file=file_name
    )


def _active_key(authority: IssuingAuthority) -> SigningKey:
    key = SigningKey.objects.filter(authority=authority, retired_at__isnull=True).first()
    if key is None:
        raise Conflict(
            _("%(authority)s chưa có khóa ký đang dùng.") % {"authority": authority.name},
            code="no_signing_key",
        )
    return key


@transaction.atomic
def authority_create(*, actor, unit, name: str = "", code: str = "") -> IssuingAuthority:
    """Set up the issuing authority of a current province (or of the country, for 5★) with its first key and
    an empty signed revocation list. `actor` None is the system (set-up commands)."""
    if unit.era != Era.CURRENT or unit.level not in (Level.PROVINCE, Level.COUNTRY):
        raise Invalid(
            _("Chỉ tỉnh (hiện hành) hoặc Trung ương mới là cơ quan cấp giấy chứng nhận."),
            code="authority_unit_level",
        )
    if actor is not None and not acts_for_unit(actor, unit):
        raise Forbidden(_("Bạn không phải cán bộ của đơn vị này."), code="not_authority_officer")
    if IssuingAuthority.objects.filter(unit=unit).exists():
        raise Conflict(_("Đơn vị này đã có cơ quan cấp giấy chứng nhận."), code="authority_exists")
    code = qr.check_token(code or authority_default_code(unit), "authority code")
    authority = IssuingAuthority.objects.create(
        code=code, name=nfc(name) or authority_default_name(unit), unit=unit
    )
    key = _new_key(authority)
    _publish(authority, key)
    record_event(
        actor=actor,
        action="authority.create",
        target=authority,
        unit=unit,
        data={"code": authority.code, "key_id": key.key_id},
    )
    return authority


def authority_ensure(*, actor, unit) -> IssuingAuthority:
    """The unit's authority, set up on first use."""
    existing = IssuingAuthority.objects.filter(unit=unit).first()
    if existing is not None:
        return existing
    try:
        return authority_create(actor=actor, unit=unit)
    except (IntegrityError, Conflict):  # set up by a parallel request a moment ago
        return IssuingAuthority.objects.get(unit=unit)


@transaction.atomic
def signing_key_rotate(*, actor, authority: IssuingAuthority, reason: str = "") -> SigningKey:
    """A new key signs from now on; the old one is retired but stays published, so its QR codes still verify."""
    authority = IssuingAuthority.objects.select_for_update().get(pk=authority.pk)
    if actor is not None:
        require(actor, "act_for", authority)
    old = _active_key(authority)
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    new = _new_key(authority)
    _publish(authority, new)
    record_event(
        actor=actor,
        action="signing_key.rotate",
        target=new,
        unit=authority.unit,
        reason=reason,
        data={"authority": authority.code, "retired": old.key_id, "active": new.key_id},
    )
    return new


# ---------------------------------------------------------------------------------------------------------
# Revocation lists


def _publish(authority: IssuingAuthority, key: SigningKey | None = None) -> RevocationList:
    """Re-sign the authority's list of certificates it revoked or replaced that have not expired yet."""
    key = key or _active_key(authority)
    now = timezone.now()
    ended = (
        Certificate.objects.filter(
            authority=authority,
            status__in=[CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED],
            valid_until__gte=timezone.localdate(),
        )
        .order_by("number")
        .values("number", "status", "ended_at", "revocation_decision_number", "replaced_by__number")
    )
    entries = [
        {
            "number": row["number"],
            "reason": row["status"],
            "on": timezone.localdate(row["ended_at"]).isoformat() if row["ended_at"] else None,
            "decision": row["revocation_decision_number"] or None,
            "replaced_by": row["replaced_by__number"],
        }
        for row in ended
    ]
    current = RevocationList.objects.select_for_update().filter(authority=authority).first()
    sequence = (current.sequence if current else 0) + 1
    body = {
        "format": 1,
        "authority": authority.code,
        "key_id": key.key_id,
        "sequence": sequence,
        "issued_at": now.isoformat(timespec="seconds"),
        "revoked": entries,
    }
    signature = base64.b64encode(key_store.sign(key, offline.revocation_message(body))).decode("ascii")
    if current is None:
        current = RevocationList(authority=authority)
    current.sequence, current.issued_at, current.key, current.body, current.signature = (
        sequence,
        now,
        key,
        body,
        signature,
    )
    current.save()
    return current


@transaction.atomic
def revocation_list_publish(*, actor, authority: IssuingAuthority) -> RevocationList:
    """Re-sign an authority's revocation list now (the scheduler refreshes them daily so verifiers see fresh
    dates; entries of certificates that have expired drop out)."""
    revocation_list = _publish(authority)
    record_event(
        actor=actor,
        action="revocations.publish",
        target=authority,
        unit=authority.unit,
        data={"sequence": revocation_list.sequence, "entries": len(revocation_list.body["revoked"])},
    )
    return revocation_list
