"""Actions of the cycle: ideas, business plans, dossiers, their documents, messages and notifications.

Every action is one function that runs in one transaction, locks the record it moves (`select_for_update`),
refuses a stale version (409 "stale"), asks `policies.refusal_for` whether the actor may do it, writes the
change and its audit event, and leaves notifications and e-mail to `notify` (e-mail after commit).
Every transition of the state tables goes through `_advance`; the per-action functions only add what is
particular to their step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.core.storage import store
from ocop.core.text import nfc
from ocop.cycle import certificates
from ocop.cycle.checklists import APPLICATION_TYPES, checklist_for
from ocop.cycle.models import (
    BusinessPlan,
    Document,
    Dossier,
    DossierMessage,
    DossierTransition,
    Notification,
    PlanAttachment,
    ProductIdea,
)
from ocop.cycle.policies import can_create_for, can_view_record, refusal_for, route_of, why_not_edit
from ocop.cycle.programme import FIRST_YEAR
from ocop.cycle.routes import route_on
from ocop.cycle.tasks import send_notice
from ocop.cycle.workflow import PRODUCER, Transition, routing, workflow
from ocop.geo.models import Level
from ocop.producers.models import ProducerMember
from ocop.producers.policies import acts_for
from ocop.products.selectors import current_rubric_version
from ocop.tasks import enqueue

MAX_TEXT = 5000
MAX_REASON = 2000

# -- shared steps -----------------------------------------------------------------------------------------


def _check_year(year) -> int:
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year + 1:
        raise Invalid(
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": this_year + 1},
            code="year_invalid",
        )
    return year


def _text(value, label: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    text = nfc(value or "")
    if required and not text:
        raise Invalid(_("Cần nhập «%(field)s».") % {"field": label}, code="field_required")
    if len(text) > limit:
        raise Invalid(
            _("«%(field)s» dài quá %(max)s ký tự.") % {"field": label, "max": limit}, code="field_too_long"
        )
    return text


def _lock(record, expected_version: int | None):
    model = type(record)
    locked = (
        model.objects.select_for_update()
        .select_related("producer", "product", "product__product_set", "product__product_set__group", "unit")
        .get(pk=record.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Người khác vừa thay đổi %(record)s này; hãy tải lại trang để xem thay đổi rồi làm tiếp.")
            % {"record": workflow(model.WORKFLOW).title.lower()},
            code="stale",
            details={"version": locked.version},
        )
    return locked


def _touch(record) -> None:
    record.version += 1
    record.updated_at = timezone.now()


def _require_editable(actor, record) -> None:
    reason = why_not_edit(actor, record)
    if reason is None:
        return
    if acts_for(actor, record.producer_id):
        raise Conflict(reason, code="not_editable")
    raise Forbidden(reason, code="forbidden_action")


@transaction.atomic
def _advance(
    *,
    actor,
    record,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[[object, Transition], None] | None = None,
):
    """Move `record` along its state table: the one path every transition of every workflow takes."""
    record = _lock(record, expected_version)
    flow = workflow(record.WORKFLOW)
    if not can_view_record(actor, record):
        raise NotFound(_("Không tìm thấy."), code="not_found")
    refusal = refusal_for(actor, record, action)
    if refusal is not None:
        refusal.raise_it()
    transition = flow.find(action, record.status)
    reason = _text(reason, _("Lý do"), limit=MAX_REASON, required=transition.reason_required)
    now, today = timezone.now(), timezone.localdate()
    target = flow.state(transition.target)
    source = record.status
    if record.submitted_at is None and target.holder != PRODUCER:
        # Entering the route: which levels handle it is fixed now, from the duty table of today.
        record.submitted_at = now
        record.take_route(route_on(today).as_data())
    level = route_of(record).level_for(transition.by) or ""
    record.status = transition.target
    record.status_changed_at = now
    record.due_on = today + timedelta(days=target.deadline_days) if target.deadline_days else None
    if target.holder == PRODUCER and reason:
        record.return_reason = reason
    elif target.holder != PRODUCER:
        record.return_reason = ""
    if before_save is not None:
        before_save(record, transition)
    _touch(record)
    record.save()
    if isinstance(record, Dossier):
        DossierTransition.objects.create(
            dossier=record,
            action=action,
            from_status=source,
            to_status=record.status,
            level=level,
            actor=actor,
            reason=reason,
            at=now,
        )
    record_event(
        actor=actor,
        action=f"{record.WORKFLOW}.{action}",
        target=record,
        unit=record.unit,
        reason=reason,
        data={"from": source, "to": record.status, "level": level, "version": record.version},
    )
    notify(record=record, actor=actor, title=_change_title(record, flow.label_of(record.status)), body=reason)
    return record


# -- notifications ----------------------------------------------------------------------------------------


def _change_title(record, status_label: str) -> str:
    return _("%(record)s «%(product)s» năm %(year)s: %(status)s") % {
        "record": workflow(record.WORKFLOW).title,
        "product": record.product.name,
        "year": record.year,
        "status": status_label,
    }


def _record_url(record) -> str:
    names = {"dossier": "cycle:dossier", "idea": "cycle:idea", "plan": "cycle:plan"}
    return reverse(names[record.WORKFLOW], args=[record.pk])


def _officers_at(level: str | None, unit):
    """Active officers who act for `level` over `unit` (routing.yaml acting_roles)."""
    if level is None:
        return []
    kinds = routing().acting_roles.get(level, ())
    reach = Q(unit=unit) | Q(unit__level=Level.COUNTRY)
    if unit.current_commune_id:
        reach |= Q(unit_id=unit.current_commune_id)
    if unit.current_province_id:
        reach |= Q(unit_id=unit.current_province_id)
    roles = Role.active.filter(reach, kind__in=kinds).select_related("user")
    return [role.user for role in roles if role.user.is_active]


def notify(*, record, actor, title: str, body: str = "") -> None:
    """Tell the producer's members and the officers who now hold the record; e-mail them after commit."""
    people = {
        member.user
        for member in ProducerMember.objects.filter(producer_id=record.producer_id).select_related("user")
    }
    state = workflow(record.WORKFLOW).state(record.status)
    if state is not None and state.holder and state.holder != PRODUCER:
        people.update(_officers_at(route_of(record).level_for(state.holder), record.unit))
    people.discard(actor)
    if not people:
        return
    url = _record_url(record)
    Notification.objects.bulk_create(
        [
            Notification(
                user=person,
                dossier=record if isinstance(record, Dossier) else None,
                title=title[:200],
                body=body,
                url=url,
            )
            for person in people
        ]
    )
    addresses = sorted({person.email for person in people if person.email})
    if addresses:
        link = f"{settings.SITE_URL}{url}" if getattr(settings, "SITE_URL", "") else url
        text = "\n\n".join(part for part in (title, body, _("Xem chi tiết: %(url)s") % {"url": link}) if part)
        # Sent after commit, retried on failure; a mail outage never undoes or hides the change itself.
        enqueue(send_notice, unit=record.unit, actor=actor, subject=title, text=text, addresses=addresses)


