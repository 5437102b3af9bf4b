"""A sheet keyed in as a spreadsheet (one row per option) becomes a checked sheet that scores."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from ocop.rubrics.engine import score_sheet
from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.loader import parse_version
from ocop.rubrics.sheet_import import merge_sheet, sheet_from_rows
from ocop.rubrics.tables import read_rows

from .helpers import best_answers, raw, synthetic, version

HEADER = ["Phần", "Nhóm tiêu chí", "Mã tiêu chí", "Tiêu chí", "Lựa chọn", "Điểm", "Ghi chú"]


def rows_of(v, product_set):
    """The rows an officer would key in for a sheet, with the optional columns this sheet needs."""
    sheet = v.sheet(product_set)
    names = {g.code: g.name for g in sheet.groups}
    rows = [
        [
            *HEADER,
            "Trường hợp",
            "Loại hình",
            "Điều kiện áp dụng",
            "Loại/dừng",
            "Điểm khuyến khích",
            "Bắt buộc cho hạng sao",
        ]
    ]
    for criterion in sheet.criteria:
        first = True
        for alternative in criterion.alternatives:
            for option in alternative.options:
                condition = criterion.applies_when
                gate = criterion.gates[0] if criterion.gates else None
                mandatory = [
                    r.stars
                    for r in sheet.requirements
                    if r.criterion == criterion.code and r.min_points == option.points
                ]
                rows.append(
                    [
                        criterion.part if first else "",
                        f"{criterion.group}. {names[criterion.group]}" if first else "",
                        criterion.code,
                        criterion.name if first else "",
                        option.text,
                        float(option.points),
                        (gate.text if gate else criterion.note) if first else "",
                        alternative.code if len(criterion.alternatives) > 1 else "",
                        ", ".join(alternative.legal_forms),
                        f"{condition.criterion} >= {condition.min_points}" if condition else "",
                        ("loại" if gate.kind == "disqualify" else "dừng") if gate and first else "",
                        "x" if criterion.bonus else "",
                        str(mandatory[0]) if mandatory else "",
                    ]
                )
                first = False
    return rows


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Phụ lục III – Phiếu đánh giá (bản nhập liệu)"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_2019_sheet_keyed_in_as_rows_scores_like_the_shipped_one():
    v = version("2019")
    result = sheet_from_rows(rows_of(v, "8.2"), version=v, product_set="8.2")
    assert result.ok, [i.describe() for i in result.issues]
    assert [c.code for c in result.sheet.criteria] == [c.code for c in v.sheet("8.2").criteria]
    assert [g.code for g in result.sheet.gates] == ["loai-1.1", "dung-6.1", "dung-9"]
    assert result.rows_read == sum(len(c.options) for c in v.sheet("8.2").criteria)


def test_a_sheet_imported_from_xlsx_into_2023_loads_and_scores():
    source = synthetic()
    content = xlsx_bytes(rows_of(source, "1.1"))
    v2023 = version("2023")
    result = sheet_from_rows(read_rows(content, "phieu.xlsx"), version=v2023, product_set="1.1")
    assert result.ok, [i.describe() for i in result.issues]
    merged = parse_version(merge_sheet(raw("2023"), result.data))
    assert sorted(merged.sheets) == ["1.1"]
    # Mandatory criteria come with the option rows; a part minimum has no row to sit on (see docs/rubrics.md).
    assert [(r.stars, r.criterion, r.min_points) for r in merged.sheet("1.1").requirements] == [
        (r.stars, r.criterion, r.min_points) for r in source.sheet("1.1").requirements if r.criterion
    ]
    answers = best_answers(merged, "1.1", "cooperative")
    score = score_sheet(merged, "1.1", answers, legal_form="cooperative")
    assert score.parts == {"A": 40, "B": 25, "C": 35}  # the bonus item cannot lift part A above 40
    assert score.stars == 5
    assert score_sheet(merged, "1.1", {**answers, "3.1": "a"}, legal_form="cooperative").eligible_stars == 3


def test_a_csv_with_semicolons_and_notes_that_read_as_gates():
    text = "\n".join(
        [
            ";".join(HEADER),
            "A;1 Tổ chức;1.1;Nguồn nguyên liệu;Dưới 50%;0;Ghi chú: Bị loại nếu không rõ nguồn gốc",
            "A;1 Tổ chức;1.1;Nguồn nguyên liệu;Trên 50%;40;",
            "B;2 Tiếp thị;2.1;Quảng bá;Có;25;",
            "C;3 Chất lượng;3.1;Chất lượng;Đạt;35;",
        ]
    )
    v = version("2023")
    result = sheet_from_rows(read_rows(text.encode("utf-8"), "phieu.csv"), version=v, product_set="6.1")
    assert result.ok
    warning = next(i for i in result.issues if i.code == "gate_detected")
    assert warning.severity == "warning" and warning.where("vi") == "dòng 2 › cột Ghi chú"
    assert [(g.code, g.kind, g.text) for g in result.sheet.gates] == [
        ("loai-1.1", "disqualify", "Bị loại nếu không rõ nguồn gốc")
    ]


def test_every_bad_row_is_reported_with_its_row_and_nothing_is_built():
    rows = [
        HEADER,
        ["A", "1 Tổ chức", "1.1", "Nguồn nguyên liệu", "Ít", "1", ""],
        ["A", "1 Tổ chức", "1.1", "Nguồn nguyên liệu", "Nhiều", "ba", ""],  # row 3: points not a number
        ["D", "1 Tổ chức", "1.2", "Kế toán", "Có", "2", ""],  # row 4: no part D
        ["B", "2 Tiếp thị", "2.1", "Quảng bá", "Có", "25", ""],
        ["A", "1 Tổ chức", "1.1", "Nguồn nguyên liệu", "Rất nhiều", "3", ""],  # row 6: 1.1 split
        ["C", "3 Chất lượng", "3.1", "Chất lượng", "Đạt", "35", "Chỉ áp dụng khi có câu chuyện"],  # row 7
    ]
    result = sheet_from_rows(rows, version=version("2023"), product_set="1.1")
    assert not result.ok and result.sheet is None
    found = sorted((i.code, i.where("vi")) for i in result.issues)
    assert found == [
        ("condition_needs_column", "dòng 7 › cột Điều kiện áp dụng"),
        ("criterion_split", "dòng 6 › cột Mã tiêu chí"),
        ("not_number", "dòng 3 › cột Điểm"),
        ("unknown_part", "dòng 4 › cột Phần"),
    ]


def test_rule_errors_of_the_built_sheet_point_at_rows():
    rows = [
        [*HEADER, "Điểm tối đa"],
        ["A", "1 Tổ chức", "1.1", "Nguồn nguyên liệu", "Ít", "10", "", "5"],  # worth more than its max of 5
        ["A", "1 Tổ chức", "1.2", "Kế toán", "Có", "30", "", ""],
        ["B", "2 Tiếp thị", "2.1", "Quảng bá", "Có", "25", "", ""],
        ["C", "3 Chất lượng", "3.1", "Chất lượng", "Đạt", "30", "", ""],  # part C adds up to 30, not 35
    ]
    result = sheet_from_rows(rows, version=version("2023"), product_set="1.1")
    assert not result.ok
    found = {(i.code, i.where("en")) for i in result.issues}
    assert ("option_above_max", "row 2 › criterion 1.1 › option a") in found
    assert ("sheet_part_total", "part C") in found
    assert ("sheet_part_total", "part A") in found


def test_a_missing_column_and_an_unknown_product_set_are_refused():
    result = sheet_from_rows(
        [["Phần", "Mã tiêu chí", "Tiêu chí", "Lựa chọn"]], version=version("2023"), product_set="1.1"
    )
    # The missing column is named by the template's header, not by its key ("points").
    assert [(i.code, i.params["field"]) for i in result.issues] == [("missing_column", "Điểm")]
    unknown = sheet_from_rows([HEADER], version=version("2023"), product_set="99")
    assert [i.code for i in unknown.issues] == ["unknown_product_set"]


def test_headers_without_diacritics_and_in_english_are_understood():
    rows = [
        ["part", "group", "criterion code", "criterion text", "option text", "points", "notes"],
        ["A", "1 Org", "1.1", "Origin", "All local", "40", ""],
        ["B", "2 Marketing", "2.1", "Promotion", "Yes", "25", ""],
        ["c", "3 Quality", "3.1", "Quality", "Good", "35", ""],
    ]
    folded = [["phan", "nhom tieu chi", "ma tieu chi", "tieu chi", "lua chon", "diem", "ghi chu"], *rows[1:]]
    for table in (rows, folded):
        assert sheet_from_rows(table, version=version("2023"), product_set="1.1").ok


def test_a_zip_bomb_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    with pytest.raises(RubricFileInvalid) as excinfo:
        read_rows(buffer.getvalue(), "bom.xlsx")
    assert excinfo.value.issues[0].code == "unreadable_file"
