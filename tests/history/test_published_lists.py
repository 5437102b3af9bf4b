"""Issue 15's "done when" with the rows AS PUBLISHED: the 2021 recognitions of Bắc Giang province (rounds 1 and
2) and the 2022 national 5★ list's Trà Vinh and Kiên Giang products, in `data/cong-nhan-da-cong-bo.csv`, go
through the real import (upload → preview → the officer's picks → apply) and land in today's provinces, their
catalogue and figures; one of them is then re-evaluated through the normal cycle.

Sources (public news items; the rows copy their product names, producers, stars and addresses as printed):

- Bắc Giang, round 1 of 2021: ttkhuyencong.bacgiang.gov.vn, "Phê duyệt kết quả đánh giá, phân hạng và cấp Giấy
  chứng nhận cho sản phẩm tham gia Chương trình Mỗi xã một sản phẩm tỉnh Bắc Giang đợt 1 năm 2021": decision of
  the province's People's Committee dated 26/8/2021, 10 products 4★ and 12 products 3★, of which the item
  prints the first three (the rest of the list is cut). THE DECISION'S NUMBER IS NOT IN THE SOURCE: the file
  carries the placeholder "CHUA-RO-SO/QĐ-UBND (BG đợt 1-2021)" (its column "Ghi chú" says so).
- Bắc Giang, round 2 of 2021: lmhtx.bacgiang.gov.vn/node/2620 and tapchicongthuong.vn ("Bắc Giang: Công nhận 39
  sản phẩm ... đợt 2 năm 2021"): decision 1387/QĐ-UBND of 09/12/2021; its two 4★ products (the 37 3★ ones are
  not listed in the sources).
- National 5★, 2022 round 1: kinhtetieudung.vn, "Thêm 22 sản phẩm được công nhận đạt OCOP 5 sao" (Bộ Nông nghiệp
  và PTNT; validity 36 months). NEITHER THE DECISION'S NUMBER NOR ITS DATE IS IN THE SOURCE: the file carries
  the placeholder "CHUA-RO-SO/QĐ-BNN (OCOP quốc gia 2022 đợt 1)" and the placeholder date 31/12/2022 (the real
  one lies between 17/08/2022, when Trà Vinh sent Đường hoa dừa to the central council, and the end of 2022),
  so the expiry asserted for these four (30/12/2025) follows from the placeholder.

Not published, our choices: the product sets (codes of the 2019 version); no certificate numbers (generated);
for the five producers whose address stops at the district, the commune the officer picks: for four of them the
commune their name carries (the resolver proposes it first), for "Hợp tác xã Nông nghiệp Xanh, huyện Yên Thế"
(no commune in its name or in the source) Thị trấn Phồn Xương, the district's seat, as a stand-in.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from ocop.catalog.models import CatalogEntry
from ocop.certification.models import Certificate, Origin
from ocop.cycle.services import dossier_create
from ocop.geo.models import AdminUnit, Era, Level
from ocop.history import services
from ocop.planning.selectors import indicator_values
from ocop.producers.services import producer_member_add
from ocop.products.services import product_update
from ocop.rubrics.models import ProductSet

from .support import recognise_again

pytestmark = pytest.mark.django_db

FILE = Path(__file__).parent / "data" / "cong-nhan-da-cong-bo.csv"
BG_1 = datetime.date(2024, 8, 25)  # 26/08/2021 + 36 months − 1 day
BG_2 = datetime.date(2024, 12, 8)  # 09/12/2021 + 36 months − 1 day
NATIONAL = datetime.date(2025, 12, 30)  # the placeholder 31/12/2022 + 36 months − 1 day
BAC_NINH, VINH_LONG, AN_GIANG = "Tỉnh Bắc Ninh", "Tỉnh Vĩnh Long", "Tỉnh An Giang"

LANDED = {  # product → (today's province, stars, last valid day)
    "Vải sớm Phúc Hòa": (BAC_NINH, 4, BG_1),
    "Nem nướng Liên Chung": (BAC_NINH, 4, BG_1),
    "Măng Lục trúc tươi Lâm sinh Ngọc Châu": (BAC_NINH, 4, BG_1),
    "Chả Gà": (BAC_NINH, 4, BG_1),
    "Mỳ Gạo Lục Ngạn": (BAC_NINH, 4, BG_1),
    "Rượu Nếp cái hoa vàng": (BAC_NINH, 4, BG_1),
    "Rượu Cúc hoa tửu": (BAC_NINH, 4, BG_1),
    "Rượu Nếp ngâm hạ thổ": (BAC_NINH, 4, BG_1),
    "Vú Sữa Tân Yên": (BAC_NINH, 4, BG_1),
    "Đông Trùng Hạ thảo khô": (BAC_NINH, 4, BG_1),
    "Bánh Khảo Mộc Sơn": (BAC_NINH, 3, BG_1),
    "Đại An - Dầu mè đen": (BAC_NINH, 3, BG_1),
    "Snack Gạo JOY - Sốt cay ngọt": (BAC_NINH, 3, BG_1),
    "Dưa Kim hoàng hậu": (BAC_NINH, 4, BG_2),
    "Sâm nam núi Dành khô": (BAC_NINH, 4, BG_2),
    "Mật hoa dừa": (VINH_LONG, 5, NATIONAL),
    "Đường hoa dừa": (VINH_LONG, 5, NATIONAL),
    "Dừa sáp sợi (VICOSAP)": (VINH_LONG, 5, NATIONAL),
    "Nước mắm Phú Quốc Khải Hoàn 38 độ đạm": (AN_GIANG, 5, NATIONAL),
}
# The producers whose published address is "huyện Tân Yên" / "huyện Yên Thế": the commune the officer picks.
PICKED = {
    "Hợp tác xã Sản xuất - Tiêu thụ Vải sớm Phúc Hòa": "Xã Phúc Hòa",
    "Hợp tác xã Nem nướng Liên Chung": "Xã Liên Chung",
    "Hợp tác xã Măng Lục trúc Lâm sinh Ngọc Châu": "Xã Ngọc Châu",
    "Hợp tác xã Sản xuất - Tiêu thụ sản phẩm Vú sữa Hợp Đức": "Xã Hợp Đức",
    "Hợp tác xã Nông nghiệp Xanh": "Thị trấn Phồn Xương",  # a stand-in: the source names no commune
}


def _province(name: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, name=name)


def _errors(upload) -> dict[str, list[str]]:
    return {
        r["product"]: [p["code"] for p in r["problems"] if p["severity"] == "error"]
        for r in upload.rows
        if r["has_error"]
    }


def test_the_published_lists_import_into_todays_provinces_catalogue_and_figures_and_one_is_re_evaluated(
    cast, django_capture_on_commit_callbacks
):
    upload = services.history_upload_create(actor=cast.central, content=FILE.read_bytes(), filename=FILE.name)
    # Every published address is read, though Bắc Giang's rows name no province and some units changed since
    # (huyện Việt Yên became a town, huyện Yên Dũng joined the city, Thị trấn Chũ left huyện Lục Ngạn,
    # huyện Phú Quốc became a city and its Thị trấn Dương Đông a ward). What stops the file: five producers
    # whose address stops at the district, where a new producer cannot sit.
    assert _errors(upload) == {
        product: ["address_not_commune"]
        for product in (
            "Vải sớm Phúc Hòa",
            "Nem nướng Liên Chung",
            "Măng Lục trúc tươi Lâm sinh Ngọc Châu",
            "Chả Gà",
            "Vú Sữa Tân Yên",
        )
    }
    rows = {r["producer"]: r for r in upload.rows}
    # The communes of the district are offered, the one the producer's name carries first and marked.
    for producer, commune in PICKED.items():
        offered = rows[producer]["communes"]
        names = [name for _id, name, _marked in offered]
        assert commune in names
        if producer != "Hợp tác xã Nông nghiệp Xanh":
            assert (offered[0][1], offered[0][2]) == (commune, True)
        else:
            assert not any(marked for *_rest, marked in offered)

    def pick(producer: str, commune: str) -> str:
        return next(f"commune:{i}" for i, name, _m in rows[producer]["communes"] if name == commune)

    choices = {rows[producer]["group"]: pick(producer, commune) for producer, commune in PICKED.items()}
    upload = services.history_upload_choose(actor=cast.central, upload=upload, choices=choices)
    assert upload.ok, _errors(upload)
    with django_capture_on_commit_callbacks(execute=True):
        services.history_import_start(actor=cast.central, upload=upload)
    upload.refresh_from_db()
    assert upload.status == "applied", upload.error

    # Every row lands in today's province, with its stars and last valid day, recorded from a paper decision.
    certificates = Certificate.objects.select_related("product__producer__unit__current_province", "decision")
    landed = {
        c.product.name: (c.product.producer.unit.current_province.name, c.stars, c.valid_until)
        for c in certificates
    }
    assert landed == LANDED
    assert {c.origin for c in certificates} == {Origin.PAPER}
    assert sorted({(c.decision.number, c.decision.date, c.decision.issuer_name) for c in certificates}) == [
        ("1387/QĐ-UBND", datetime.date(2021, 12, 9), "Tỉnh Bắc Giang"),
        ("CHUA-RO-SO/QĐ-BNN (OCOP quốc gia 2022 đợt 1)", datetime.date(2022, 12, 31), "Trung ương"),
        ("CHUA-RO-SO/QĐ-UBND (BG đợt 1-2021)", datetime.date(2021, 8, 26), "Tỉnh Bắc Giang"),
    ]
    # One producer per published producer: Vân Hương's three wines and Trà Vinh FARM's two products share one.
    assert len({c.product.producer_id for c in certificates}) == 16
    picked = {
        c.product.producer.name: c.product.producer.unit.name
        for c in certificates
        if c.product.producer.name in PICKED
    }
    # They sit in today's commune of the picked one (the 2025 merger, as the loaded successions give it).
    assert picked == {
        "Hợp tác xã Sản xuất - Tiêu thụ Vải sớm Phúc Hòa": "Xã Phúc Hòa",
        "Hợp tác xã Nem nướng Liên Chung": "Xã Phúc Hòa",
        "Hợp tác xã Măng Lục trúc Lâm sinh Ngọc Châu": "Xã Ngọc Thiện",
        "Hợp tác xã Sản xuất - Tiêu thụ sản phẩm Vú sữa Hợp Đức": "Xã Phúc Hòa",
        "Hợp tác xã Nông nghiệp Xanh": "Xã Yên Thế",
    }

    # The catalogue of today's province holds each with its stars and expiry (expired: indexed, not listed).
    entries = {e.name: e for e in CatalogEntry.objects.select_related("province")}
    assert {
        name: (e.province.name, e.stars, e.certificate_valid_until) for name, e in entries.items()
    } == LANDED
    assert {e.certificate_state for e in entries.values()} == {"expired"}
    assert not any(e.listed for e in entries.values())

    # Figures: on 31 December 2022 every one of them was in force, counted in today's province.
    def figures(province: str) -> dict[str, int | float | None]:
        return {f.code: f.value_number for f in indicator_values(None, _province(province), 2022)}

    bac_ninh, vinh_long, an_giang = figures(BAC_NINH), figures(VINH_LONG), figures(AN_GIANG)
    assert (
        bac_ninh["products_recognised"],
        bac_ninh["products_recognised_4"],
        bac_ninh["products_recognised_3"],
    ) == (15, 12, 3)
    assert (vinh_long["products_recognised"], vinh_long["products_recognised_5"]) == (3, 3)
    assert (an_giang["products_recognised"], an_giang["products_recognised_5"]) == (1, 1)

    # One of them is re-evaluated through the normal cycle, its imported certificate as the previous one.
    with django_capture_on_commit_callbacks(execute=True):
        renewed = _re_evaluate(cast, Certificate.objects.get(product__name="Rượu Nếp cái hoa vàng"))
    entry = CatalogEntry.objects.get(product=renewed.product)
    assert (entry.listed, entry.stars, entry.certificate_number) == (True, 4, renewed.number)
    assert figures(BAC_NINH)["products_recognised"] == 15  # 2022 is what it was
    this_year = {
        f.code: f.value_number for f in indicator_values(None, cast.province, timezone.localdate().year)
    }
    assert this_year["products_recognised"] == 1  # today only the re-evaluated one is in force


def _re_evaluate(cast, imported: Certificate) -> Certificate:
    """As tests/history/test_records.py does: the producer (in Phường Vân Hà today, the cast's commune) gets a
    member, moves its product to the set of the version in force, opens a re-evaluation naming the imported
    certificate; the council recognises it; the province's decision is approved."""
    product = imported.product
    assert product.producer.unit == cast.commune
    producer_member_add(actor=cast.commune_officer, producer=product.producer, user=cast.other_producer_user)
    product = product_update(
        actor=cast.other_producer_user,
        product=product,
        product_set=ProductSet.objects.get(version__code="2023", code="7.1"),
    )
    dossier = dossier_create(
        actor=cast.other_producer_user,
        product=product,
        year=timezone.localdate().year,
        application_type="reevaluation",
        target_stars=4,
        previous_certificate=imported.number,
    )
    assert dossier.previous_certificate_id == imported.pk
    item = recognise_again(cast, product)
    assert (item.kind, item.previous_certificate_id) == ("reevaluation", imported.pk)
    day = item.decision.date
    renewed = Certificate.objects.get(product=product, origin=Origin.OCOP)
    assert (renewed.stars, renewed.valid_until) == (
        4,
        day.replace(year=day.year + 3) - datetime.timedelta(days=1),
    )
    imported.refresh_from_db()
    assert renewed.replaces_id == imported.pk
    return renewed
