"""Navigation by role: each page shows only the sections its reader may use."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix
from django.utils.translation import get_language, gettext

from ocop.accounts.policies import Capability, active_roles, grants
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


def _allowed(kinds: frozenset[str] | None, capability) -> bool:
    if capability == PUBLIC:
        return True
    if kinds is None:  # a visitor
        return False
    return capability is None or any(grants(kind, capability) for kind in kinds)


@functools.cache
def _items(kinds: frozenset[str] | None, language: str, prefix: str) -> tuple[tuple[str, str], ...]:
    """The sections (path, label) for the holder of roles of these kinds (None: a visitor), in a language,
    under the site's path `prefix`: the same for everyone with the same kinds of roles, so drawn once per
    process for them."""
    items, seen = [], set()
    for capability, url_name, label in NAVIGATION:
        if not _allowed(kinds, capability):
            continue
        url = path_of(url_name)
        if url not in seen:
            seen.add(url)
            items.append((url, gettext(label)))
    return tuple(items)


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    roles = active_roles(user) if signed_in else []
    kinds = frozenset(role.kind for role in roles) if signed_in else None
    items = _items(kinds, get_language(), get_script_prefix())
    return {
        "nav_items": items,
        "nav_links": markup.nav_links(items, request.path),  # drawn in one pass, on every page
        "my_roles": roles,
    }
