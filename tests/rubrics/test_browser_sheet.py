"""In a real Chromium: anyone opens the 2023 fresh-produce sheet, reads where it comes from and its doubts, and
sees that a 4-star total missing a 4-star option is ranked 3 stars, the option named, until it is reached.
Screenshots go to test-artifacts/rubrics/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import browser_tab
from browser_support import shot as take_shot

from .helpers import best_answers, version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="rubrics")
# From full marks: capacity 1.3 small (a), distribution 4.2/4.3 at their lowest, story 5.1 c, uniqueness 8 a.
CHANGES = {"1.3": "a", "4.3": "a", "4.2": "a", "5.1": "c", "8": "a"}


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url) as tab:
        yield tab


def test_the_sheet_shows_its_provenance_and_ranks_by_its_star_marks(page):
    page.goto("/rubrics/2023/sheets/1.1/")
    provenance = page.locator("section.sheet-provenance")
    assert "không phải văn bản Công báo" in provenance.inner_text()
    assert "nhãn hiệu tập" in provenance.locator("ul.doubts").inner_text()
    capacity = page.locator("label[for='c-1.3-b']").inner_text()
    assert "Có năng lực, quy mô sản xuất trung bình" in capacity and "bắt buộc từ 4 sao" in capacity
    shot(page, "01-fresh-produce-sheet")

    for code, option in {**best_answers(version("2023"), "1.1"), **CHANGES}.items():
        page.locator(f"input[id='c-{code}-{option}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tính điểm").click()
    assert "Tổng điểm 82: hạng 4 sao" in page.locator("#score-title").inner_text()
    assert "Có thể được công nhận 3 sao." in page.content()
    held = page.locator("ul.unmet-requirements").inner_text()
    assert "«Có năng lực, quy mô sản xuất trung bình»" in held
    assert "thêm 1 điểm, có thể được công nhận 4 sao" in held
    shot(page, "02-held-back-by-a-mandatory-option")

    page.locator("input[id='c-1.3-b']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tính điểm").click()
    assert "Tổng điểm 83: hạng 4 sao" in page.locator("#score-title").inner_text()
    assert "Có thể được công nhận 4 sao." in page.content()
    assert page.locator("ul.unmet-requirements").count() == 0
