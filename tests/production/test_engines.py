"""The real engines beyond the rehearsal: uploads in the private bucket behind the permission check,
retries with backoff on a real worker, a failure shown to officers, sessions and cache shared."""

from __future__ import annotations

import hashlib
import http.client
import json
import time
import urllib.request
import uuid
from types import SimpleNamespace

import boto3
import engines_worker_tasks as worker_tasks
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.storage import default_storage
from engines_support import PASSWORD, ROOT, wait_for_run

from ocop.accounts.models import RoleKind
from ocop.accounts.services import role_grant, user_create
from ocop.core.storage import checksum, store
from ocop.geo.models import AdminUnit
from ocop.tasks import enqueue
from ocop.tasks.models import Status, TaskRun
from tests.council_support import council_backs

pytestmark = pytest.mark.engines


def officer(kind: str, unit_code: str):
    person = user_create(actor=None, username=f"{kind[:8]}-{uuid.uuid4().hex[:8]}", password=PASSWORD)
    role_grant(actor=None, user=person, kind=kind, unit=AdminUnit.objects.get(era="current", code=unit_code))
    return person


@pytest.fixture(scope="module")
def test_worker(deployment):
    """A worker for the test-only queue, with the test tasks loaded."""
    deployment.start(
        "test-worker",
        f"celery -A ocop.celery worker -Q {worker_tasks.QUEUE} --include engines_worker_tasks "
        "--concurrency 1 --hostname engines-test@%h --loglevel INFO",
        env={"PYTHONPATH": str(ROOT / "tests" / "production")},
    )
    return deployment


def test_the_pytest_process_uses_the_real_engines(deployment):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.TASKS_MODE == "celery"


def bucket(deployment):
    return boto3.client(
        "s3",
        endpoint_url=deployment.env["OCOP_S3_ENDPOINT_URL"],
        aws_access_key_id=deployment.env["OCOP_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=deployment.env["OCOP_S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )


def api_token(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"username": username, "password": PASSWORD}),
        headers={
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "Content-Type": "application/json",
        },
    )
    response = connection.getresponse()
    payload = response.read()
    assert response.status == 200, payload
    return json.loads(payload)["token"]


