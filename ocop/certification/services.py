"""Every change to decisions, certificates, signing keys and revocation lists: one function per action, each
checking the actor's right, writing an audit event, in one transaction.

Maker and checker: a decision, a revocation or a change of stars is prepared by one official
(`decision_create`, `certificate_revoke_request`, `certificate_change_stars_request`) and takes effect only
when another official of the same authority approves it (`decision_approve`, `certificate_revoke_approve`,
`certificate_change_stars_approve`).
"""

from __future__ import annotations

import base64
import datetime
import logging
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, covers, roles_with
from ocop.audit.services import record_event
from ocop.certification import council, offline, qr, rules, snapshot
from ocop.certification import keys as key_store
from ocop.certification.models import (
    ApplicationKind,
    Certificate,
    CertificateChange,
    CertificateStatus,
    ChangeKind,
    ChangeStatus,
    DecisionItem,
    DecisionStatus,
    IssuingAuthority,
    RecognitionDecision,
    RevocationList,
    SigningKey,
    certificate_pdf_name,
)
from ocop.certification.policies import why_not_act_for, why_not_check
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.text import nfc
from ocop.evaluation.models import Conclusion, EvaluationStatus, RoundDossier
from ocop.evaluation.services import mark_recognised
from ocop.geo.models import Era, Level
from ocop.products.models import Product
from ocop.rubrics.engine import band_for_total
from ocop.rubrics.issues import RubricError
from ocop.tasks import enqueue

_log = logging.getLogger("ocop.certification")

MAX_ITEMS = 500
# `123/QĐ-UBND`, `2361/QĐ-BNNMT`: a number, a slash, the document's symbol.
DECISION_NUMBER = re.compile(r"^\d{1,6}/\S{2,40}$")


# ---------------------------------------------------------------------------------------------------------
# Authorities and keys


def authority_default_name(unit) -> str:
    """The name an authority gets when none is given: `Ủy ban nhân dân tỉnh Bắc Ninh`, or the ministry."""
    if unit.level == Level.COUNTRY:
        return "Bộ Nông nghiệp và Môi trường"
    return f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"


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


def _acts_for_unit(actor, unit) -> bool:
    return any(role.unit_id == unit.pk for role in roles_with(actor, Capability.RECOGNISE))


@transaction.atomic
def authority_create(*, actor, unit, name: str = "", code: str = "") -> IssuingAuthority:
    """Set up the issuing authority of a current province (or of the country, for 5★) with its first key and
    an empty signed revocation list. `actor` None is the system (set-up commands)."""
    if unit.era != Era.CURRENT or unit.level not in (Level.PROVINCE, Level.COUNTRY):
        raise Invalid(
            _("Chỉ tỉnh (hiện hành) hoặc Trung ương mới là cơ quan cấp giấy chứng nhận."),
            code="authority_unit_level",
        )
    if actor is not None and not _acts_for_unit(actor, unit):
        raise Forbidden(_("Bạn không phải cán bộ của đơn vị này."), code="not_authority_officer")
    if IssuingAuthority.objects.filter(unit=unit).exists():
        raise Conflict(_("Đơn vị này đã có cơ quan cấp giấy chứng nhận."), code="authority_exists")
    code = qr.check_token(code or ("TW" if unit.level == Level.COUNTRY else unit.code), "authority code")
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
        refusal = why_not_act_for(actor, authority)
        if refusal:
            raise Forbidden(refusal, code="not_authority_officer")
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


# ---------------------------------------------------------------------------------------------------------
# Decisions


def _decision_number(raw: str) -> str:
    number = nfc(raw)
    if not DECISION_NUMBER.match(number):
        raise Invalid(
            _("Số quyết định '%(number)s' không đúng dạng, ví dụ: 123/QĐ-UBND.") % {"number": number[:60]},
            code="decision_number_invalid",
        )
    return number


