"""The dossier API as partners use it (API.md): a producer adds a product, opens a dossier, uploads every
required document and submits; the commune checks and forwards; the province accepts. `may_*` flags come
from the server, errors are `{"code", "message"}` in Vietnamese, POSTs honour Idempotency-Key."""

from __future__ import annotations

import pytest
from cycle_support import THIS_YEAR, dossier_story, honey_cooperative, image_bytes, pdf_bytes
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.cycle.models import Document, Dossier
from ocop.products.models import Product
from tests.state_support import nothing_changes

pytestmark = pytest.mark.django_db


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


def test_the_whole_cycle_through_the_api(client, cast, api_token):
    honey_cooperative(cast)
    producer, commune, province = (
        api_token(cast.producer_user),
        api_token(cast.commune_officer),
        api_token(cast.province_officer),
    )

    created = post(
        client,
        "/api/v1/products",
        {"name": "Mật ong hoa vải", "product_set": "2.2", "description": "Mật ong nguyên chất"},
        **producer,
    )
    assert created.status_code == 201, created.content
    product = created.json()
    assert product["id"] and product["product_set"] == "2.2" and product["group"] == "I"

    opened = post(client, "/api/v1/dossiers", {"product": product["id"], "year": THIS_YEAR}, **producer)
    assert opened.status_code == 201, opened.content
    dossier = opened.json()
    assert dossier["status"] == "draft" and dossier["may_submit"] is False and dossier["may_upload"] is True
    assert {"item", "required", "done"} <= set(dossier["checklist"][0])
    required = [row["item"] for row in dossier["checklist"] if row["required"]]
    assert len(required) == 8 and not any(row["done"] for row in dossier["checklist"])

    with nothing_changes():
        refused = post(client, f"/api/v1/dossiers/{dossier['id']}/submit", **producer)
    assert refused.status_code == 400
    assert refused.json()["code"] == "checklist_incomplete"
    assert "Hồ sơ còn thiếu" in refused.json()["message"] and "Nhãn sản phẩm" in refused.json()["message"]

    for item in required:
        sent = client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            {"item": item, "file": SimpleUploadedFile(f"{item}.pdf", pdf_bytes())},
            **producer,
        )
        assert sent.status_code == 201, sent.content
    ready = client.get(f"/api/v1/dossiers/{dossier['id']}", **producer).json()
    assert ready["may_submit"] is True and ready["missing"] == []

    submitted = post(client, f"/api/v1/dossiers/{dossier['id']}/submit", **producer)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["may_withdraw"] is True and submitted.json()["may_upload"] is False
    assert submitted.json()["days_left"] == 10

    as_commune = client.get(f"/api/v1/dossiers/{dossier['id']}", **commune).json()
    assert (as_commune["may_check"], as_commune["may_forward"], as_commune["may_return"]) == (
        True,
        False,
        True,
    )
    checked = post(client, f"/api/v1/dossiers/{dossier['id']}/check", {"note": "Đủ thể thức"}, **commune)
    assert checked.json()["status"] == "checked"
    forwarded = post(client, f"/api/v1/dossiers/{dossier['id']}/forward", **commune)
    assert forwarded.json()["status"] == "forwarded" and forwarded.json()["may_forward"] is False

    queue = client.get("/api/v1/dossiers", {"queue": "1"}, **province).json()
    assert [item["id"] for item in queue["items"]] == [dossier["id"]]
    accepted = post(client, f"/api/v1/dossiers/{dossier['id']}/accept", **province)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"

    history = client.get(f"/api/v1/dossiers/{dossier['id']}/history", **producer).json()["items"]
    assert [row["action"] for row in history] == ["submit", "check", "forward", "accept"]


@pytest.mark.parametrize(
    "who", ["other_producer_user", "other_commune_officer", "other_province_officer", "council1"]
)
def test_others_get_not_found_and_change_nothing(client, cast, api_token, who):
    story = dossier_story(cast, until="submitted")
    token = api_token(getattr(cast, who))
    with nothing_changes():  # the dossier, its documents, its history, the audit trail
        assert client.get(f"/api/v1/dossiers/{story.dossier.pk}", **token).status_code == 404
        for action in ("check", "forward", "accept", "return", "withdraw", "submit"):
            response = post(client, f"/api/v1/dossiers/{story.dossier.pk}/{action}", {"reason": "x"}, **token)
            assert response.status_code == 404, (action, response.content)
            assert response.json()["code"] == "dossier_not_found"
        sent = client.post(
            f"/api/v1/dossiers/{story.dossier.pk}/documents",
            {"item": "label", "file": SimpleUploadedFile("x.pdf", pdf_bytes())},
            **token,
        )
        assert sent.status_code == 404
        assert client.get("/api/v1/dossiers", **token).json()["count"] == 0