def test_a_dossier_upload_lands_in_the_bucket_and_downloads_through_the_permission_check(deployment, browser):
    from cycle_support import dossier_story, pdf_bytes

    from ocop.cycle.models import Document

    people = SimpleNamespace(
        commune=AdminUnit.objects.get(era="current", code="07798"),
        producer_user=officer(RoleKind.PRODUCER, "07798"),
        commune_officer=officer(RoleKind.COMMUNE_OFFICER, "07798"),
        province_officer=officer(RoleKind.PROVINCE_OFFICER, "24"),
    )
    dossier = dossier_story(people, until="draft", complete=False).dossier
    web_a, web_b = deployment.ports["web-a"], deployment.ports["web-b"]

    # The producer uploads through the API of web A with a bearer token, as a partner's app would.
    token = api_token(web_a, people.producer_user.username)
    content = pdf_bytes("Phieu dang ky - dien tap")
    status, _, body = browser.request(
        web_a,
        "POST",
        f"/api/v1/dossiers/{dossier.pk}/documents",
        data={"item": "registration_form"},
        files={"file": ("phieu-dang-ky.pdf", content)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert status == 201, body
    document = Document.objects.get(pk=json.loads(body)["id"])
    head = bucket(deployment).head_object(Bucket=deployment.env["OCOP_S3_BUCKET"], Key=document.file.name)
    assert head["ContentLength"] == len(content)
    assert document.file_sha256 == hashlib.sha256(content).hexdigest() == checksum(document.file.name)

    # The producer signs in on web B and downloads on web A: a signed link after the permission check.
    browser.sign_in(web_b, people.producer_user.username)
    status, headers, _ = browser.request(web_a, "GET", f"/dossiers/{dossier.pk}/documents/{document.pk}/")
    assert status == 302 and "X-Amz-Signature=" in headers["Location"]
    assert urllib.request.urlopen(headers["Location"], timeout=10).read() == content  # noqa: S310

    # An officer of another province is told it does not exist, and gets no link.
    stranger = type(browser)()
    stranger.sign_in(web_a, officer(RoleKind.PROVINCE_OFFICER, "01").username)
    status, headers, page = stranger.request(web_b, "GET", f"/dossiers/{dossier.pk}/documents/{document.pk}/")
    assert status == 404 and "Location" not in headers and deployment.env["OCOP_S3_ENDPOINT_URL"] not in page


def test_a_report_file_lands_in_the_private_bucket_and_downloads_after_the_permission_check(
    deployment, browser
):
    content = "Hồ sơ sản phẩm OCOP: mật ong Vân Hà".encode()
    stored = store(content, folder="dossiers", filename="ho-so.txt", content_type="text/plain")
    head = bucket(deployment).head_object(Bucket=deployment.env["OCOP_S3_BUCKET"], Key=stored.name)
    assert head["ContentLength"] == len(content) and checksum(stored.name) == stored.sha256
    # A province's report, made by a task: only officers who see the run may download it.
    run = TaskRun.objects.create(
        name="tasks.probe",
        status=Status.SUCCEEDED,
        unit=AdminUnit.objects.get(era="current", code="24"),
        output=stored.name,
        output_sha256=stored.sha256,
        output_filename="hồ sơ.txt",
    )
    province, other_province = (
        officer(RoleKind.PROVINCE_OFFICER, "24"),
        officer(RoleKind.PROVINCE_OFFICER, "01"),
    )

    browser.sign_in(deployment.ports["web-a"], province.username)
    status, headers, _ = browser.request(deployment.ports["web-b"], "GET", f"/tasks/{run.pk}/output/")
    assert status == 302
    assert urllib.request.urlopen(headers["Location"], timeout=10).read() == content  # noqa: S310

    stranger = type(browser)()
    stranger.sign_in(deployment.ports["web-b"], other_province.username)
    status, headers, page = stranger.request(deployment.ports["web-a"], "GET", f"/tasks/{run.pk}/output/")
    assert status == 404 and "Location" not in headers and deployment.env["OCOP_S3_ENDPOINT_URL"] not in page

    default_storage.delete(stored.name)
    TaskRun.objects.filter(pk=run.pk).delete()


def test_a_real_worker_retries_with_backoff(test_worker):
    counter = f"engines:{uuid.uuid4().hex}"
    started = time.monotonic()
    run = enqueue(worker_tasks.flaky, counter=counter, fail_times=2)
    run = wait_for_run(run.pk, seconds=60)
    assert (run.status, run.attempts, run.result) == (Status.SUCCEEDED, 3, {"attempts": 3}), run.error
    assert time.monotonic() - started >= 3  # waited 1 s, then 2 s, between the attempts
    assert run.worker.startswith("engines-test") or "engines-test" in test_worker.log_of("test-worker")


def test_a_failed_run_is_shown_to_the_officer_with_its_error(test_worker, browser):
    central = officer(RoleKind.CENTRAL_OFFICER, "VN")
    run = enqueue(worker_tasks.flaky, counter=f"engines:{uuid.uuid4().hex}", fail_times=99)
    run = wait_for_run(run.pk, seconds=60)
    assert (run.status, run.attempts) == (Status.FAILED, 3)
    browser.sign_in(test_worker.ports["web-b"], central.username)
    status, _, page = browser.request(test_worker.ports["web-a"], "GET", "/tasks/?status=failed")
    assert status == 200
    assert "ConnectionError: attempt 3: the partner&#x27;s server did not answer" in page
    assert f"/tasks/{run.pk}/retry/" in page


def test_two_web_processes_share_sessions_through_the_cache(deployment, browser):
    central = officer(RoleKind.CENTRAL_OFFICER, "VN")
    browser.sign_in(deployment.ports["web-a"], central.username)
    session_key = browser.cookies["sessionid"]
    assert cache.get(f"django.contrib.sessions.cached_db{session_key}") is not None
    # With the database copy spoiled, web B can only know the session from the shared cache.
    assert Session.objects.filter(session_key=session_key).update(session_data="spoilt") == 1
    status, _, page = browser.request(deployment.ports["web-b"], "GET", "/tasks/")
    assert status == 200 and central.username in page
    # And a value one process caches is read by the others.
    cache.set("engines:shared", "xin chào", 60)
    status, _, _ = browser.request(deployment.ports["web-a"], "GET", "/health/ready/")
    assert status == 200 and cache.get("engines:shared") == "xin chào"


def test_a_certificate_pdf_is_made_by_the_worker_and_lands_in_the_bucket(deployment):
    from django.utils import timezone

    from ocop.certification import services as certification
    from ocop.certification.models import Certificate
    from ocop.producers.models import LegalForm, ProducerStatus
    from ocop.producers.services import producer_create
    from ocop.products.services import product_create
    from ocop.rubrics.models import ProductSet

    province = AdminUnit.objects.get(era="current", code="24")
    maker, checker = officer(RoleKind.PROVINCE_OFFICER, "24"), officer(RoleKind.PROVINCE_OFFICER, "24")
    producer = producer_create(
        actor=None,
        name=f"Hợp tác xã Mật ong diễn tập {uuid.uuid4().hex[:6]}",
        legal_form=LegalForm.COOPERATIVE,
        unit=AdminUnit.objects.get(era="current", code="07798"),
        status=ProducerStatus.CONFIRMED,
    )
    product = product_create(
        actor=None,
        producer=producer,
        name="Mật ong hoa vải diễn tập",
        product_set=ProductSet.objects.get(version__code="2023", code="2.2"),
    )
    authority = certification.authority_ensure(actor=None, unit=province)
    council_backs([(product, 4)], authority=authority, actor=maker, day=timezone.localdate())
    decision = certification.decision_create(
        actor=maker,
        authority=authority,
        number=f"{uuid.uuid4().int % 9000 + 1000}/QĐ-UBND",
        date=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        items=[(product, 4)],
    )
    certification.decision_approve(actor=checker, decision=decision)  # commits: the worker takes it
    run = TaskRun.objects.filter(name="certification.render_pdf").order_by("-id").first()
    assert run is not None
    assert wait_for_run(run.pk, seconds=90).status == Status.SUCCEEDED, run.error
    certificate = Certificate.objects.get(product=product)
    assert certificate.pdf.name
    head = bucket(deployment).head_object(Bucket=deployment.env["OCOP_S3_BUCKET"], Key=certificate.pdf.name)
    assert head["ContentLength"] > 1000
    with default_storage.open(certificate.pdf.name, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
