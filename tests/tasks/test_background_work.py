"""Background work in its laptop form (inline, after commit): runs are recorded, retried, and a failure is
visible to the officers of the unit with its error."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from ocop.audit.models import AuditEvent
from ocop.core.storage import store
from ocop.tasks import Permanent, enqueue, task
from ocop.tasks.models import Status, TaskRun
from ocop.tasks.registry import REGISTRY, spec_of
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db

CALLS: list[dict] = []


@task(name="test.flaky", retries=2, backoff=1)
def flaky(*, fail_times: int, label: str) -> dict:
    CALLS.append({"label": label})
    if sum(1 for call in CALLS if call["label"] == label) <= fail_times:
        raise ConnectionError(f"the mail server is down ({label})")
    return {"label": label}


@task(name="test.broken", retries=5)
def broken(*, why: str) -> None:
    raise Permanent(why)


@task(name="test.report", retries=0)
def report(*, text: str):
    return store(text.encode(), folder="reports", filename="báo cáo.txt", content_type="text/plain")


@pytest.fixture(autouse=True)
def _forget_calls():
    CALLS.clear()


def test_a_run_waits_for_the_commit_then_succeeds(django_capture_on_commit_callbacks, cast):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = enqueue(flaky, fail_times=0, label="a", unit=cast.province, actor=cast.province_officer)
        assert CALLS == []  # nothing runs before the transaction commits
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.result) == (Status.SUCCEEDED, 1, {"label": "a"})
    assert run.requested_by == cast.province_officer and run.started_at <= run.finished_at


def test_a_failing_run_is_retried_then_succeeds_and_keeps_the_last_error(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue(flaky, fail_times=2, label="b")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.max_attempts) == (Status.SUCCEEDED, 3, 3)
    assert "ConnectionError: the mail server is down (b)" in run.error


def test_a_run_that_keeps_failing_ends_failed_with_its_traceback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue(flaky, fail_times=99, label="c")
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.FAILED, 3)
    assert run.error_summary == "ConnectionError: the mail server is down (c)"
    assert "Traceback" in run.error


def test_a_permanent_error_is_not_retried(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue(broken, why="the certificate was revoked")
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.FAILED, 1)


def test_backoff_doubles_and_is_capped():
    spec = spec_of(flaky)
    assert [spec.retry_delay(n) for n in (1, 2, 3)] == [1, 2, 4]
    assert spec_of("mail.send").retry_delay(20) == 3600


def test_the_same_key_while_waiting_gives_the_same_run():
    first = enqueue(flaky, fail_times=0, label="d", key="province-24")
    second = enqueue(flaky, fail_times=0, label="d", key="province-24")
    other = enqueue(flaky, fail_times=0, label="d", key="province-01")
    assert first.pk == second.pk != other.pk
    assert TaskRun.objects.filter(name="test.flaky").count() == 2


def test_arguments_must_be_json_and_names_are_checked(cast):
    with nothing_changes(), pytest.raises(TypeError, match="JSON"):  # no run recorded
        enqueue(flaky, fail_times=0, label=cast.province)
    with nothing_changes(), pytest.raises(LookupError):
        enqueue(lambda: None)
    with pytest.raises(TypeError, match="reserved"):
        task(name="test.clash")(lambda *, unit: unit)
    with pytest.raises(ValueError, match="already used"):

        @task(name="test.flaky")
        def another(*, label: str) -> None: ...

    assert TaskRun.objects.count() == 0


def test_shared_tasks_are_registered_from_every_apps_tasks_module():
    assert {"mail.send", "tasks.probe", "tasks.requeue_stale", "tasks.purge_finished"} <= set(REGISTRY)
    assert REGISTRY["tasks.requeue_stale"].periodic and REGISTRY["tasks.purge_finished"].cron


def test_mail_goes_out_through_a_task(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue("mail.send", to=["htx@example.vn"], subject="Giấy chứng nhận", body="Sắp hết hạn")
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED
    assert [m.subject for m in mailoutbox] == ["Giấy chứng nhận"]


def failed_run(unit, label="e") -> TaskRun:
    run = enqueue(flaky, fail_times=99, label=label, unit=unit)
    from ocop.tasks.runner import run_inline

    run_inline(run.pk)
    run.refresh_from_db()
    return run


def test_officers_see_the_failures_of_their_units_only(login, cast):
    mine = failed_run(cast.commune, "mine")
    elsewhere = failed_run(cast.other_province_commune, "elsewhere")
    national = failed_run(None, "national")

    page = login(cast.province_officer).get("/tasks/?status=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/tasks/{mine.pk}/retry/" in text
    assert "ConnectionError: the mail server is down (mine)" in text
    assert "(elsewhere)" not in text and "(national)" not in text

    text = login(cast.central).get("/tasks/").content.decode()
    assert all(f"/tasks/{run.pk}/retry/" in text for run in (mine, elsewhere, national))


@pytest.mark.parametrize("who", ["anonymous", "producer_user", "council1"])
def test_people_without_officer_work_cannot_see_the_page(client, login, cast, who):
    failed_run(cast.commune)
    response = client.get("/tasks/") if who == "anonymous" else login(getattr(cast, who)).get("/tasks/")
    assert response.status_code in (302, 404)
    assert b"mail server" not in response.content


def test_an_officer_runs_a_failed_task_again(login, cast, django_capture_on_commit_callbacks):
    run = failed_run(cast.commune, "again")
    CALLS.clear()
    client = login(cast.commune_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/tasks/{run.pk}/retry/", {"reason": "máy chủ thư đã chạy lại"})
    assert response.status_code == 302
    run.refresh_from_db()
    # Three more attempts, the cause still there: failed again, with six attempts in all.
    assert (run.status, run.attempts, run.max_attempts) == (Status.FAILED, 6, 6)
    assert AuditEvent.objects.filter(action="task.retry", target_id=str(run.pk)).count() == 1


def test_an_officer_of_another_province_cannot_retry(login, cast):
    run = failed_run(cast.commune)
    outsider = login(cast.other_province_officer)
    with nothing_changes():
        response = outsider.post(f"/tasks/{run.pk}/retry/")
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.status == Status.FAILED and not AuditEvent.objects.filter(action="task.retry").exists()


def test_a_produced_file_downloads_only_for_officers_who_see_the_run(
    login, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue(report, text="Tổng hợp OCOP tỉnh Bắc Ninh", unit=cast.province)
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED and default_storage.exists(run.output.name)
    assert run.output.name.startswith("reports/") and "báo" not in run.output.name

    response = login(cast.province_officer).get(f"/tasks/{run.pk}/output/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).decode() == "Tổng hợp OCOP tỉnh Bắc Ninh"

    assert login(cast.other_province_officer).get(f"/tasks/{run.pk}/output/").status_code == 404


def test_the_central_office_probes_the_workers(login, cast, django_capture_on_commit_callbacks):
    assert login(cast.province_officer).post("/tasks/probe/").status_code == 302
    assert not TaskRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        login(cast.central).post("/tasks/probe/", {"note": "sau khi triển khai"})
    run = TaskRun.objects.get()
    assert (run.name, run.status) == ("tasks.probe", Status.SUCCEEDED)
    assert run.output.name.startswith("probes/") and len(run.output_sha256) == 64


def test_stale_runs_are_sent_again(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from ocop.tasks.tasks import requeue_stale

    run = enqueue(flaky, fail_times=0, label="lost")  # its on-commit never ran: as if the broker was down
    TaskRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert requeue_stale() == {"requeued": 1}
    run.refresh_from_db()
    assert run.status == Status.SUCCEEDED
