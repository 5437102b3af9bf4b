"""A notice goes by e-mail through the one mail task (`mail.send`), after the action's commit."""

import pytest
from django.db import transaction

from ocop.cycle.models import Notification
from ocop.cycle.notifications import notify_people
from ocop.tasks.models import TaskRun

pytestmark = pytest.mark.django_db


def test_a_notice_is_mailed_by_the_mail_task_after_commit(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    member = cast.commune_officer
    member.email = "thanh.vien@example.vn"
    member.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_people(
            people=[member],
            actor=cast.province_officer,
            unit=cast.province,
            title="Bạn được phân công chấm hồ sơ",
            url="/evaluation/",
        )
        assert mailoutbox == []  # nothing leaves before the action commits

    assert Notification.objects.filter(user=member).count() == 1
    assert [run.name for run in TaskRun.objects.all()] == ["mail.send"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["thanh.vien@example.vn"]
    assert mailoutbox[0].subject == "[OCOP] Bạn được phân công chấm hồ sơ"
