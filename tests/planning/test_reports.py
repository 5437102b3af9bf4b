"""The report upward of a unit and year: its figures equal the API's for the same unit and year; made in the
background from the reports page, as XLSX and PDF; a province sees the reports its communes made."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone

from ocop.planning.models import ProgrammeReport, ReportStatus
from ocop.planning.services import programme_plan_create

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def bac_ninh(programme, django_capture_on_commit_callbacks):
    cast = programme.cast
    coop = programme.producer("Hợp tác xã Mật ong Vân Hà", "cooperative", cast.commune)
    firm = programme.producer("Công ty Gạo Bắc Giang", "enterprise", cast.other_commune)
    honey = programme.product(coop, "Mật ong hoa vải")
    lychee = programme.product(coop, "Vải thiều sấy")
    rice = programme.product(firm, "Gạo nếp cái hoa vàng")
    with django_capture_on_commit_callbacks(execute=True):
        programme.certify([(honey, 4), (lychee, 3), (rice, 3)], number="88/QĐ-UBND")
    programme_plan_create(
        actor=cast.province_officer,
        unit=cast.province,
        year_from=YEAR,
        targets=[
            {"indicator": "products_recognised", "value": 45},
            {"indicator": "producers_cooperative_share", "value": 20},
        ],
    )
    return programme


def _sheet_rows(book, name):
    return [list(row) for row in book[name].iter_rows(min_row=4, values_only=True)]


def test_the_xlsx_report_has_the_apis_figures(client, cast, bac_ninh, api_token):
    headers = api_token(cast.province_officer)
    values = client.get(
        "/api/v1/indicators/values", {"unit": cast.province.code, "year": YEAR}, **headers
    ).json()
    by_code = {item["code"]: item for item in values["items"]}
    response = client.get(f"/api/v1/reports/{cast.province.code}/{YEAR}.xlsx", **headers)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    progress = {row[0]: row for row in _sheet_rows(book, "Chỉ tiêu")}
    for code, item in by_code.items():
        shown = progress[code][4]
        assert shown == (item["value"] if item["value"] is not None else "Chưa có dữ liệu"), code
        assert (progress[code][3] or None) == item["target"], code
    stars = _sheet_rows(book, "Sao theo nhóm")
    assert stars[-1][0] == "Tổng số"
    assert stars[-1][1:] == [
        by_code["products_recognised_3"]["value"],
        by_code["products_recognised_4"]["value"],
        by_code["products_recognised_5"]["value"],
        by_code["products_recognised"]["value"],
    ]
    forms = {row[0]: row for row in _sheet_rows(book, "Chủ thể")}
    assert forms["Hợp tác xã"][1] == by_code["producers_cooperative"]["value"] == 1
    assert forms["Tổng số"][1] == by_code["producers"]["value"] == 2
    products = _sheet_rows(book, "Sản phẩm OCOP")
    assert len(products) == by_code["products_recognised"]["value"] == 3
    assert {row[6] for row in products} == {"88/QĐ-UBND"}


def test_a_report_outside_the_area_is_not_found(client, cast, api_token):
    headers = api_token(cast.commune_officer)
    assert client.get(f"/api/v1/reports/{cast.province.code}/{YEAR}.xlsx", **headers).status_code == 404
    assert client.get(f"/api/v1/reports/{cast.commune.code}/{YEAR}.xlsx", **headers).status_code == 200


def test_reports_are_made_in_the_background_and_a_province_sees_its_communes(
    client, cast, bac_ninh, login, django_capture_on_commit_callbacks
):
    login(cast.commune_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/planning/reports/", {"unit": cast.commune.code, "year": YEAR})
    assert response.status_code == 302
    report = ProgrammeReport.objects.get()
    assert report.status == ReportStatus.READY
    pdf = client.get(f"/planning/reports/{report.pk}/pdf/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    login(cast.province_officer)
    page = client.get("/planning/reports/").content.decode()
    assert cast.commune.name in page
    xlsx = client.get(f"/planning/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200
    login(cast.other_commune_officer)
    assert client.get(f"/planning/reports/{report.pk}/xlsx/").status_code == 404
