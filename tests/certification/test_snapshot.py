"""A certificate vouches for what the council certified (issue 13, item 1).

The certificate keeps a snapshot of the product and producer as certified; verification (API and page) and the
PDF (also re-rendered after a change of stars) show it. While the certificate is in force, a new name or product
set of the product, or a new name, address or tax code of its producer, waits for an officer's approval (the tax
code also once the commune confirmed the producer); afterwards the public pages show both names ("trước đây").
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess

import pytest
from django.apps import apps
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.certification import services
from ocop.certification.models import Certificate
from ocop.certification.selectors import certificate_qr_text
from ocop.core.errors import Conflict, Forbidden
from ocop.producers.models import ChangeRequestStatus, Producer, RecordChangeRequest
from ocop.producers.services import change_request_open, producer_create, producer_update
from ocop.products import services as products
from ocop.products.models import Product
from ocop.rubrics.models import ProductSet
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
CERTIFIED = "Mật ong hoa vải Vân Hà"
RENAMED = "Mật ong rừng Tây Bắc thượng hạng"


def other_set(product: Product) -> ProductSet:
    """A product set of the rubric in force other than the product's own."""
    current = products.current_rubric_version()
    return ProductSet.objects.filter(version=current).exclude(pk=product.product_set_id).order_by("code")[0]


def patch(client, auth, url: str, body: dict):
    return client.patch(url, json.dumps(body), content_type="application/json", **auth)


