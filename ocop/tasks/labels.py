"""What each background task is called on `/tasks/`: "Tạo tệp PDF giấy chứng nhận", not `certification.render_pdf`.

A task registered without a name here is shown by its code (and `tests/tasks/test_task_labels.py` fails).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TASK_LABELS = {
    "catalog.rebuild_index": _("Dựng lại chỉ mục tìm kiếm sản phẩm"),
    "catalog.refresh_index": _("Cập nhật chỉ mục tìm kiếm sản phẩm"),
    "catalog.reindex_products": _("Cập nhật sản phẩm trong danh mục công khai"),
    "certification.render_pdf": _("Tạo tệp PDF giấy chứng nhận"),
    "certification.send_expiry_reminder": _("Gửi thư nhắc giấy chứng nhận sắp hết hạn"),
    "cycle.send_notice": _("Gửi thông báo về hồ sơ"),
    "mail.send": _("Gửi thư điện tử"),
    "tasks.probe": _("Kiểm tra hệ thống"),
    "tasks.purge_finished": _("Dọn công việc đã xong"),
    "tasks.requeue_stale": _("Đưa lại công việc bị treo vào hàng đợi"),
    "planning.refresh_values": _("Cập nhật số liệu chỉ tiêu OCOP"),
    "planning.generate_report": _("Tạo báo cáo kết quả thực hiện Chương trình OCOP"),
    "history.apply_import": _("Ghi tệp kết quả công nhận trước đây vào hệ thống"),
    "promotion.check_listing_links": _("Kiểm tra liên kết gian hàng thương mại điện tử"),
}


def task_label(name: str) -> str:
    label = TASK_LABELS.get(name)
    return str(label) if label is not None else name
