"""A province imports its past recognition decisions: places matched to their units, all or nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from ocop.certification.rules import valid_until
from ocop.core.dates import add_months
from ocop.core.errors import Forbidden
from ocop.rubrics.services import history_import_preview, rubric_version_load
from tests.state_support import nothing_changes

from .helpers import raw

pytestmark = pytest.mark.django_db

HEADER = "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Điểm,Số quyết định,Ngày quyết định,Cấp công nhận"


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode("utf-8")


GOOD = [
    'Vải thiều Lục Ngạn,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4 sao,72.5,1234/QĐ-UBND,21/08/2021,tỉnh',
    'Rượu làng Vân,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, tỉnh Bắc Giang",3,,55/QĐ-UBND,15/03/2024,huyện',
    'Mật ong rừng,Hộ Nguyễn Văn A,"Phường Vân Hà, Bắc Ninh",4,71,9/QĐ-UBND,10/08/2025,tỉnh',
]


def test_addresses_land_in_the_units_of_their_time_and_roll_up(cast):
    preview = history_import_preview(actor=cast.province_officer, content=csv(*GOOD), filename="qd.csv")
    assert preview.ok, [i.describe() for i in preview.all_issues]
    first, second, third = preview.rows
    assert (first.unit.era, first.unit.code, first.unit.name) == ("legacy", "07804", "Xã Vân Hà")
    assert first.current_province == cast.province  # Bắc Giang merged into Bắc Ninh
    assert (first.version.code, first.expires_on) == ("2019", date(2024, 8, 20))
    assert (second.version.code, second.level, second.stars) == ("2023", "district", 3)
    assert (third.unit.era, third.unit.code) == ("current", "07798")
    assert not any(r.flagged for r in preview.rows)


def test_a_score_that_disagrees_with_the_star_is_flagged_not_refused(cast):
    content = csv(
        'Vải thiều,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,65,1/QĐ-UBND,21/08/2021,tỉnh',
        'Chè xanh,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,,2/QĐ-UBND,15/03/2024,huyện',
    )
    preview = history_import_preview(actor=cast.province_officer, content=content)
    assert preview.ok
    assert [[i.code for i in r.issues] for r in preview.rows] == [
        ["score_star_mismatch"],
        ["level_cannot_recognise"],
    ]
    assert preview.rows[0].issues[0].message("vi") == (
        "Điểm 65 thuộc hạng 3 sao theo bộ tiêu chí 2019, nhưng quyết định ghi 4 sao."
    )


def test_rows_asking_the_same_refused_question_each_get_the_warning_on_their_own_row(cast):
    """The reader asks what a level recognised once per day, total, star and level: the answer, a refusal
    here (no district after July 2025), is each row's, under its own row number."""
    line = '{name},HTX Vân Hà,"Phường Vân Hà, Bắc Ninh",3,,8/QĐ-UBND,10/08/2025,huyện'
    preview = history_import_preview(
        actor=cast.province_officer, content=csv(*(line.format(name=name) for name in ("Chè", "Trà", "Gạo")))
    )
    issues = [[(i.code, i.where("vi")) for i in r.issues] for r in preview.rows]
    assert issues == [[("level_not_in_period", f"dòng {n} › cột Cấp công nhận")] for n in (2, 3, 4)]


def test_an_unknown_place_is_an_error_naming_the_row(cast):
    content = csv(
        *GOOD, 'Bánh đa,HTX X,"xã Không Có, huyện Việt Yên, Bắc Giang",3,,3/QĐ-UBND,01/02/2022,tỉnh'
    )
    preview = history_import_preview(actor=cast.province_officer, content=content)
    assert not preview.ok
    issue = [i for i in preview.all_issues if i.severity == "error"][0]
    assert issue.code == "unknown_place"
    assert issue.where("vi") == "dòng 5 › cột Địa chỉ"
    assert "Không Có" in issue.message("vi")


