"""Notices to people (*thông báo*): the one way every app tells someone that something concerns them.

`notify_people(people=, actor=, unit=, title=, url=)` writes an in-app notice to each person (not the actor)
and sends them one e-mail after commit (the one mail task `mail.send`, retried; a mail outage never undoes the change).
`notify(record=, actor=, title=)` does the same for a step of a routed record (idea, plan, dossier): to the
producer's members and the officers who now hold it. Call them inside the action's transaction, beside its
audit event. `notifications_mark_read` is the reader's own bookkeeping (no audit event).

The `Notification` model stays in the cycle: it links a notice to its dossier, and every app that notifies
(evaluation, certification and the apps built on them) sits above the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.cycle.models import Dossier, Notification
from ocop.cycle.policies import route_of
from ocop.cycle.workflow import PRODUCER, routing, workflow
from ocop.geo.models import Level
from ocop.producers.models import ProducerMember
from ocop.tasks import enqueue
from ocop.tasks.tasks import send_mail

RECORD_PAGES = {"dossier": "cycle:dossier", "idea": "cycle:idea", "plan": "cycle:plan"}


def _record_url(record) -> str:
    return reverse(RECORD_PAGES[record.WORKFLOW], args=[record.pk])


def _officers_at(level: str | None, unit) -> list:
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


def _send(*, people: set, actor, unit, title: str, url: str, body: str, dossier=None) -> None:
    Notification.objects.bulk_create(
        [
            Notification(user=person, dossier=dossier, title=title[:200], body=body, url=url)
            for person in people
        ]
    )
    addresses = sorted({person.email for person in people if person.email})
    if addresses:
        link = f"{settings.SITE_URL}{url}" if getattr(settings, "SITE_URL", "") else url
        text = "\n\n".join(part for part in (title, body, _("Xem chi tiết: %(url)s") % {"url": link}) if part)
        # Sent after commit, retried on failure; a mail outage never undoes or hides the change itself.
        enqueue(send_mail, unit=unit, actor=actor, to=addresses, subject=f"[OCOP] {title}"[:200], body=text)


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
    _send(
        people=people,
        actor=actor,
        unit=record.unit,
        title=title,
        url=_record_url(record),
        body=body,
        dossier=record if isinstance(record, Dossier) else None,
    )


def notify_people(*, people, actor, unit, title: str, url: str, body: str = "") -> None:
    """Tell these people something that is not a step of a record (e.g. a council member assigned a dossier to
    score): a notice each, and an e-mail after commit, as `notify` does."""
    people = {person for person in people if person is not None and person != actor}
    if not people:
        return
    _send(people=people, actor=actor, unit=unit, title=title, url=url, body=body)


@transaction.atomic
def notifications_mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
