"""Navigation by role: each page shows only the sections its reader may use."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from ocop.accounts.policies import Capability, active_roles, has_capability

# (capability needed or None for everyone signed in, URL name, label). Apps add their sections here.
NAVIGATION: list[tuple[Capability | None, str, str]] = [
    (Capability.ACT_AS_PRODUCER, "producers:portal", "Chủ thể của tôi"),
    (Capability.VIEW_WORK, "producers:list", "Chủ thể OCOP"),
    (Capability.MANAGE_RUBRICS, "rubrics:list", "Bộ tiêu chí"),
    (Capability.MANAGE_ROLES, "accounts:roles", "Phân quyền"),
    (Capability.READ_AUDIT, "accounts:audit", "Nhật ký"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "my_roles": []}
    items = []
    for capability, url_name, label in NAVIGATION:
        if capability is not None and not has_capability(user, capability):
            continue
        try:
            items.append((reverse(url_name), label))
        except NoReverseMatch:  # the app that serves it is not installed in this build
            continue
    return {"nav_items": items, "my_roles": active_roles(user)}
