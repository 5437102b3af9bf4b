"""The rubric pages: public versions and sheets with "what held it back", imports for the right officers."""

from __future__ import annotations

import io

import pytest

from ocop.rubrics.models import Sheet

from .helpers import best_answers, version
from .test_sheet_import import rows_of, synthetic, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_versions_and_a_version(client):
    page = client.get("/rubrics/")
    assert page.status_code == 200
    assert "1048/QĐ-TTg" in page.content.decode()
    detail = client.get("/rubrics/2023/").content.decode()
    assert "Sinh vật cảnh" in detail and "từ 70 đến dưới 90" in detail
    assert client.get("/rubrics/1999/").status_code == 404


def test_the_sheet_page_scores_and_explains_what_held_it_back(client):
    answers = {**best_answers(version("2019"), "1.1", "cooperative"), "6.2": "a", "4.3": "b", "5.1": "a"}
    params = {f"c-{code}": option for code, option in answers.items()} | {"legal_form": "cooperative"}
    page = client.get("/rubrics/2019/sheets/1.1/", params).content.decode()
    assert "Tổng điểm 78: hạng 4 sao" in page
    assert "Để lên 5 sao, chỉ cần cải thiện 2 tiêu chí:" in page
    assert "6.2 «Màu sắc, độ chín»: đạt mức «Rất phù hợp» (thêm 8 điểm)." in page
    gated = client.get(
        "/rubrics/2019/sheets/8.2/",
        {**{f"c-{c}": o for c, o in best_answers(version("2019"), "8.2").items()}, "g-loai-1.1": "1"},
    )
    assert "Sản phẩm không được công nhận vì:" in gated.content.decode()


def test_only_central_officers_may_import_a_sheet(cast, login, client):
    for person in (cast.province_officer, cast.producer_user):
        assert login(person).get("/rubrics/2023/import/").status_code == 404
    client.logout()
    assert client.get("/rubrics/2023/import/").status_code == 302  # to the login page


def test_a_central_officer_imports_a_sheet_with_preview_then_confirm(cast, login):
    officer = login(cast.central)
    content = xlsx_bytes(rows_of(synthetic(), "1.1"))
    upload = io.BytesIO(content)
    upload.name = "phu-luc-iii-1.1.xlsx"
    # 1.2 has no shipped sheet in 2023 (1.1 has one, and an import would replace it).
    preview = officer.post("/rubrics/2023/import/", {"product_set": "1.2", "file": upload})
    assert preview.status_code == 200
    assert not Sheet.objects.filter(version__code="2023", product_set__code="1.2").exists()  # writes nothing
    token = preview.context["token"]
    assert token
    done = officer.post("/rubrics/2023/import/", {"confirm": token})
    assert done.status_code == 302
    assert Sheet.objects.filter(version__code="2023", product_set__code="1.2").exists()
    page = officer.get("/rubrics/2023/sheets/1.2/").content.decode()
    assert "Nguồn nguyên liệu" in page


def test_importing_over_a_shipped_sheet_says_so_before_anything_changes(cast, login):
    officer = login(cast.central)
    upload = io.BytesIO(xlsx_bytes(rows_of(synthetic(), "1.1")))
    upload.name = "khac.xlsx"
    preview = officer.post("/rubrics/2023/import/", {"product_set": "1.1", "file": upload})
    assert "Bộ sản phẩm này đã có phiếu (nguồn: Ứng dụng chấm điểm OCOP_SCORE" in preview.content.decode()
    assert preview.context["token"]  # a warning: the officer may still confirm
    assert Sheet.objects.get(version__code="2023", product_set__code="1.1").source.startswith("Ứng dụng")


def test_a_broken_sheet_shows_every_problem_and_offers_no_confirm(cast, login):
    officer = login(cast.central)
    upload = io.BytesIO("Phần,Mã tiêu chí,Tiêu chí,Lựa chọn,Điểm\nD,1.1,Nguồn,Ít,ba\n".encode())
    upload.name = "hong.csv"
    page = officer.post("/rubrics/2023/import/", {"product_set": "1.1", "file": upload})
    body = page.content.decode()
    assert page.context["token"] is None
    assert "dòng 2 › cột Phần" in body and "dòng 2 › cột Điểm" in body


def test_the_old_history_address_leads_to_the_history_import(cast, login):
    officer = login(cast.province_officer)
    response = officer.get("/rubrics/history/")
    assert (response.status_code, response["Location"]) == (302, "/history/")
