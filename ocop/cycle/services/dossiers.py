"""Dossiers for evaluation and ranking (*hồ sơ đánh giá, phân hạng*): the producer opens one for a product and
a year (a draft with its checklist) and submits it; the receiving level checks and forwards it; the evaluating
level accepts it for evaluation or returns it (the `dossier` table of data/routing.yaml). The evaluation app
moves it on through `dossier_transition`. Its files are in `documents.py`, its messages in `messages.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.cycle import certificates
from ocop.cycle.checklists import APPLICATION_TYPES, checklist_for
from ocop.cycle.models import BusinessPlan, Dossier
from ocop.cycle.policies import can_create_for, refusal_for, route_of
from ocop.cycle.services.transitions import (
    MAX_REASON,
    advance,
    check_year,
    clean_text,
    lock,
    require_editable,
    touch,
    unknown_fields,
)
from ocop.cycle.states import DOSSIER
from ocop.cycle.workflow import Transition, workflow
from ocop.products.selectors import current_rubric_version
from ocop.rubrics.selectors import engine_version


def _check_target_stars(target_stars, rubric_code: str) -> None:
    """The stars applied for are one of the bands the dossier's rubric version recognises (its bands marked
    `recognised`, as loaded: 3★, 4★ and 5★ in both shipped versions)."""
    if target_stars is None:
        return
    recognised = sorted(engine_version(rubric_code).recognised_stars)
    if isinstance(target_stars, bool) or target_stars not in recognised:
        raise Invalid(
            _("Hạng sao đăng ký phải là một trong các hạng %(stars)s mà bộ tiêu chí %(version)s công nhận.")
            % {"stars": ", ".join(str(stars) for stars in recognised), "version": rubric_code},
            code="target_stars_invalid",
        )


def _application(
    application_type: str,
    target_stars,
    previous_certificate_id,
    *,
    producer_id: int,
    rubric_code: str,
    previous_number=None,
) -> tuple[str, int | None, int | None]:
    if application_type not in APPLICATION_TYPES:
        raise Invalid(_("Loại đăng ký không hợp lệ."), code="application_type_invalid")
    _check_target_stars(target_stars, rubric_code)
    if previous_number:
        previous_certificate_id = certificates.resolve(producer_id, number=str(previous_number))
    if previous_certificate_id is not None:
        if application_type == "first":
            raise Invalid(
                _("Chỉ hồ sơ nâng hạng hoặc đánh giá lại mới gắn với giấy chứng nhận trước đó."),
                code="previous_certificate_not_allowed",
            )
        if (
            isinstance(previous_certificate_id, bool)
            or not isinstance(previous_certificate_id, int)
            or previous_certificate_id < 1
        ):
            raise Invalid(_("Mã giấy chứng nhận trước đó không hợp lệ."), code="previous_certificate_invalid")
        # Only one of the producer's own certificates (another producer's is refused).
        previous_certificate_id = certificates.resolve(producer_id, certificate_id=previous_certificate_id)
    return application_type, target_stars, previous_certificate_id


def _checklist(product, application_type: str, target_stars: int | None) -> tuple[str, list[dict]]:
    product_set = product.product_set
    return checklist_for(
        rubric=product_set.version.code,
        group=product_set.group.code,
        product_set=product_set.code,
        stars=target_stars,
        application_type=application_type,
    )


@transaction.atomic
def dossier_create(
    *,
    actor,
    product,
    year: int,
    application_type: str = "first",
    target_stars: int | None = None,
    previous_certificate_id: int | None = None,
    previous_certificate: str | None = None,
) -> Dossier:
    """A producer opens the evaluation dossier of one of its products for a year (a draft). An upgrade or
    re-evaluation names the certificate it follows by its number (`previous_certificate`, e.g.
    `24-2026-00001`) or id, one of the producer's own."""
    if not can_create_for(actor, product):
        raise Forbidden(_("Chỉ chủ thể sở hữu sản phẩm mới lập được hồ sơ."), code="forbidden_action")
    year = check_year(year)
    application_type, target_stars, previous_certificate_id = _application(
        application_type,
        target_stars,
        previous_certificate_id,
        producer_id=product.producer_id,
        rubric_code=product.product_set.version.code,
        previous_number=previous_certificate,
    )
    version = current_rubric_version()
    if version is None or product.product_set.version_id != version.pk:
        raise Invalid(
            _(
                "Sản phẩm đang xếp theo bộ tiêu chí %(old)s; hãy chọn lại bộ sản phẩm theo bộ tiêu chí đang áp dụng (%(new)s)."
            )
            % {"old": product.product_set.version.code, "new": version.code if version else "?"},
            code="product_set_not_current",
        )
    if Dossier.objects.filter(product=product, year=year).exclude(status=DOSSIER.withdrawn).exists():
        raise Conflict(
            _("Sản phẩm «%(product)s» đã có hồ sơ năm %(year)s.") % {"product": product.name, "year": year},
            code="dossier_exists",
        )
    checklist_version, items = _checklist(product, application_type, target_stars)
    plan = BusinessPlan.objects.filter(product=product, year=year).first()
    dossier = Dossier(
        producer=product.producer,
        product=product,
        unit=product.producer.unit,
        year=year,
        status=workflow(Dossier.WORKFLOW).states[0].code,
        application_type=application_type,
        target_stars=target_stars,
        previous_certificate_id=previous_certificate_id,
        rubric_version=version,
        plan=plan,
        checklist_version=checklist_version,
        checklist=items,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError as exc:
        raise Conflict(_("Hồ sơ cho sản phẩm và năm này vừa được lập."), code="dossier_exists") from exc
    record_event(
        actor=actor,
        action="dossier.create",
        target=dossier,
        unit=dossier.unit,
        data={"year": year, "application_type": application_type, "checklist": checklist_version},
    )
    return dossier


@transaction.atomic
def dossier_update(*, actor, dossier: Dossier, expected_version: int | None = None, **fields) -> Dossier:
    """Change what the dossier applies for (type, stars, previous certificate); the checklist follows."""
    dossier = lock(dossier, expected_version)
    require_editable(actor, dossier)
    unknown_fields(
        fields, ("application_type", "target_stars", "previous_certificate_id", "previous_certificate")
    )
    application_type, target_stars, previous = _application(
        fields.get("application_type", dossier.application_type),
        fields.get("target_stars", dossier.target_stars),
        fields.get("previous_certificate_id", dossier.previous_certificate_id),
        producer_id=dossier.producer_id,
        rubric_code=dossier.rubric_version.code,
        previous_number=fields.get("previous_certificate"),
    )
    dossier.application_type, dossier.target_stars, dossier.previous_certificate_id = (
        application_type,
        target_stars,
        previous,
    )
    dossier.checklist_version, dossier.checklist = _checklist(dossier.product, application_type, target_stars)
    touch(dossier)
    dossier.save()
    record_event(
        actor=actor,
        action="dossier.update",
        target=dossier,
        unit=dossier.unit,
        data={
            "application_type": application_type,
            "target_stars": target_stars,
            "previous_certificate_id": previous,
        },
    )
    return dossier


def dossier_transition(
    *,
    actor,
    dossier: Dossier,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[[Dossier, Transition], None] | None = None,
) -> Dossier:
    """Any transition of the dossier table by its action name: for steps other apps add to routing.yaml."""
    return advance(
        actor=actor,
        record=dossier,
        action=action,
        reason=reason,
        expected_version=expected_version,
        before_save=before_save,
    )


def dossier_submit(
    *, actor, dossier: Dossier, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The producer submits the dossier to the receiving level (refused while a required item is missing)."""
    return advance(
        actor=actor, record=dossier, action="submit", reason=note, expected_version=expected_version
    )


def dossier_check(
    *,
    actor,
    dossier: Dossier,
    assessment: dict[str, str] | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Dossier:
    """The receiving level confirms it checked the dossier, with its own assessment of what the duty table
    asks it to assess (from 06/7/2025: local origin, local labour, origin of the idea, local identity)."""

    def keep_assessment(record: Dossier, transition: Transition) -> None:
        asked = route_of(record).assesses
        given = assessment or {}
        unknown = set(given) - set(asked)
        if unknown:
            raise Invalid(
                _("Nội dung đánh giá không có trong danh mục của cấp này."), code="assessment_unknown"
            )
        record.receiver_assessment = {
            item: clean_text(given.get(item, ""), item, limit=MAX_REASON) for item in asked
        }

    return advance(
        actor=actor,
        record=dossier,
        action="check",
        reason=note,
        expected_version=expected_version,
        before_save=keep_assessment,
    )


def dossier_forward(
    *, actor, dossier: Dossier, note: str = "", expected_version: int | None = None
) -> Dossier:
    return advance(
        actor=actor, record=dossier, action="forward", reason=note, expected_version=expected_version
    )


def dossier_accept(
    *, actor, dossier: Dossier, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The evaluating level accepts the dossier for evaluation; the evaluation app takes it from here."""

    def stamp(record: Dossier, transition: Transition) -> None:
        record.accepted_at = timezone.now()

    return advance(
        actor=actor,
        record=dossier,
        action="accept",
        reason=note,
        expected_version=expected_version,
        before_save=stamp,
    )


def dossier_return(*, actor, dossier: Dossier, reason: str, expected_version: int | None = None) -> Dossier:
    """An officer sends the dossier back to the producer with the reasons, which the producer sees."""
    return advance(
        actor=actor, record=dossier, action="return", reason=reason, expected_version=expected_version
    )


def dossier_withdraw(
    *, actor, dossier: Dossier, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """The producer withdraws the dossier before it is accepted for evaluation."""
    return advance(
        actor=actor, record=dossier, action="withdraw", reason=reason, expected_version=expected_version
    )


DOSSIER_ACTIONS: dict[str, Callable[..., Dossier]] = {
    "submit": dossier_submit,
    "check": dossier_check,
    "forward": dossier_forward,
    "accept": dossier_accept,
    "return": dossier_return,
    "withdraw": dossier_withdraw,
}


@transaction.atomic
def dossiers_forward_bulk(*, actor, dossiers: Iterable[Dossier], note: str = "") -> list[Dossier]:
    """Forward several checked dossiers at once: all of them, or none when any one is refused."""
    dossiers = list(dossiers)
    if not dossiers:
        raise Invalid(_("Chưa chọn hồ sơ nào."), code="nothing_selected")
    problems = []
    for dossier in dossiers:
        refusal = refusal_for(actor, dossier, "forward")
        if refusal is not None:
            problems.append({"id": dossier.pk, "code": refusal.code, "message": refusal.message})
    if problems:
        raise Conflict(
            _("Không chuyển được %(count)s hồ sơ; chưa hồ sơ nào được chuyển: %(list)s")
            % {"count": len(problems), "list": "; ".join(f"#{p['id']}: {p['message']}" for p in problems)},
            code="bulk_refused",
            details={"refused": problems},
        )
    return [dossier_forward(actor=actor, dossier=dossier, note=note) for dossier in dossiers]