def notify_people(*, people, actor, unit, title: str, url: str, body: str = "") -> None:
    """Tell these people something that is not a step of a record (e.g. a council member assigned a dossier to
    score): a notice each, and an e-mail after commit, as `notify` does."""
    people = {person for person in people if person is not None and person != actor}
    if not people:
        return
    Notification.objects.bulk_create(
        [Notification(user=person, title=title[:200], body=body, url=url) for person in people]
    )
    addresses = sorted({person.email for person in people if person.email})
    if addresses:
        link = f"{settings.SITE_URL}{url}" if getattr(settings, "SITE_URL", "") else url
        text = "\n\n".join(part for part in (title, body, _("Xem chi tiết: %(url)s") % {"url": link}) if part)
        enqueue(send_notice, unit=unit, actor=actor, subject=title, text=text, addresses=addresses)


@transaction.atomic
def notifications_mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# -- ideas ------------------------------------------------------------------------------------------------

IDEA_FIELDS = {
    "summary": "Mô tả ý tưởng",
    "idea_origin": "Nguồn gốc ý tưởng",
    "local_raw_materials": "Nguyên liệu địa phương",
    "local_labour": "Sử dụng lao động địa phương",
    "local_identity": "Bản sắc, tri thức địa phương",
}


def _idea_values(fields: dict) -> dict:
    unknown = set(fields) - set(IDEA_FIELDS)
    if unknown:
        raise Invalid(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="field_unknown",
        )
    return {
        key: _text(value, _(IDEA_FIELDS[key]), required=key == "summary") for key, value in fields.items()
    }


