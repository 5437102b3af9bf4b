"""Reads: scoped lists for officers and producers, the public key list and revocation lists, online
verification, and what other apps show of a product's certificate (`certificate_summary`)."""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.policies import Capability, covers, roles_with, scope_q
from ocop.certification import council, offline, qr, rules, snapshot
from ocop.certification.models import (
    Certificate,
    CertificateChange,
    CertificateStatus,
    ChangeKind,
    ChangeStatus,
    DecisionItem,
    DecisionStatus,
    EffectiveStatus,
    IssuingAuthority,
    Origin,
    RecognitionDecision,
    RevocationList,
    SigningKey,
)
from ocop.core.dates import add_months
from ocop.core.errors import Invalid, NotFound
from ocop.core.expressions import IdIn
from ocop.core.listing import Listed, ValueRows, choice_label
from ocop.evaluation.models import Conclusion, EvaluationRound, EvaluationStatus, RoundDossier
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import ProducerMember

# ---------------------------------------------------------------------------------------------------------
# What other apps use


def certificate_qr_text(certificate: Certificate) -> str:
    """The exact text in the certificate's QR code (the catalog's `qr`)."""
    return qr.qr_text(settings.SITE_URL, certificate.qr_payload)


def api_status(certificate: Certificate, today: datetime.date | None = None) -> str:
    """`active`, `expired` or `revoked` (API.md); a replaced certificate no longer holds and reads `revoked`."""
    status = certificate.effective_status(today)
    return EffectiveStatus.REVOKED if status == EffectiveStatus.SUPERSEDED else status


def certificate_summary(certificate: Certificate, today: datetime.date | None = None) -> dict[str, Any]:
    """`{"number", "stars", "valid_until", "status", "qr"}` as the catalog publishes it."""
    return {
        "number": certificate.number,
        "stars": certificate.stars,
        "valid_until": certificate.valid_until.isoformat(),
        "status": api_status(certificate, today),
        "qr": certificate_qr_text(certificate),
    }


def paper_note_of(certificate_id: int | None) -> str:
    """ "Recorded from decision N, issued on paper" for a certificate a history import recorded; "" otherwise."""
    if certificate_id is None:
        return ""
    try:  # get(), not first(): one row by its key needs no ORDER BY compiled
        certificate = (
            Certificate.objects.select_related("decision")
            .only("origin", "decision__number", "decision__date")
            .get(pk=certificate_id, origin=Origin.PAPER)
        )
    except Certificate.DoesNotExist:
        return ""
    return certificate.paper_note


def current_certificate_for(product) -> Certificate | None:
    """The product's one certificate not revoked or replaced; it may have expired by date."""
    product_id = getattr(product, "pk", product)
    return Certificate.objects.filter(product_id=product_id, status=CertificateStatus.ACTIVE).first()


def active_certificate_for(product, today: datetime.date | None = None) -> Certificate | None:
    """The product's certificate in force today (not revoked, not replaced, not expired), or None."""
    certificate = current_certificate_for(product)
    if certificate is None or certificate.valid_until < (today or timezone.localdate()):
        return None
    return certificate


def current_certificates_for(products: Iterable) -> dict[int, Certificate]:
    """Product id → current certificate, in one query (for list pages and search results)."""
    ids = [getattr(p, "pk", p) for p in products]
    return {
        c.product_id: c
        for c in Certificate.objects.filter(product_id__in=ids, status=CertificateStatus.ACTIVE)
    }


def latest_certificate_for(product) -> Certificate | None:
    """The product's most recent certificate in any state: what a re-evaluation dossier follows."""
    return (
        Certificate.objects.filter(product_id=getattr(product, "pk", product))
        .order_by("-issued_on", "-id")
        .first()
    )


def certificate_pdf_ready(certificate: Certificate) -> bool:
    """Is the stored PDF there, and does it show the certificate's status as of today?"""
    name = certificate.pdf.name
    return (
        bool(name)
        and certificate.pdf_status == certificate.effective_status()
        and default_storage.exists(name or "")
    )


def reminder_recipients(certificate: Certificate) -> list[str]:
    """Where a certificate's expiry reminder goes: the producer's address and those of its owners."""
    producer = certificate.product.producer
    owners = producer.members.filter(is_owner=True).values_list("user__email", flat=True)
    return sorted({address.strip() for address in [producer.email, *owners] if address and address.strip()})


