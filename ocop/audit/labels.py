"""What each audit action is called on the audit page: `dossier.submit` is shown as "Nộp hồ sơ", never as the code.

Actions recorded with a fixed code are named here. Actions built from data (the cycle's workflow transitions,
`idea.accept`, `dossier.submit`…) are named by the app that owns the data, through `register_label_source`.
An action nobody names is shown as its code (and `tests/audit/test_action_labels.py` fails).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "record_change.approve": _("Duyệt đề nghị thay đổi thông tin"),
    "record_change.reject": _("Trả lại đề nghị thay đổi thông tin"),
    "record_change.request": _("Đề nghị thay đổi thông tin đã chứng nhận"),
    "token.revoke": _("Kết thúc một mã truy cập API"),
    "token.revoke_all": _("Kết thúc mọi mã truy cập API"),
    "user.deactivate": _("Khoá tài khoản"),
    "user.password_change": _("Đổi mật khẩu"),
    "user.reactivate": _("Mở lại tài khoản"),
    "assignment.create": _("Phân công chấm hồ sơ"),
    "authority.create": _("Lập cơ quan công nhận"),
    "certificate.change_stars": _("Thay đổi hạng sao của giấy chứng nhận"),
    "certificate.change_stars_reject": _("Từ chối đề nghị thay đổi hạng sao"),
    "certificate.change_stars_request": _("Đề nghị thay đổi hạng sao"),
    "certificate.expiry_reminder": _("Nhắc hạn giấy chứng nhận"),
    "certificate.issue": _("Cấp giấy chứng nhận"),
    "certificate.record_paper": _("Ghi nhận giấy chứng nhận cấp bằng giấy (nhập kết quả trước đây)"),
    "certificate.remove_paper": _("Xóa giấy chứng nhận ghi nhận từ giấy (hủy lần nhập kết quả trước đây)"),
    "certificate.revoke": _("Thu hồi giấy chứng nhận"),
    "certificate.revoke_reject": _("Từ chối đề nghị thu hồi"),
    "certificate.revoke_request": _("Đề nghị thu hồi giấy chứng nhận"),
    "conflict.declare": _("Khai báo xung đột lợi ích"),
    "conflict.detect": _("Phát hiện xung đột lợi ích"),
    "council.conclude": _("Hội đồng kết luận"),
    "council.member_add": _("Thêm thành viên Hội đồng"),
    "council.result": _("Tổng hợp kết quả chấm của Hội đồng"),
    "council.set_up": _("Thành lập Hội đồng"),
    "decision.approve": _("Duyệt quyết định công nhận"),
    "decision.create": _("Lập dự thảo quyết định công nhận"),
    "decision.record_paper": _("Ghi nhận quyết định công nhận bằng giấy (nhập kết quả trước đây)"),
    "decision.reject": _("Trả lại dự thảo quyết định"),
    "decision.remove_paper": _("Xóa quyết định giấy đã ghi nhận (hủy lần nhập kết quả trước đây)"),
    "dossier.create": _("Lập hồ sơ"),
    "dossier.document_upload": _("Tải lên tài liệu của hồ sơ"),
    "dossier.message": _("Trao đổi về hồ sơ"),
    "dossier.update": _("Sửa hồ sơ"),
    "history_import.apply": _("Nhập kết quả công nhận trước đây"),
    "history_import.undo": _("Hủy một lần nhập kết quả trước đây"),
    "history_import.start": _("Bắt đầu ghi tệp kết quả công nhận trước đây"),
    "history_upload.create": _("Tải lên tệp kết quả công nhận trước đây"),
    "history_upload.choose": _("Chọn gộp hoặc tách chủ thể khi nhập kết quả trước đây"),
    "idea.register": _("Đăng ký ý tưởng sản phẩm"),
    "idea.update": _("Sửa ý tưởng sản phẩm"),
    "login.address_limited": _("Tạm chặn đăng nhập từ một địa chỉ"),
    "login.locked": _("Tạm khóa đăng nhập"),
    "partner_key.issue": _("Cấp khóa API cho đối tác"),
    "partner_key.revoke": _("Thu hồi khóa API của đối tác"),
    "plan.attach": _("Đính kèm tệp vào phương án"),
    "plan.create": _("Lập phương án sản xuất kinh doanh"),
    "plan.update": _("Sửa phương án sản xuất kinh doanh"),
    "producer.confirm": _("Xác nhận chủ thể"),
    "producer.create": _("Tạo chủ thể"),
    "producer.member_add": _("Thêm người đại diện của chủ thể"),
    "producer.register": _("Chủ thể tự đăng ký"),
    "producer.update": _("Sửa thông tin chủ thể"),
    "product.create": _("Tạo sản phẩm"),
    "product.photo_add": _("Thêm ảnh sản phẩm"),
    "product.photo_remove": _("Xóa ảnh sản phẩm"),
    "product.update": _("Sửa sản phẩm"),
    "revocations.publish": _("Công bố danh sách thu hồi"),
    "role.grant": _("Giao vai trò"),
    "role.revoke": _("Thu hồi vai trò"),
    "round.advance": _("Chuyển trạng thái đợt đánh giá"),
    "round.create": _("Tạo đợt đánh giá"),
    "round.dossier_add": _("Đưa hồ sơ vào đợt đánh giá"),
    "round_dossier.propose_upward": _("Đề xuất lên cấp trên"),
    "round_dossier.recognised": _("Ghi nhận sản phẩm đã được công nhận"),
    "rubric_sheet.import": _("Nhập phiếu đánh giá"),
    "rubric_version.created": _("Nạp bộ tiêu chí mới"),
    "rubric_version.freeze": _("Khóa bộ tiêu chí"),
    "rubric_version.updated": _("Cập nhật bộ tiêu chí"),
    "sheet.save": _("Lưu nháp phiếu chấm"),
    "sheet.submit": _("Nộp phiếu chấm"),
    "signing_key.rotate": _("Đổi khóa ký"),
    "task.probe": _("Kiểm tra hệ thống"),
    "task.retry": _("Chạy lại công việc nền"),
    "token.issue": _("Cấp mã truy cập API"),
    "user.create": _("Tạo người dùng"),
    "programme_plan.create": _("Lập kế hoạch thực hiện Chương trình OCOP"),
    "programme_plan.update": _("Sửa kế hoạch thực hiện Chương trình OCOP"),
    "programme_plan.import": _("Nhập kế hoạch thực hiện Chương trình OCOP từ tệp"),
    "programme_report.request": _("Yêu cầu tạo báo cáo kết quả thực hiện Chương trình OCOP"),
    "address_alias.create": _("Ghép địa chỉ với đơn vị hành chính"),
    "address_alias.update": _("Sửa địa chỉ đã ghép"),
    "address_alias.delete": _("Xóa địa chỉ đã ghép"),
    "event.create": _("Ghi nhận hội chợ, triển lãm"),
    "participation.record": _("Ghi nhận sản phẩm tham gia sự kiện"),
    "participation.confirm": _("Xác nhận kết quả tham gia sự kiện"),
    "participation.reject": _("Không xác nhận kết quả tham gia sự kiện"),
    "shop.create": _("Ghi nhận điểm bán sản phẩm OCOP"),
    "shop.product_add": _("Điểm bán bày bán thêm sản phẩm"),
    "listing.record": _("Ghi nhận gian hàng thương mại điện tử"),
    "listing.confirm": _("Xác nhận gian hàng thương mại điện tử"),
    "listing.reject": _("Không xác nhận gian hàng thương mại điện tử"),
    "listing.link_broken": _("Liên kết gian hàng không còn phản hồi"),
    "listing.link_answers": _("Liên kết gian hàng phản hồi trở lại"),
    "gift_set.create": _("Lập bộ quà tặng"),
    # --- issue 17: training and supervision ---
    "course.create": _("Ghi lớp tập huấn"),
    "course.attendance_import": _("Nhập danh sách học viên"),
    "inspection.create": _("Ghi đợt kiểm tra sản phẩm"),
    "inspection.finding_add": _("Ghi nội dung vi phạm khi kiểm tra"),
    "inspection.follow_up": _("Ghi kết quả kiểm tra lại"),
    "inspection.warn": _("Cảnh báo chủ thể sau kiểm tra"),
    "inspection.propose": _("Đề nghị thu hồi hoặc hạ hạng sao sau kiểm tra"),
    "inspection.close": _("Kết thúc đợt kiểm tra"),
    "complaint.submit": _("Nhận phản ánh của người tiêu dùng"),
    "complaint.dismiss": _("Đóng phản ánh không kiểm tra"),
    "inspection_plan.draw": _("Lập kế hoạch kiểm tra năm"),
    "dossier.evidence_tag": _("Gắn tài liệu với tiêu chí (viện dẫn minh chứng)"),
    "self_assessment.save": _("Lưu nháp phiếu tự đánh giá"),
    "self_assessment.submit": _("Nộp phiếu tự đánh giá"),
    "precheck.record": _("Tổ giúp việc ghi ý kiến kiểm tra minh chứng"),
}

# Functions code → label (already translated) or None, registered by the apps whose data names actions.
_SOURCES: list[Callable[[str], str | None]] = []


def register_label_source(source: Callable[[str], str | None]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def action_label(code: str) -> str | None:
    """The action's name in the reader's language, or None when nothing names it."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    for source in _SOURCES:
        found = source(code)
        if found:
            return found
    return None


def action_choices() -> list[tuple[str, str]]:
    """(code, name) of every named action, by name: the audit page's filter."""
    from ocop.core.text import sort_key

    codes = set(ACTION_LABELS)
    for source in _SOURCES:
        codes.update(getattr(source, "codes", lambda: ())())
    named = [(code, action_label(code) or code) for code in codes]
    return sorted(named, key=lambda pair: sort_key(pair[1]))