def _decision_date(value, *, not_before: datetime.date | None = None) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise Invalid(_("Ngày quyết định không hợp lệ."), code="decision_date_invalid") from exc
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise Invalid(_("Ngày quyết định không hợp lệ."), code="decision_date_invalid")
    if value > timezone.localdate():
        raise Invalid(_("Ngày quyết định không được sau hôm nay."), code="decision_date_future")
    if not_before is not None and value < not_before:
        raise Invalid(
            _("Ngày quyết định không được trước ngày cấp giấy chứng nhận (%(date)s).")
            % {"date": not_before.strftime("%d/%m/%Y")},
            code="decision_date_too_early",
        )
    return value


def _item_tuple(raw) -> tuple:
    if isinstance(raw, dict):
        return raw.get("product"), raw.get("stars"), raw.get("score"), raw.get("dossier")
    values = tuple(raw)
    if not 2 <= len(values) <= 4:
        raise Invalid(_("Mỗi dòng gồm sản phẩm, hạng sao, điểm và hồ sơ."), code="decision_item_invalid")
    return (*values, None, None)[:4]


def _item_problem(authority, day, product, stars, score, allowed: tuple[int, ...]) -> tuple[str, str] | None:
    if not covers(authority.unit, product.producer.unit):
        # Named by its id only: the product of another province is none of this officer's business.
        return "product_outside_authority", _("Sản phẩm mã %(id)s không thuộc địa bàn của %(authority)s.") % {
            "id": product.pk,
            "authority": authority.name,
        }
    if stars not in allowed:
        return "stars_not_recognisable", _(
            "%(authority)s không công nhận hạng %(stars)s sao vào ngày này (được công nhận: %(allowed)s)."
        ) % {
            "authority": authority.name,
            "stars": stars,
            "allowed": ", ".join(f"{s}★" for s in allowed) or "—",
        }
    if score is not None:
        try:
            band = band_for_total(rules.version_on(day), score)
        except RubricError:
            return "score_invalid", _("Điểm %(score)s không hợp lệ.") % {"score": score}
        if band.stars < stars:
            return "score_below_stars", _(
                "Sản phẩm '%(product)s' đạt %(score)s điểm, chưa đủ cho hạng %(stars)s sao."
            ) % {"product": product.name, "score": score, "stars": stars}
    return None


