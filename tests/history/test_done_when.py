"""Issue 15's "done when": a file with rows of a 2021 recognition decision of Bắc Giang province (district-level
addresses) and of the 2022 national 5★ list (Trà Vinh and Kiên Giang producers) imports; every row lands in
today's province (Bắc Ninh, Vĩnh Long, An Giang) and its catalogue with stars and expiry.

THE DATA BELOW IS ILLUSTRATIVE. The places are real units of the loaded pre-merger snapshot (communes, the
districts and provinces they were in); the kinds of products are those these places are known for (Lục Ngạn
lychee, Vân village rice wine, Yên Thế hill chicken). The producers' names, the decision numbers and dates and
the certificate numbers are made up for the test: they are not the published decisions' contents.
The same story with the rows as published: tests/history/test_published_lists.py.
"""

from __future__ import annotations

import datetime

import pytest

from ocop.catalog.models import CatalogEntry
from ocop.certification.models import Certificate, Origin
from ocop.geo.models import AdminUnit, Era, Level
from ocop.history import services

from .support import csv, row

pytestmark = pytest.mark.django_db

BAC_GIANG_2021 = [  # province-level decision (UBND tỉnh Bắc Giang), 2019 rubric
    row(
        "Vải thiều Lục Ngạn",
        "HTX Vải thiều Phong Vân",
        "Xã Phong Vân, huyện Lục Ngạn, tỉnh Bắc Giang",
        4,
        "1001/QĐ-UBND",
        "20/12/2021",
        "tỉnh",
        "1.1",
    ),
    row(
        "Rượu làng Vân",
        "HTX Rượu làng Vân",
        "Xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang",
        4,
        "1001/QĐ-UBND",
        "20/12/2021",
        "tỉnh",
        "7.1",
    ),
    row(
        "Gà đồi Yên Thế",
        "Tổ hợp tác Gà đồi Đồng Tiến",
        "Xã Đồng Tiến, huyện Yên Thế, tỉnh Bắc Giang",
        3,
        "1001/QĐ-UBND",
        "20/12/2021",
        "tỉnh",
        "1.2",
    ),
]
NATIONAL_5_STARS_2022 = [  # central-level recognition, 2019 rubric
    row(
        "Sản phẩm 5 sao minh họa Trà Vinh",
        "Công ty TNHH Minh họa Trà Vinh",
        "Xã Đa Lộc, huyện Châu Thành, tỉnh Trà Vinh",
        5,
        "2000/QĐ-BNN",
        "15/11/2022",
        "trung ương",
        "3.2",
    ),
    row(
        "Sản phẩm 5 sao minh họa Kiên Giang",
        "Công ty TNHH Minh họa Phú Quốc",
        "Xã Cửa Dương, thành phố Phú Quốc, tỉnh Kiên Giang",
        5,
        "2000/QĐ-BNN",
        "15/11/2022",
        "trung ương",
        "4.1",
    ),
]
IN_FORCE = [  # a 2024 district-level 3★ decision under the 2023 rubric: still valid today, so listed
    row(
        "Mỳ Chũ minh họa",
        "HTX Mỳ minh họa",
        "Xã Phong Vân, huyện Lục Ngạn, tỉnh Bắc Giang",
        3,
        "88/QĐ-UBND",
        "10/06/2024",
        "huyện",
        "3.2",
    ),
]


def _province(name: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, name=name)


def test_bac_giang_2021_and_the_2022_national_5_star_list_land_in_todays_provinces(
    cast, django_capture_on_commit_callbacks
):
    content = csv(*BAC_GIANG_2021, *NATIONAL_5_STARS_2022, *IN_FORCE)
    upload = services.history_upload_create(actor=cast.central, content=content, filename="lich-su.csv")
    assert upload.ok, [p["vi"] for r in upload.rows for p in r["problems"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.history_import_start(actor=cast.central, upload=upload)
    upload.refresh_from_db()
    assert upload.status == "applied"

    landed = {
        c.product_name: (c.product.producer.unit.current_province.name, c.stars, c.valid_until)
        for c in Certificate.objects.select_related("product__producer__unit__current_province")
    }
    assert landed == {
        "Vải thiều Lục Ngạn": ("Tỉnh Bắc Ninh", 4, datetime.date(2024, 12, 19)),
        "Rượu làng Vân": ("Tỉnh Bắc Ninh", 4, datetime.date(2024, 12, 19)),
        "Gà đồi Yên Thế": ("Tỉnh Bắc Ninh", 3, datetime.date(2024, 12, 19)),
        "Sản phẩm 5 sao minh họa Trà Vinh": ("Tỉnh Vĩnh Long", 5, datetime.date(2025, 11, 14)),
        "Sản phẩm 5 sao minh họa Kiên Giang": ("Tỉnh An Giang", 5, datetime.date(2025, 11, 14)),
        "Mỳ Chũ minh họa": ("Tỉnh Bắc Ninh", 3, datetime.date(2027, 6, 9)),
    }
    assert {c.origin for c in Certificate.objects.all()} == {Origin.PAPER}
    # The decisions as issued then: one of the province of Bắc Giang, one of the centre, one of the district.
    issuers = sorted(
        {
            (c.decision.number, c.decision.issuing_level, c.decision.issuer_name)
            for c in Certificate.objects.all()
        }
    )
    assert issuers == [
        ("1001/QĐ-UBND", "province", "Tỉnh Bắc Giang"),
        ("2000/QĐ-BNN", "central", "Trung ương"),
        ("88/QĐ-UBND", "district", "Huyện Lục Ngạn"),
    ]
    # Every product is in the catalogue index of today's province, with its stars and expiry; the one whose
    # certificate is in force is listed (the expired ones are shown as expired, not advertised).
    entries = {e.name: e for e in CatalogEntry.objects.select_related("province")}
    assert {name: e.province.name for name, e in entries.items()} == {
        name: province for name, (province, _s, _d) in landed.items()
    }
    assert entries["Mỳ Chũ minh họa"].listed and entries["Mỳ Chũ minh họa"].certificate_in_force
    assert not entries["Vải thiều Lục Ngạn"].listed
    assert entries["Vải thiều Lục Ngạn"].certificate_state == "expired"
    assert _province("Tỉnh Vĩnh Long") == entries["Sản phẩm 5 sao minh họa Trà Vinh"].province
