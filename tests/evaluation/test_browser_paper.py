"""In a real Chromium: a product of a set without a digital sheet (3.1 in the 2023 version) is scored in
paper-sheet mode. council1 types the part totals of their paper sheet and attaches its scan (a total above the
part's maximum is refused first), the secretary enters council3's sheet for them and their own, the province
officer computes the council's result, whose explanation says what paper could not check. Screenshots go to
test-artifacts/evaluation/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import browser_tab, sign_out
from browser_support import shot as take_shot
from browser_support import sign_in as sign_in_with
from cycle_support import pdf_bytes

from ocop.evaluation.models import ScoreSheet, SheetStatus

from .conftest import PASSWORD, build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="evaluation")
sign_in = partial(sign_in_with, password=PASSWORD)
SCAN = {
    "name": "phieu-giay.pdf",
    "mimeType": "application/pdf",
    "buffer": pdf_bytes(),  # a real one-page PDF: uploads are opened as a PDF reader would
}


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url, accept_dialogs=True) as tab:
        yield tab


def fill_paper(page, parts: dict[str, str]) -> None:
    for code, value in parts.items():
        page.locator(f"#part-{code}").fill(value)
    page.locator("#id_scan").set_input_files(SCAN)


def test_a_set_without_a_digital_sheet_is_scored_on_paper_to_the_councils_result(
    page, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    scene = build_scene(cast, product_set_code="3.1")
    rd = scene.round_dossier.pk

    sign_in(page, cast.council1.username)
    page.goto(f"/evaluation/dossiers/{rd}/score/")
    assert page.locator("#paper-form").count() == 1
    fill_paper(page, {"A": "41", "B": "20", "C": "30"})
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    assert "phải từ 0 đến 40" in page.locator("#sheet-error").inner_text()
    assert not ScoreSheet.objects.exists()
    fill_paper(page, {"A": "35", "B": "20,5", "C": "30"})
    shot(page, "paper-sheet")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    assert "Đã nộp phiếu giấy" in page.content()
    sign_out(page)

    sign_in(page, cast.council2.username)
    page.goto(f"/evaluation/dossiers/{rd}/")
    assert page.locator("#paper-notice").count() == 1
    with page.expect_navigation():
        page.locator("#paper-entries a").filter(has_text=str(cast.council3)).click()
    assert page.locator("#on-behalf").count() == 1
    fill_paper(page, {"A": "30", "B": "20", "C": "25"})
    shot(page, "paper-sheet-on-behalf")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    page.goto(f"/evaluation/dossiers/{rd}/score/")
    fill_paper(page, {"A": "32", "B": "21", "C": "27"})
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    sign_out(page)
    entered = {s.member.user.username: s.entered_by.username for s in ScoreSheet.objects.all()}
    assert entered == {"council1": "council1", "council2": "council2", "council3": "council2"}
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {SheetStatus.SUBMITTED}

    sign_in(page, cast.province_officer.username)
    page.goto(f"/evaluation/rounds/{scene.round.pk}/")
    assert "Phiếu giấy" in page.locator("main").inner_text()
    page.goto(f"/evaluation/dossiers/{rd}/")
    with page.expect_navigation():
        page.locator("#compute-result").click()
    assert page.locator("#mean-score").inner_text() in ("80,17", "80.17")  # (85.5 + 80 + 75) / 3
    assert "không kiểm tra được các tiêu chí bắt buộc" in page.locator("#explanation").inner_text()
    shot(page, "paper-result")