def _longest_expiry_notice() -> int:
    """The longest notice period of the loaded rubric versions; none loaded is said, not a bare ValueError."""
    days = [v.certificate.expiry_notice_days for v in rules.versions()]
    if not days:
        raise Invalid(
            _("Chưa nạp bộ tiêu chí nào: chưa biết thời hạn nhắc giấy chứng nhận sắp hết hạn."),
            code="no_rubric_loaded",
        )
    return max(days)


def certificates_due_for_reminder(today: datetime.date, lead_days: int | None = None) -> list[Certificate]:
    """Active certificates not yet reminded that expire within their notice period (the rubric data of their
    issue date, or `lead_days`), soonest first."""
    horizon = lead_days if lead_days is not None else _longest_expiry_notice()
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.ACTIVE,
            reminder_sent_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=horizon),
        )
        .select_related("product__producer", "authority__unit", "decision")
        .order_by("valid_until", "id")
    )
    return [
        certificate
        for certificate in candidates
        if (certificate.valid_until - today).days
        <= (lead_days if lead_days is not None else rules.expiry_notice_days(certificate.issued_on))
    ]


# ---------------------------------------------------------------------------------------------------------
# Officers and producers


def authority_default_code(unit) -> str:
    """The code an authority gets when none is given (it prefixes certificate numbers): `TW` for the ministry,
    the province's code otherwise."""
    return "TW" if unit.level == Level.COUNTRY else unit.code


def authority_default_name(unit) -> str:
    """The name an authority gets when none is given: `Ủy ban nhân dân tỉnh Bắc Ninh`, or the ministry."""
    if unit.level == Level.COUNTRY:
        return "Bộ Nông nghiệp và Môi trường"
    return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"


def authority_units_for(user) -> list[AdminUnit]:
    """The units whose authority the user acts for (their RECOGNISE roles over a province or the country)."""
    return [
        role.unit
        for role in roles_with(user, Capability.RECOGNISE)
        if role.unit.era == Era.CURRENT and role.unit.level in (Level.PROVINCE, Level.COUNTRY)
    ]


def proposals_awaiting_decision(user, evaluation_round_id: int | None = None) -> QuerySet[RoundDossier]:
    """Council results the user may turn into a decision: dossiers concluded "recognise" in rounds of the units
    whose authority they act for, whose product is in no draft decision yet (newest first)."""
    pending = DecisionItem.objects.filter(decision__status=DecisionStatus.DRAFT).values("product_id")
    found = (
        RoundDossier.objects.filter(
            status=EvaluationStatus.RECOGNITION_PROPOSED,
            conclusion=Conclusion.RECOGNISE,
            recognised_stars__isnull=False,
            round__unit__in=authority_units_for(user),
        )
        .exclude(dossier__product_id__in=pending)
        .select_related("round", "dossier__product__producer")
        .order_by("-concluded_at", "-id")
    )
    if evaluation_round_id is not None:
        found = found.filter(round_id=evaluation_round_id)
    return found


def round_proposals(evaluation_round) -> QuerySet[RoundDossier]:
    """The dossiers of a round that its council concluded "recognise", with their products and producers."""
    return RoundDossier.objects.filter(
        round=evaluation_round,
        status=EvaluationStatus.RECOGNITION_PROPOSED,
        conclusion=Conclusion.RECOGNISE,
        recognised_stars__isnull=False,
    ).select_related("dossier__product__producer__unit")


def proposals_for_form(user, evaluation_round_id: int | None = None, limit: int = 500) -> list[RoundDossier]:
    """`proposals_awaiting_decision` limited to products inside the round's unit (its authority's area)."""
    return [
        rd
        for rd in proposals_awaiting_decision(user, evaluation_round_id).select_related(
            "round__unit", "dossier__product__producer__unit"
        )[:limit]
        if covers(rd.round.unit, rd.dossier.product.producer.unit)
    ]


def round_for_decision_get(user, round_id: int) -> EvaluationRound:
    """A round of a unit whose authority the user acts for (others are not found, as missing ones)."""
    in_range = isinstance(round_id, int) and 0 < round_id < 2**63
    found = (
        EvaluationRound.objects.filter(pk=round_id, unit__in=authority_units_for(user)).first()
        if in_range
        else None
    )
    if found is None:
        raise NotFound(_("Không tìm thấy đợt đánh giá."), code="round_not_found")
    return found


