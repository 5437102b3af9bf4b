"""In a real browser: the assigned member reads the dossier beside the sheet on a wide screen, above it on a
narrow one, and downloads a document from it (issue 12 item 4)."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import shot as take_shot
from browser_support import sign_in as sign_in_with

from .conftest import PASSWORD, build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="evaluation")
sign_in = partial(sign_in_with, password=PASSWORD)


@pytest.fixture
def context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_dossier_sits_beside_the_sheet_and_its_documents_download(context, cast):
    scene = build_scene(cast)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, cast.council1.username)
    page.goto(f"/evaluation/dossiers/{scene.round_dossier.pk}/score/")
    aside, sheet = page.locator("#member-reading"), page.locator("#score-form")
    assert scene.product.name in aside.inner_text()
    left, right = aside.bounding_box(), sheet.bounding_box()
    assert left["x"] + left["width"] <= right["x"]  # side by side
    assert abs(left["y"] - right["y"]) < 40
    shot(page, "member-reading-wide")
    with page.expect_download() as download:
        aside.locator("a").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.set_viewport_size({"width": 700, "height": 900})
    top, below = aside.bounding_box(), sheet.bounding_box()
    assert top["y"] + top["height"] <= below["y"]  # stacked on a narrow screen
