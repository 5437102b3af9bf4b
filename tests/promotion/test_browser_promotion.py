"""Trade promotion in a real Chromium, as the people who use it: the province officer enters a fair and one
product's results, the producer reports another (it waits), the commune officer confirms it and opens a shop
that carries two products; a buyer then finds the fair, the shop and the map on the public pages.
Screenshots go to test-artifacts/promotion/."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from browser_support import DESK, browser_tab, flash, heading, sign_in, sign_out
from browser_support import shot as take_shot
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="promotion")
PASSWORD = "mat-khau-thu-nghiem-2025"  # the fixed cast's (tests/conftest.py)
TODAY = timezone.localdate()
FAIR = "Hội chợ OCOP Kinh Bắc mùa thu"
SHOP = "Điểm bán OCOP phường Vân Hà"


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def _save(page, button: str = "Lưu") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_a_fair_and_a_shop_reach_the_public_pages(page, shelf):
    cast = shelf.story.cast
    # The province officer enters the fair and the longan honey's results.
    sign_in(page, cast.province_officer.username, PASSWORD)
    page.goto("/promotion/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ghi nhận hội chợ, triển lãm").click()
    page.get_by_label("Tên sự kiện").fill(FAIR)
    page.get_by_label("Ngày bắt đầu").fill((TODAY - datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Ngày kết thúc").fill(
        (TODAY - datetime.timedelta(days=5)).isoformat()
    )  # before the start
    page.get_by_label("Đơn vị tổ chức").fill("Sở Nông nghiệp và Môi trường Bắc Ninh")
    _save(page)
    assert "kết thúc" in page.locator(".form-errors").inner_text()  # refused, with the reason
    page.console_errors.clear()  # the browser logs the form's 400 answer itself
    page.get_by_label("Ngày kết thúc").fill((TODAY - datetime.timedelta(days=1)).isoformat())
    _save(page)
    assert heading(page) == FAIR
    shot(page, "1-fair")
    with page.expect_navigation():
        page.get_by_role("link", name="Ghi nhận sản phẩm tham gia và kết quả").click()
    page.get_by_label("Sản phẩm").select_option(label="Mật ong hoa nhãn Vân Hà – Hợp tác xã Mật ong Vân Hà")
    page.get_by_label("Doanh số bán (đồng)").fill("8000000")
    _save(page)
    assert "Đã ghi nhận và xác nhận" in flash(page)
    sign_out(page)

    # The producer reports the flower honey's sales: it waits for an officer.
    sign_in(page, cast.producer_user.username, PASSWORD)
    page.goto("/promotion/")
    with page.expect_navigation():
        page.get_by_role("link", name=FAIR).first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Ghi nhận sản phẩm tham gia và kết quả").click()
    page.get_by_label("Sản phẩm").select_option(label="Mật ong hoa vải Vân Hà – Hợp tác xã Mật ong Vân Hà")
    page.get_by_label("Doanh số bán (đồng)").fill("45000000")
    page.get_by_label("Số hợp đồng, biên bản ghi nhớ").fill("2")
    _save(page)
    assert "chờ cán bộ xác nhận" in flash(page)
    assert "Chờ cán bộ xác nhận" in page.locator("table").inner_text()
    assert page.get_by_role("button", name="Xác nhận", exact=True).count() == 0  # not theirs to confirm
    shot(page, "2-reported")
    sign_out(page)

    # The commune officer confirms it from the desk, then opens a shop carrying two products.
    sign_in(page, cast.commune_officer.username, PASSWORD)
    page.goto("/promotion/")
    assert "1 bản ghi chờ xác nhận" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận", exact=True).first.click()
    assert "Đã xác nhận" in flash(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Ghi nhận điểm bán OCOP").click()
    page.get_by_label("Tên điểm bán").fill(SHOP)
    page.get_by_label("Xã, phường, đặc khu").select_option(label=cast.commune.name)
    page.get_by_label("Địa chỉ (số nhà, đường, thôn)").fill("Số 12 đường Vân Hà")
    page.get_by_label("Đơn vị vận hành").fill("Hợp tác xã Dịch vụ Vân Hà")
    page.get_by_label("Ngày khai trương").fill((TODAY - datetime.timedelta(days=10)).isoformat())
    _save(page)
    assert heading(page) == SHOP
    for name in ("Mật ong hoa vải Vân Hà", "Vải thiều sấy khô"):
        page.get_by_label("Sản phẩm OCOP").select_option(label=name)
        _save(page, "Thêm sản phẩm bày bán")
        assert "Điểm bán đã bày bán" in flash(page)
    assert page.locator("ul.carried li").count() == 2
    shot(page, "3-shop")
    sign_out(page)

    # A buyer: the product's page, the map, and "where to buy" near Vân Hà.
    page.goto(f"/catalog/products/{shelf.honey.pk}/")
    where = page.locator("main").inner_text()
    assert SHOP in where and FAIR in where
    shot(page, "4-product")
    page.goto("/catalog/map/")
    assert page.locator(".map-layer rect").count() == 1
    assert SHOP in page.locator(".map-layer-list").inner_text()
    shot(page, "5-map")
    with page.expect_navigation():
        page.locator(".map-layer-list a", has_text=SHOP).click()
    assert SHOP in page.locator("ol.shops").inner_text()
    assert "Vải thiều sấy khô" in page.locator("ol.shops").inner_text()
    shot(page, "6-where-to-buy")
    assert page.console_errors == []