@transaction.atomic
def decision_create(
    *,
    actor,
    authority: IssuingAuthority,
    number: str,
    date,
    signer: str,
    items: Iterable,
    note: str = "",
) -> RecognitionDecision:
    """Draft a recognition decision (the maker). `items` are `(product, stars, score or None, dossier or None)`
    (a dossier may be given as an object or its id). Nothing is issued until another official approves."""
    refusal = why_not_act_for(actor, authority)
    if refusal:
        raise Forbidden(refusal, code="not_authority_officer")
    number = _decision_number(number)
    day = _decision_date(date)
    signer = nfc(signer)
    if not signer or len(signer) > 200:
        raise Invalid(_("Cần ghi người ký quyết định (tối đa 200 ký tự)."), code="decision_signer_required")
    rows = [_item_tuple(raw) for raw in items]
    if not rows:
        raise Invalid(_("Quyết định cần ít nhất một sản phẩm."), code="decision_without_items")
    if len(rows) > MAX_ITEMS:
        raise Invalid(
            _("Một quyết định có tối đa %(max)s sản phẩm.") % {"max": MAX_ITEMS}, code="decision_too_long"
        )
    allowed = rules.recognisable_stars(authority.unit, day)
    problems, seen, cleaned = [], set(), []
    for position, (product, stars, score, dossier) in enumerate(rows, start=1):
        if not isinstance(product, Product):
            product = Product.objects.select_related("producer__unit").filter(pk=product).first()
        try:
            stars = int(stars)
            score = None if score in (None, "") else Decimal(str(score))
        except (TypeError, ValueError, InvalidOperation):
            problems.append(
                {"position": position, "code": "decision_item_invalid", "message": _("Dòng không hợp lệ.")}
            )
            continue
        if product is None:
            problems.append(
                {"position": position, "code": "product_not_found", "message": _("Không có sản phẩm này.")}
            )
            continue
        if product.pk in seen:
            problem = (
                "product_listed_twice",
                _("Sản phẩm '%(product)s' có hai lần.") % {"product": product.name},
            )
        else:
            problem = _item_problem(authority, day, product, stars, score, allowed)
        seen.add(product.pk)
        backing = None
        if problem is None:
            backing, problem = council.supporting(authority, product, stars, getattr(dossier, "pk", dossier))
        if problem is None and score is not None and score != backing.mean_score:
            problem = (
                "score_not_council",
                _("Sản phẩm '%(product)s': điểm phải là điểm của hội đồng (%(council)s).")
                % {"product": product.name, "council": backing.mean_score},
            )
        if problem:
            problems.append(
                {"position": position, "product": product.pk, "code": problem[0], "message": problem[1]}
            )
            continue
        # The council's score and dossier, never typed: the decision follows the council.
        cleaned.append((product, stars, backing.mean_score, backing.dossier_id))
    if problems:
        raise Invalid(
            _("Danh sách sản phẩm có %(count)s lỗi: %(first)s")
            % {"count": len(problems), "first": problems[0]["message"]},
            code=problems[0]["code"] if len(problems) == 1 else "decision_items_invalid",
            details=problems,
        )
    pending = (
        DecisionItem.objects.filter(
            product__in=[p for p, *_rest in cleaned], decision__status=DecisionStatus.DRAFT
        )
        .select_related("decision", "product")
        .first()
    )
    if pending is not None:
        raise Conflict(
            _("Sản phẩm '%(product)s' đã có trong dự thảo quyết định %(number)s đang chờ duyệt.")
            % {"product": pending.product.name, "number": pending.decision.number},
            code="product_in_pending_decision",
        )
    taken = RecognitionDecision.objects.filter(authority=authority, number=number).exclude(
        status=DecisionStatus.REJECTED
    )
    if taken.exists():
        raise Conflict(
            _("Số quyết định %(number)s đã được dùng.") % {"number": number}, code="decision_number_taken"
        )
    decision = RecognitionDecision.objects.create(
        authority=authority, number=number, date=day, signer=signer, note=nfc(note), created_by=actor
    )
    for position, (product, stars, score, dossier_id) in enumerate(cleaned, start=1):
        current = Certificate.objects.filter(product=product, status=CertificateStatus.ACTIVE).first()
        previous = (
            current or Certificate.objects.filter(product=product).order_by("-issued_on", "-id").first()
        )
        if current is not None and stars > current.stars:
            kind = ApplicationKind.UPGRADE
        elif previous is not None:
            kind = ApplicationKind.REEVALUATION
        else:
            kind = ApplicationKind.FIRST
        DecisionItem.objects.create(
            decision=decision,
            position=position,
            product=product,
            stars=stars,
            score=score,
            dossier_id=dossier_id,
            kind=kind,
            previous_certificate=previous,
        )
    record_event(
        actor=actor,
        action="decision.create",
        target=decision,
        unit=authority.unit,
        data={
            "number": number,
            "date": day.isoformat(),
            "items": [
                {"product": p.pk, "stars": s, "score": str(sc) if sc is not None else None}
                for p, s, sc, _d in cleaned
            ],
        },
    )
    return decision


