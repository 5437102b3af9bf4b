"""The dashboards in a real Chromium, as the central officer uses them: from the country to Bắc Ninh, to Phường
Vân Hà, to the records behind its figure; and the national page on a phone's width without sideways scrolling.
Screenshots go to test-artifacts/dashboards/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import DESK, browser_tab, sign_in
from browser_support import shot as take_shot

from tests.conftest import PASSWORD
from tests.planning.test_dashboards import certified  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="dashboards")


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """The catalogue's provinces are cached per process: each test reads its own database's (a transactional
    test reloads the units under new ids)."""
    from ocop.catalog import reference

    reference.forget()
    yield
    reference.forget()


@pytest.fixture
def page(chromium, live_server):
    # A dashboard's first opening computes the unit's yearly figures (then stored): slow on a loaded machine.
    with browser_tab(chromium, live_server.url, timeout_ms=60_000, viewport=DESK) as tab:
        yield tab


def test_from_the_country_to_a_province_to_a_commune_to_the_records(page, cast, certified):  # noqa: F811
    sign_in(page, cast.central.username, PASSWORD)
    page.goto("/dashboards/")
    assert "Việt Nam" in page.locator("main h1").inner_text()
    assert page.locator("#headlines .headline-value").first.inner_text() == "4"
    shot(page, "1-country")

    with page.expect_navigation():
        page.locator("#places svg a", has_text=cast.province.short_name).click()
    assert cast.province.name in page.locator("main h1").inner_text()
    assert page.locator("#dashboard-trail").get_by_role("link", name="Việt Nam").is_visible()
    shot(page, "2-province")

    page.get_by_text("Bảng số liệu, mọi đơn vị").click()
    with page.expect_navigation():
        page.locator("#place-table").get_by_role("link", name=cast.commune.name).click()
    assert cast.commune.name in page.locator("main h1").inner_text()
    shot(page, "3-commune")

    with page.expect_navigation():
        page.locator("#headlines a").first.click()
    body = page.locator("main").inner_text()
    assert "Mật ong hoa vải" in body and "Rượu làng Vân" in body and "Chè Ba Đình" not in body
    shot(page, "4-records")
    assert page.console_errors == []


def test_the_national_dashboard_reads_on_a_phone(page, cast, certified):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, cast.central.username, PASSWORD)
    page.goto("/dashboards/VN/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = page.locator("#places svg").bounding_box()
    assert box is not None and box["width"] <= 390
    shot(page, "5-phone")
    page.emulate_media(media="print")
    assert not page.locator("form.no-print").is_visible()