def council_results_for(decision: RecognitionDecision) -> dict[int, RoundDossier | None]:
    """Item id → the council result that carries it today (None: none does), for the approver's page."""
    return {
        item.pk: council.supporting(decision.authority, item.product, item.stars, item.dossier_id)[0]
        for item in decision.items.select_related("product")
    }


def certificate_refs_of_producer(producer_id: int) -> list:
    """The producer's certificates for the cycle's dossier form (`ocop.cycle.certificates`), newest first."""
    from ocop.cycle.certificates import CertificateRef

    rows = (
        Certificate.objects.filter(product__producer_id=producer_id)
        .order_by("-issued_on", "-id")
        .values_list("pk", "number", "product__name", "stars")[:200]
    )
    return [CertificateRef(pk, number, product, stars) for pk, number, product, stars in rows]


def authorities_for(user) -> QuerySet[IssuingAuthority]:
    return IssuingAuthority.objects.filter(unit__in=authority_units_for(user)).select_related("unit")


def decisions_visible_to(user) -> QuerySet[RecognitionDecision]:
    return (
        RecognitionDecision.objects.filter(scope_q(user, Capability.RECOGNISE, "authority__unit"))
        .select_related("authority", "created_by", "checked_by")
        .order_by("-date", "-id")
    )


def decision_get(user, decision_id: int) -> RecognitionDecision:
    decision = decisions_visible_to(user).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound(_("Không tìm thấy quyết định."), code="decision_not_found")
    return decision


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Officers of the producer's units, officers of the issuing authority, and the producer's own people.
    Each carries `has_pending_change` (the policies read it instead of asking again for every row)."""
    pending = CertificateChange.objects.filter(certificate=OuterRef("pk"), status=ChangeStatus.PENDING)
    return (
        _certificates_in_reach(user)
        .select_related("product__producer__unit", "authority", "decision")
        .annotate(has_pending_change=Exists(pending))
    )


def _certificates_in_reach(user) -> QuerySet[Certificate]:
    """The certificates `user` sees, newest first, and nothing else: what a list pages through and counts."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return _in_reach(*_reach_of(user))


def _reach_of(user) -> tuple[Q, Q, int]:
    """What a signed-in user's reach is made of, as values a kept statement is keyed by (`listing.Listed`):
    the officer's units, the authority's units, and the user (whose memberships the statement reads)."""
    return (
        scope_q(user, Capability.VIEW_WORK, "product__producer__unit"),
        scope_q(user, Capability.RECOGNISE, "authority__unit"),
        user.pk,
    )


def _in_reach(officer: Q, authority: Q, user_id: int) -> QuerySet[Certificate]:
    mine = Q(product__producer__in=ProducerMember.objects.filter(user_id=user_id).values("producer"))
    return Certificate.objects.filter(officer | authority | mine).order_by("-issued_on", "-id")


def certificate_get(user, certificate_id: int) -> Certificate:
    certificate = certificates_visible_to(user).filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound(_("Không tìm thấy giấy chứng nhận."), code="certificate_not_found")
    return certificate


def changes_pending_for(user) -> QuerySet[CertificateChange]:
    return (
        CertificateChange.objects.filter(
            scope_q(user, Capability.RECOGNISE, "certificate__authority__unit"), status=ChangeStatus.PENDING
        )
        .select_related("certificate__product", "certificate__authority", "requested_by")
        .order_by("requested_at", "id")
    )


def changes_pending_lines(user, limit: int = 50) -> list[SimpleNamespace]:
    """The first `limit` changes waiting for `user`, as the decisions page lists them: plain values, a
    narrow SELECT (the changes with their related rows cost Django milliseconds to compile, even when none)."""
    lines = changes_pending_for(user).values_list(
        "certificate_id", "certificate__number", "kind", "requested_by__full_name", "requested_by__username"
    )[:limit]
    return [
        SimpleNamespace(
            certificate_id=certificate_id,
            number=number,
            kind=choice_label(ChangeKind, kind),
            requested_by=User.shown_name(full_name, username),
        )
        for certificate_id, number, kind, full_name, username in lines
    ]


