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
