"""Saving, changing and deleting address aliases: every write audited, scoped to today's province.

An alias says "in this province, this address means this unit". It is created when an officer picks a unit for
an address the history import could not resolve, and counts for every later row and file of the province
(`ocop.geo.addresses.AddressResolver` reads aliases first).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import nfc
from ocop.geo.addresses import AddressResolver, alias_key, split_parts
from ocop.geo.models import AddressAlias, AdminUnit, Level

from .policies import WRITE, refusal_for

MAX_ADDRESS = 500


def _province_of(address: str) -> AdminUnit:
    parts = split_parts(address)
    key = alias_key(address)
    if not parts or not key or len(address) > MAX_ADDRESS:
        raise Invalid(
            _("Địa chỉ phải ghi ít nhất một đơn vị trước tên tỉnh (tối đa %(max)s ký tự).")
            % {"max": MAX_ADDRESS},
            code="alias_address_empty",
        )
    named = {p.current_province or p for p in AddressResolver().province_of(parts[-1])}
    if len(named) != 1:
        raise Invalid(
            _("Phần cuối của địa chỉ, «%(value)s», không chỉ đúng một tỉnh.") % {"value": parts[-1][:100]},
            code="alias_province_unknown",
        )
    return named.pop()


def _check_unit(unit: AdminUnit | None, province: AdminUnit) -> AdminUnit:
    if unit is None or unit.level not in (Level.DISTRICT, Level.COMMUNE):
        raise Invalid(_("Chọn một huyện hoặc xã của tỉnh trong danh sách."), code="alias_unit_unknown")
    if unit.current_province_id != province.pk:
        raise Invalid(
            _("%(unit)s không thuộc %(province)s, tỉnh mà địa chỉ ghi.")
            % {"unit": unit.full_name, "province": province.name},
            code="alias_unit_outside",
        )
    return unit


def _refuse_unless_allowed(actor, province: AdminUnit) -> None:
    refused = refusal_for(actor, WRITE, province)
    if refused is not None:
        raise refused


def address_alias_create(*, actor, address: str, unit: AdminUnit | None) -> AddressAlias:
    """Remember that `address` (as the province writes it) means `unit`, for this and every later file."""
    address = " ".join(nfc(address or "").split())
    province = _province_of(address)
    _refuse_unless_allowed(actor, province)
    unit = _check_unit(unit, province)
    key = alias_key(address)
    existing = AddressAlias.objects.filter(province=province, key=key).select_related("unit").first()
    if existing is not None:
        raise Conflict(
            _("Địa chỉ này đã được ghép với %(unit)s; hãy sửa mục đó.") % {"unit": existing.unit.full_name},
            code="alias_exists",
        )
    try:
        with transaction.atomic():
            alias = AddressAlias.objects.create(
                province=province, key=key, written=address, unit=unit, created_by=actor, updated_by=actor
            )
            record_event(
                actor=actor,
                action="address_alias.create",
                target=alias,
                unit=province,
                data={"address": address, "key": key, "unit": unit.full_name, "unit_code": unit.code},
            )
    except IntegrityError as clash:  # another officer saved the same address a moment ago
        raise Conflict(
            _("Địa chỉ này vừa được người khác ghép; hãy tải lại."), code="alias_exists"
        ) from clash
    return alias


@transaction.atomic
def address_alias_update(*, actor, alias: AddressAlias, unit: AdminUnit | None) -> AddressAlias:
    """Point an alias at another unit of its province; later previews use the new unit."""
    alias = AddressAlias.objects.select_for_update().select_related("province", "unit").get(pk=alias.pk)
    _refuse_unless_allowed(actor, alias.province)
    unit = _check_unit(unit, alias.province)
    before = alias.unit
    alias.unit, alias.updated_by = unit, actor
    alias.save(update_fields=["unit", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="address_alias.update",
        target=alias,
        unit=alias.province,
        data={"address": alias.written, "from": before.full_name, "to": unit.full_name},
    )
    return alias


@transaction.atomic
def address_alias_delete(*, actor, alias: AddressAlias, reason: str = "") -> None:
    """Forget an alias: the address is read from the unit names again (records already imported keep theirs)."""
    alias = AddressAlias.objects.select_for_update().select_related("province", "unit").get(pk=alias.pk)
    _refuse_unless_allowed(actor, alias.province)
    record_event(
        actor=actor,
        action="address_alias.delete",
        target=alias,
        unit=alias.province,
        reason=reason[:300],
        data={"address": alias.written, "unit": alias.unit.full_name},
    )
    alias.delete()
