"""Who matches a province's addresses to units: the officers who import its past decisions (RECOGNISE).

One policy call, as the other apps have: `refusal_for(user, action, province)` gives the refusal (or None) that
the service raises and the pages and API read. Actions: "list" (see the aliases at all), "write" (save,
change or delete an alias of `province`, today's province).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability
from ocop.core.errors import Forbidden
from ocop.geo.models import AdminUnit

LIST, WRITE = "list", "write"


def refusal_for(user, action: str, province: AdminUnit | None = None) -> Forbidden | None:
    if not has_capability(user, Capability.RECOGNISE):
        return Forbidden(
            _("Chỉ cán bộ nhập kết quả công nhận (cấp tỉnh, trung ương) ghép địa chỉ với đơn vị hành chính."),
            code="aliases_forbidden",
        )
    if action == WRITE and (province is None or not can(user, Capability.RECOGNISE, province)):
        return Forbidden(
            _("Chỉ cán bộ của %(province)s ghép địa chỉ của tỉnh với đơn vị hành chính.")
            % {"province": province.name if province is not None else "—"},
            code="alias_forbidden",
        )
    return None


def can_manage_aliases(user) -> bool:
    """Whether the person has the aliases page at all: a province or central officer."""
    return refusal_for(user, LIST) is None


def can_alias_in(user, province: AdminUnit) -> bool:
    return refusal_for(user, WRITE, province) is None
