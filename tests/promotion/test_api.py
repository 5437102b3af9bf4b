"""The promotion API as a partner or an officer's tool uses it: a fair with three products and their sales, a
shop carrying two, listings; bad input answered with a code and nothing stored."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.promotion.models import Event, Listing, Participation, Shop

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
API = "/api/v1/promotion"


def _stored():
    return (
        Event.objects.count(),
        Participation.objects.count(),
        Shop.objects.count(),
        Listing.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_fair_with_three_products_and_their_sales(client, cast, shelf, api_token):
    officer, producer = api_token(cast.province_officer), api_token(cast.producer_user)
    created = client.post(
        f"{API}/events",
        {
            "name": "Hội chợ OCOP Kinh Bắc",
            "unit": cast.province.code,
            "starts_on": (TODAY - datetime.timedelta(days=4)).isoformat(),
            "ends_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "organiser": "Sở Nông nghiệp và Môi trường",
            "kind": "fair",
            "level": "province",
        },
        content_type="application/json",
        **officer,
    )
    assert created.status_code == 201, created.content
    event = created.json()["id"]
    for product, sales in ((shelf.honey, 45_000_000), (shelf.lychee, 12_000_000), (shelf.longan, 7_500_000)):
        answer = client.post(
            f"{API}/participations",
            {"event": event, "product": product.pk, "sales_vnd": sales, "contracts": 1, "buyers_met": 5},
            content_type="application/json",
            **producer,
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["status"] == "pending" and not answer.json()["may_confirm"]
    waiting = client.get(
        f"{API}/participations", {"status": "pending"}, **api_token(cast.commune_officer)
    ).json()
    assert waiting["count"] == 3 and all(item["may_confirm"] for item in waiting["items"])
    for item in waiting["items"]:
        done = client.post(f"{API}/participations/{item['id']}/confirm", **api_token(cast.commune_officer))
        assert done.status_code == 200 and done.json()["status"] == "confirmed"
    detail = client.get(f"{API}/events/{event}", **officer).json()
    assert detail["results"] == {
        "products": 3,
        "producers": 1,
        "sales_vnd": 64_500_000,
        "contracts": 3,
        "buyers_met": 15,
    }
    # Hà Nội's officer reads the fair (an announcement) but none of Bắc Ninh's results.
    far = client.get(f"{API}/events/{event}", **api_token(cast.other_province_officer)).json()
    assert far["participations"] == [] and far["results"]["products"] == 0


def test_a_shop_carrying_two_products(client, cast, shelf, api_token):
    officer = api_token(cast.commune_officer)
    shop = client.post(
        f"{API}/shops",
        {
            "name": "Điểm bán OCOP Vân Hà",
            "commune": cast.commune.code,
            "address": "Số 12 đường Vân Hà",
            "operator": "HTX Dịch vụ Vân Hà",
            "opened_on": TODAY.isoformat(),
        },
        content_type="application/json",
        **officer,
    )
    assert shop.status_code == 201, shop.content
    shop_id = shop.json()["id"]
    for product in (shelf.honey, shelf.lychee):
        added = client.post(
            f"{API}/shops/{shop_id}/products",
            {"product": product.pk},
            content_type="application/json",
            **officer,
        )
        assert added.status_code == 201, added.content
    assert [p["name"] for p in added.json()["products"]] == ["Mật ong hoa vải Vân Hà", "Vải thiều sấy khô"]
    draft = client.post(
        f"{API}/shops/{shop_id}/products",
        {"product": shelf.draft.pk},
        content_type="application/json",
        **officer,
    )
    assert draft.status_code == 400 and draft.json()["code"] == "product_not_certified"
    public = client.get(f"{API}/where-to-buy", {"unit": cast.commune.code}).json()
    assert public["count"] == 1 and len(public["items"][0]["products"]) == 2


@pytest.mark.parametrize(
    ("path", "body", "who", "status", "code"),
    [
        (
            "events",
            {
                "name": "Hội chợ",
                "unit": "24",
                "starts_on": "2026-05-10",
                "ends_on": "2026-05-08",
                "organiser": "Sở",
            },
            "province_officer",
            400,
            "event_dates_reversed",
        ),
        (
            "shops",
            {"name": "Quầy", "commune": "99999", "address": "x", "operator": "y", "opened_on": "2026-01-01"},
            "province_officer",
            400,
            "promotion_unit_unknown",
        ),
        (
            "shops",
            {"name": "Quầy", "commune": "07798", "address": "x", "operator": "y", "opened_on": "2026-01-01"},
            "other_province_officer",
            403,
            "promotion_forbidden",
        ),
        (
            "events",
            {
                "name": "Hội chợ",
                "unit": "24",
                "starts_on": "2026-05-10",
                "ends_on": "2026-05-12",
                "organiser": "Sở",
            },
            "other_province_officer",
            403,
            "promotion_forbidden",
        ),
    ],
)
def test_bad_input_is_answered_with_its_code_and_nothing_is_stored(
    client, cast, api_token, path, body, who, status, code
):
    auth = api_token(getattr(cast, who))  # signing in is audited: before the count
    before = _stored()
    answer = client.post(f"{API}/{path}", body, content_type="application/json", **auth)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.content
    assert answer.json()["message"]
    assert _stored() == before


def test_a_listing_link_that_is_not_http_is_refused_and_the_message_reads_in_english(
    client, cast, shelf, api_token
):
    auth = api_token(cast.producer_user)
    before = _stored()
    answer = client.post(
        f"{API}/listings",
        {"product": shelf.honey.pk, "url": "javascript:alert(document.cookie)"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth,
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "listing_url_invalid"
    assert "must be a web address" in answer.json()["message"]
    assert _stored() == before


def test_lists_are_paged(client, cast, api_token):
    answer = client.get(f"{API}/events", {"page_size": 500}, **api_token(cast.central))
    assert answer.status_code == 400 and answer.json()["code"] == "bad_page"
    answer = client.get(f"{API}/shops", **api_token(cast.central)).json()
    assert set(answer) >= {"count", "page", "page_size", "items"}