def test_rows_outside_the_officers_province_are_refused(cast):
    content = csv('Bánh cốm,HTX Ba Đình,"Phường Ba Đình, Hà Nội",3,,7/QĐ-UBND,10/09/2025,tỉnh')
    preview = history_import_preview(actor=cast.province_officer, content=content)
    assert [i.code for i in preview.all_issues] == ["outside_scope"]
    assert history_import_preview(actor=cast.central, content=content).ok


def test_only_officers_who_recognise_may_import(cast):
    for person in (cast.commune_officer, cast.producer_user, cast.council1):
        with nothing_changes(), pytest.raises(Forbidden):
            history_import_preview(actor=person, content=csv(*GOOD))


def test_an_xlsx_with_the_provinces_own_headers_is_read(cast):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP ĐÃ CÔNG NHẬN"])
    sheet.append(["SP", "Đơn vị", "Nơi sản xuất", "Sao", "Điểm số", "QĐ số", "Ngày ký"])
    sheet.append(
        [
            "Vải thiều",
            "HTX Vân Hà",
            "xã Vân Hà, huyện Việt Yên, Bắc Giang",
            4,
            75.5,
            "12/QĐ-UBND",
            date(2022, 1, 31),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapping = {
        "product": "SP",
        "producer": "Đơn vị",
        "address": "Nơi sản xuất",
        "stars": "Sao",
        "score": "Điểm số",
        "decision_number": "QĐ số",
        "decision_date": "Ngày ký",
    }
    preview = history_import_preview(
        actor=cast.province_officer, content=buffer.getvalue(), filename="cu.xlsx", mapping=mapping
    )
    (row,) = preview.rows
    assert (row.stars, row.score, row.expires_on, row.level) == (4, 75.5, date(2025, 1, 30), "province")


def test_expiry_adds_whole_months_and_clamps_the_day():
    assert add_months(date(2021, 8, 21), 36) == date(2024, 8, 21)
    assert add_months(date(2021, 2, 28), 36) == date(2024, 2, 28)
    assert add_months(date(2020, 2, 29), 36) == date(2023, 2, 28)
    assert add_months(date(2021, 5, 31), 1) == date(2021, 6, 30)


@pytest.mark.parametrize(
    "decided", [date(2021, 8, 21), date(2020, 2, 29), date(2024, 3, 1), date(2025, 8, 10)]
)
def test_an_imported_decision_ends_the_day_a_certificate_of_that_decision_would(cast, decided):
    """The last valid day shown for a past decision is the `valid_until` certification gives a certificate of a
    decision of the same date (36 months less a day), not one day later."""
    row = f'Mật ong,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,,9/QĐ-UBND,{decided:%d/%m/%Y},tỉnh'
    preview = history_import_preview(actor=cast.province_officer, content=csv(row), filename="qd.csv")
    (found,) = preview.rows
    assert found.expires_on == valid_until(decided)
    assert found.expires_on == add_months(decided, 36) - timedelta(days=1)


def test_the_stars_a_row_may_carry_are_the_bands_the_loaded_version_recognises(cast):
    six = 'Mật ong,HTX Vân Hà,"Phường Vân Hà, Bắc Ninh",6 sao,,9/QĐ-UBND,10/08/2025,tỉnh'
    preview = history_import_preview(actor=cast.province_officer, content=csv(six))
    (issue,) = preview.all_issues
    assert (issue.code, issue.message("vi")) == (
        "not_stars",
        "Hạng sao «6 sao» không hợp lệ; bộ tiêu chí có hiệu lực ngày quyết định công nhận hạng 3, 4, 5 sao.",
    )
    three = 'Mật ong,HTX Vân Hà,"Phường Vân Hà, Bắc Ninh",3,,9/QĐ-UBND,10/08/2025,tỉnh'
    assert history_import_preview(actor=cast.province_officer, content=csv(three)).ok

    data = raw("2023")
    next(b for b in data["bands"] if b["stars"] == 3)["recognised"] = False
    rubric_version_load(actor=None, data=data, source="2023-sua-doi.yaml")

    refused = history_import_preview(actor=cast.province_officer, content=csv(three))
    assert [(i.code, i.params["allowed"]) for i in refused.all_issues] == [("not_stars", "4, 5")]
