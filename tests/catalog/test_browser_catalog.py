"""The public catalogue in a real Chromium, as a buyer uses it: search without diacritics, with suggestions
as they type, filter by stars, open a product, and check its certificate the way the stamp's QR does.
Screenshots go to test-artifacts/catalog/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import DESK, browser_tab
from browser_support import shot as take_shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="catalog")


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SITE_URL = live_server.url  # the QR of certificates issued in the test points at this server
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def test_a_buyer_finds_a_product_and_checks_its_certificate(page, live_server, bac_ninh_shelf, settings):
    settings.CATALOG_PUBLIC_API_PER_MINUTE = 1000
    page.goto("/catalog/")
    assert page.get_by_role("heading", name="Tra cứu sản phẩm OCOP").is_visible()
    shot(page, "1-home")

    # Typing without diacritics: suggestions appear as soon as the first words are there.
    page.get_by_label("Tìm sản phẩm OCOP").press_sequentially("mat o", delay=30)
    suggestion = page.locator("#catalog-suggestions a").first
    suggestion.wait_for()
    assert "Mật ong hoa vải Vân Hà" in suggestion.inner_text()
    shot(page, "2-suggestions")

    page.get_by_label("Tìm sản phẩm OCOP").fill("mat ong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/catalog/search/?q=mat+ong")
    results = page.locator(".entries .entry-name")
    assert results.first.inner_text() == "Mật ong hoa vải Vân Hà"
    assert page.locator(".result-count").inner_text().startswith("2 sản phẩm")
    shot(page, "3-results")

    # A typo still finds something, and the page says what it searched for.
    page.goto("/catalog/search/?q=tuong+dinh+tp")
    assert "Kết quả gần đúng" in page.locator(".corrected").inner_text()
    assert page.locator(".entries .entry-name").first.inner_text() == "Tương Đình Tổ"
    shot(page, "4-typo")

    # Filters with counts: 3★ narrows to the lychee.
    page.goto("/catalog/search/?q=van+ha")
    with page.expect_navigation():
        page.locator(".facet", has_text="Hạng sao").get_by_role("link", name="★★★", exact=True).click()
    assert page.locator(".entries .entry-name").all_inner_texts() == ["Vải thiều sấy khô Vân Hà"]
    shot(page, "5-filtered")

    # The product page: certificate, producer, where it was before 2025.
    page.goto("/catalog/search/?q=mat+ong")
    with page.expect_navigation():
        page.get_by_role("link", name="Mật ong hoa vải Vân Hà").click()
    certificate = bac_ninh_shelf["certificates"][0]
    panel = page.locator(".certificate")
    assert certificate.number in panel.inner_text() and "Còn hiệu lực" in panel.inner_text()
    assert "Tỉnh Bắc Giang" in page.content()
    shot(page, "6-product")

    # The verification the stamp's QR opens (the certification app's page), reached from the product page.
    with page.expect_navigation():
        page.get_by_role("link", name="Kiểm tra giấy chứng nhận").click()
    assert "/certificates/v/" in page.url
    body = page.locator("main").inner_text()
    assert "HỢP LỆ" in body and "Mật ong hoa vải Vân Hà" in body and certificate.number in body
    shot(page, "7-verification")

    # The map, drawn from the units' coordinates: Bắc Ninh has products.
    page.goto("/catalog/map/")
    assert page.locator("svg.ocop-map circle.has-products").count() == 1
    shot(page, "8-map")

    page.goto("/catalog/open-data/")
    shot(page, "9-open-data")
    assert page.console_errors == []
