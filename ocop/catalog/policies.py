"""Who may do what in the catalogue. Reading it is public; issuing partner API keys is a central task."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, has_capability


def can_manage_partner_keys(user) -> bool:
    # Granting a partner access to the API is granting access: the same right as managing roles.
    return bool(getattr(user, "is_authenticated", False)) and has_capability(user, Capability.MANAGE_ROLES)


def why_not_manage_partner_keys(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Cần đăng nhập.")
    if not can_manage_partner_keys(user):
        return _("Chỉ cán bộ Trung ương quản lý khóa API của đối tác.")
    return None
