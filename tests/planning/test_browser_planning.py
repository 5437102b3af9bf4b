"""In a real Chromium: the central officer goes from the country's figures to a province, to a commune, to the
records behind a figure; the province's plan target stands beside its value. Screenshots in
test-artifacts/planning/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import DESK, browser_tab, heading, sign_in
from browser_support import shot as take_shot
from django.utils import timezone

from ocop.planning.services import programme_plan_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="planning")


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def test_from_the_country_to_the_records_behind_a_commune_figure(page, programme):
    cast = programme.cast
    coop = programme.producer("Hợp tác xã Mật ong Vân Hà", "cooperative", cast.commune)
    honey = programme.product(coop, "Mật ong hoa vải Vân Hà")
    programme.certify([(honey, 4)])
    programme_plan_create(
        actor=cast.province_officer,
        unit=cast.province,
        year_from=timezone.localdate().year,
        targets=[{"indicator": "products_recognised", "value": 45}],
    )
    sign_in(page, "central", PASSWORD)
    page.goto("/planning/")
    assert "Việt Nam" in heading(page)
    shot(page, "1-country")
    with page.expect_navigation():
        page.get_by_role("link", name=cast.province.name, exact=True).click()
    assert cast.province.name in heading(page)
    row = page.locator("#figure-products_recognised")
    assert row.locator("td").nth(0).inner_text() == "45" and row.locator("td").nth(1).inner_text() == "1"
    shot(page, "2-province")
    with page.expect_navigation():
        page.get_by_role("link", name=cast.commune.name, exact=True).click()
    assert cast.commune.name in heading(page)
    shot(page, "3-commune")
    with page.expect_navigation():
        page.locator("#figure-products_recognised a").click()
    assert "Mật ong hoa vải Vân Hà" in page.locator("main table").inner_text()
    shot(page, "4-records")
