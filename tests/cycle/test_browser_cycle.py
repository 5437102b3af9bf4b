"""The whole cycle in a real Chromium, as new users would do it: a honey cooperative registers, adds its
product, registers an idea, submits its business plan, builds a complete dossier and submits it; the
commune officer confirms the cooperative, accepts the idea, checks and forwards the dossier; the province
officer accepts it for evaluation. Each sees every step; an officer of another commune sees nothing.
Screenshots go to test-artifacts/cycle/."""

from __future__ import annotations

import re
from functools import partial

import pytest
from browser_support import browser_tab, sign_in, sign_out, status_of
from browser_support import shot as take_shot
from cycle_support import image_bytes, pdf_bytes

from ocop.cycle.models import Dossier
from ocop.producers.models import Producer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="cycle")

PASSWORD = "ong-mat-vai-thieu-2025"
OFFICER_PASSWORD = "can-bo-thu-nghiem-2025"


@pytest.fixture
def page(chromium, live_server):
    with browser_tab(chromium, live_server.url) as tab:
        yield tab


def test_the_cycle_from_registration_to_acceptance(page, cast):
    for officer in (cast.commune_officer, cast.other_commune_officer, cast.province_officer):
        officer.set_password(OFFICER_PASSWORD)
        officer.save(update_fields=["password"])
    # 1. The cooperative registers itself, as a new user would, from the home page.
    page.goto("/")
    page.get_by_role("link", name="Đăng ký chủ thể OCOP").click()
    page.get_by_label("Họ và tên của bạn").fill("Phan Thị Hoa")
    page.get_by_label("Tên đăng nhập").fill("htxhoa")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_label("Tên chủ thể").fill("Hợp tác xã Ong mật Hoa Vải")
    page.get_by_label("Loại hình").select_option("cooperative")
    page.get_by_label("Mã số thuế / số đăng ký kinh doanh").fill("2400987654")
    page.get_by_label("Tỉnh, thành phố").select_option("24")
    page.wait_for_selector("#id_commune option[value='07798']", state="attached")  # filled by commune.js
    page.get_by_label("Xã, phường, đặc khu").select_option("07798")
    shot(page, "01-register")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/producers/me/")
    assert "Đang chờ cán bộ xã xác nhận" in page.content()

    # 2. It adds its product.
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill("Mật ong hoa vải Vân Hà")
    honey_set = page.locator("#id_product_set option", has_text="2.2 – ").get_attribute("value")
    page.get_by_label("Bộ sản phẩm").select_option(honey_set)
    page.get_by_label("Mô tả").fill("Mật ong nguyên chất từ vườn vải ven sông Cầu.")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/products/\d+/$"))
    page.get_by_label("Tệp ảnh (JPEG, PNG)").set_input_files(
        files=[{"name": "mat-ong.png", "mimeType": "image/png", "buffer": image_bytes()}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Tải ảnh lên").click()
    assert "mat-ong.png" in page.content()

    # 3. It registers the product idea for this year.
    page.goto("/producers/me/")
    page.get_by_role("link", name="Đăng ký ý tưởng").click()
    page.get_by_label("Mô tả ý tưởng sản phẩm").fill("Mật ong hoa vải đóng chai thủy tinh cho khách du lịch.")
    page.get_by_label("Sử dụng lao động địa phương").fill("15 hộ nuôi ong trong phường.")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/dossiers/ideas/\d+/$"))
    idea_url = page.url
    assert status_of(page, "#idea-status") == "registered"
    sign_out(page)

    # 4. The commune officer confirms the cooperative and accepts its idea.
    sign_in(page, "commune", OFFICER_PASSWORD)
    page.goto("/dossiers/")
    with page.expect_navigation():
        page.locator("#pending-producers").get_by_role("link", name="Hợp tác xã Ong mật Hoa Vải").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận chủ thể").click()
    assert "Đã xác nhận" in page.content()
    page.goto("/dossiers/")
    with page.expect_navigation():
        page.locator("#waiting-ideas").get_by_role("link").first.click()
    with page.expect_navigation():
        page.locator("#idea-accept").click()
    assert status_of(page, "#idea-status") == "accepted"
    shot(page, "02-idea-accepted")
    sign_out(page)

    # 5. The producer writes and submits the business plan.
    sign_in(page, "htxhoa", PASSWORD)
    page.goto(idea_url)
    page.locator("#plan-create").click()
    page.wait_for_url(re.compile(r"/dossiers/plans/\d+/$"))
    page.get_by_label("Thị trường mục tiêu").fill("Khách du lịch, siêu thị tỉnh Bắc Ninh")
    page.get_by_label("Năng lực sản xuất").fill("5 tấn mật mỗi năm")
    page.get_by_label("Kế hoạch nguyên liệu").fill("Thu mua của 15 hộ thành viên")
    page.get_by_label("Kế hoạch tiếp thị, bán hàng").fill("Điểm bán OCOP, sàn thương mại điện tử")
    page.get_by_label("Tiến độ thực hiện").fill("Quý I: bao bì; quý II: công bố chất lượng")
    with page.expect_navigation():
        page.locator("#plan-submit").click()
    assert status_of(page, "#plan-status") == "submitted"

    # 6. It builds the dossier: every required document, then submits.
    page.goto("/producers/me/")
    page.get_by_role("link", name="Lập hồ sơ đánh giá").click()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/dossiers/\d+/$"))
    dossier_url = page.url
    assert page.locator("#act-submit").count() == 0  # nothing uploaded yet: no submit button
    items = page.locator(".checklist > li").evaluate_all(
        "rows => rows.filter(r => r.querySelector('.badge-warn')).map(r => r.id.replace('item-', ''))"
    )
    assert len(items) == 8
    for item in items:
        page.locator(f"#file-{item}").set_input_files(
            files=[{"name": f"{item}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(item)}]
        )
        with page.expect_navigation():
            page.locator(f"#upload-{item}").click()
        assert page.locator(f"#item-{item}").get_attribute("data-done") == "1", item
    # A file that is not what its name says is refused, in Vietnamese, and nothing changes.
    page.locator("#file-label").set_input_files(
        files=[{"name": "nhan.pdf", "mimeType": "application/pdf", "buffer": image_bytes()}]
    )
    with page.expect_navigation():
        page.locator("#upload-label").click()
    assert "nội dung thực là ảnh PNG" in page.locator("#error").inner_text()
    page.goto(dossier_url)
    shot(page, "03-dossier-complete")
    with page.expect_navigation():
        page.locator("#act-submit").click()
    assert status_of(page, "#dossier-status") == "submitted"
    sign_out(page)

    # 7. The commune officer checks it and forwards it to the province.
    sign_in(page, "commune", OFFICER_PASSWORD)
    page.goto("/dossiers/")
    with page.expect_navigation():
        page.locator("#queue").get_by_role("link", name="Mật ong hoa vải Vân Hà").click()
    page.get_by_label("Sử dụng lao động địa phương").fill("15 hộ, 32 lao động địa phương")
    with page.expect_navigation():
        page.locator("#act-check").click()
    assert status_of(page, "#dossier-status") == "checked"
    with page.expect_navigation():
        page.locator("#act-forward").click()
    assert status_of(page, "#dossier-status") == "forwarded"
    shot(page, "04-forwarded")
    sign_out(page)

    # 8. Another commune's officer does not find it at all.
    sign_in(page, "commune2", OFFICER_PASSWORD)
    assert page.goto(dossier_url).status == 404
    sign_out(page)

    # 9. The province officer accepts it for evaluation.
    sign_in(page, "province", OFFICER_PASSWORD)
    page.goto("/dossiers/")
    with page.expect_navigation():
        page.locator("#queue").get_by_role("link", name="Mật ong hoa vải Vân Hà").click()
    with page.expect_navigation():
        page.locator("#act-accept").click()
    assert status_of(page, "#dossier-status") == "accepted"
    shot(page, "05-accepted")
    sign_out(page)

    # 10. The producer sees every step in the history.
    sign_in(page, "htxhoa", PASSWORD)
    page.goto(dossier_url)
    history = page.locator("#history").inner_text()
    for label in (
        "Đã nộp, chờ xã kiểm tra",
        "Xã đã kiểm tra, chờ chuyển",
        "Đã chuyển, chờ tiếp nhận để đánh giá",
        "Đã tiếp nhận để đánh giá",
    ):
        assert label in history
    shot(page, "06-producer-history")

    dossier = Dossier.objects.get()
    assert dossier.status == "accepted" and dossier.producer == Producer.objects.get(tax_code="2400987654")
    assert dossier.plan is not None and dossier.documents.filter(is_current=True).count() == 8