def test_anonymous_callers_are_asked_to_sign_in(client, cast):
    story = dossier_story(cast, until="draft")
    assert client.get(f"/api/v1/dossiers/{story.dossier.pk}").status_code == 404
    response = post(client, "/api/v1/dossiers", {"product": story.product.pk, "year": THIS_YEAR})
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_transition_not_allowed_is_a_409_in_vietnamese(client, cast, api_token):
    story = dossier_story(cast, until="submitted")
    commune, province = api_token(cast.commune_officer), api_token(cast.province_officer)
    with nothing_changes():
        response = post(client, f"/api/v1/dossiers/{story.dossier.pk}/forward", **commune)
        wrong_level = post(client, f"/api/v1/dossiers/{story.dossier.pk}/check", **province)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert (
        body["message"]
        == "Không thể thực hiện «Chuyển lên cấp đánh giá» khi hồ sơ đánh giá, phân hạng đang ở trạng thái «Đã nộp, chờ xã kiểm tra»."
    )
    assert wrong_level.status_code == 403 and wrong_level.json()["code"] == "forbidden_action"


def test_stale_version_is_a_409(client, cast, api_token):
    story = dossier_story(cast, until="submitted")
    token, producer = api_token(cast.commune_officer), api_token(cast.producer_user)
    with nothing_changes():
        response = post(
            client,
            f"/api/v1/dossiers/{story.dossier.pk}/check",
            {"version": story.dossier.version - 1},
            **token,
        )
        patch = client.patch(
            f"/api/v1/dossiers/{story.dossier.pk}",
            {"target_stars": 4, "version": 1},
            content_type="application/json",
            **producer,
        )
    assert response.status_code == 409 and response.json()["code"] == "stale"
    assert story.refresh().status == "submitted"
    assert patch.status_code == 409


def test_idempotency_key_replays_the_first_answer(client, cast, api_token):
    producer = honey_cooperative(cast)
    token = api_token(cast.producer_user)
    body = {"name": "Mật ong bạc hà", "product_set": "2.2", "description": ""}
    first = post(client, "/api/v1/products", body, HTTP_IDEMPOTENCY_KEY="p-1", **token)
    again = post(client, "/api/v1/products", body, HTTP_IDEMPOTENCY_KEY="p-1", **token)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Product.objects.filter(producer=producer).count() == 1
    with nothing_changes():
        other = post(
            client, "/api/v1/products", {**body, "name": "Khác"}, HTTP_IDEMPOTENCY_KEY="p-1", **token
        )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"

    dossier = post(
        client,
        "/api/v1/dossiers",
        {"product": first.json()["id"], "year": THIS_YEAR},
        HTTP_IDEMPOTENCY_KEY="d-1",
        **token,
    ).json()
    twice = post(
        client,
        "/api/v1/dossiers",
        {"product": first.json()["id"], "year": THIS_YEAR},
        HTTP_IDEMPOTENCY_KEY="d-1",
        **token,
    )
    assert twice.status_code == 201 and twice.json()["id"] == dossier["id"]
    for _ in range(2):
        sent = client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            {"item": "label", "file": SimpleUploadedFile("nhan.pdf", pdf_bytes())},
            HTTP_IDEMPOTENCY_KEY="u-1",
            **token,
        )
        assert sent.status_code == 201
    assert Document.objects.filter(dossier_id=dossier["id"]).count() == 1


def test_errors_follow_the_request_language(client, cast, api_token):
    story = dossier_story(cast, until="submitted")
    response = post(
        client,
        f"/api/v1/dossiers/{story.dossier.pk}/forward",
        HTTP_ACCEPT_LANGUAGE="vi",
        **api_token(cast.commune_officer),
    )
    assert "Không thể thực hiện" in response.json()["message"]


