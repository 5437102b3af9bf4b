"""The shipped rubric versions load, and a broken file is refused with every error and its place."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
import yaml

from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.loader import parse_version, validate_version_file

from .helpers import DATA, criterion_data, raw, sheet_data, version


def codes_of(excinfo) -> list[str]:
    return [issue.code for issue in excinfo.value.issues]


def test_the_2019_version_has_26_product_sets_and_18_complete_sheets():
    v = version("2019")
    assert v.decision.number == "1048/QĐ-TTg"
    assert [a.number for a in v.amended_by] == ["781/QĐ-TTg"]
    assert [(p.code, p.max_points) for p in v.parts] == [("A", 35), ("B", 25), ("C", 40)]
    assert len(v.product_sets) == 26
    assert len([n for n in v.nodes if n.depth == 0]) == 6
    assert len([n for n in v.nodes if n.depth == 1]) == 16
    # 3 from the decision's text, 15 converted from the keyed 2022 app (docs/rubrics.md lists the other 8).
    assert len(v.sheets) == 18 and {"1.1", "16.1", "8.2"} <= set(v.sheets)
    for sheet in v.sheets.values():
        for part in v.parts:
            assert sum(c.max_points for c in sheet.criteria if c.part == part.code) == part.max_points


def test_the_2019_sheets_keep_gates_conditions_and_alternatives_as_data():
    v = version("2019")
    drinks = v.sheet("8.2")
    assert [(g.code, g.kind, g.criterion) for g in drinks.gates] == [
        ("loai-1.1", "disqualify", "1.1"),
        ("dung-6.1", "stop", "6.1"),
        ("dung-9", "stop", "9"),
    ]
    story = drinks.criterion("5.2").applies_when
    assert (story.criterion, story.min_points) == ("5.1", 1)
    community = drinks.criterion("3.2")
    assert [a.legal_forms for a in community.alternatives] == [
        ("enterprise", "cooperative", "cooperative_group"),
        ("household", "enterprise"),
    ]
    assert drinks.criterion("1.1").option("a").text == "Sử dụng nguyên liệu có nguồn gốc trong tỉnh dưới 50%"


def test_the_2023_version_has_its_structure_and_only_the_transcribed_sheet():
    v = version("2023")
    assert v.decision.number == "148/QĐ-TTg"
    assert [(p.code, p.max_points) for p in v.parts] == [("A", 40), ("B", 25), ("C", 35)]
    assert len([n for n in v.nodes if n.depth == 0]) == 6
    assert len([n for n in v.nodes if n.depth == 1]) == 17
    assert len(v.product_sets) == 26
    assert list(v.sheets) == ["1.1"]  # fresh produce, transcribed; no other sheet is invented
    assert [(b.stars, b.lower, b.upper) for b in v.bands] == [
        (1, 0, 30),
        (2, 30, 50),
        (3, 50, 70),
        (4, 70, 90),
        (5, 90, 100),
    ]
    assert [p.decision for p in v.duties] == ["148/QĐ-TTg", "1489/QĐ-TTg"]
    assert v.certificate.validity_months == 36 and v.certificate.expiry_notice_days == 30


@pytest.mark.parametrize("code", ["2019", "2023"])
def test_shipped_files_validate_clean(code):
    assert validate_version_file(DATA / f"{code}.yaml") == []


def test_a_gap_in_the_bands_is_refused_naming_the_band():
    data = raw("2019")
    data["bands"][2]["from"] = 51  # 50–51 now belongs to no band
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data, source="2019.yaml")
    issue = excinfo.value.issues[0]
    assert issue.code == "band_gap"
    assert issue.where("en") == "file 2019.yaml › band 3"
    assert "50" in issue.message("vi") and "51" in issue.message("vi")


def test_overlapping_bands_are_refused():
    data = raw("2023")
    data["bands"][3]["from"] = 65
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    assert "band_overlap" in codes_of(excinfo)


def test_duplicate_codes_are_refused_with_both_places():
    data = raw("2019")
    criterion_data(data, "1.1", "1.2")["code"] = "1.1"
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data, source="2019.yaml")
    duplicate = next(i for i in excinfo.value.issues if i.code == "duplicate_code")
    assert duplicate.where("en") == "file 2019.yaml › sheet 1.1 › criterion 1.1"
    assert duplicate.params["value"] == "1.1"


def test_an_option_worth_more_than_its_criterion_is_refused():
    data = raw("2019")
    criterion_data(data, "8.2", "4.1")["options"][0]["points"] = 7
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data, source="2019.yaml")
    issue = next(i for i in excinfo.value.issues if i.code == "option_above_max")
    assert issue.where("vi") == "tệp 2019.yaml › phiếu 8.2 › tiêu chí 4.1 › lựa chọn a"
    assert issue.message("en") == "The option is worth 7 points, more than the criterion's maximum of 5."


def test_a_sheet_whose_parts_do_not_add_up_is_refused():
    data = raw("2019")
    criterion = criterion_data(data, "16.1", "6")
    criterion["max"] = 2
    criterion["options"] = [o for o in criterion["options"] if o["points"] <= 2]
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    issue = next(i for i in excinfo.value.issues if i.code == "sheet_part_total")
    assert issue.params == {"part": "C", "total": Decimal(39), "expected": Decimal(40)}


def test_version_parts_that_do_not_add_up_to_the_scale_are_refused():
    data = raw("2023")
    data["parts"][0]["max"] = 35  # the classic mistake: 1048's A35 applied to 148
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    assert "parts_do_not_add_up" in codes_of(excinfo)


def test_every_error_of_a_file_is_listed_at_once():
    data = raw("2019")
    data["bands"][4]["to"] = 99
    criterion_data(data, "1.1", "1.2")["code"] = "1.1"
    criterion_data(data, "8.2", "4.1")["options"][0]["points"] = 7
    data["duties"][0]["levels"][2]["recognises"] = [3, 6]
    data["taxonomy"]["nodes"][0]["children"][0]["product_sets"][1]["code"] = "1.1"
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    assert {"band_not_to_max", "duplicate_code", "option_above_max", "unknown_stars"} <= set(
        codes_of(excinfo)
    )
    assert sum(code == "duplicate_code" for code in codes_of(excinfo)) == 2


def test_unknown_fields_and_wrong_types_are_named():
    data = raw("2019")
    criterion_data(data, "1.1", "1.3")["maximum"] = 4
    data["certificate"]["validity_months"] = "ba mươi sáu"
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    assert {"unknown_field", "not_integer"} <= set(codes_of(excinfo))


def test_duty_periods_must_not_overlap_and_must_forward_upward():
    data = raw("2023")
    data["duties"][1]["from"] = "2025-07-01"
    data["duties"][1]["levels"][1]["forwards_to"] = "commune"
    with pytest.raises(RubricFileInvalid) as excinfo:
        parse_version(data)
    assert {"periods_overlap", "forward_not_upward"} <= set(codes_of(excinfo))


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed", encoding="utf-8")
    issues = validate_version_file(broken)
    assert [i.code for i in issues] == ["unreadable_file"]


def test_text_is_stored_in_nfc(tmp_path):
    data = raw("2023")
    data["title"] = unicodedata.normalize("NFD", "Bộ tiêu chí")  # as some keyboards type it
    data["code"] = "2023-nfd"
    path = tmp_path / "nfd.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    v = parse_version(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert v.title == unicodedata.normalize("NFC", "Bộ tiêu chí")
    assert v.title != data["title"]


def test_the_fingerprint_changes_with_content_only():
    same = parse_version(raw("2019"))
    assert same.fingerprint == version("2019").fingerprint
    changed = raw("2019")
    sheet_data(changed, "1.1")["note"] = "sửa"
    assert parse_version(changed).fingerprint != same.fingerprint