@transaction.atomic
def decision_draft_from_round(
    *,
    actor,
    evaluation_round,
    number: str,
    date,
    signer: str,
    round_dossiers=None,
    note: str = "",
) -> RecognitionDecision:
    """ "Draft the decision for the recognised products of this round": one item per round dossier the council
    concluded with "recognise" and no decision yet, filled from the council's result (product, recognised stars,
    score, dossier; the kind follows the product's certificates). `round_dossiers` (objects or ids) narrows
    the list to those the officer ticked; each must be such a dossier of this round. The authority is the
    round's unit's; every rule of `decision_create` applies."""
    proposals = RoundDossier.objects.filter(
        round=evaluation_round,
        status=EvaluationStatus.RECOGNITION_PROPOSED,
        conclusion=Conclusion.RECOGNISE,
        recognised_stars__isnull=False,
    ).select_related("dossier__product__producer__unit")
    if round_dossiers is not None:
        wanted = {getattr(rd, "pk", rd) for rd in round_dossiers}
        chosen = [rd for rd in proposals if rd.pk in wanted]
        if len(chosen) != len(wanted):
            raise Invalid(
                _("Chỉ chọn được sản phẩm hội đồng của đợt này đã đề nghị công nhận và chưa có quyết định."),
                code="round_dossier_not_proposed",
            )
    else:
        chosen = list(proposals.order_by("id"))
    if not chosen:
        raise Invalid(
            _("Đợt đánh giá này chưa có sản phẩm được hội đồng kết luận đề nghị công nhận."),
            code="no_council_result",
        )
    authority = authority_ensure(actor=actor, unit=evaluation_round.unit)
    items = [
        (rd.dossier.product, rd.recognised_stars, rd.mean_score, rd.dossier_id)
        for rd in sorted(chosen, key=lambda rd: rd.dossier.product.name)
    ]
    return decision_create(
        actor=actor, authority=authority, number=number, date=date, signer=signer, items=items, note=note
    )


def _next_number(authority: IssuingAuthority, year: int) -> str:
    """`<authority>-<year>-<sequence>`, e.g. `24-2026-00017`; the caller holds the authority's row lock."""
    prefix = f"{authority.code}-{year}-"
    used = Certificate.objects.filter(authority=authority, number__startswith=prefix).count()
    return f"{prefix}{used + 1:05d}"


def _issue(
    *,
    actor,
    authority: IssuingAuthority,
    key: SigningKey,
    decision: RecognitionDecision,
    product: Product,
    stars: int,
    issued_on: datetime.date,
    valid_until: datetime.date,
    item: DecisionItem | None = None,
    change: CertificateChange | None = None,
    replaces: Certificate | None = None,
) -> Certificate:
    number = _next_number(authority, issued_on.year)
    claim = qr.Claim(key.key_id, number, stars, valid_until)
    payload = qr.pack(claim, key_store.sign(key, claim.message()))
    if not qr.fits(qr.qr_text(settings.SITE_URL, payload)):
        raise Invalid(
            _("Địa chỉ trang (OCOP_SITE_URL) quá dài: mã QR sẽ vượt phiên bản 8."), code="qr_too_large"
        )
    certificate = Certificate.objects.create(
        number=number,
        product=product,
        authority=authority,
        decision=decision,
        item=item,
        change=change,
        replaces=replaces,
        stars=stars,
        issued_on=issued_on,
        valid_until=valid_until,
        key=key,
        qr_payload=payload,
        **(snapshot.of_certificate(replaces) if replaces else snapshot.of_product(product)),
    )
    record_event(
        actor=actor,
        action="certificate.issue",
        target=certificate,
        unit=product.producer.unit,
        data={
            "number": number,
            "product": product.pk,
            "product_name": certificate.product_name,
            "stars": stars,
            "valid_until": valid_until.isoformat(),
            "decision": decision.number,
            "key_id": key.key_id,
            "replaces": replaces.number if replaces else None,
        },
    )
    return certificate


def _end(certificate: Certificate, status: str, **fields) -> None:
    certificate.status = status
    certificate.ended_at = timezone.now()
    for name, value in fields.items():
        setattr(certificate, name, value)
    certificate.save(update_fields=["status", "ended_at", *fields])


def _refuse_check(actor, authority, maker) -> None:
    refusal = why_not_check(actor, authority, maker)
    if refusal:
        same = maker is not None and getattr(actor, "pk", None) == maker.pk
        raise Forbidden(refusal, code="maker_checker" if same else "not_authority_officer")