def _pending_change(cast, story):
    """A confirmed producer's new tax code waits for an officer: a change request for the change routes."""
    from ocop.producers.models import RecordChangeRequest
    from ocop.producers.services import producer_update

    producer_update(actor=cast.producer_user, producer=story.producer, tax_code="2400999999")
    return RecordChangeRequest.objects.get(producer=story.producer)


def test_every_api_route_of_these_apps_refuses_anonymous_and_outside_callers(client, cast, api_token):
    """Generated from the OpenAPI document, so a new endpoint is tried too."""
    from ocop.api.urls import api
    from ocop.products.services import product_photo_add

    story = dossier_story(cast, until="submitted")
    photo = product_photo_add(
        actor=cast.producer_user, product=story.product, upload=SimpleUploadedFile("a.png", image_bytes())
    )
    ids = {
        "producer_id": story.producer.pk,
        "product_id": story.product.pk,
        "photo_id": photo.pk,
        "dossier_id": story.dossier.pk,
        "document_id": story.dossier.documents.first().pk,
        "change_id": _pending_change(cast, story).pk,
    }
    outsider = api_token(cast.other_province_officer)
    body = {
        "name": "x",
        "product_set": "2.2",
        "description": "",
        "product": story.product.pk,
        "year": THIS_YEAR,
        "legal_form": "cooperative",
        "commune": "07798",
        "reason": "x",
        "criteria": [],
        "ids": [story.dossier.pk],
    }

    def send(method: str, url: str, **headers):
        if method == "get":
            return client.get(url, **headers)
        if url.endswith(("/documents", "/photos")):  # multipart uploads
            return client.post(
                url, {"item": "label", "file": SimpleUploadedFile("a.pdf", pdf_bytes())}, **headers
            )
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    paths = api.get_openapi_schema()["paths"]
    tried = 0
    for path, operations in paths.items():
        if not path.startswith(("/api/v1/producers", "/api/v1/products", "/api/v1/dossiers")):
            continue
        url = path.format(**ids)
        for method in operations:
            anonymous = send(method, url)
            assert anonymous.status_code in (401, 404), (method, url, anonymous.status_code)
            outside = send(method, url, **outsider)
            if "{" in path or url.endswith("/forward"):
                assert outside.status_code in (403, 404), (method, url, outside.status_code)
            tried += 1
    assert tried >= 20
    assert Dossier.objects.get(pk=story.dossier.pk).status == "submitted"


def test_bulk_forward_through_the_api(client, cast, api_token):
    story = dossier_story(cast, until="checked")
    province = api_token(cast.province_officer)
    with nothing_changes():
        refused = post(client, "/api/v1/dossiers/forward", {"ids": [story.dossier.pk]}, **province)
    assert refused.status_code == 409 and refused.json()["code"] == "bulk_refused"
    assert story.refresh().status == "checked"
    moved = post(
        client, "/api/v1/dossiers/forward", {"ids": [story.dossier.pk]}, **api_token(cast.commune_officer)
    )
    assert moved.status_code == 200 and moved.json()["count"] == 1
    assert moved.json()["items"][0]["status"] == "forwarded"


@pytest.mark.parametrize(
    ("who", "query", "until", "may"),
    [
        ("producer", {}, "draft", {"may_submit": True, "may_check": False}),  # reads the producer's status
        ("producer", {}, "submitted", {"may_withdraw": True, "may_check": False}),
        ("commune", {"queue": "1"}, "submitted", {"may_check": True, "may_withdraw": False}),
    ],
)
def test_a_list_answers_each_dossier_as_its_own_address_does(client, cast, api_token, who, query, until, may):
    # A list builds its bodies from plain values (selectors.dossier_facts), one dossier from its model: the
    # two must agree field for field, documents, route, rubric version and rights included.
    story = dossier_story(cast, until=until)
    token = api_token(cast.producer_user if who == "producer" else cast.commune_officer)
    listed = client.get("/api/v1/dossiers", query, **token).json()["items"]
    alone = client.get(f"/api/v1/dossiers/{story.dossier.pk}", **token).json()
    assert [item["id"] for item in listed] == [story.dossier.pk]
    assert listed[0] == alone
    assert all(row["document"] for row in alone["checklist"] if row["required"])
    assert alone["rubric_version"] and alone["unit"]["name"] and alone["route"]["receiver"] == "commune"
    assert {name: alone[name] for name in may} == may
