"""A certified product renamed, in a real Chromium: the producer's new name waits for the commune, the verify page
keeps the certified name, and once the commune approves, the catalogue shows both ("trước đây").
Screenshots go to test-artifacts/certification/."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import DESK, browser_tab, flash, heading, sign_in, sign_out
from browser_support import shot as take_shot
from django.utils import timezone

from ocop.products.models import Product
from ocop.rubrics.models import ProductSet
from ocop.rubrics.selectors import version_in_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="certification")
CERTIFIED = "Mật ong hoa vải Vân Hà"
RENAMED = "Mật ong rừng Tây Bắc"
PASSWORD = "mat-khau-thu-nghiem-2025"  # the fixed cast's (tests/conftest.py)


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def test_a_rename_waits_for_the_commune_then_the_catalogue_says_formerly(page, story, issue):
    in_force = ProductSet.objects.filter(version=version_in_force(timezone.localdate())).order_by("code")[0]
    Product.objects.filter(pk=story.honey.pk).update(product_set=in_force)  # the edit form offers these
    (certificate,) = issue([(Product.objects.get(pk=story.honey.pk), 4, None, None)])

    sign_in(page, story.cast.producer_user.username, PASSWORD)
    page.goto(f"/products/{story.honey.pk}/edit/")
    page.get_by_label("Tên sản phẩm").fill(RENAMED)
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    assert "chờ cán bộ duyệt" in flash(page)
    assert heading(page) == CERTIFIED  # the product keeps its certified name meanwhile
    assert RENAMED in page.locator("table.pending-change").inner_text()
    shot(page, "rename-1-waiting")
    sign_out(page)

    page.goto(f"/certificates/v/{certificate.qr_payload}")
    assert page.locator("dd.cert-product").inner_text() == CERTIFIED

    sign_in(page, story.cast.commune_officer.username, PASSWORD)
    page.goto("/products/changes/")
    with page.expect_navigation():
        page.get_by_role("link", name=RENAMED, exact=False).click()
    shot(page, "rename-2-officer")
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt thay đổi").click()
    assert "Đã duyệt" in flash(page)
    sign_out(page)

    page.goto(f"/catalog/products/{story.honey.pk}/")
    assert heading(page) == RENAMED
    assert page.locator(".former-name").inner_text().startswith(f"Trước đây: {CERTIFIED}")
    shot(page, "rename-3-catalogue")
    page.goto(f"/certificates/v/{certificate.qr_payload}")
    assert CERTIFIED in page.locator("dd.cert-product").inner_text()
    assert RENAMED in page.locator("dd.cert-product").inner_text()