def _refuse_unsupported(actor, authority: IssuingAuthority, decision: RecognitionDecision) -> None:
    """Check every item against the council again (the record may have changed since the draft) and the
    checker against each product: a member of its producer, or one who scored it in that round, may not
    approve. Raised before anything is written, so a refusal changes nothing."""
    checker_problems, council_problems = [], []
    items = decision.items.select_related("product__producer").order_by("position", "id")
    for item in items:
        backing, problem = council.supporting(authority, item.product, item.stars, item.dossier_id)
        if problem is None and item.score is not None and item.score != backing.mean_score:
            problem = (
                "score_not_council",
                _("Điểm của sản phẩm '%(product)s' khác điểm của hội đồng.") % {"product": item.product.name},
            )
        if problem:
            council_problems.append({"position": item.position, "code": problem[0], "message": problem[1]})
        checker = council.checker_problem(actor, item, backing)
        if checker:
            checker_problems.append({"position": item.position, "code": checker[0], "message": checker[1]})
    if checker_problems:
        raise Forbidden(
            checker_problems[0]["message"], code=checker_problems[0]["code"], details=checker_problems
        )
    if council_problems:
        raise Conflict(
            _("Quyết định có %(count)s sản phẩm không khớp kết quả hội đồng: %(first)s")
            % {"count": len(council_problems), "first": council_problems[0]["message"]},
            code=council_problems[0]["code"] if len(council_problems) == 1 else "decision_items_unsupported",
            details=council_problems,
        )


@transaction.atomic
def decision_approve(*, actor, decision: RecognitionDecision, note: str = "") -> RecognitionDecision:
    """Approve a draft (the checker, never its maker): issue and sign one certificate per item. A product's
    earlier active certificate is replaced (upgrade or re-evaluation)."""
    decision = (
        RecognitionDecision.objects.select_for_update().select_related("created_by").get(pk=decision.pk)
    )
    authority = (
        IssuingAuthority.objects.select_for_update().select_related("unit").get(pk=decision.authority_id)
    )
    _refuse_check(actor, authority, decision.created_by)
    if decision.status != DecisionStatus.DRAFT:
        raise Conflict(_("Quyết định này không còn chờ duyệt."), code="decision_not_draft")
    _refuse_unsupported(actor, authority, decision)
    key = _active_key(authority)
    until = rules.valid_until(decision.date)
    replaced_from: set[int] = set()
    issued = []
    for item in decision.items.select_related("product__producer__unit").order_by("position", "id"):
        Product.objects.select_for_update().filter(
            pk=item.product_id
        ).first()  # one issuer at a time per product
        current = (
            Certificate.objects.select_for_update()
            .filter(product_id=item.product_id, status=CertificateStatus.ACTIVE)
            .first()
        )
        if current is not None:
            _end(current, CertificateStatus.SUPERSEDED)
            replaced_from.add(current.authority_id)
        issued.append(
            _issue(
                actor=actor,
                authority=authority,
                key=key,
                decision=decision,
                product=item.product,
                stars=item.stars,
                issued_on=decision.date,
                valid_until=until,
                item=item,
                replaces=current,
            )
        )
    decision.status = DecisionStatus.APPROVED
    decision.checked_by, decision.checked_at, decision.check_note = actor, timezone.now(), nfc(note)
    decision.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
    _close_evaluations(actor=actor, decision=decision, authority=authority)
    _refresh_catalog(actor, authority, [c.product_id for c in issued])
    enqueue(
        "certification.render_pdf", unit=authority.unit, actor=actor, certificate_ids=[c.pk for c in issued]
    )
    for authority_id in sorted(replaced_from):
        _publish(IssuingAuthority.objects.get(pk=authority_id))
    record_event(
        actor=actor,
        action="decision.approve",
        target=decision,
        unit=authority.unit,
        reason=decision.check_note,
        data={"number": decision.number, "certificates": [c.number for c in issued]},
    )
    return decision


def _refresh_catalog(actor, authority: IssuingAuthority, product_ids: list[int]) -> None:
    """The public catalogue (an app above this one) rebuilds these products' entries after the commit."""
    if product_ids:
        enqueue("catalog.reindex_products", unit=authority.unit, actor=actor, product_ids=product_ids)


