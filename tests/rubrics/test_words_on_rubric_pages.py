"""Rubric pages and imports speak in words (issue 12, item 6): level names instead of level codes, column names
as the template writes them, data-source notes kept for those who maintain the data."""

from __future__ import annotations

import io

import pytest

from ocop.rubrics.issues import Issue
from ocop.rubrics.services import history_import_preview, rubric_version_load
from tests.rubrics.helpers import raw

pytestmark = pytest.mark.django_db


def test_a_level_that_cannot_recognise_is_named_as_the_version_names_it(cast):
    row = 'Chè xanh,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,,2/QĐ-UBND,15/03/2024,huyện'
    header = "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Điểm,Số quyết định,Ngày quyết định,Cấp công nhận"
    preview = history_import_preview(actor=cast.province_officer, content=f"{header}\n{row}".encode())
    (issue,) = preview.rows[0].issues
    assert issue.code == "level_cannot_recognise"
    assert issue.message("vi") == "Cấp huyện không công nhận hạng 4 sao theo phân cấp ngày 15/03/2024."
    assert issue.message("en") == (
        "Under the duties in force on 15/03/2024, the District level does not recognise 4 stars."
    )


def test_a_renamed_level_is_named_as_the_loaded_version_names_it(cast):
    data = raw("2023")
    next(lv for lv in data["levels"] if lv["code"] == "district")["name"] = "Cấp huyện (cũ)"
    rubric_version_load(actor=None, data=data, source="2023-sua-doi.yaml")
    row = 'Chè xanh,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,,2/QĐ-UBND,15/03/2024,huyện'
    header = "Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Điểm,Số quyết định,Ngày quyết định,Cấp công nhận"
    preview = history_import_preview(actor=cast.province_officer, content=f"{header}\n{row}".encode())
    (issue,) = preview.rows[0].issues
    assert issue.message("vi") == "Cấp huyện (cũ) không công nhận hạng 4 sao theo phân cấp ngày 15/03/2024."


def test_a_level_named_by_no_caller_reads_as_its_code():
    issue = Issue("level_cannot_recognise", (), {"date": "21/08/2021", "level": "district", "stars": 4})
    assert issue.message("vi") == "district không công nhận hạng 4 sao theo phân cấp ngày 21/08/2021."


def test_the_version_page_names_levels_and_keeps_source_notes_for_maintainers(client, cast, login):
    page = client.get("/rubrics/2023/").content.decode()
    assert "<strong>Cấp huyện</strong>:" in page and "<strong>Cấp tỉnh</strong>:" in page
    assert "<strong>district</strong>" not in page
    assert "nguồn thứ cấp" not in page  # a note about where the taxonomy was read from
    assert "nguồn thứ cấp" in login(cast.central).get("/rubrics/2023/").content.decode()


def test_own_column_names_are_given_by_the_standard_header(cast, login):
    officer = login(cast.province_officer)
    text = (
        "SP,Đơn vị,Nơi sản xuất,Sao,QĐ số,Ngày ký,Nhóm\n"
        'Vải thiều,HTX Vân Hà,"xã Vân Hà, huyện Việt Yên, Bắc Giang",4,1/QĐ-UBND,21/08/2021,1.1\n'
    )
    mapping = (
        "Tên sản phẩm = SP\nChủ thể = Đơn vị\nĐịa chỉ = Nơi sản xuất\nHạng sao = Sao\n"
        "Số quyết định = QĐ số\nngay quyet dinh = Ngày ký\nBộ sản phẩm = Nhóm"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "rieng.csv"
    page = officer.post("/history/", {"file": upload, "mapping": mapping}, follow=True)
    upload_record = page.context["upload"]
    assert upload_record.ok, upload_record.rows
    assert "Vải thiều" in page.content.decode()
    upload.seek(0)
    bad = officer.post("/history/", {"file": upload, "mapping": "san pham = SP"})
    assert "không đúng dạng" in bad.content.decode()


def test_a_missing_history_column_is_named_as_the_template_writes_it(cast, login):
    officer = login(cast.province_officer)
    upload = io.BytesIO(
        "Tên sản phẩm,Chủ thể,Hạng sao,Số quyết định,Ngày quyết định\nA,B,4,1/QĐ,21/08/2021\n".encode()
    )
    upload.name = "thieu.csv"
    page = officer.post("/history/", {"file": upload}, follow=True).content.decode()
    assert "Thiếu cột «Địa chỉ»" in page
    assert "«address»" not in page and "«địa chỉ»" not in page
