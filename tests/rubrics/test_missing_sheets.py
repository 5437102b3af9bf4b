"""The central officer's page of product sets without a digital sheet (issue 12), its XLSX template to fill,
and the round trip: the template filled in goes through the sheet import's preview and import unchanged."""

from __future__ import annotations

import io

import openpyxl
import pytest

from ocop.rubrics.models import Sheet
from ocop.rubrics.sheet_import import COLUMN_LABELS, COLUMNS

from .test_sheet_import import rows_of, synthetic

pytestmark = pytest.mark.django_db

PAGE = "/rubrics/missing-sheets/"
TEMPLATE = "/rubrics/2023/sheets/3.1/template.xlsx"


def test_the_page_lists_the_sets_of_the_version_in_force_without_a_sheet(cast, login):
    html = login(cast.central).get(PAGE).content.decode()
    assert "2023" in html
    assert 'data-set="2.2"' in html and 'data-set="3.1"' in html
    assert TEMPLATE in html
    assert 'href="/rubrics/2023/import/"' in html
    older = login(cast.central).get(PAGE + "?version=2019")
    assert older.status_code == 200 and older.context["row"].code == "2019"
    assert 'data-set="8.2"' not in older.content.decode()  # 2019 ships a sheet for 8.2


def test_only_central_officers_see_the_page_and_the_templates(cast, login, client):
    for person in (cast.province_officer, cast.producer_user, cast.council1):
        assert login(person).get(PAGE).status_code == 404
        assert login(person).get(TEMPLATE).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302
    assert client.get(TEMPLATE).status_code == 302


def test_an_unknown_version_or_set_is_a_404(cast, login):
    officer = login(cast.central)
    assert officer.get(PAGE + "?version=1999").status_code == 404
    assert officer.get("/rubrics/2023/sheets/99.9/template.xlsx").status_code == 404


def test_the_template_has_exactly_the_import_columns_and_a_filled_one_is_imported(cast, login):
    officer = login(cast.central)
    response = officer.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "phieu-danh-gia-2023-3.1.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[2]]
    assert header == [COLUMN_LABELS[key] for key in COLUMNS]
    assert "3.1" in sheet["A1"].value
    # Fill it the way an officer would: one row per option, each value under its column's name.
    keyed = rows_of(synthetic(), "1.1")
    by_name = [dict(zip(keyed[0], row, strict=True)) for row in keyed[1:]]
    for values in by_name:
        sheet.append([values.get(name, "") for name in header])
    filled = io.BytesIO()
    workbook.save(filled)
    filled.seek(0)
    filled.name = "phieu-3.1.xlsx"
    preview = officer.post("/rubrics/2023/import/", {"product_set": "3.1", "file": filled})
    assert preview.status_code == 200
    assert preview.context["preview"].ok, preview.context["issues"]
    done = officer.post("/rubrics/2023/import/", {"confirm": preview.context["token"]})
    assert done.status_code == 302
    assert Sheet.objects.filter(version__code="2023", product_set__code="3.1").exists()
    html = officer.get(PAGE).content.decode()
    assert 'data-set="3.1"' not in html and 'data-set="2.2"' in html


def test_a_frozen_version_says_the_import_needs_an_amended_version(cast, login):
    from ocop.rubrics.models import RubricVersion
    from ocop.rubrics.services import rubric_version_freeze

    rubric_version_freeze(actor=None, version=RubricVersion.objects.get(code="2023"), reason="test")
    html = login(cast.central).get(PAGE).content.decode()
    assert 'id="frozen-note"' in html
