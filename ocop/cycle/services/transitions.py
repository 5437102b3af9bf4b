"""The steps every action of the cycle shares, and `advance`: the one path every transition of every state
table takes (ideas, plans, dossiers).

An action locks the record it changes (`lock`, which refuses a stale version: 409 "stale"), checks the text it
keeps (`clean_text`) and bumps the version (`touch`). `advance` also asks `policies.refusal_for` whether the
actor may take the step, fixes the route when the record enters it, sets the deadline of the new state, keeps
the dossier's history, records the audit event and tells the people concerned (`ocop.cycle.notifications`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid, NotFound
from ocop.core.text import nfc
from ocop.cycle.models import Dossier, DossierTransition
from ocop.cycle.notifications import notify
from ocop.cycle.policies import can_view_record, refusal_for, route_of, why_not_edit
from ocop.cycle.programme import FIRST_YEAR
from ocop.cycle.routes import route_on
from ocop.cycle.workflow import PRODUCER, Transition, workflow
from ocop.producers.policies import acts_for

MAX_TEXT = 5000
MAX_REASON = 2000


def check_year(year) -> int:
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year + 1:
        raise Invalid(
            _("Năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": this_year + 1},
            code="year_invalid",
        )
    return year


def clean_text(value, label: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    text = nfc(value or "")
    if required and not text:
        raise Invalid(_("Cần nhập «%(field)s».") % {"field": label}, code="field_required")
    if len(text) > limit:
        raise Invalid(
            _("«%(field)s» dài quá %(max)s ký tự.") % {"field": label, "max": limit}, code="field_too_long"
        )
    return text


def unknown_fields(fields, known) -> None:
    unknown = set(fields) - set(known)
    if unknown:
        raise Invalid(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="field_unknown",
        )


def lock(record, expected_version: int | None):
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


def touch(record) -> None:
    record.version += 1
    record.updated_at = timezone.now()


def require_editable(actor, record) -> None:
    reason = why_not_edit(actor, record)
    if reason is None:
        return
    if acts_for(actor, record.producer_id):
        raise Conflict(reason, code="not_editable")
    raise Forbidden(reason, code="forbidden_action")


def change_title(record, status_label: str) -> str:
    return _("%(record)s «%(product)s» năm %(year)s: %(status)s") % {
        "record": workflow(record.WORKFLOW).title,
        "product": record.product.name,
        "year": record.year,
        "status": status_label,
    }


@transaction.atomic
def advance(
    *,
    actor,
    record,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[..., None] | None = None,
):
    """Move `record` along its state table: the one path every transition of every workflow takes.
    `before_save(record, transition)` adds what is particular to the step before the record is saved."""
    record = lock(record, expected_version)
    flow = workflow(record.WORKFLOW)
    if not can_view_record(actor, record):
        raise NotFound(_("Không tìm thấy."), code="not_found")
    refusal = refusal_for(actor, record, action)
    if refusal is not None:
        refusal.raise_it()
    transition: Transition | None = flow.find(action, record.status)
    assert transition is not None  # refusal_for refuses a move the table lacks
    reason = clean_text(reason, _("Lý do"), limit=MAX_REASON, required=transition.reason_required)
    now, today = timezone.now(), timezone.localdate()
    target = flow.state(transition.target)
    assert target is not None  # the table is checked when loaded: every target is one of its states
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
    touch(record)
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
    notify(record=record, actor=actor, title=change_title(record, flow.label_of(record.status)), body=reason)
    return record
