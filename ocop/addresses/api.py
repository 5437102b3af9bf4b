"""API of address aliases, under /api/v1/units/aliases: a province's officers list, add, change and delete
the matches of written addresses to units that the history import uses first."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from ocop.accounts.api_auth import require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.core.errors import NotFound
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.geo.models import AddressAlias, AdminUnit

from . import services
from .policies import LIST, refusal_for
from .selectors import address_alias_get, address_aliases_visible_to

router = Router(tags=["units"])


class AliasListQuery(PageQuery):
    q: str = ""


class AliasIn(Schema):
    address: str
    unit_id: int


class AliasPatch(Schema):
    unit_id: int


def _unit(unit_id: int) -> AdminUnit | None:
    return AdminUnit.objects.select_related("parent__parent").filter(pk=unit_id).first()


def alias_body(alias: AddressAlias) -> dict[str, Any]:
    unit = alias.unit
    return {
        "id": alias.pk,
        "province": {"code": alias.province.code, "name": alias.province.name},
        "address": alias.written,
        "key": alias.key,
        "unit": {
            "id": unit.pk,
            "era": unit.era,
            "level": unit.level,
            "code": unit.code,
            "full_name": unit.full_name,
        },
        "created_at": alias.created_at,
        "updated_at": alias.updated_at,
    }


@router.get("", auth=signed_in, summary="Địa chỉ đã ghép đơn vị của các tỉnh người gọi phụ trách")
def list_aliases(request, filters: Query[AliasListQuery]):
    user = require_api_user(request)
    refused = refusal_for(user, LIST)
    if refused is not None:
        raise refused
    check_page(filters)
    return page_of(address_aliases_visible_to(user, filters.q[:100]), filters, alias_body)


@router.post("", response={201: Any}, auth=signed_in, summary="Ghép một địa chỉ với đơn vị (nhớ cho cả tỉnh)")
@idempotent
def create_alias(request, payload: AliasIn):
    user = require_api_user(request)
    alias = services.address_alias_create(actor=user, address=payload.address, unit=_unit(payload.unit_id))
    return Status(201, alias_body(address_alias_get(user, alias.pk)))


def _alias_id(alias_id: str) -> int:
    """The id from the path, read here: the path takes any text so that `/units/aliases/x` is answered by this
    router (a 404 of its own) rather than by the units' `/{era}/{code}`, which takes only GET."""
    if not alias_id.isdigit():
        raise NotFound(_("Không tìm thấy địa chỉ đã ghép này."), code="alias_not_found")
    return int(alias_id)


@router.patch("/{alias_id}", auth=signed_in, summary="Đổi đơn vị của một địa chỉ đã ghép")
def update_alias(request, alias_id: str, payload: AliasPatch):
    user = require_api_user(request)
    alias = address_alias_get(user, _alias_id(alias_id))
    services.address_alias_update(actor=user, alias=alias, unit=_unit(payload.unit_id))
    return alias_body(address_alias_get(user, alias.pk))


@router.delete("/{alias_id}", response={204: None}, auth=signed_in, summary="Xóa một địa chỉ đã ghép")
def delete_alias(request, alias_id: str):
    user = require_api_user(request)
    services.address_alias_delete(actor=user, alias=address_alias_get(user, _alias_id(alias_id)))
    return Status(204, None)
