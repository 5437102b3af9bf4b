"""Issue 17 in a real Chromium, as its users would walk it: the province officer records a course and imports
the organiser's attendance sheet (preview, then import), and the coverage moves; a shopper reports a product
from the verify page; the officer inspects it, records a finding with its evidence and proposes to revoke the
certificate; the second officer of Bắc Ninh approves the proposal on the certificate's page.
Screenshots go to test-artifacts/supervision/."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from browser_support import DESK, browser_tab, flash, heading, sign_in, sign_out
from browser_support import shot as take_shot
from cycle_support import pdf_bytes
from django.utils import timezone

from ocop.certification.models import Certificate, CertificateStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

shot = partial(take_shot, folder="supervision")
PASSWORD = "mat-khau-thu-nghiem-2025"
TODAY = timezone.localdate()


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SITE_URL = live_server.url
    with browser_tab(chromium, live_server.url, viewport=DESK) as tab:
        yield tab


def test_a_course_from_its_sheet_and_an_inspection_ending_in_a_revocation(page, story, certified, tmp_path):
    cast = story.cast
    sign_in(page, cast.province_officer.username, PASSWORD)
    page.goto("/training/new/")
    page.get_by_label("Tên lớp").fill("Tập huấn tiếp thị sản phẩm OCOP")
    page.get_by_label("Chuyên đề").select_option("marketing")
    page.get_by_label("Đơn vị chủ trì").fill("Văn phòng Điều phối nông thôn mới tỉnh Bắc Ninh")
    page.get_by_label("Từ ngày").fill((TODAY - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Đến ngày").fill(TODAY.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi lớp").click()
    assert "Đã ghi lớp tập huấn" in flash(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Nhập danh sách học viên").click()
    sheet = tmp_path / "danh-sach-hoc-vien.csv"
    sheet.write_text(
        "Họ và tên,Đối tượng,Mã đơn vị,Chức vụ,Phụ trách OCOP,Mã số thuế\n"
        "Lê Văn Xã,Cán bộ,07798,Công chức nông nghiệp,x,\n"
        "Ngô Thị Mật,Chủ thể,,Giám đốc,,\n",
        encoding="utf-8",
    )
    page.get_by_label("Danh sách học viên (XLSX hoặc CSV)").set_input_files(str(sheet))
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước").click()
    assert "tên chủ thể hoặc mã số thuế" in page.locator("#preview").inner_text()  # row 3 is refused
    assert page.locator("#apply").count() == 0
    sheet.write_text(
        "Họ và tên,Đối tượng,Mã đơn vị,Chức vụ,Phụ trách OCOP,Chủ thể\n"
        "Lê Văn Xã,Cán bộ,07798,Công chức nông nghiệp,x,\n"
        "Ngô Thị Mật,Chủ thể,,Giám đốc,,Hợp tác xã Mật ong Vân Hà\n",
        encoding="utf-8",
    )
    page.get_by_label("Danh sách học viên (XLSX hoặc CSV)").set_input_files(str(sheet))
    with page.expect_navigation():
        page.get_by_role("button", name="Xem trước").click()
    shot(page, "1-sheet-preview")
    with page.expect_navigation():
        page.locator("#apply").click()
    assert "Đã nhập 2 học viên" in flash(page)
    assert "Ngô Thị Mật" in page.locator("#attendees").inner_text()
    page.goto("/training/")
    assert page.locator('[data-figure="officers_trained"]').inner_text() == "1"
    assert page.locator('[data-figure="producers_trained"]').inner_text() == "1"
    shot(page, "2-coverage")
    sign_out(page)

    # A shopper, from the verify page of the QR.
    page.goto(f"/certificates/v/{certified.qr_payload}")
    with page.expect_navigation():
        page.locator(".verify-link a").click()
    page.get_by_label("Sản phẩm bạn mua khác sản phẩm được chứng nhận ở điểm nào?").fill(
        "Hũ mật ong không có tem, màu nhạt hơn ảnh."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi phản ánh").click()
    assert page.locator("#complaint-sent").count() == 1

    sign_in(page, cast.province_officer.username, PASSWORD)
    page.goto("/supervision/")
    assert "Hũ mật ong không có tem" in page.locator("#complaints").inner_text()
    with page.expect_navigation():
        page.locator("#complaints").get_by_role("link", name="Kiểm tra").click()
    page.get_by_label("Nhãn hàng hóa").check()
    page.get_by_label("Sử dụng biểu trưng OCOP và tem").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi đợt kiểm tra").click()
    assert "Đã ghi đợt kiểm tra" in flash(page)
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(pdf_bytes("Bien ban kiem tra"))
    form = page.locator("#finding-form")
    form.locator("#finding_kind").select_option("mark_and_stamp")
    form.get_by_label("Mức độ").select_option("major")
    form.get_by_label("Mô tả vi phạm").fill("Dán tem OCOP lên lô hàng chưa được chứng nhận.")
    form.get_by_label("Tệp chứng cứ (PDF, JPEG, PNG)").set_input_files(str(evidence))
    with page.expect_navigation():
        form.get_by_role("button", name="Ghi vi phạm").click()
    assert "Đã ghi nội dung vi phạm" in flash(page)
    assert page.get_by_role("link", name="bien-ban.pdf").count() == 1
    proposal = page.locator("#proposal-form")
    proposal.locator("#proposal_kind").select_option("revoke")
    proposal.get_by_label("Lý do").fill("Sử dụng biểu trưng OCOP cho sản phẩm chưa được chứng nhận.")
    proposal.get_by_label("Số quyết định").fill("95/QĐ-UBND")
    with page.expect_navigation():
        proposal.get_by_role("button", name="Gửi đề nghị").click()
    assert "Đã gửi đề nghị" in flash(page)
    assert "Chờ duyệt" in page.locator("#proposal").inner_text()
    shot(page, "3-inspection")
    sign_out(page)

    sign_in(page, story.checker.username, PASSWORD)
    page.goto(f"/certificates/{certified.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Duyệt đề nghị").click()
    shot(page, "4-revoked")
    assert Certificate.objects.get(pk=certified.pk).status == CertificateStatus.REVOKED
    page.goto(f"/certificates/v/{certified.qr_payload}")
    assert "ĐÃ THU HỒI" in page.locator("main").inner_text()
    assert heading(page)
