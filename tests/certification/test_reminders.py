"""Expiry reminders: producers hear of an expiry within the notice period (30 days, from the rubric data),
once per certificate, recorded; through a background task that retries, and marks the reminder sent only
once the mail went."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.certification import rules
from ocop.certification.models import Certificate
from ocop.certification.services import expiry_reminders_send
from ocop.core.dates import add_months
from ocop.tasks.models import TaskRun

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def decision_date_expiring_in(days: int) -> datetime.date:
    """A decision date whose certificates' last valid day is `days` from today (36 months of validity)."""
    target = TODAY + datetime.timedelta(days=days + 1)
    return add_months(target, -36)


def test_a_certificate_near_expiry_is_reminded_once(story, issue, django_capture_on_commit_callbacks):
    (soon,) = issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(20), number="1/QĐ-UBND")
    issue([(story.lychee, 3, None, None)], number="2/QĐ-UBND")  # valid for three years yet
    assert (soon.valid_until - TODAY).days == 20
    assert rules.expiry_notice_days(soon.issued_on) == 30

    with django_capture_on_commit_callbacks(execute=True):
        counts = expiry_reminders_send()

    assert counts == {"queued": 1, "skipped": 0}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert soon.number in message.subject
    assert set(message.to) == {"htx.matong@example.vn"} | ({story.cast.producer_user.email} - {""})
    assert "Mật ong hoa vải Vân Hà" in message.body and "đánh giá lại" in message.body
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert (
        AuditEvent.objects.filter(action="certificate.expiry_reminder", target_id=str(soon.pk)).count() == 1
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_reminders_send() == {"queued": 0, "skipped": 0}
    assert len(mail.outbox) == 1


def test_outside_the_notice_period_or_already_expired_nothing_is_sent(
    story, issue, django_capture_on_commit_callbacks
):
    issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(45), number="1/QĐ-UBND")
    issue([(story.lychee, 4, None, None)], date=decision_date_expiring_in(-2), number="2/QĐ-UBND")
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_reminders_send() == {"queued": 0, "skipped": 0}
        # A longer lead time, as a scheduler may ask for, reaches the first one.
        assert expiry_reminders_send(lead_days=60)["queued"] == 1
    assert len(mail.outbox) == 1


def test_the_command_reports_what_it_did(story, issue, capsys, django_capture_on_commit_callbacks):
    issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(10), number="1/QĐ-UBND")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_expiry_reminders")
    assert "queued=1" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def failing_mail(monkeypatch, failures: int | None):
    """The mail server refuses the first `failures` messages (None: all of them)."""
    calls = {"n": 0}
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        calls["n"] += 1
        if failures is None or calls["n"] <= failures:
            raise ConnectionRefusedError("mail server down")
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return calls


def test_a_refused_mail_is_not_marked_sent_and_a_later_run_sends_it(
    story, issue, monkeypatch, django_capture_on_commit_callbacks
):
    (soon,) = issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(20), number="1/QĐ-UBND")
    calls = failing_mail(monkeypatch, None)

    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_reminders_send() == {"queued": 1, "skipped": 0}

    run = TaskRun.objects.get(name="certification.send_expiry_reminder")
    assert (run.status, run.attempts, calls["n"]) == ("failed", 6, 6)  # the first try and five retries
    assert mail.outbox == []
    assert Certificate.objects.get(pk=soon.pk).reminder_sent_at is None
    assert not AuditEvent.objects.filter(action="certificate.expiry_reminder").exists()

    monkeypatch.undo()  # the mail server is back
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_reminders_send() == {"queued": 1, "skipped": 0}

    assert len(mail.outbox) == 1 and soon.number in mail.outbox[0].subject
    assert Certificate.objects.get(pk=soon.pk).reminder_sent_at is not None
    assert AuditEvent.objects.filter(action="certificate.expiry_reminder").count() == 1


def test_a_mail_that_fails_once_goes_on_the_retry(
    story, issue, monkeypatch, django_capture_on_commit_callbacks
):
    (soon,) = issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(5), number="1/QĐ-UBND")
    failing_mail(monkeypatch, 1)

    with django_capture_on_commit_callbacks(execute=True):
        expiry_reminders_send()

    run = TaskRun.objects.get(name="certification.send_expiry_reminder")
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert len(mail.outbox) == 1
    assert Certificate.objects.get(pk=soon.pk).reminder_sent_at is not None


def test_a_reminder_waiting_for_its_task_is_not_queued_twice(story, issue):
    issue([(story.honey, 4, None, None)], date=decision_date_expiring_in(5), number="1/QĐ-UBND")

    expiry_reminders_send()  # inside the test's transaction: the task waits for a commit that never comes
    expiry_reminders_send()

    assert TaskRun.objects.filter(name="certification.send_expiry_reminder", status="queued").count() == 1
    assert mail.outbox == []