def _close_evaluations(*, actor, decision: RecognitionDecision, authority: IssuingAuthority) -> None:
    """The council's proposals this decision answers become recognised, in the round and in the cycle."""
    dossier_ids = [i for i in decision.items.values_list("dossier_id", flat=True) if i]
    if not dossier_ids:
        return
    proposals = RoundDossier.objects.filter(
        dossier_id__in=dossier_ids,
        status=EvaluationStatus.RECOGNITION_PROPOSED,
        round__unit=authority.unit,
    ).select_related("round", "dossier")
    for round_dossier in proposals:
        mark_recognised(actor=actor, round_dossier=round_dossier, decision_number=decision.number)


@transaction.atomic
def decision_reject(*, actor, decision: RecognitionDecision, reason: str) -> RecognitionDecision:
    """Return a draft (the checker), or withdraw it (its maker). Its number may then be used again."""
    decision = RecognitionDecision.objects.select_for_update().select_related("authority").get(pk=decision.pk)
    refusal = why_not_act_for(actor, decision.authority)
    if refusal:
        raise Forbidden(refusal, code="not_authority_officer")
    if decision.status != DecisionStatus.DRAFT:
        raise Conflict(_("Quyết định này không còn chờ duyệt."), code="decision_not_draft")
    reason = nfc(reason)
    if not reason:
        raise Invalid(_("Cần ghi lý do trả lại."), code="reason_required")
    decision.status = DecisionStatus.REJECTED
    decision.checked_by, decision.checked_at, decision.check_note = actor, timezone.now(), reason
    decision.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
    record_event(
        actor=actor,
        action="decision.reject",
        target=decision,
        unit=decision.authority.unit,
        reason=reason,
        data={"number": decision.number},
    )
    return decision


# ---------------------------------------------------------------------------------------------------------
# Revocation and change of stars


def _request_change(*, actor, certificate, kind, reason, decision_number, decision_date, new_stars=None):
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("authority__unit", "product__producer__unit")
        .get(pk=certificate.pk)
    )
    refusal = why_not_act_for(actor, certificate.authority)
    if refusal:
        raise Forbidden(refusal, code="not_authority_officer")
    if certificate.status != CertificateStatus.ACTIVE:
        raise Conflict(
            _("Giấy chứng nhận %(number)s đã bị thu hồi hoặc đã được thay thế.")
            % {"number": certificate.number},
            code="certificate_not_active",
        )
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
    if CertificateChange.objects.filter(certificate=certificate, status=ChangeStatus.PENDING).exists():
        raise Conflict(_("Giấy chứng nhận này đang có một đề nghị chờ duyệt."), code="change_pending")
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
    _refuse_check(actor, authority, change.requested_by)
    if change.status != ChangeStatus.PENDING:
        raise Conflict(_("Đề nghị này không còn chờ duyệt."), code="change_not_pending")
    if certificate.status != CertificateStatus.ACTIVE:
        raise Conflict(
            _("Giấy chứng nhận %(number)s đã bị thu hồi hoặc đã được thay thế.")
            % {"number": certificate.number},
            code="certificate_not_active",
        )
    note = nfc(note)
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
    change.status = ChangeStatus.APPROVED
    change.checked_by, change.checked_at, change.check_note = actor, timezone.now(), note
    change.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
    _publish(authority)
    _refresh_catalog(actor, authority, [certificate.product_id])
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
    refusal = why_not_act_for(actor, certificate.authority)
    if refusal:
        raise Forbidden(refusal, code="not_authority_officer")
    if change.status != ChangeStatus.PENDING:
        raise Conflict(_("Đề nghị này không còn chờ duyệt."), code="change_not_pending")
    reason = nfc(reason)
    if not reason:
        raise Invalid(_("Cần ghi lý do trả lại."), code="reason_required")
    change.status = ChangeStatus.REJECTED
    change.checked_by, change.checked_at, change.check_note = actor, timezone.now(), reason
    change.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
    record_event(
        actor=actor,
        action=f"certificate.{change.kind}_reject",
        target=certificate,
        unit=certificate.product.producer.unit,
        reason=reason,
        data={"change": change.pk},
    )
    return change


