"""In a real browser: a person sees their API tokens and ends one; the central officer closes an account
(issue 13, item 6)."""

from __future__ import annotations

from functools import partial

import pytest
from browser_support import DESK, browser_tab, flash, sign_in, sign_out
from browser_support import shot as take_shot
from django.test import Client

from ocop.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="accounts")


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def _token(api: Client, username: str, name: str) -> dict[str, str]:
    response = api.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, "name": name},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_a_person_ends_a_token_and_the_centre_closes_an_account(page, cast):
    api = Client()
    script = _token(api, "commune", "Tập lệnh báo cáo tuần")
    phone = _token(api, "commune", "Điện thoại")
    sign_in(page, "commune", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Mật khẩu và token"
        ).click()
    rows = page.locator("tbody tr")
    assert rows.count() == 2 and "Tập lệnh báo cáo tuần" in rows.all_inner_texts()[1]
    shot(page, "1-my-tokens")
    with page.expect_navigation():
        rows.filter(has_text="Tập lệnh báo cáo tuần").get_by_role("button", name="Kết thúc").click()
    assert "Đã kết thúc token" in flash(page)
    assert page.locator("tbody tr").count() == 1
    assert api.get("/api/v1/producers", **script).status_code == 401
    assert api.get("/api/v1/producers", **phone).status_code == 200
    shot(page, "2-one-ended")
    sign_out(page)

    sign_in(page, "central", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Tài khoản", exact=True
        ).click()
    row = page.locator("tbody tr", has_text="Lê Văn Xã")
    row.get_by_placeholder("Lý do").fill("Nghỉ việc")
    with page.expect_navigation():
        row.get_by_role("button", name="Khoá tài khoản").click()
    assert "Đã khoá tài khoản commune" in flash(page)
    assert "Đã khoá" in page.locator("tbody tr", has_text="Lê Văn Xã").inner_text()
    assert User.objects.get(username="commune").is_active is False
    assert api.get("/api/v1/producers", **phone).status_code == 401
    shot(page, "3-closed")
    assert page.console_errors == []
