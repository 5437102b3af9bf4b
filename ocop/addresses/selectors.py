"""Address aliases a person may see (the provinces they cover), and the units one may point at."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_q
from ocop.core.errors import NotFound
from ocop.core.text import fold
from ocop.geo.models import AddressAlias, AdminUnit, Level


def address_aliases_visible_to(user, q: str = "") -> QuerySet[AddressAlias]:
    aliases = AddressAlias.objects.filter(scope_q(user, Capability.RECOGNISE, "province")).select_related(
        "province", "unit__parent__parent", "created_by", "updated_by"
    )
    for word in fold(q).split()[:8]:
        aliases = aliases.filter(Q(key__contains=word) | Q(unit__search_text__contains=word))
    return aliases.order_by("province__code", "key")


def address_alias_get(user, pk: int) -> AddressAlias:
    alias = address_aliases_visible_to(user).filter(pk=pk).first()
    if alias is None:
        raise NotFound(_("Không tìm thấy địa chỉ đã ghép này."), code="alias_not_found")
    return alias


def units_to_pick(province: AdminUnit, q: str, limit: int = 30) -> list[AdminUnit]:
    """Districts and communes of both generations that roll up into `province`, matching every word of `q`."""
    units = AdminUnit.objects.filter(
        current_province=province, level__in=[Level.DISTRICT, Level.COMMUNE]
    ).select_related("parent__parent")
    words = fold(q).split()[:8]
    if not words:
        return []
    for word in words:
        units = units.filter(search_text__contains=word)
    return list(units.order_by("era", "level", "code")[:limit])