# ---------------------------------------------------------------------------------------------------------
# PDF, scans, reminders


def certificate_pdf_ensure(*, certificate: Certificate) -> str:
    """The storage name of the certificate's PDF as it reads today; rendered again after a revocation, a
    replacement or its expiry, so a downloaded copy always says what the certificate's status is."""
    from ocop.certification import pdf

    status = certificate.effective_status()
    name = certificate.pdf.name
    if name and certificate.pdf_status == status and default_storage.exists(name):
        return name
    content = pdf.render(certificate)
    new_name = default_storage.save(
        certificate_pdf_name(certificate, "certificate.pdf"), ContentFile(content)
    )
    updated = Certificate.objects.filter(pk=certificate.pk, pdf=name or "").update(
        pdf=new_name, pdf_status=status
    )
    if not updated:  # another request rendered it a moment ago: keep theirs
        default_storage.delete(new_name)
        certificate.refresh_from_db(fields=["pdf", "pdf_status"])
        return certificate.pdf.name
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
    certificate.pdf.name, certificate.pdf_status = new_name, status
    return new_name


def certificate_record_scan(*, certificate: Certificate) -> bool:
    """Count a public verification: a copied code shows up as a surprising number of scans. Best effort: a
    database that cannot be written (a read-only replica after failover, a full disk) must not stop anyone
    verifying a certificate, so the scan then goes uncounted (logged) and False is returned."""
    try:
        with transaction.atomic():
            Certificate.objects.filter(pk=certificate.pk).update(scan_count=F("scan_count") + 1)
    except DatabaseError as error:
        _log.warning("scan of certificate %s not counted: %s", certificate.pk, error)
        return False
    return True


def _recipients(certificate: Certificate) -> list[str]:
    producer = certificate.product.producer
    owners = producer.members.filter(is_owner=True).values_list("user__email", flat=True)
    return sorted({address.strip() for address in [producer.email, *owners] if address and address.strip()})


def expiry_reminders_send(
    *, today: datetime.date | None = None, lead_days: int | None = None
) -> dict[str, int]:
    """E-mail the producers whose active certificates expire within the notice period (30 days by the rubric
    data, or `lead_days`). Each certificate is reminded once, recorded on it and in the audit trail; one with
    no e-mail address is skipped now and tried again on the next run."""
    today = today or timezone.localdate()
    horizon = (
        lead_days
        if lead_days is not None
        else max(v.certificate.expiry_notice_days for v in rules.versions())
    )
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.ACTIVE,
            reminder_sent_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=horizon),
        )
        .select_related("product__producer", "authority", "decision")
        .order_by("valid_until", "id")
    )
    counts = {"sent": 0, "skipped": 0}
    for certificate in candidates:
        notice = lead_days if lead_days is not None else rules.expiry_notice_days(certificate.issued_on)
        if (certificate.valid_until - today).days > notice:
            continue
        recipients = _recipients(certificate)
        if not recipients:
            counts["skipped"] += 1
            continue
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=certificate.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if not claimed:
                continue
            record_event(
                actor=None,
                action="certificate.expiry_reminder",
                target=certificate,
                unit=certificate.product.producer.unit,
                data={"valid_until": certificate.valid_until.isoformat(), "recipients": recipients},
            )
            context = {
                "certificate": certificate,
                "product": certificate.product,
                "site_url": settings.SITE_URL,
            }
            subject = _("[OCOP] Giấy chứng nhận số %(number)s hết hạn ngày %(date)s") % {
                "number": certificate.number,
                "date": certificate.valid_until.strftime("%d/%m/%Y"),
            }
            body = render_to_string("certification/email/expiry_reminder.txt", context)
            transaction.on_commit(
                lambda s=subject, b=body, r=recipients: send_mail(s, b, None, r, fail_silently=False)
            )
        counts["sent"] += 1
    return counts
