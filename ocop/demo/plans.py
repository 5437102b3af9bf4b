"""Demo programme plans: the national targets of Decision 919/QĐ-TTg (central plan 2021–2025), and this year's
plan of the demo province with the targets of Bến Tre's 2024 OCOP plan (Bến Tre is part of Vĩnh Long since
the 2025 reform and the demo records are in Bắc Ninh, so the targets are adapted and labelled as such), with a
plan of the demo commune under it. Running it again changes nothing. Sources: docs/planning.md."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning.models import ProgrammePlan
from ocop.planning.services import programme_plan_create

NATIONAL_919 = [
    {
        "indicator": "products_recognised",
        "value": 10000,
        "note": "Ít nhất 10.000 sản phẩm đạt từ 3 sao trở lên",
    },
    {
        "indicator": "products_recognised_5",
        "value": 400,
        "value_max": 500,
        "note": "Khoảng 400–500 sản phẩm 5 sao",
    },
    {"indicator": "producers_cooperative_share", "value": 40, "note": "Ít nhất 40% chủ thể là hợp tác xã"},
    {
        "indicator": "producers_enterprise_share",
        "value": 30,
        "note": "30% chủ thể là doanh nghiệp nhỏ và vừa",
    },
    {
        "indicator": "craft_villages_with_product_share",
        "value": 50,
        "note": "Ít nhất 50% làng nghề truyền thống có sản phẩm OCOP",
    },
    {
        "indicator": "products_modern_channels_share",
        "value": 50,
        "note": "Ít nhất 50% chủ thể OCOP bán qua kênh hiện đại (đo trên sản phẩm)",
    },
]

# Bến Tre's 2024 OCOP plan (the seeds of issue 16), adapted to the demo province.
BEN_TRE_2024 = [
    {"indicator": "products_new", "value": 45, "note": "45 sản phẩm đạt từ 3 sao trở lên"},
    {"indicator": "five_star_candidates", "value": 10, "note": "10 sản phẩm tiềm năng 5 sao"},
    {"indicator": "producers_cooperative_share", "value": 20, "note": "20% chủ thể là hợp tác xã"},
    {"indicator": "craft_villages_with_product_share", "value": 10, "note": "10% làng nghề có sản phẩm OCOP"},
    {"indicator": "shops", "value": 5, "note": "5 điểm giới thiệu và bán sản phẩm OCOP"},
    {"indicator": "products_recognised_tourism", "value": 2, "note": "2 sản phẩm du lịch đạt từ 3 sao"},
    {"indicator": "officers_trained_share", "value": 100, "note": "100% cán bộ phụ trách OCOP được tập huấn"},
]
ACTIVITIES = [
    {
        "name": "Tổ chức đánh giá, phân hạng sản phẩm OCOP cấp tỉnh (2 đợt)",
        "agency": "Sở Nông nghiệp và Môi trường",
        "timing": "Quý II và quý IV",
        "budget": 400_000_000,
        "budget_source": "Ngân sách tỉnh",
    },
    {
        "name": "Tập huấn cán bộ phụ trách OCOP cấp xã",
        "agency": "Văn phòng Điều phối nông thôn mới tỉnh",
        "timing": "Quý II",
        "budget": 150_000_000,
        "budget_source": "Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    },
    {
        "name": "Hỗ trợ chủ thể tham gia hội chợ, xúc tiến thương mại",
        "agency": "Sở Công Thương",
        "timing": "Cả năm",
        "budget": 600_000_000,
        "budget_source": "Ngân sách tỉnh",
    },
]
COMMUNE_TARGETS = [
    {"indicator": "products_new", "value": 3},
    {"indicator": "producers_cooperative_share", "value": 20},
]


def seed_plans(province_code: str, commune_code: str) -> int:
    """The three demo plans; returns how many were created."""
    year = timezone.localdate().year
    country = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COUNTRY).first()
    province = AdminUnit.objects.filter(era=Era.CURRENT, code=province_code).first()
    commune = AdminUnit.objects.filter(era=Era.CURRENT, code=commune_code).first()
    wanted = [
        (
            country,
            2021,
            2025,
            dict(
                title="Chương trình mỗi xã một sản phẩm giai đoạn 2021–2025 (QĐ 919/QĐ-TTg)",
                decision_number="919/QĐ-TTg",
                decision_date=datetime.date(2022, 8, 1),
                targets=NATIONAL_919,
            ),
        ),
        (
            province,
            year,
            year,
            dict(
                title=f"Kế hoạch thực hiện Chương trình OCOP năm {year} – {province.name if province else ''} "
                "(chỉ tiêu phỏng theo Kế hoạch OCOP năm 2024 của tỉnh Bến Tre, dữ liệu mẫu)",
                decision_number=f"DEMO-{year}/KH-UBND",
                decision_date=datetime.date(year, 1, 15),
                note="Dữ liệu mẫu: chỉ tiêu lấy từ Kế hoạch thực hiện Chương trình OCOP năm 2024 của tỉnh Bến Tre "
                "(nay thuộc tỉnh Vĩnh Long), đặt cho tỉnh có dữ liệu mẫu.",
                targets=BEN_TRE_2024,
                activities=ACTIVITIES,
            ),
        ),
        (
            commune,
            year,
            year,
            dict(decision_number=f"DEMO-{year}/KH-UBND", targets=COMMUNE_TARGETS),
        ),
    ]
    created = 0
    for unit, year_from, year_to, fields in wanted:
        if (
            unit is None
            or ProgrammePlan.objects.filter(unit=unit, year_from=year_from, year_to=year_to).exists()
        ):
            continue
        programme_plan_create(actor=None, unit=unit, year_from=year_from, year_to=year_to, **fields)
        created += 1
    return created


# Recognised products of the demo province this year, so its plan's targets stand beside real figures:
# (producer, legal form, tax code, craft village, led by a woman, [(product, product-set keywords, stars, channels)])
BAC_NINH_RECORDS = [
    (
        "Hợp tác xã Gốm Phù Lãng",
        "cooperative",
        "2300998801",
        "Làng gốm Phù Lãng",
        False,
        [("Gốm sành nâu Phù Lãng", "thu cong", 4, ["local", "ecommerce"])],
    ),
    (
        "Hợp tác xã Tranh dân gian Đông Hồ",
        "cooperative",
        "2300998802",
        "Làng tranh Đông Hồ",
        True,
        [("Tranh dân gian Đông Hồ", "thu cong", 4, ["ocop_shop"])],
    ),
    (
        "Công ty TNHH Bánh phu thê Đình Bảng",
        "enterprise",
        "2300998803",
        "",
        True,
        [("Bánh phu thê Đình Bảng", "gao", 3, ["supermarket", "local"])],
    ),
    (
        "Hộ kinh doanh Rượu làng Vân",
        "household",
        "2300998804",
        "Làng nghề nấu rượu Vân",
        False,
        [("Rượu làng Vân", "ruou", 3, ["ecommerce"])],
    ),
    (
        "Hợp tác xã Du lịch cộng đồng Quan họ Diềm",
        "cooperative",
        "2300998805",
        "",
        True,
        [("Trải nghiệm quan họ làng Diềm", "du lich", 3, [])],
    ),
]


def seed_province_records(province_code: str, commune_code: str) -> int:
    """Producers of the demo province with products recognised this year by a decision that `province` drafts
    and `province2` approves (after the council of a past round). Returns how many certificates were issued."""
    from ocop.accounts.models import User
    from ocop.certification import services as certification
    from ocop.certification.models import Certificate
    from ocop.certification.past_councils import record_past_results
    from ocop.demo.seed import _product_set
    from ocop.producers.models import Producer, ProducerStatus
    from ocop.producers.services import producer_create
    from ocop.products.models import Product
    from ocop.products.services import product_create

    province = AdminUnit.objects.filter(era=Era.CURRENT, code=province_code).first()
    maker = User.objects.filter(username="province").first()
    checker = User.objects.filter(username="province2").first()
    if province is None or maker is None or checker is None:
        return 0
    communes = list(
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, current_province=province).order_by(
            "code"
        )[:5]
    )
    items = []
    for index, (name, form, tax_code, village, woman, products) in enumerate(BAC_NINH_RECORDS):
        producer = Producer.objects.filter(tax_code=tax_code).first()
        if producer is None:
            producer = producer_create(
                actor=None,
                name=name,
                legal_form=form,
                unit=communes[index % len(communes)],
                tax_code=tax_code,
                status=ProducerStatus.CONFIRMED,
                in_craft_village=bool(village),
                craft_village=village,
                led_by_woman=woman,
                led_by_ethnic_minority=False,
            )
        for product_name, keywords, stars, channels in products:
            product_set = _product_set(keywords)
            if product_set is None:
                continue
            product = Product.objects.filter(producer=producer, name=product_name).first() or product_create(
                actor=None,
                producer=producer,
                name=product_name,
                product_set=product_set,
                sales_channels=channels,
            )
            if not Certificate.objects.filter(product=product).exists():
                items.append((product, stars))
    if not items:
        return 0
    day = timezone.localdate() - datetime.timedelta(days=20)
    authority = certification.authority_ensure(actor=None, unit=province)
    record_past_results(
        unit=province, items=items, held_on=day - datetime.timedelta(days=10), created_by=maker
    )
    decision = certification.decision_create(
        actor=maker,
        authority=authority,
        number=f"{990 + day.month}/QĐ-UBND",
        date=day,
        signer=f"Người ký – {authority.name}",
        items=items,
    )
    certification.decision_approve(actor=checker, decision=decision)
    return len(items)
