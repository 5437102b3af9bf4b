"""In a real Chromium: three council members score the honey dossier on the official sheet (with the keyboard,
the running totals following), the secretary follows progress, the province officer computes the council's
result and records its conclusion, drafts the recognition decision, a second officer approves it, and the
certificate's PDF can be downloaded. Screenshots go to test-artifacts/evaluation/."""

from __future__ import annotations

import datetime
from functools import partial
from pathlib import Path

import pytest
from browser_support import browser_tab, sign_out
from browser_support import shot as take_shot
from browser_support import sign_in as sign_in_with
from django.utils import timezone

from ocop.certification.models import Certificate, DecisionStatus, RecognitionDecision
from ocop.evaluation.models import EvaluationStatus, ScoreSheet, SheetStatus

from .conftest import PASSWORD, build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="evaluation")
sign_in = partial(sign_in_with, password=PASSWORD)


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url, accept_dialogs=True, accept_downloads=True) as tab:
        yield tab


def choose(page, criterion: str, points: int) -> None:
    """Pick an option by keyboard: focus the criterion's first option, then arrow down to the wanted one."""
    radios = page.locator(f'input[name="c-{criterion}"]')
    values = [int(float(radios.nth(i).get_attribute("data-points"))) for i in range(radios.count())]
    target = values.index(points)
    radios.nth(0).focus()
    page.keyboard.press("Space")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert radios.nth(target).is_checked()


def score(page, round_dossier_id: int, choices: dict[str, int], expected_total: str, name: str) -> None:
    page.goto("/evaluation/")
    with page.expect_navigation():
        page.locator(f'a[href="/evaluation/dossiers/{round_dossier_id}/score/"]').click()
    choose(page, "1.1", choices["1.1"])
    assert page.locator("#total-all").inner_text() == str(choices["1.1"])  # the running total follows
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu nháp").click()
    assert "Bản nháp" in page.locator("#sheet-state").inner_text()
    for criterion, points in choices.items():
        if criterion != "1.1":
            choose(page, criterion, points)
    page.locator("#note-1-1, textarea[name='note-1.1']").first.fill("Vùng nguyên liệu ổn định")
    assert page.locator("#total-all").inner_text() == expected_total
    shot(page, f"{name}-sheet")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu").click()
    assert "Đã nộp" in page.content()


def test_three_members_score_and_the_result_decision_and_certificate_follow(page, cast, settings, tmp_path):
    # live_server's closing flush empties every table; tests/conftest.py loads the units and rubrics again
    # before a test that needs them (`_reference_data_present`), this one included.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_KEYS_DIR = tmp_path / "keys"
    scene = build_scene(cast)
    rd = scene.round_dossier.pk
    best = {"1.1": 20, "1.2": 20, "2.1": 10, "2.2": 15, "3.1": 20, "3.2": 15}

    # 1. Three council members score on the official sheet.
    for user, changes, total in (
        (cast.council1, {}, "100"),
        (cast.council2, {"1.1": 10}, "90"),
        (cast.council3, {"1.1": 10, "3.2": 5}, "80"),
    ):
        sign_in(page, user.username)
        if user == cast.council2:  # the secretary follows progress before scoring
            page.goto(f"/evaluation/rounds/{scene.round.pk}/progress/")
            assert page.locator('#progress td[data-state="submitted"]').count() == 1
            shot(page, "progress")
        score(page, rd, {**best, **changes}, total, user.username)
        sign_out(page)
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {SheetStatus.SUBMITTED}

    # 2. The province officer computes the council's result and records the conclusion with the minutes.
    sign_in(page, cast.province_officer.username)
    page.goto(f"/evaluation/dossiers/{rd}/")
    with page.expect_navigation():
        page.locator("#compute-result").click()
    assert page.locator("#mean-score").inner_text() == "90,00"
    assert page.locator("#disagreements li").count() == 2
    page.get_by_label("Kết luận của Hội đồng").select_option("recognise")
    page.get_by_label("Biên bản họp Hội đồng").fill(
        "Hội đồng họp đủ 3/3 thành viên; điểm trung bình 90,00; đề nghị UBND tỉnh công nhận 4 sao và đề xuất "
        "Trung ương đánh giá 5 sao."
    )
    with page.expect_navigation():
        page.locator("#conclude").click()
    assert page.locator("#conclusion").inner_text() == "Đề nghị công nhận"
    with page.expect_navigation():
        page.locator("#propose-upward").click()
    shot(page, "council-result")
    scene.refresh()
    assert scene.round_dossier.status == EvaluationStatus.RECOGNITION_PROPOSED
    assert scene.round_dossier.forwarded_at is not None

    # 3. The officer drafts the recognition decision from the result.
    with page.expect_navigation():
        page.locator("#decision-link").click()
    page.get_by_label("Số quyết định").fill("125/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill((timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Người ký").fill("Chủ tịch UBND tỉnh Nguyễn Văn Ký")
    # The round's recognised product is offered by name, already ticked: nothing to type.
    assert page.get_by_label(scene.product.name, exact=False).is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu dự thảo").click()
    decision = RecognitionDecision.objects.get(number="125/QĐ-UBND")
    assert decision.status == DecisionStatus.DRAFT
    sign_out(page)

    # 4. A second officer approves it; the certificate is issued and its PDF downloads.
    sign_in(page, scene.checker.username)
    page.goto(f"/certificates/decisions/{decision.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt quyết định").click()
    certificate = Certificate.objects.get(product=scene.product)
    assert (certificate.stars, certificate.decision_id) == (4, decision.pk)
    scene.refresh()
    assert scene.round_dossier.status == EvaluationStatus.RECOGNISED
    page.goto(f"/certificates/{certificate.pk}/")
    shot(page, "certificate")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    pdf_path = download_info.value.path()
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")
