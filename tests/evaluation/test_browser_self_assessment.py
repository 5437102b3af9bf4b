"""Issue 18, done when: on a phone-sized screen (390×844), a producer self-assesses a fresh-produce product on the
2023 sheet shipped (set 1.1), ties three documents to criteria and submits; a help team member marks one claim
doubtful; a council member sees the claim, the evidence and the note beside each criterion while scoring; after
the result the producer sees their self-assessment beside the council's mean.

The steps outside the issue (the commune's check, the province's acceptance, setting up the round, the other
members' sheets, the result and the conclusion) are taken through the services, as their own tests do."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import browser_tab, sign_out
from browser_support import shot as take_shot
from browser_support import sign_in as sign_in_with

from ocop.accounts.models import RoleKind
from ocop.cycle.models import Dossier
from ocop.evaluation.models import PrecheckNote, SelfAssessment

from .conftest import PASSWORD, person
from .self_support import answers, concluded, fresh_dossier, fresh_sheet, scoring_round, through_commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="self-assessment")
sign_in = partial(sign_in_with, password=PASSWORD)
PHONE = {"width": 390, "height": 844}
# The three documents and the criteria each proves (viện dẫn).
TAGS = {"raw_materials": ["1.1", "1.4"], "business_registration": ["3.1"], "label": ["2.3"]}


@pytest.fixture
def page(chromium, live_server, isolated_files):
    with browser_tab(
        chromium,
        live_server.url,
        timeout_ms=20_000,
        accept_dialogs=True,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    ) as tab:
        yield tab


def _fill_sheet(page, chosen: dict[str, str]) -> None:
    for code, option in chosen.items():
        page.locator(f'input[name="c-{code}"][value="{option}"]').check()


def test_self_assessment_help_team_council_and_comparison_on_a_phone(page, cast):
    helper = person("helper", "Đào Thị Giúp", RoleKind.HELP_TEAM, cast.province)
    dossier = fresh_dossier(cast)

    # The producer fills the official sheet on the phone, from the portal.
    sign_in(page, cast.producer_user.username)
    page.goto("/producers/me/")
    with page.expect_navigation():
        page.locator(f"#self-link-{dossier.pk}").click()
    assert page.locator("fieldset.criterion").count() == len(fresh_sheet().criteria)
    assert page.viewport_size == PHONE
    chosen = answers()
    _fill_sheet(page, chosen)
    assert page.locator("#total-all").inner_text() != "0"  # the running total follows the choices
    page.locator("#note-1\\.1").fill("100% vải trồng tại vườn của 20 hộ thành viên ở Vân Hà.")
    with page.expect_navigation():
        page.locator("#save-draft").click()
    assert page.locator("#self-state").get_attribute("data-status") == "draft"
    total = page.locator("#self-total").inner_text()
    assert float(total) > 90 and "★" in page.locator("#self-eligible").inner_text()
    shot(page, "1-producer-sheet")

    # Three documents tied to the criteria they prove.
    for item, codes in TAGS.items():
        document = dossier.documents.get(item=item, is_current=True)
        with page.expect_navigation():
            page.locator(f"#doc-{document.pk} a", has_text="Gắn tiêu chí").click()
        for code in codes:
            page.locator(f'input[name="criterion"][value="{code}"]').check()
        with page.expect_navigation():
            page.locator("#save-criteria").click()
        assert page.locator(f"#doc-{document.pk} .doc-criteria").inner_text() == ", ".join(codes)
    assert page.locator("#criterion-1\\.4 .claim-evidence a").count() == 1

    # Submitted: locked, the report in the checklist; then the dossier goes to the commune.
    with page.expect_navigation():
        page.locator("#submit-sheet").click()
    assert page.locator("#self-state").get_attribute("data-status") == "submitted"
    assert page.locator("#self-report").count() == 1
    assert page.locator("#submit-sheet").count() == 0
    shot(page, "2-producer-submitted")
    page.goto(f"/dossiers/{dossier.pk}/")
    with page.expect_navigation():
        page.locator("#act-submit").click()
    assert page.locator("#dossier-status").get_attribute("data-status") == "submitted"
    sign_out(page)

    dossier = through_commune(
        cast,
        dossier,
        assessment={"Sử dụng lao động địa phương": "35 lao động, đều là người địa phương."},
        submitted=True,
    )

    # The help team marks the supermarket claim (4.1, no evidence cited) doubtful.
    sign_in(page, helper.username)
    page.goto("/evaluation/precheck/")
    with page.expect_navigation():
        page.get_by_role("link", name="Vải thiều tươi Vân Hà").click()
    block = page.locator("#criterion-4\\.1")
    assert "Chưa có minh chứng" in block.inner_text()
    block.locator("select").select_option("doubtful")
    block.locator("textarea").fill("Chưa thấy hợp đồng với siêu thị; cần bản hợp đồng và hoá đơn 6 tháng.")
    with page.expect_navigation():
        block.get_by_role("button", name="Ghi ý kiến").click()
    assert "Còn nghi vấn" in page.locator("#criterion-4\\.1").inner_text()
    shot(page, "3-help-team")
    sign_out(page)
    assert PrecheckNote.objects.get(criterion="4.1").verdict == "doubtful"

    # A council member scores with the claim, the evidence and the note beside each criterion.
    round_dossier = scoring_round(cast, dossier)
    sign_in(page, cast.council1.username)
    page.goto(f"/evaluation/dossiers/{round_dossier.pk}/score/")
    criteria = page.locator("fieldset.criterion[data-code]")
    assert criteria.count() == len(fresh_sheet().criteria)
    assert page.locator("fieldset.criterion .claim-own").count() == len(fresh_sheet().criteria)
    beside = page.locator("fieldset.criterion[data-code='4.1'] .claim-beside").inner_text()
    assert "Chủ thể tự đánh giá" in beside and "Còn nghi vấn" in beside and "hợp đồng với siêu thị" in beside
    evidence = page.locator("fieldset.criterion[data-code='1.4'] .claim-evidence").inner_text()
    assert "raw_materials.pdf" in evidence
    assert "35 lao động" in page.locator("fieldset.criterion[data-code='3.3'] .claim-beside").inner_text()
    shot(page, "4-council-sheet")
    lower = answers(**{"4.1": "a"})
    _fill_sheet(page, lower)
    with page.expect_navigation():
        page.locator("#submit-sheet").click()
    sign_out(page)

    concluded(cast, round_dossier, {cast.council2: lower, cast.council3: answers()})

    # The producer compares their self-assessment with the council's mean, and reads the advice.
    sign_in(page, cast.producer_user.username)
    page.goto("/producers/me/")
    with page.expect_navigation():
        page.locator(f"#evaluation-{dossier.producer_id} a").first.click()
    comparison = page.locator("#self-comparison")
    assert comparison.count() == 1
    row = comparison.locator("tr[data-criterion='4.1']").inner_text()
    assert "-" in row  # the council gave less than claimed
    shot(page, "5-producer-comparison")
    assert SelfAssessment.objects.get(dossier=dossier).is_submitted
    assert Dossier.objects.get(pk=dossier.pk).status != "draft"
