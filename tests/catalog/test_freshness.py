"""A certification reaches the public catalogue right after it is approved, with no scheduler running."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.certification import services as certification
from ocop.producers.models import LegalForm, ProducerStatus
from ocop.producers.services import producer_create
from ocop.products.services import product_create
from ocop.rubrics.models import ProductSet
from tests.council_support import council_backs

pytestmark = pytest.mark.django_db


def test_an_approved_decision_puts_the_product_in_the_catalogue_and_a_revocation_takes_it_out(
    cast, client, officials, revoke, django_capture_on_commit_callbacks
):
    maker, checker = officials["province"]
    producer = producer_create(
        actor=None,
        name="Hợp tác xã Ong mật Việt Yên",
        legal_form=LegalForm.COOPERATIVE,
        unit=cast.commune,
        status=ProducerStatus.CONFIRMED,
    )
    honey = ProductSet.objects.get(version__code="2023", code="2.2")
    product = product_create(actor=None, producer=producer, name="Mật ong bạc hà Việt Yên", product_set=honey)
    search = {"q": "mat ong bac ha"}
    assert client.get("/api/v1/catalog/products", search).json()["count"] == 0
    province = cast.province.code
    # The map's and the province page's counts are kept per version of the catalogue: read them first.
    assert (map_count(client, province), province_total(client, province)) == (0, 0)

    authority = certification.authority_ensure(actor=None, unit=cast.province)
    council_backs([(product, 4)], authority=authority, actor=maker, day=timezone.localdate())
    decision = certification.decision_create(
        actor=maker,
        authority=authority,
        number="130/QĐ-UBND",
        date=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        items=[(product, 4)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        certification.decision_approve(actor=checker, decision=decision)
    items = client.get("/api/v1/catalog/products", search).json()["items"]
    assert [(item["name"], item["stars"]) for item in items] == [("Mật ong bạc hà Việt Yên", 4)]
    assert (map_count(client, province), province_total(client, province)) == (1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        revoke(
            product.certificates.get(),
            number="131/QĐ-UBND",
            reason="Vi phạm sử dụng nhãn OCOP",
            day=timezone.localdate(),
        )
    assert client.get("/api/v1/catalog/products", search).json()["count"] == 0
    assert (map_count(client, province), province_total(client, province)) == (0, 0)


def map_count(client, province: str) -> int:
    points = client.get(reverse("catalog:map")).context["points"]
    return next(point.count for point in points if point.province.code == province)


def province_total(client, province: str) -> int:
    return client.get(reverse("catalog:province", args=[province])).context["summary"]["total"]


def test_the_certificate_pdf_is_rendered_by_a_background_task_after_approval(
    cast, officials, django_capture_on_commit_callbacks
):
    from ocop.tasks.models import TaskRun

    maker, checker = officials["province"]
    producer = producer_create(
        actor=None,
        name="Hợp tác xã Vải Lục Ngạn",
        legal_form=LegalForm.COOPERATIVE,
        unit=cast.commune,
        status=ProducerStatus.CONFIRMED,
    )
    product = product_create(
        actor=None,
        producer=producer,
        name="Vải thiều sấy Lục Ngạn",
        product_set=ProductSet.objects.get(version__code="2023", code="2.2"),
    )
    authority = certification.authority_ensure(actor=None, unit=cast.province)
    council_backs([(product, 3)], authority=authority, actor=maker, day=timezone.localdate())
    decision = certification.decision_create(
        actor=maker,
        authority=authority,
        number="132/QĐ-UBND",
        date=timezone.localdate(),
        signer="Chủ tịch UBND tỉnh",
        items=[(product, 3)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        certification.decision_approve(actor=checker, decision=decision)
    certificate = product.certificates.get()
    assert certificate.pdf.name
    assert certificate.pdf.open("rb").read(5) == b"%PDF-"
    assert TaskRun.objects.get(name="certification.render_pdf").status == "succeeded"
