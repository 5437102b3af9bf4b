"""A province officer adopts the year's plan (form, API or the office's own sheet), sees each target beside
its value, and a bad plan is refused with every problem listed and nothing stored."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.utils import timezone

from ocop.audit.models import AuditEvent
from ocop.planning.models import PlanTarget, ProgrammePlan
from ocop.planning.services import programme_plan_create

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _post(client, headers, body):
    return client.post("/api/v1/plans", json.dumps(body), content_type="application/json", **headers)


def test_a_province_adopts_its_plan_through_the_api(client, cast, api_token):
    headers = api_token(cast.province_officer)
    body = {
        "unit": cast.province.code,
        "year": YEAR,
        "decision_number": "1234/QĐ-UBND",
        "decision_date": f"{YEAR}-02-15",
        "targets": [
            {"indicator": "products_recognised", "value": 45},
            {"indicator": "five_star_candidates", "value": 10},
            {"indicator": "producers_cooperative_share", "value": 20},
        ],
        "activities": [
            {"name": "Tập huấn cán bộ OCOP", "agency": "Sở Nông nghiệp và Môi trường", "budget": 150000000}
        ],
    }
    assert not ProgrammePlan.objects.exists()
    response = _post(client, headers, body)
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["unit"] == cast.province.code and plan["year"] == YEAR
    assert [t["indicator"] for t in plan["targets"]] == [
        "products_recognised",
        "five_star_candidates",
        "producers_cooperative_share",
    ]
    assert plan["targets"][2]["kind"] == "share"
    assert AuditEvent.objects.filter(action="programme_plan.create").count() == 1
    listed = client.get("/api/v1/plans", {"unit": cast.province.code, "year": YEAR}, **headers).json()
    assert listed["count"] == 1
    values = client.get("/api/v1/indicators/values", {"unit": cast.province.code}, **headers).json()
    targets = {item["code"]: item["target"] for item in values["items"]}
    assert targets["products_recognised"] == 45 and targets["producers_cooperative_share"] == 20
    assert targets["fairs"] is None


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"indicator": "so_dep_trai", "value": 3}, "indicator"),
        ({"indicator": "products_recognised", "value": -5}, "value"),
        ({"indicator": "products_recognised", "value": "bốn mươi"}, "value"),
        ({"indicator": "producers_cooperative_share", "value": 120}, "value"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_is_stored(client, cast, api_token, target, field):
    headers = api_token(cast.province_officer)
    body = {
        "unit": cast.province.code,
        "year": YEAR,
        "targets": [{"indicator": "producers", "value": 10}, target],
    }
    before = AuditEvent.objects.count()
    response = _post(client, headers, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "programme_plan_invalid" or error["code"] == "indicator_unknown"
    assert [(d["row"], d["field"]) for d in error["details"]] == [(2, field)]
    assert not ProgrammePlan.objects.exists() and AuditEvent.objects.count() == before


def test_a_unit_outside_the_officers_area_is_refused(client, cast, api_token):
    headers = api_token(cast.other_province_officer)
    response = _post(client, headers, {"unit": cast.province.code, "year": YEAR, "targets": []})
    assert response.status_code == 404
    assert not ProgrammePlan.objects.exists()


def test_commune_targets_roll_up_beside_the_provinces(client, cast, login):
    province_plan = programme_plan_create(
        actor=cast.province_officer,
        unit=cast.province,
        year_from=YEAR,
        targets=[{"indicator": "products_recognised", "value": 45}],
    )
    for unit, value in ((cast.commune, 10), (cast.other_commune, 20)):
        programme_plan_create(
            actor=cast.province_officer,
            unit=unit,
            year_from=YEAR,
            targets=[{"indicator": "products_recognised", "value": value}],
        )
    from ocop.planning.selectors import plan_rollup

    (row,) = plan_rollup(province_plan, YEAR)
    assert (row.own, row.lower_sum, row.lower_plans, row.gap) == (45, 30, 2, -15)
    login(cast.province_officer)
    page = client.get(f"/planning/plans/{province_plan.pk}/")
    assert page.status_code == 200
    assert "Chỉ tiêu của cấp dưới cộng lại" in page.content.decode()


def test_the_plan_form_stores_targets_and_activities(client, cast, login):
    login(cast.commune_officer)
    form = {
        "unit": cast.commune.code,
        "year": YEAR,
        "decision_number": "15/KH-UBND",
        "target_products_recognised": "3",
        "target_products_evaluated": "4",
        "target_products_evaluated_max": "6",
        "activities": "Hội chợ OCOP phường | UBND phường | Quý III | 20.000.000 | Ngân sách phường",
    }
    response = client.post("/planning/plans/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = ProgrammePlan.objects.get(unit=cast.commune)
    ranges = {t.indicator: (t.kind, t.value, t.value_max) for t in plan.targets.all()}
    assert ranges["products_evaluated"] == ("range", 4, 6)
    assert plan.activities.get().budget_vnd == 20_000_000
    bad = dict(form, unit=cast.other_commune.code, target_products_recognised="-1")
    response = client.post("/planning/plans/new/", bad)
    assert response.status_code in (400, 404)
    assert ProgrammePlan.objects.count() == 1


def _sheet(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADINGS = [
    "Mã đơn vị",
    "Năm",
    "Số quyết định",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Giá trị",
    "Nội dung nhiệm vụ",
    "Kinh phí",
]


def test_an_office_sheet_is_previewed_then_imported(client, cast, login):
    login(cast.province_officer)
    content = _sheet(
        [
            HEADINGS,
            ["24", YEAR, "99/KH-UBND", "products_recognised", "Sản phẩm ≥3 sao", 45, None, None],
            ["24", YEAR, None, "shops", "Điểm bán", 5, None, None],
            ["24", YEAR, None, None, None, None, "Hội chợ OCOP tỉnh", 500000000],
            [
                7798,
                YEAR,
                None,
                "products_recognised",
                None,
                5,
                None,
                None,
            ],  # a code the sheet turned into a number
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "ke-hoach.xlsx"
    page = client.post("/planning/plans/import/", {"file": upload})
    assert page.status_code == 200 and not ProgrammePlan.objects.exists()
    token = page.context["token"]
    assert token and len(page.context["preview"].plans) == 2
    done = client.post("/planning/plans/import/", {"confirm": token})
    assert done.status_code == 302
    plan = ProgrammePlan.objects.get(unit=cast.province)
    assert plan.decision_number == "99/KH-UBND"
    assert {t.indicator: t.value for t in plan.targets.all()} == {"products_recognised": 45, "shops": 5}
    assert ProgrammePlan.objects.get(unit=cast.commune).targets.count() == 1


def test_a_sheet_with_any_bad_row_imports_nothing(client, cast, api_token):
    headers = api_token(cast.province_officer)
    content = _sheet(
        [
            [*HEADINGS, "Màu yêu thích"],
            ["24", YEAR, None, "products_recognised", None, 45, None, None, "xanh"],
        ]
    )
    response = client.post("/api/v1/plans/import", {"file": io.BytesIO(content)}, **headers)
    assert response.status_code == 400
    assert response.json()["code"] == "programme_plan_import_invalid"
    assert "mau yeu thich" in response.json()["message"]
    content = _sheet(
        [
            HEADINGS,
            ["24", YEAR, None, "products_recognised", None, 45, None, None],
            ["24", YEAR, None, "khong_co", None, 3, None, None],
            ["24", YEAR, None, "shops", None, -2, None, None],
            ["01", YEAR, None, "shops", None, 2, None, None],  # Hà Nội: outside Bắc Ninh's officer's area
            ["24", YEAR, None, "fairs", None, "nhiều", None, None],
        ]
    )
    response = client.post("/api/v1/plans/import", {"file": io.BytesIO(content)}, **headers)
    assert response.status_code == 400
    rows = [(d["row"], d["code"]) for d in response.json()["details"]]
    assert rows == [
        (3, "indicator_unknown"),
        (4, "programme_plan_invalid"),
        (5, "programme_plan_forbidden"),
        (6, "programme_plan_invalid"),
    ]
    assert not ProgrammePlan.objects.exists() and not PlanTarget.objects.exists()