def verify(client, certificate: Certificate) -> dict:
    response = client.post(
        "/api/v1/certificates/verify",
        {"code": certificate_qr_text(certificate)},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()


def verify_page(client, certificate: Certificate) -> str:
    response = client.get("/certificates/v/" + certificate.qr_payload)
    assert response.status_code == 200
    return response.content.decode()


def catalog_items(client, q: str = "") -> list[dict]:
    response = client.get("/api/v1/catalog/products", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def rename_request(story, *, name: str = RENAMED) -> RecordChangeRequest:
    products.product_update(actor=story.cast.producer_user, product=story.honey, name=name)
    return RecordChangeRequest.objects.get(product=story.honey, status=ChangeRequestStatus.PENDING)


# -- issue: what the certificate records ---------------------------------------------------------------------


def test_issue_records_what_the_council_certified(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    producer = story.honey.producer
    assert (certificate.product_name, certificate.producer_name) == (CERTIFIED, producer.name)
    assert certificate.product_set_code == story.honey.product_set.code
    assert certificate.producer_place == producer.unit.full_name
    event = AuditEvent.objects.get(action="certificate.issue")
    assert event.data["product_name"] == CERTIFIED


def test_the_migration_fills_certificates_issued_before_the_snapshot(story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    Certificate.objects.filter(pk=certificate.pk).update(
        product_name="", producer_name="", product_set_code=""
    )
    migration = importlib.import_module("ocop.certification.migrations.0002_certificate_snapshot")
    migration.fill_from_records(apps, None)
    certificate.refresh_from_db()
    assert (certificate.product_name, certificate.producer_name) == (CERTIFIED, story.honey.producer.name)
    assert certificate.product_set_code == story.honey.product_set.code


# -- a rename while certified waits for an officer -------------------------------------------------------------


def test_a_rename_through_the_api_waits_and_verification_keeps_the_certified_name(
    client, api_token, story, issue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = issue([(story.honey, 4, None, None)])
    new_set = other_set(story.honey)
    response = patch(
        client,
        api_token(story.cast.producer_user),
        f"/api/v1/products/{story.honey.pk}",
        {"name": RENAMED, "product_set": new_set.code, "description": "Mật ong nguyên chất"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == CERTIFIED and body["product_set"] == story.honey.product_set.code
    assert body["description"] == "Mật ong nguyên chất"  # the rest is saved at once
    assert body["pending_change"]["new_values"] == {"name": RENAMED, "product_set": new_set.pk}
    product = Product.objects.get(pk=story.honey.pk)
    assert (product.name, product.product_set_id) == (CERTIFIED, story.honey.product_set_id)
    assert AuditEvent.objects.filter(action="record_change.request").count() == 1
    waiting = client.get("/api/v1/products/changes", **api_token(story.cast.producer_user)).json()
    assert (waiting["count"], waiting["page"], [c["new_values"]["name"] for c in waiting["items"]]) == (
        1,
        1,
        [RENAMED],
    )
    listed = client.get("/api/v1/products", **api_token(story.cast.producer_user)).json()["items"]
    assert {item["name"]: bool(item["pending_change"]) for item in listed} == {
        CERTIFIED: True,
        "Vải thiều sấy khô": False,
    }

    answer = verify(client, certificate)
    assert answer["valid"] and answer["certificate"]["product"]["name"] == CERTIFIED
    assert answer["certificate"]["product"]["current_name"] is None
    page = verify_page(client, certificate)
    assert CERTIFIED in page and RENAMED not in page
    assert [item["name"] for item in catalog_items(client)] == [CERTIFIED]


def test_a_rename_through_the_page_waits_and_the_producer_sees_it_waiting(login, story, issue):
    in_force = ProductSet.objects.filter(version=products.current_rubric_version()).order_by("code")[0]
    Product.objects.filter(pk=story.honey.pk).update(product_set=in_force)  # the form offers only these
    issue([(Product.objects.get(pk=story.honey.pk), 4, None, None)])
    product = Product.objects.get(pk=story.honey.pk)
    page = login(story.cast.producer_user)
    form = {
        "name": RENAMED,
        "product_set": product.product_set_id,
        "ip_status": "none",
        "version": product.version,
        "story": "Câu chuyện mới",
    }
    response = page.post(f"/products/{product.pk}/edit/", form, follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "chờ cán bộ duyệt" in text and RENAMED in text  # the waiting change, on the product's page
    product.refresh_from_db()
    assert (product.name, product.story) == (CERTIFIED, "Câu chuyện mới")


def test_a_second_change_while_one_waits_is_refused_and_changes_nothing(client, api_token, story, issue):
    issue([(story.honey, 4, None, None)])
    rename_request(story)
    before = Product.objects.get(pk=story.honey.pk)
    response = patch(
        client,
        api_token(story.cast.producer_user),
        f"/api/v1/products/{story.honey.pk}",
        {"name": "Tên khác nữa", "description": "Không được lưu"},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "change_already_pending"
    after = Product.objects.get(pk=story.honey.pk)
    assert (after.name, after.description, after.version) == (CERTIFIED, before.description, before.version)
    assert RecordChangeRequest.objects.count() == 1


def test_a_product_without_a_certificate_is_renamed_at_once(story):
    products.product_update(actor=story.cast.producer_user, product=story.lychee, name="Vải sấy dẻo")
    assert Product.objects.get(pk=story.lychee.pk).name == "Vải sấy dẻo"
    assert not RecordChangeRequest.objects.exists()


# -- the officer's decision ------------------------------------------------------------------------------------


def test_after_approval_public_pages_show_formerly_and_search_finds_both_names(
    client, api_token, story, issue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (certificate,) = issue([(story.honey, 4, None, None)])
    request = rename_request(story)
    officer = story.cast.commune_officer
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/products/changes/{request.pk}/approve",
            json.dumps({"note": "Đúng nhãn mới"}),
            content_type="application/json",
            **api_token(officer),
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert Product.objects.get(pk=story.honey.pk).name == RENAMED

    (item,) = catalog_items(client, "rung tay bac")
    assert (item["name"], item["former_name"]) == (RENAMED, CERTIFIED)
    assert [i["id"] for i in catalog_items(client, "hoa vai van ha")] == [story.honey.pk]
    product_page = client.get(f"/catalog/products/{story.honey.pk}/").content.decode()
    assert f"Trước đây: {CERTIFIED}" in product_page
    search_page = client.get("/catalog/search/", {"q": "hoa vải"}).content.decode()
    assert RENAMED in search_page and f"Trước đây: {CERTIFIED}" in search_page
    producer_page = client.get(f"/catalog/producers/{story.honey.producer_id}/").content.decode()
    assert f"Trước đây: {CERTIFIED}" in producer_page

    answer = verify(client, certificate)
    assert answer["certificate"]["product"]["name"] == CERTIFIED
    assert answer["certificate"]["product"]["current_name"] == RENAMED
    page = verify_page(client, certificate)
    assert CERTIFIED in page and RENAMED in page
    assert AuditEvent.objects.filter(action="record_change.approve").count() == 1


def test_no_one_approves_their_own_request_nor_outside_their_units(client, api_token, story, issue):
    issue([(story.honey, 4, None, None)])
    products.product_update(actor=story.cast.commune_officer, product=story.honey, name=RENAMED)
    request = RecordChangeRequest.objects.get()
    with nothing_changes(), pytest.raises(Forbidden):
        products.record_change_approve(actor=story.cast.commune_officer, request=request)
    url = f"/api/v1/products/changes/{request.pk}/approve"
    for someone, status in (
        (story.cast.producer_user, 403),  # sees the request, decides nothing
        (story.cast.other_province_officer, 404),
        (story.cast.other_commune_officer, 404),
    ):
        response = client.post(url, "{}", content_type="application/json", **api_token(someone))
        assert response.status_code == status, (someone, response.content)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert Product.objects.get(pk=story.honey.pk).name == CERTIFIED


def test_a_returned_request_leaves_the_product_as_certified(login, story, issue):
    issue([(story.honey, 4, None, None)])
    request = rename_request(story)
    page = login(story.cast.province_officer)
    assert RENAMED in page.get(f"/products/changes/{request.pk}/").content.decode()
    response = page.post(f"/products/changes/{request.pk}/reject/", {"reason": "Tên mới chưa đăng ký nhãn"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.checked_by) == (ChangeRequestStatus.REJECTED, story.cast.province_officer)
    assert Product.objects.get(pk=story.honey.pk).name == CERTIFIED
    with nothing_changes(), pytest.raises(Conflict):  # decided once
        products.record_change_approve(actor=story.cast.commune_officer, request=request)


def test_the_officers_page_approves(login, story, issue):
    issue([(story.honey, 4, None, None)])
    request = rename_request(story)
    page = login(story.cast.commune_officer)
    assert RENAMED in page.get("/products/changes/").content.decode()
    response = page.post(f"/products/changes/{request.pk}/approve/", {"note": ""})
    assert response.status_code == 302
    assert Product.objects.get(pk=story.honey.pk).name == RENAMED


# -- the producer's name, address and tax code ------------------------------------------------------------------


def test_a_certified_producers_new_name_waits_and_the_certificate_keeps_the_old(login, story, issue):
    (certificate,) = issue([(story.honey, 4, None, None)])
    producer = Producer.objects.get(pk=story.honey.producer_id)
    old_name = producer.name
    page = login(story.cast.producer_user)
    form = {
        "name": "Hợp tác xã Ong Vàng",
        "legal_form": producer.legal_form,
        "address": "Thôn Mới",
        "phone": "0912 345 678",
        "tax_code": "",
        "version": producer.version,
    }
    response = page.post(f"/producers/{producer.pk}/edit/", form, follow=True)
    assert response.status_code == 200
    assert "chờ cán bộ" in response.content.decode()
    producer.refresh_from_db()
    assert (producer.name, producer.address, producer.phone) == (old_name, "", "0912 345 678")
    request = RecordChangeRequest.objects.get(producer=producer, product=None)
    assert request.new_values == {"name": "Hợp tác xã Ong Vàng", "address": "Thôn Mới"}
    assert verify(page, certificate)["certificate"]["producer"]["name"] == old_name


def test_a_confirmed_producers_tax_code_change_waits_even_without_a_certificate(client, api_token, story):
    confirmed = producer_create(
        actor=story.cast.commune_officer,
        name="Tổ hợp tác Nấm Vân Hà",
        legal_form="cooperative_group",
        unit=story.cast.commune,
        owner=story.cast.producer_user,
        tax_code="2300123456",
    )
    auth = api_token(story.cast.producer_user)
    response = patch(client, auth, f"/api/v1/producers/{confirmed.pk}", {"tax_code": "2300654321"})
    assert response.status_code == 200, response.content
    assert response.json()["tax_code"] == "2300123456"
    assert response.json()["pending_change"]["new_values"] == {"tax_code": "2300654321"}

    again = patch(
        client, auth, f"/api/v1/producers/{confirmed.pk}", {"tax_code": "2300999999", "phone": "0912345678"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "change_already_pending")
    confirmed.refresh_from_db()
    assert (confirmed.tax_code, confirmed.phone) == ("2300123456", "")


def test_a_producer_waiting_for_confirmation_corrects_its_tax_code_at_once(story):
    waiting = producer_create(
        actor=None,
        name="Hộ nuôi ong Giáp Văn Sáu",
        legal_form="household",
        unit=story.cast.commune,
        owner=story.cast.producer_user,
        tax_code="2300123456",
        status="pending",
    )
    producer_update(actor=story.cast.producer_user, producer=waiting, tax_code="2300654321")
    assert Producer.objects.get(pk=waiting.pk).tax_code == "2300654321"


# -- the PDF -------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils: scripts/system-deps.sh")
def test_the_pdf_rendered_after_a_change_of_stars_shows_what_was_certified(
    login, story, issue, tmp_path, django_capture_on_commit_callbacks
):
    (certificate,) = issue([(story.honey, 4, None, None)])
    # Today's records differ from what was certified (as after an approved rename).
    Product.objects.filter(pk=story.honey.pk).update(name=RENAMED)
    Producer.objects.filter(pk=story.honey.producer_id).update(name="Hợp tác xã Ong Vàng")
    change = services.certificate_change_stars_request(
        actor=story.checker,
        certificate=certificate,
        stars=3,
        reason="Kiểm tra sau công nhận",
        decision_number="50/QĐ-UBND",
        decision_date=TODAY,
    )
    with django_capture_on_commit_callbacks(execute=True):  # the approval has the new PDF rendered
        services.certificate_change_stars_approve(actor=story.cast.province_officer, change=change)
    new = Certificate.objects.get(change=change)

    response = login(story.cast.producer_user).get(f"/certificates/{new.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "new.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert CERTIFIED in " ".join(text.split())
    assert "Hợp tác xã Mật ong Vân Hà" in " ".join(text.split())
    assert "Tây Bắc" not in text and "Ong Vàng" not in text


def test_only_the_records_people_open_a_change_request(story, issue):
    issue([(story.honey, 4, None, None)])
    for outsider in (story.cast.other_producer_user, story.cast.other_province_officer):
        with nothing_changes(), pytest.raises(Forbidden):
            change_request_open(
                actor=outsider,
                producer=story.honey.producer,
                product=story.honey,
                record=story.honey,
                changes={"name": RENAMED},
            )
    assert not RecordChangeRequest.objects.exists()
