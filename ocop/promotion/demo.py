"""Demo data for trade promotion: a fair in Bắc Ninh with three demo products and their sales (the demo producer's
honey waiting for the commune officer's confirmation), an OCOP shop in Phường Vân Hà carrying the two certified
ones (Mỳ Chũ, Phù Lãng pottery), online listings (the producer's waiting), and a gift set. Recorded through the services by the demo's own officers and producer. Running it again changes
nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ocop.accounts.models import User
from ocop.geo.models import AdminUnit, Era
from ocop.products.models import Product
from ocop.promotion import services
from ocop.promotion.models import Event, EventKind, EventLevel
from ocop.promotion.selectors import certified_products

FAIR = "Hội chợ OCOP và sản phẩm nông nghiệp tiêu biểu tỉnh Bắc Ninh"
# (product, sales in đồng, contracts, buyers met, who reports: the province officer enters, the producer reports)
FAIR_RESULTS = [
    ("Mỳ Chũ Nam Dương", 86_500_000, 3, 12, "province"),
    ("Bình gốm men da lươn Phù Lãng", 24_300_000, 1, 6, "province"),
    ("Mật ong hoa vải Vân Hà", 15_750_000, 0, 4, "producer"),  # waits for the commune officer
]
SHOP = {
    "name": "Điểm giới thiệu và bán sản phẩm OCOP phường Vân Hà",
    "address": "Số 8 đường Thân Nhân Trung",
    "operator": "Hợp tác xã Dịch vụ nông nghiệp Vân Hà",
    "phone": "0204 3866 168",
}
LISTINGS = [
    ("Mỳ Chũ Nam Dương", "https://postmart.vn/my-chu-nam-duong", "province"),
    ("Mật ong hoa vải Vân Hà", "https://shopee.vn/mat-ong-hoa-vai-van-ha-i.240012.3456", "producer"),  # waits
]


def _person(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _product(name: str) -> Product | None:
    return Product.objects.filter(name=name, producer__unit__current_province__code="24").first()


def seed_promotion() -> None:
    province_officer, commune_officer, producer = _person("province"), _person("commune"), _person("producer")
    province = AdminUnit.objects.filter(era=Era.CURRENT, code="24").first()
    commune = AdminUnit.objects.filter(era=Era.CURRENT, code="07798").first()
    if (
        None in (province_officer, commune_officer, producer, province, commune)
        or Event.objects.filter(name=FAIR).exists()
    ):
        return
    today = timezone.localdate()
    fair = services.event_create(
        actor=province_officer,
        name=FAIR,
        kind=EventKind.FAIR,
        level=EventLevel.PROVINCE,
        unit=province,
        venue="Trung tâm Hội nghị tỉnh, đường Lý Thái Tổ",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today - datetime.timedelta(days=16),
        organiser="Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
    )
    people = {"province": province_officer, "commune": commune_officer, "producer": producer}
    for name, sales, contracts, buyers, who in FAIR_RESULTS:
        product = _product(name)
        if product is not None:
            services.participation_record(
                actor=people[who],
                event=fair,
                product=product,
                sales_vnd=sales,
                contracts=contracts,
                buyers_met=buyers,
            )
    certified = set(certified_products().values_list("pk", flat=True))
    shop = services.shop_create(
        actor=commune_officer, unit=commune, opened_on=today - datetime.timedelta(days=200), **SHOP
    )
    carried = []
    for name, _sales, _contracts, _buyers, _who in FAIR_RESULTS:
        product = _product(name)
        if product is not None and product.pk in certified:
            services.shop_product_add(
                actor=commune_officer, shop=shop, product=product, since=today - datetime.timedelta(days=150)
            )
            carried.append(product)
    for name, url, who in LISTINGS:
        product = _product(name)
        if product is not None:
            services.listing_record(actor=people[who], product=product, url=url)
    if len(carried) >= 2:
        services.gift_set_create(
            actor=province_officer,
            name="Quà quê Kinh Bắc",
            unit=province,
            products=carried,
            description="Mỳ Chũ Nam Dương và bình gốm Phù Lãng trong hộp quà.",
            price_vnd=420_000,
        )