@transaction.atomic
def idea_register(*, actor, product, year: int, summary: str, **fields) -> ProductIdea:
    """A producer registers a product idea for a year; it goes straight to the commune."""
    if not can_create_for(actor, product):
        raise Forbidden(_("Chỉ chủ thể sở hữu sản phẩm mới đăng ký được ý tưởng."), code="forbidden_action")
    year = _check_year(year)
    values = _idea_values({"summary": summary, **fields})
    if ProductIdea.objects.filter(product=product, year=year).exclude(status="withdrawn").exists():
        raise Conflict(
            _("Sản phẩm «%(product)s» đã có ý tưởng đăng ký năm %(year)s.")
            % {"product": product.name, "year": year},
            code="idea_exists",
        )
    flow = workflow(ProductIdea.WORKFLOW)
    first = flow.states[0]
    now, today = timezone.now(), timezone.localdate()
    idea = ProductIdea(
        producer=product.producer,
        product=product,
        unit=product.producer.unit,
        year=year,
        status=first.code,
        status_changed_at=now,
        submitted_at=now,
        created_by=actor,
        due_on=today + timedelta(days=first.deadline_days) if first.deadline_days else None,
        **values,
    )
    idea.take_route(route_on(today).as_data())
    try:
        with transaction.atomic():
            idea.save()
    except IntegrityError as exc:
        raise Conflict(_("Ý tưởng cho sản phẩm và năm này vừa được đăng ký."), code="idea_exists") from exc
    record_event(actor=actor, action="idea.register", target=idea, unit=idea.unit, data={"year": year})
    notify(record=idea, actor=actor, title=_change_title(idea, flow.label_of(idea.status)))
    return idea


@transaction.atomic
def idea_update(*, actor, idea: ProductIdea, expected_version: int | None = None, **fields) -> ProductIdea:
    idea = _lock(idea, expected_version)
    _require_editable(actor, idea)
    for key, value in _idea_values(fields).items():
        setattr(idea, key, value)
    _touch(idea)
    idea.save()
    record_event(
        actor=actor, action="idea.update", target=idea, unit=idea.unit, data={"fields": sorted(fields)}
    )
    return idea


def idea_accept(
    *, actor, idea: ProductIdea, note: str = "", expected_version: int | None = None
) -> ProductIdea:
    return _advance(actor=actor, record=idea, action="accept", reason=note, expected_version=expected_version)


def idea_return(*, actor, idea: ProductIdea, reason: str, expected_version: int | None = None) -> ProductIdea:
    return _advance(
        actor=actor, record=idea, action="return", reason=reason, expected_version=expected_version
    )


def idea_resubmit(*, actor, idea: ProductIdea, expected_version: int | None = None) -> ProductIdea:
    return _advance(actor=actor, record=idea, action="resubmit", expected_version=expected_version)


def idea_withdraw(
    *, actor, idea: ProductIdea, reason: str = "", expected_version: int | None = None
) -> ProductIdea:
    return _advance(
        actor=actor, record=idea, action="withdraw", reason=reason, expected_version=expected_version
    )


# -- business plans ---------------------------------------------------------------------------------------

PLAN_TEXT_FIELDS = {
    "target_market": "Thị trường mục tiêu",
    "production_capacity": "Năng lực sản xuất",
    "raw_material_plan": "Kế hoạch nguyên liệu",
    "marketing_plan": "Kế hoạch tiếp thị, bán hàng",
    "timeline": "Tiến độ thực hiện",
}
PLAN_NUMBER_FIELDS = ("investment_vnd", "expected_revenue_vnd", "workers_planned")


def _plan_values(fields: dict) -> dict:
    unknown = set(fields) - set(PLAN_TEXT_FIELDS) - set(PLAN_NUMBER_FIELDS)
    if unknown:
        raise Invalid(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="field_unknown",
        )
    values = {}
    for key, value in fields.items():
        if key in PLAN_TEXT_FIELDS:
            limit = 300 if key == "production_capacity" else MAX_TEXT
            values[key] = _text(value, _(PLAN_TEXT_FIELDS[key]), limit=limit)
        elif value in (None, ""):
            values[key] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**15:
            raise Invalid(_("Số tiền và số lao động phải là số nguyên không âm."), code="number_invalid")
        else:
            values[key] = value
    return values


