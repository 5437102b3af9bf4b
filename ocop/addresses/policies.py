"""Who matches a province's addresses to units: the officers who import its past decisions (RECOGNISE)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability
from ocop.core.errors import Forbidden
from ocop.geo.models import AdminUnit


def may_manage_aliases(user) -> bool:
    """Whether the person sees the page at all: a province or central officer."""
    return has_capability(user, Capability.RECOGNISE)


def refusal_of_aliases(user) -> Forbidden | None:
    """The refusal of the list of aliases for someone who imports no past decisions, or None."""
    if may_manage_aliases(user):
        return None
    return Forbidden(
        _("Chỉ cán bộ nhập kết quả công nhận (cấp tỉnh, trung ương) ghép địa chỉ với đơn vị hành chính."),
        code="aliases_forbidden",
    )


def may_alias_in(user, province: AdminUnit) -> bool:
    return can(user, Capability.RECOGNISE, province)


def refusal_for_alias(user, province: AdminUnit) -> Forbidden | None:
    """The refusal of saving, changing or deleting an alias of `province` (today's province), or None."""
    if may_alias_in(user, province):
        return None
    return Forbidden(
        _("Chỉ cán bộ của %(province)s ghép địa chỉ của tỉnh với đơn vị hành chính.")
        % {"province": province.name},
        code="alias_forbidden",
    )
