"""Recognition decisions: drafted by one official (`decision_create`, `decision_draft_from_round`), approved
by another (`decision_approve`, which issues and signs one certificate per item) or returned
(`decision_reject`). Every item follows a council result (`ocop.certification.council`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.policies import covers
from ocop.audit.services import record_event
from ocop.certification import council, rules
from ocop.certification.models import (
    ApplicationKind,
    Certificate,
    CertificateStatus,
    DecisionItem,
    DecisionStatus,
    IssuingAuthority,
    RecognitionDecision,
)
from ocop.certification.policies import require
from ocop.certification.selectors import round_proposals
from ocop.certification.services.issuing import _after_change, _decision_date, _decision_number, _end, _issue
from ocop.certification.services.keys import _active_key, _publish, authority_ensure
from ocop.core.errors import Conflict, Invalid
from ocop.core.maker_checker import reason_required, stamp_check
from ocop.core.text import nfc
from ocop.evaluation.models import EvaluationStatus, RoundDossier
from ocop.evaluation.services import round_dossier_mark_recognised
from ocop.products.models import Product
from ocop.rubrics.engine import band_for_total
from ocop.rubrics.issues import RubricError

MAX_ITEMS = 500


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
    require(actor, "act_for", authority)
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
    problems: list[dict[str, Any]] = []
    seen: set[int] = set()
    cleaned: list[tuple[Product, int, Decimal | None, int | None]] = []
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
        problem: tuple[str, str] | None
        if product.pk in seen:
            problem = (
                "product_listed_twice",
                _("Sản phẩm '%(product)s' có hai lần.") % {"product": product.name},
            )
        else:
            problem = _item_problem(authority, day, product, stars, score, allowed)
        seen.add(product.pk)
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
        cleaned.append((product, stars, backing.mean_score, backing.dossier.pk))
    if problems:
        raise Invalid(
            _("Danh sách sản phẩm có %(count)s lỗi: %(first)s")
            % {"count": len(problems), "first": problems[0]["message"]},
            code=str(problems[0]["code"]) if len(problems) == 1 else "decision_items_invalid",
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
    proposals = round_proposals(evaluation_round)
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
        (rd.dossier.product, rd.recognised_stars, rd.mean_score, rd.dossier.pk)
        for rd in sorted(chosen, key=lambda rd: rd.dossier.product.name)
    ]
    return decision_create(
        actor=actor, authority=authority, number=number, date=date, signer=signer, items=items, note=note
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
    decision.authority = authority
    require(actor, "approve_decision", decision)
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
    stamp_check(decision, actor=actor, status=DecisionStatus.APPROVED, note=note)
    _close_evaluations(actor=actor, decision=decision, authority=authority)
    _after_change(actor, authority, issued)
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
        round_dossier_mark_recognised(
            actor=actor, round_dossier=round_dossier, decision_number=decision.number
        )


@transaction.atomic
def decision_reject(*, actor, decision: RecognitionDecision, reason: str) -> RecognitionDecision:
    """Return a draft (the checker), or withdraw it (its maker). Its number may then be used again."""
    decision = RecognitionDecision.objects.select_for_update().select_related("authority").get(pk=decision.pk)
    require(actor, "reject_decision", decision)
    reason = reason_required(reason)
    stamp_check(decision, actor=actor, status=DecisionStatus.REJECTED, note=reason)
    record_event(
        actor=actor,
        action="decision.reject",
        target=decision,
        unit=decision.authority.unit,
        reason=reason,
        data={"number": decision.number},
    )
    return decision