@transaction.atomic
def plan_create(*, actor, idea: ProductIdea, **fields) -> BusinessPlan:
    """Start the business plan of an accepted idea (a draft the producer fills in)."""
    idea = _lock(idea, None)
    if not acts_for(actor, idea.producer_id):
        raise Forbidden(_("Chỉ chủ thể sở hữu ý tưởng mới lập được phương án."), code="forbidden_action")
    if idea.status != "accepted":
        raise Conflict(_("Cần được xã chấp thuận ý tưởng trước khi lập phương án."), code="idea_not_accepted")
    if BusinessPlan.objects.filter(idea=idea).exists():
        raise Conflict(_("Ý tưởng này đã có phương án."), code="plan_exists")
    flow = workflow(BusinessPlan.WORKFLOW)
    plan = BusinessPlan(
        idea=idea,
        producer=idea.producer,
        product=idea.product,
        unit=idea.unit,
        year=idea.year,
        status=flow.states[0].code,
        created_by=actor,
        **_plan_values(fields),
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise Conflict(_("Ý tưởng này đã có phương án."), code="plan_exists") from exc
    record_event(actor=actor, action="plan.create", target=plan, unit=plan.unit, data={"idea": idea.pk})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: BusinessPlan, expected_version: int | None = None, **fields) -> BusinessPlan:
    plan = _lock(plan, expected_version)
    _require_editable(actor, plan)
    for key, value in _plan_values(fields).items():
        setattr(plan, key, value)
    _touch(plan)
    plan.save()
    record_event(
        actor=actor, action="plan.update", target=plan, unit=plan.unit, data={"fields": sorted(fields)}
    )
    return plan


@transaction.atomic
def plan_attach(*, actor, plan: BusinessPlan, upload, expected_version: int | None = None) -> PlanAttachment:
    plan = _lock(plan, expected_version)
    _require_editable(actor, plan)
    checked = uploads.check_upload(upload)
    stored = store(upload, folder="plans", filename=checked.original_name, content_type=checked.kind.mime)
    try:
        attachment = PlanAttachment.objects.create(
            plan=plan,
            file=stored.name,
            original_name=checked.original_name,
            content_type=checked.kind.mime,
            size=stored.size,
            file_sha256=stored.sha256,
            uploaded_by=actor,
        )
        _touch(plan)
        plan.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="plan.attach",
            target=plan,
            unit=plan.unit,
            data={"attachment": attachment.pk, "sha256": stored.sha256, "size": stored.size},
        )
    except Exception:
        uploads.discard(stored.name)
        raise
    return attachment


def plan_submit(*, actor, plan: BusinessPlan, expected_version: int | None = None) -> BusinessPlan:
    return _advance(actor=actor, record=plan, action="submit", expected_version=expected_version)


def plan_return(
    *, actor, plan: BusinessPlan, reason: str, expected_version: int | None = None
) -> BusinessPlan:
    return _advance(
        actor=actor, record=plan, action="return", reason=reason, expected_version=expected_version
    )


# -- dossiers ---------------------------------------------------------------------------------------------


