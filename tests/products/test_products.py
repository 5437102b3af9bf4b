"""Products: added by the producer with a product set of the rubric in force; GTIN checked; photos decided
by content; edits carry a version."""

from __future__ import annotations

import pytest
from cycle_support import (
    SVG_BYTES,
    honey,
    honey_cooperative,
    image_bytes,
    png_claiming,
    stored_files,
    tea_company,
)
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict
from ocop.products.models import Product, ProductPhoto
from ocop.products.services import gtin_valid, product_update
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


def test_a_producer_adds_a_product_by_its_set_code(client, cast, api_token):
    producer = honey_cooperative(cast)
    token = api_token(cast.producer_user)
    response = post(
        client,
        "/api/v1/products",
        {
            "name": "Mật ong hoa nhãn",
            "product_set": "2.2",
            "description": "Mật ong nguyên chất",
            "gtin": "8934567890120",
            "sales_channels": ["ocop_shop", "ecommerce"],
        },
        **token,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["product_set"], body["rubric_version"], body["group"]) == ("2.2", "2023", "I")
    assert body["producer"]["id"] == producer.pk and body["may_edit"] is True
    assert AuditEvent.objects.filter(action="product.create", target_id=str(body["id"])).count() == 1
    explicit = post(
        client,
        "/api/v1/products",
        {"name": "Mật ong rừng", "product_set": "2.2", "description": "", "version": "2023"},
        **token,
    )
    assert explicit.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "X", "product_set": "99.9", "description": ""}, 400, "product_set_unknown"),
        ({"name": "X", "product_set": "2.2", "description": "", "version": "1999"}, 400, "rubric_unknown"),
        (
            {"name": "X", "product_set": "2.2", "description": "", "version": "2019"},
            400,
            "product_set_not_current",
        ),
        ({"name": "  ", "product_set": "2.2", "description": ""}, 400, "product_name_missing"),
        (
            {"name": "X", "product_set": "2.2", "description": "", "gtin": "8934567890123"},
            400,
            "product_gtin_invalid",
        ),
        (
            {"name": "X", "product_set": "2.2", "description": "", "sales_channels": ["moon"]},
            400,
            "product_sales_channel_invalid",
        ),
    ],
)
def test_bad_products_are_refused_with_a_reason(client, cast, api_token, body, status, code):
    honey_cooperative(cast)
    response = post(client, "/api/v1/products", body, **api_token(cast.producer_user))
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]
    assert Product.objects.count() == 0


def test_someone_without_an_organisation_cannot_add_products(client, cast, api_token):
    token = api_token(cast.commune_officer)
    with nothing_changes():
        response = post(
            client, "/api/v1/products", {"name": "X", "product_set": "2.2", "description": ""}, **token
        )
        anonymous = post(client, "/api/v1/products", {"name": "X", "product_set": "2.2", "description": ""})
    assert response.status_code == 400 and response.json()["code"] == "no_producer"
    assert anonymous.status_code == 401


@pytest.mark.parametrize("code", ["8934567890120", "96385074", "036000291452", "10012345678902"])
def test_valid_gtins(code):
    assert gtin_valid(code)


@pytest.mark.parametrize("code", ["8934567890123", "96385075", "12345", "893456789012A", ""])
def test_invalid_gtins(code):
    assert not gtin_valid(code)


def test_a_gtin_names_one_product(cast):
    producer = honey_cooperative(cast)
    first, second = honey(producer), honey(producer, "Mật ong bạc hà")
    product_update(actor=cast.producer_user, product=first, gtin="8934567890120")
    with nothing_changes(), pytest.raises(Conflict) as refused:
        product_update(actor=cast.producer_user, product=second, gtin="8934567890120")
    assert refused.value.code == "product_gtin_taken"


def test_photos_are_checked_by_content(client, cast, api_token, media_root):
    product = honey(honey_cooperative(cast))
    token = api_token(cast.producer_user)
    path = f"/api/v1/products/{product.pk}/photos"
    ok = client.post(
        path, {"file": SimpleUploadedFile("mat-ong.jpg", image_bytes("JPEG")), "kind": "label"}, **token
    )
    assert ok.status_code == 201 and ok.json()["width"] == 40
    for name, content, code in [
        ("anh.svg", SVG_BYTES, "file_svg"),
        ("anh.png", image_bytes("JPEG"), "file_name_mismatch"),
        ("anh.png", png_claiming(9000, 9000), "image_too_large"),
    ]:
        refused = client.post(path, {"file": SimpleUploadedFile(name, content)}, **token)
        assert refused.status_code == 400 and refused.json()["code"] == code, name
    assert ProductPhoto.objects.count() == 1 and len(stored_files(media_root)) == 1
    download = client.get(ok.json()["download"], **token)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert client.get(ok.json()["download"], **api_token(cast.other_producer_user)).status_code == 404


def test_stale_product_edit_is_a_409(client, cast, api_token):
    product = honey(honey_cooperative(cast))
    token = api_token(cast.producer_user)
    first = client.patch(
        f"/api/v1/products/{product.pk}",
        {"story": "Chuyện kể về nghề ong", "version": 1},
        content_type="application/json",
        **token,
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/products/{product.pk}",
        {"story": "Ghi đè", "version": 1},
        content_type="application/json",
        **token,
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    product.refresh_from_db()
    assert product.story == "Chuyện kể về nghề ong"


def test_products_are_seen_by_their_people_and_officers_only(client, cast, api_token):
    product = honey(honey_cooperative(cast))
    tea_company(cast)
    for person in (cast.producer_user, cast.commune_officer, cast.province_officer, cast.central):
        assert client.get(f"/api/v1/products/{product.pk}", **api_token(person)).status_code == 200, person
    for person in (cast.other_producer_user, cast.other_commune_officer, cast.other_province_officer):
        assert client.get(f"/api/v1/products/{product.pk}", **api_token(person)).status_code == 404, person
    outsider = api_token(cast.other_producer_user)
    with nothing_changes():
        edit = client.patch(
            f"/api/v1/products/{product.pk}", {"name": "Đổi tên"}, content_type="application/json", **outsider
        )
    assert edit.status_code == 404
