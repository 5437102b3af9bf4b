"""Navigation by role: each page shows only the sections its reader may use."""

from __future__ import annotations

from django.utils.translation import gettext

from ocop.accounts.policies import Capability, active_roles, has_capability
from ocop.core import markup
from ocop.core.paths import path_of

PUBLIC = "public"  # shown to every visitor, signed in or not

# (capability needed, None for everyone signed in, or PUBLIC; URL name; label). Apps add their sections here.
NAVIGATION: list[tuple[Capability | str | None, str, str]] = [
    (PUBLIC, "catalog:home", "Tra cứu sản phẩm"),
    (Capability.ACT_AS_PRODUCER, "producers:portal", "Chủ thể của tôi"),
    (Capability.VIEW_WORK, "producers:list", "Chủ thể OCOP"),
    (Capability.CHECK_DOSSIERS, "cycle:queue", "Hồ sơ cần xử lý"),
    (None, "cycle:notifications", "Thông báo"),
    (Capability.RUN_EVALUATION, "evaluation:home", "Đánh giá, phân hạng"),
    (Capability.SCORE, "evaluation:home", "Chấm điểm"),
    (Capability.RECOGNISE, "certification:decisions", "Quyết định công nhận"),
    (Capability.VIEW_WORK, "certification:list", "Giấy chứng nhận"),
    (Capability.ACT_AS_PRODUCER, "certification:list", "Giấy chứng nhận của tôi"),
    (Capability.MANAGE_RUBRICS, "rubrics:list", "Bộ tiêu chí"),
    (Capability.RECOGNISE, "history:index", "Nhập kết quả công nhận cũ"),
    (Capability.MANAGE_ROLES, "accounts:roles", "Phân quyền"),
    (Capability.MANAGE_ROLES, "accounts:users", "Tài khoản"),
    (Capability.READ_AUDIT, "accounts:audit", "Nhật ký"),
    (Capability.VIEW_WORK, "tasks:list", "Công việc nền"),
    (None, "accounts:security", "Mật khẩu và token"),
    (Capability.MANAGE_PRODUCERS, "products:changes", "Đề nghị thay đổi thông tin"),
    (Capability.VIEW_WORK, "products:list", "Sản phẩm"),
    (Capability.RUN_EVALUATION, "evaluation:results", "Kết quả đánh giá"),
    (Capability.VIEW_WORK, "planning:figures", "Chỉ tiêu và tiến độ"),
    (Capability.VIEW_WORK, "planning:plans", "Kế hoạch OCOP"),
    (Capability.VIEW_WORK, "planning:reports", "Báo cáo kết quả"),
    (Capability.VIEW_WORK, "dashboards:home", "Bảng điều khiển"),
    (Capability.RECOGNISE, "addresses:aliases", "Địa chỉ đã ghép"),
    (Capability.MANAGE_PRODUCERS, "promotion:home", "Xúc tiến thương mại"),
    (Capability.ACT_AS_PRODUCER, "promotion:home", "Xúc tiến thương mại"),
    (PUBLIC, "promotion:where_to_buy", "Mua ở đâu"),
    (Capability.VIEW_WORK, "training:courses", "Tập huấn"),  # --- issue 17 ---
    (Capability.VIEW_WORK, "supervision:home", "Kiểm tra, giám sát"),
    (Capability.PRECHECK, "evaluation:precheck_list", "Kiểm tra trước hồ sơ"),
]


def _allowed(user, capability) -> bool:
    if capability == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    return capability is None or has_capability(user, capability)


def navigation(request):
    user = getattr(request, "user", None)
    items, seen = [], set()
    for capability, url_name, label in NAVIGATION:
        if not _allowed(user, capability):
            continue
        url = path_of(url_name)
        if url not in seen:
            seen.add(url)
            items.append((url, gettext(label)))
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_items": items,
        "nav_links": markup.nav_links(items, request.path),  # drawn in one pass, on every page
        "my_roles": active_roles(user) if signed_in else [],
    }
