"""Every shipped 2019 sheet scores in the engine, and the sets left out are the ones the docs list."""

from __future__ import annotations

import importlib.util
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ocop.rubrics.engine import score_sheet

from .helpers import version

V2019 = version("2019")
ROOT = Path(__file__).resolve().parents[2]
SHEETS = sorted(V2019.sheets, key=lambda code: [int(n) for n in code.split(".")])
# The bands of 1048 written out here, not read from the file, so that a wrong band in the data shows.
BANDS = [(0, 30, 1), (30, 50, 2), (50, 70, 3), (70, 90, 4), (90, 100, 5)]


def _answers(code: str, pick) -> dict[str, str]:
    """One option per criterion, from the option set a cooperative may use, chosen by `pick(options)`."""
    chosen = {}
    for criterion in V2019.sheet(code).criteria:
        options = [o for a in criterion.alternatives if a.allows("cooperative") for o in a.options]
        chosen[criterion.code] = pick(sorted(options, key=lambda o: o.points)).code
    return chosen


def test_eighteen_sheets_are_shipped():
    assert SHEETS == [
        "1.1", "1.2", "2.2", "3.1", "3.3", "3.4", "3.5", "4.2", "5.1",
        "5.2", "7.1", "8.1", "8.2", "11.1", "12.1", "14.1", "15.1", "16.1",
    ]  # fmt: skip


@pytest.mark.parametrize("code", SHEETS)
def test_full_marks_are_100_and_five_stars(code):
    score = score_sheet(V2019, code, _answers(code, lambda options: options[-1]), legal_form="cooperative")
    assert score.total == 100
    assert score.parts == {"A": 35, "B": 25, "C": 40}
    assert (score.stars, score.eligible_stars) == (5, 5)


@pytest.mark.parametrize("code", SHEETS)
def test_a_middle_answer_lands_in_its_band(code):
    score = score_sheet(
        V2019, code, _answers(code, lambda options: options[len(options) // 2]), legal_form="cooperative"
    )
    assert Decimal(0) < score.total < Decimal(100)
    expected = next(stars for low, high, stars in BANDS if low <= score.total < high)
    assert score.stars == expected
    assert score.eligible_stars == (expected if expected >= 3 else None)  # 1048 has no mandatory criteria


def _documented_refusals() -> dict[str, str]:
    text = (ROOT / "docs" / "rubrics.md").read_text(encoding="utf-8")
    table = text.split("<!-- non-validating 2019 sets", 1)[1].split("\n\n", 1)[0]
    return {m[1]: m[2] for m in re.finditer(r"^\| ([\d.]+) \| ([^|]+) \|", table, flags=re.MULTILINE)}


def test_the_sets_without_a_sheet_are_exactly_the_ones_the_docs_list():
    documented = _documented_refusals()
    assert set(documented) == {p.code for p in V2019.product_sets} - set(V2019.sheets)
    assert len(documented) == 8
    for code, name in documented.items():
        assert V2019.product_set(code).name == name.strip()


def _converter():
    spec = importlib.util.spec_from_file_location("keyed", ROOT / "scripts" / "rubric_2019_from_keyed.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


KEYED = """\
######## PRODUCT SET 1: Thử

== Part A | 3. SỨC MẠNH CỘNG ĐỒNG
  Q1 [leaf parent_id=0] 3.2. Sự tham gia của cộng đồng  (max 2)
     note: Lựa chọn một trong hai trường hợp sau
     - 1: Ít thành viên trong tỉnh
     - 2: Nhiều thành viên trong tỉnh
     - 0: Giám đốc không phải người trong tỉnh
     - 1: Giám đốc là người trong tỉnh
== Part B | 5. CÂU CHUYỆN VỀ SẢN PHẨM
  Q2 [leaf parent_id=0] 5.1. Câu chuyện về sản phẩm  (max 1)
     - 0: Không có
     - 1: Có
  Q3 [leaf parent_id=0] 5.2. Bản sắc  (max 1)
     note: Chỉ áp dụng khi có câu chuyện
     - 0: Giống nơi khác
     - 1: Riêng
== Part C | 6. CHỈ TIÊU CẢM QUAN
  Q4 [parent parent_id=0] 6.1. Ngoại hình  (max 0)
     note: Chú ý: Nếu có tạp chất sẽ không đánh giá các bước tiếp theo
  Q5 [leaf parent_id=4] 6.1.1. Tạp chất  (max 1)
     - 0: Có
     - 1: Không
== Part C | 7. TÍNH ĐỘC ĐÁO
  Q6 [leaf parent_id=0]   (max 1)
     note: Ghi chú: Bị loại nếu vi phạm
sở hữu trí tuệ
     - 1: Độc đáo
"""


def test_the_converter_reads_cases_conditions_gates_and_headings(tmp_path):
    keyed = tmp_path / "keyed.txt"
    keyed.write_text(KEYED, encoding="utf-8")
    converter = _converter()
    [keyed_set] = converter.read_keyed(keyed)
    sheet = converter.sheet_of(keyed_set, "9.9")
    criteria = {c["code"]: c for g in sheet["groups"] for c in g["criteria"]}
    cases = criteria["3.2"]["alternatives"]
    assert [[o["code"] for o in case["options"]] for case in cases] == [["a", "b"], ["c", "d"]]
    assert [case["legal_forms"] for case in cases] == [
        ["enterprise", "cooperative", "cooperative_group"],
        ["household", "enterprise"],
    ]
    assert criteria["5.2"]["applies_when"] == {"criterion": "5.1", "min_points": 1}
    assert criteria["6.1.1"]["gates"] == [
        {"code": "dung-6.1.1", "kind": "stop", "text": "Nếu có tạp chất sẽ không đánh giá các bước tiếp theo"}
    ]
    assert (criteria["7"]["name"], criteria["7"]["gates"][0]["kind"]) == ("TÍNH ĐỘC ĐÁO", "disqualify")
    assert criteria["7"]["gates"][0]["text"] == "Bị loại nếu vi phạm sở hữu trí tuệ"
