"""OCOP shops: an officer opens one in their area and says what it carries; buyers find it on the product's page,
on the map and in the "where to buy" search near where they are."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.geo.models import AdminUnit, Era, Level
from ocop.promotion import indicators, services
from ocop.promotion.models import Shop, ShopProduct

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def open_shop(cast, actor=None, **changes) -> Shop:
    values = {
        "name": "Điểm giới thiệu và bán sản phẩm OCOP Vân Hà",
        "unit": cast.commune,
        "address": "Số 12 đường Vân Hà",
        "operator": "Hợp tác xã Dịch vụ Nông nghiệp Vân Hà",
        "opened_on": TODAY - datetime.timedelta(days=30),
        "phone": "0204 3855 123",
    }
    values.update(changes)
    return services.shop_create(actor=actor or cast.commune_officer, **values)


def test_a_shop_outside_the_officers_area_or_at_no_commune_is_refused_and_nothing_is_stored(cast):
    before = (Shop.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Forbidden):
        open_shop(cast, actor=cast.other_province_officer)
    with pytest.raises(Forbidden):
        open_shop(cast, actor=cast.other_commune_officer)  # another commune of the same province
    legacy = AdminUnit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE).first()
    for unit in (None, legacy, cast.province):
        with pytest.raises(Invalid) as refused:
            open_shop(cast, actor=cast.central, unit=unit)
        assert refused.value.code == "promotion_unit_unknown"
    with pytest.raises(Invalid):
        open_shop(cast, name="   ")
    assert (Shop.objects.count(), AuditEvent.objects.count()) == before


def test_a_shop_carrying_two_products_is_shown_on_their_pages_and_on_the_map(client, cast, shelf):
    shop = open_shop(cast)
    assert shop.name not in client.get(reverse("catalog:product", args=[shelf.honey.pk])).content.decode()
    services.shop_product_add(actor=cast.commune_officer, shop=shop, product=shelf.honey)
    services.shop_product_add(actor=cast.province_officer, shop=shop, product=shelf.lychee, since=TODAY)
    for product in (shelf.honey, shelf.lychee):
        page = client.get(reverse("catalog:product", args=[product.pk])).content.decode()
        assert "Điểm giới thiệu và bán sản phẩm OCOP Vân Hà" in page
        assert "Số 12 đường Vân Hà" in page
    longan = client.get(reverse("catalog:product", args=[shelf.longan.pk])).content.decode()
    assert "Điểm giới thiệu và bán sản phẩm OCOP Vân Hà" not in longan
    the_map = client.get(reverse("catalog:map")).content.decode()
    assert "Điểm giới thiệu và bán sản phẩm OCOP" in the_map  # the layer's title
    assert the_map.count("Điểm giới thiệu và bán sản phẩm OCOP Vân Hà") == 2  # on the drawing and in the list
    assert f"#shop-{shop.pk}" in the_map


def test_only_certified_products_are_carried_once(cast, shelf):
    shop = open_shop(cast)
    with pytest.raises(Invalid) as refused:
        services.shop_product_add(actor=cast.commune_officer, shop=shop, product=shelf.draft)
    assert refused.value.code == "product_not_certified"
    services.shop_product_add(actor=cast.commune_officer, shop=shop, product=shelf.honey)
    with pytest.raises(Conflict):
        services.shop_product_add(actor=cast.commune_officer, shop=shop, product=shelf.honey)
    with pytest.raises(Forbidden):
        services.shop_product_add(actor=cast.other_province_officer, shop=shop, product=shelf.lychee)
    assert ShopProduct.objects.filter(shop=shop).count() == 1


def test_where_to_buy_near_a_commune_lists_its_shops_first_then_the_province_by_distance(client, cast, shelf):
    here = open_shop(cast)
    services.shop_product_add(actor=cast.commune_officer, shop=here, product=shelf.honey)
    elsewhere = open_shop(
        cast,
        actor=cast.province_officer,
        name="Gian hàng OCOP Bắc Ninh",
        unit=cast.other_commune,
        address="Phố Lý Thái Tổ",
    )
    services.shop_product_add(actor=cast.province_officer, shop=elsewhere, product=shelf.lychee)
    page = client.get(reverse("promotion:where_to_buy"), {"unit": cast.commune.code}).content.decode()
    assert page.index("Điểm giới thiệu và bán sản phẩm OCOP Vân Hà") < page.index("Gian hàng OCOP Bắc Ninh")
    assert "Mật ong hoa vải Vân Hà" in page and "Vải thiều sấy khô" in page
    assert reverse("catalog:product", args=[shelf.honey.pk]) in page
    # by product name, without diacritics
    found = client.get(reverse("promotion:where_to_buy"), {"unit": cast.province.code, "q": "vai thieu say"})
    text = found.content.decode()
    assert "Gian hàng OCOP Bắc Ninh" in text and "Điểm giới thiệu và bán sản phẩm OCOP Vân Hà" not in text
    # another province has none
    far = client.get(reverse("promotion:where_to_buy"), {"unit": cast.other_province.code}).content.decode()
    assert "Gian hàng OCOP Bắc Ninh" not in far
    api = client.get("/api/v1/promotion/where-to-buy", {"unit": cast.commune.code}).json()
    assert api["count"] == 2
    assert [item["name"] for item in api["items"]][0] == "Điểm giới thiệu và bán sản phẩm OCOP Vân Hà"
    assert api["items"][0]["products"][0]["name"] == "Mật ong hoa vải Vân Hà"
    bad = client.get("/api/v1/promotion/where-to-buy", {"unit": "99999"})
    assert bad.status_code == 400 and bad.json()["code"] == "promotion_unit_unknown"


def test_the_shops_indicator_counts_shops_open_at_the_end_of_the_year(cast):
    assert (
        indicators.shops(province_id=cast.province.pk, commune_id=None, year=TODAY.year) is None
    )  # no data yet
    open_shop(cast, opened_on=datetime.date(TODAY.year - 1, 6, 1))
    open_shop(cast, name="Quầy OCOP chợ Vân Hà", opened_on=TODAY)
    assert indicators.shops(province_id=cast.province.pk, commune_id=None, year=TODAY.year) == 2
    assert indicators.shops(province_id=cast.province.pk, commune_id=None, year=TODAY.year - 1) == 1
    assert indicators.shops(province_id=None, commune_id=cast.commune.pk, year=TODAY.year) == 2
    assert indicators.shops(province_id=cast.other_province.pk, commune_id=None, year=TODAY.year) == 0
    assert indicators.shops(province_id=None, commune_id=None, year=TODAY.year) == 2
    assert [
        s.name for s in indicators.shops_records(province_id=None, commune_id=None, year=TODAY.year - 1)
    ] == ["Điểm giới thiệu và bán sản phẩm OCOP Vân Hà"]