def change_get(user, change_id: int) -> CertificateChange:
    change = (
        CertificateChange.objects.filter(scope_q(user, Capability.RECOGNISE, "certificate__authority__unit"))
        .select_related("certificate__authority", "requested_by")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        raise NotFound(_("Không tìm thấy đề nghị."), code="change_not_found")
    return change


# ---------------------------------------------------------------------------------------------------------
# Public: key list, revocation lists, verification


def key_list() -> dict[str, Any]:
    """Every key ever used, active or retired, so that every QR ever signed can be checked offline."""
    keys = SigningKey.objects.select_related("authority__unit").order_by(
        "authority__code", "valid_from", "id"
    )
    return {
        "format": 1,
        "algorithm": "Ed25519",
        "signed_message": "OCOP-CERT-1|<key_id>|<number>|<stars>|<valid_until YYYY-MM-DD>",
        "keys": [
            {
                "key_id": key.key_id,
                "authority": {
                    "code": key.authority.code,
                    "name": key.authority.name,
                    "unit": key.authority.unit.code,
                },
                "public_key": key.public_key,
                "valid_from": key.valid_from.isoformat(timespec="seconds"),
                "valid_until": key.retired_at.isoformat(timespec="seconds") if key.retired_at else None,
                "status": "retired" if key.retired_at else "active",  # the key's, not a certificate's
            }
            for key in keys
        ],
    }


def revocation_lists() -> dict[str, Any]:
    """Each authority's latest signed list: `{"format", "lists": [{"body", "signature"}]}`; the signature is
    Ed25519 over b"OCOP-REVOCATIONS-1\\n" + canonical JSON of `body` (offline.canonical_json)."""
    lists = RevocationList.objects.select_related("authority").order_by("authority__code")
    return {"format": 1, "lists": [{"body": item.body, "signature": item.signature} for item in lists]}


def _certificate_public(certificate: Certificate) -> dict[str, Any]:
    product = certificate.product
    producer = product.producer
    province = producer.unit.current_province
    replaced_by = (
        certificate.replaced_by.first() if certificate.status == CertificateStatus.SUPERSEDED else None
    )
    revocation = None
    if certificate.status != CertificateStatus.ACTIVE:
        revocation = {
            "kind": certificate.status,
            "on": timezone.localdate(certificate.ended_at).isoformat() if certificate.ended_at else None,
            "decision": certificate.revocation_decision_number or None,
            "reason": certificate.revoked_reason or None,
            "replaced_by": replaced_by.number if replaced_by else None,
        }
    return {
        **certificate_summary(certificate),
        "issued_on": certificate.issued_on.isoformat(),
        # What the council certified (the certificate's snapshot); `current_name` is today's name when an
        # officer approved a rename since.
        "product": {
            "id": product.pk,
            "name": certificate.product_name,
            "current_name": product.name if product.name != certificate.product_name else None,
            "product_set": {"code": certificate.product_set_code, "name": certificate.product_set_name},
        },
        "producer": {
            "name": certificate.producer_name,
            "address": snapshot.address(certificate),
            "province": province.name if province else None,
        },
        "authority": {"code": certificate.authority.code, "name": certificate.authority.name},
        "decision": {"number": certificate.decision.number, "date": certificate.decision.date.isoformat()},
        "key_id": certificate.key.key_id,
        "revocation": revocation,
        "scan_count": certificate.scan_count,
    }


# A certificate number as printed (`24-2026-00001`, `TW-2026-00003`): typed by hand instead of a QR text.
CERTIFICATE_NUMBER = re.compile(r"^[A-Z0-9]{1,8}-\d{4}-\d{5}$")
NUMBER_TYPED = "number_typed"


def _verify_number(number: str, today: datetime.date) -> tuple[offline.Result, Certificate | None]:
    """A number typed by hand: no signature to check; the status is the record's (the same answer's shape)."""
    certificate = (
        Certificate.objects.select_related(
            "product__producer__unit__current_province", "authority", "decision", "key"
        )
        .filter(number=number)
        .first()
    )
    if certificate is None:
        result = offline.Result(False, "not_genuine", "unknown_number")
        result.notes.append(NUMBER_TYPED)
        return result, None
    authority = certificate.authority
    result = _checked_against_record(
        offline.Result(True, EffectiveStatus.ACTIVE.value, None, None, authority.code, authority.name),
        certificate,
        today,
    )
    result.notes.append(NUMBER_TYPED)
    return result, certificate


def _checked_against_record(
    result: offline.Result, certificate: Certificate, today: datetime.date
) -> offline.Result:
    """A genuine certificate's status as the database has it on `today`, in the verifier's words: the API's
    status (a replaced certificate reads revoked), and what ended it as the problem."""
    result.revocation_checked = True
    status = certificate.effective_status(today)
    if status != EffectiveStatus.ACTIVE:
        result.status, result.problem = str(api_status(certificate, today)), str(status)
    return result


def certificate_verify(
    code: str, today: datetime.date | None = None
) -> tuple[offline.Result, Certificate | None]:
    """Check a QR text online: the same signature rules as offline, then the database's word on revocation
    and replacement. A genuine-looking signature over a certificate the database does not know is not genuine."""
    today = today or timezone.localdate()
    typed = code.strip().upper()
    if CERTIFICATE_NUMBER.match(typed):
        return _verify_number(typed, today)
    try:
        claim, signature = qr.unpack(code)
    except qr.Malformed:
        return offline.Result(False, "not_genuine", "malformed"), None
    # One query in the usual case: the certificate the code names, with its key and what the page shows.
    found = (
        Certificate.objects.select_related(
            "product__producer__unit__current_province", "authority", "decision", "key"
        )
        .filter(number=claim.number)
        .order_by()[:1]
    )
    certificate = next(iter(found), None)
    key: SigningKey | None
    if certificate is not None and certificate.key.key_id == claim.key_id:
        key = certificate.key
    else:
        key = SigningKey.objects.filter(key_id=claim.key_id).first()
    if key is None:
        return offline.Result(False, "not_genuine", "unknown_key", claim), None
    if not qr.signature_matches(claim, signature, base64.b64decode(key.public_key)):
        return offline.Result(False, "not_genuine", "bad_signature", claim), None
    if (
        certificate is None
        or certificate.key_id != key.pk
        or certificate.stars != claim.stars
        or certificate.valid_until != claim.valid_until
    ):
        return offline.Result(False, "not_genuine", "unknown_certificate", claim), None
    authority = certificate.authority
    result = offline.Result(True, EffectiveStatus.ACTIVE.value, None, claim, authority.code, authority.name)
    return _checked_against_record(result, certificate, today), certificate


def verification_body(result: offline.Result, certificate: Certificate | None) -> dict[str, Any]:
    """The API's answer: `{"valid", "status", "certificate"}` (API.md), plus `genuine` and the reason."""
    return {
        "valid": result.valid,
        "genuine": result.genuine,
        "status": result.status,
        "reason": None
        if result.valid
        else {"code": result.problem, "message": _(offline.MESSAGES[str(result.problem)])},
        "message": _(result.message),
        "certificate": _certificate_public(certificate) if certificate is not None else None,
        # A number typed by hand was looked up in the record: no QR signature was checked.
        "signature_checked": NUMBER_TYPED not in result.notes and result.problem != "malformed",
        "note": _(offline.NUMBER_TYPED_NOTE) if NUMBER_TYPED in result.notes else None,
    }


# ---------------------------------------------------------------------------------------------------------
# The officers' certificate list: filters, search by number, "expiring soon"


def effective_status_q(status: str, today: datetime.date) -> Q:
    """Certificates in an effective state on `today` ("expired" is not stored: it follows from the dates)."""
    if status == EffectiveStatus.ACTIVE:
        return Q(status=CertificateStatus.ACTIVE, valid_until__gte=today)
    if status == EffectiveStatus.EXPIRED:
        return Q(status=CertificateStatus.ACTIVE, valid_until__lt=today)
    return Q(status=status)


def expiring_q(months: int, today: datetime.date) -> Q:
    """In force today and ending within `months`: the "expiring soon" view."""
    return Q(
        status=CertificateStatus.ACTIVE, valid_until__gte=today, valid_until__lte=add_months(today, months)
    )


def certificates_listed(
    user,
    *,
    number: str = "",
    unit_q: Q | None = None,
    year: int | None = None,
    status: str = "",
    star: int | None = None,
    group: str = "",
    expiring_months: int | None = None,
    today: datetime.date | None = None,
) -> Listed:
    """The certificates `user` (signed in) sees, filtered as the officer's list asks; "expiring soon" lists
    the nearest end first. `number` finds a certificate by (part of) its number, case and spacing ignored.
    Its rows are read by `certificate_rows`."""
    filters = (number, unit_q, year, status, star, group, expiring_months, today or timezone.localdate())
    return Listed.of(_certificates_listed, *_reach_of(user), *filters)


def _certificates_listed(
    officer: Q,
    authority: Q,
    user_id: int,
    number: str,
    unit_q: Q | None,
    year: int | None,
    status: str,
    star: int | None,
    group: str,
    expiring_months: int | None,
    today: datetime.date,
) -> QuerySet[Certificate]:
    certificates = _in_reach(officer, authority, user_id)
    if number:
        certificates = certificates.filter(number__icontains=re.sub(r"\s+", "", number))
    if unit_q:
        certificates = certificates.filter(unit_q)
    if year:
        certificates = certificates.filter(issued_on__year=year)
    if status:
        certificates = certificates.filter(effective_status_q(status, today))
    if star:
        certificates = certificates.filter(stars=star)
    if group:
        certificates = certificates.filter(product__product_set__group__code=group)
    if expiring_months:
        certificates = certificates.filter(expiring_q(expiring_months, today)).order_by("valid_until", "id")
    return certificates


# The certificate list's rows (`listing.ValueRows`): read by id as plain values.
certificate_rows = ValueRows(
    Certificate,
    {
        "number": "number",
        "product_name": "product__name",
        "producer_name": "product__producer__name",
        "group_name": "product__product_set__group__name",
        "stars": "stars",
        "issued_on": "issued_on",
        "valid_until": "valid_until",
        "status": "status",
        "unit_id": "product__producer__unit_id",  # the producer's unit today
        "issued_in_unit_id": "producer_unit_id",  # the producer's unit when issued (None: the same)
    },
)


def decisions_listed(
    user,
    *,
    unit_q: Q | None = None,
    year: int | None = None,
    status: str = "",
    star: int | None = None,
    group: str = "",
    not_made_by: int | None = None,
) -> Listed:
    """The decisions `user` sees, filtered as the officer's list asks; its rows are read by `decision_rows`.
    `not_made_by`: a user's id, whose own decisions are left out (what waits for their approval)."""
    reach = scope_q(user, Capability.RECOGNISE, "authority__unit")
    return Listed.of(_decisions_listed, reach, unit_q, year, status, star, group, not_made_by)


def _decisions_listed(
    reach: Q,
    unit_q: Q | None,
    year: int | None,
    status: str,
    star: int | None,
    group: str,
    not_made_by: int | None,
) -> QuerySet[RecognitionDecision]:
    decisions = RecognitionDecision.objects.filter(reach).order_by("-date", "-id")
    if not_made_by is not None:
        decisions = decisions.exclude(created_by_id=not_made_by)
    if unit_q:
        decisions = decisions.filter(unit_q)
    if year:
        decisions = decisions.filter(date__year=year)
    if status:
        decisions = decisions.filter(status=status)
    if star:
        decisions = decisions.filter(Exists(DecisionItem.objects.filter(decision=OuterRef("pk"), stars=star)))
    if group:
        in_group = DecisionItem.objects.filter(
            decision=OuterRef("pk"), product__product_set__group__code=group
        )
        decisions = decisions.filter(Exists(in_group))
    return decisions


def _add_item_counts(rows: list) -> None:
    """Each row's `item_count`: the products its decision names, counted for the batch in one query."""
    counts = dict(
        DecisionItem.objects.filter(IdIn("decision", [r.pk for r in rows]))
        .order_by()  # not the items' own order, which joins their decision
        .values_list("decision")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        row.item_count = counts.get(row.pk, 0)


# The decision list's rows (`listing.ValueRows`): read by id as plain values.
decision_rows = ValueRows(
    RecognitionDecision,
    {
        "number": "number",
        "date": "date",
        "status": "status",
        "authority_name": "authority__name",
        "unit_id": "authority__unit_id",  # the authority's province of today
        "issuer_unit_id": "issuer_unit_id",  # the unit that issued it, when another (a paper decision)
        "created_by_name": "created_by__full_name",
        "created_by_username": "created_by__username",
    },
    add=_add_item_counts,
)