def _application(
    application_type: str, target_stars, previous_certificate_id, *, producer_id: int, previous_number=None
) -> tuple[str, int | None, int | None]:
    if application_type not in APPLICATION_TYPES:
        raise Invalid(_("Loại đăng ký không hợp lệ."), code="application_type_invalid")
    if target_stars is not None and (isinstance(target_stars, bool) or target_stars not in (3, 4, 5)):
        raise Invalid(_("Hạng sao đăng ký phải là 3, 4 hoặc 5."), code="target_stars_invalid")
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
    year = _check_year(year)
    application_type, target_stars, previous_certificate_id = _application(
        application_type,
        target_stars,
        previous_certificate_id,
        producer_id=product.producer_id,
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
    if Dossier.objects.filter(product=product, year=year).exclude(status="withdrawn").exists():
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
    dossier = _lock(dossier, expected_version)
    _require_editable(actor, dossier)
    unknown = set(fields) - {
        "application_type",
        "target_stars",
        "previous_certificate_id",
        "previous_certificate",
    }
    if unknown:
        raise Invalid(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="field_unknown",
        )
    application_type, target_stars, previous = _application(
        fields.get("application_type", dossier.application_type),
        fields.get("target_stars", dossier.target_stars),
        fields.get("previous_certificate_id", dossier.previous_certificate_id),
        producer_id=dossier.producer_id,
        previous_number=fields.get("previous_certificate"),
    )
    dossier.application_type, dossier.target_stars, dossier.previous_certificate_id = (
        application_type,
        target_stars,
        previous,
    )
    dossier.checklist_version, dossier.checklist = _checklist(dossier.product, application_type, target_stars)
    _touch(dossier)
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


@transaction.atomic
def document_upload(
    *, actor, dossier: Dossier, item: str, upload, expected_version: int | None = None
) -> Document:
    """Upload the file of one checklist item. A new upload supersedes the current one and keeps it.
    A refused file leaves nothing stored and the dossier unchanged."""
    dossier = _lock(dossier, expected_version)
    if not can_view_record(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    _require_editable(actor, dossier)
    entry = next((row for row in dossier.checklist if row["item"] == item), None)
    if entry is None:
        raise Invalid(
            _("«%(item)s» không phải một thành phần của hồ sơ này.") % {"item": (item or "")[:60]},
            code="checklist_item_unknown",
        )
    checked = uploads.check_upload(upload, allowed=entry.get("accept") or uploads.ALL_KINDS)
    stored = store(upload, folder="dossiers", filename=checked.original_name, content_type=checked.kind.mime)
    try:
        previous = dossier.documents.filter(item=item).aggregate(last=Max("revision"))["last"] or 0
        dossier.documents.filter(item=item, is_current=True).update(is_current=False)
        document = Document.objects.create(
            dossier=dossier,
            item=item,
            revision=previous + 1,
            is_current=True,
            file=stored.name,
            original_name=checked.original_name,
            content_type=checked.kind.mime,
            size=stored.size,
            file_sha256=stored.sha256,
            uploaded_by=actor,
        )
        _touch(dossier)
        dossier.save(update_fields=["version", "updated_at"])
        record_event(
            actor=actor,
            action="dossier.document_upload",
            target=dossier,
            unit=dossier.unit,
            data={
                "item": item,
                "document": document.pk,
                "revision": document.revision,
                "kind": checked.kind.code,
                "size": stored.size,
                "sha256": stored.sha256,
            },
        )
    except Exception:
        uploads.discard(stored.name)
        raise
    return document


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
    return _advance(
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
    return _advance(
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
            item: _text(given.get(item, ""), item, limit=MAX_REASON) for item in asked
        }

    return _advance(
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
    return _advance(
        actor=actor, record=dossier, action="forward", reason=note, expected_version=expected_version
    )


def dossier_accept(
    *, actor, dossier: Dossier, note: str = "", expected_version: int | None = None
) -> Dossier:
    """The evaluating level accepts the dossier for evaluation; the evaluation app takes it from here."""

    def stamp(record: Dossier, transition: Transition) -> None:
        record.accepted_at = timezone.now()

    return _advance(
        actor=actor,
        record=dossier,
        action="accept",
        reason=note,
        expected_version=expected_version,
        before_save=stamp,
    )


def dossier_return(*, actor, dossier: Dossier, reason: str, expected_version: int | None = None) -> Dossier:
    """An officer sends the dossier back to the producer with the reasons, which the producer sees."""
    return _advance(
        actor=actor, record=dossier, action="return", reason=reason, expected_version=expected_version
    )


def dossier_withdraw(
    *, actor, dossier: Dossier, reason: str = "", expected_version: int | None = None
) -> Dossier:
    """The producer withdraws the dossier before it is accepted for evaluation."""
    return _advance(
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


@transaction.atomic
def dossier_message_post(*, actor, dossier: Dossier, body: str) -> DossierMessage:
    dossier = _lock(dossier, None)
    if not can_view_record(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    if dossier.submitted_at is None:
        raise Conflict(_("Hồ sơ chưa nộp nên chưa trao đổi được với cán bộ."), code="dossier_not_submitted")
    text = _text(body, _("Nội dung"), limit=MAX_REASON, required=True)
    message = DossierMessage.objects.create(dossier=dossier, author=actor, body=text)
    record_event(
        actor=actor, action="dossier.message", target=dossier, unit=dossier.unit, data={"message": message.pk}
    )
    notify(
        record=dossier,
        actor=actor,
        title=_("Tin nhắn mới về hồ sơ «%(product)s» năm %(year)s")
        % {"product": dossier.product.name, "year": dossier.year},
        body=text,
    )
    return message
