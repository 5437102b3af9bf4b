"""What the browser tests share: screenshots kept as test artefacts, signing in and out through the login page,
and reading the state a page shows.

A click that opens another page (a link, a form's button) runs inside `with page.expect_navigation():`, so what
the test reads next is the new page: `click()` waits for the navigation it starts only by a default Playwright has
announced it will drop (`no_wait_after`), and `wait_for_load_state()` alone returns at once on a page already
loaded. `wait_for_url` cannot tell a form that redirects back to the same address from no navigation at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DESK = {"width": 1200, "height": 900}  # the viewport of an officer's laptop
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def shot(page, name: str, *, folder: str) -> Path:
    """A full-page screenshot in test-artifacts/<folder>/<name>.png (each module binds its folder)."""
    where = ARTIFACTS / folder
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def browser_tab(
    chromium, base_url: str, *, timeout_ms: int = 15_000, accept_dialogs: bool = False, **options
) -> Iterator:
    """A tab of a fresh Vietnamese browser context on `base_url`, closed afterwards. `tab.console_errors` gathers
    what the page's scripts reported as errors; the site has no icon, so its request is answered empty.
    `accept_dialogs` says yes to every confirm() ("Nộp phiếu?"); `options` go to the context (viewport...)."""
    context = chromium.new_context(base_url=base_url, locale="vi-VN", **options)
    context.set_default_timeout(timeout_ms)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    if accept_dialogs:
        tab.on("dialog", lambda dialog: dialog.accept())
    tab.console_errors = errors
    try:
        yield tab
    finally:
        context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator(".account .who").count() == 1, f"{username} could not sign in"


def sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()


def status_of(page, element: str) -> str:
    return page.locator(element).get_attribute("data-status")


def heading(page) -> str:
    return page.locator("main h1").first.inner_text()


def flash(page) -> str:
    """The messages the last action left at the top of the page."""
    return page.locator("main .messages").inner_text() if page.locator("main .messages").count() else ""
