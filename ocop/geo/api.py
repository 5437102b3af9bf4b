"""Public API of administrative units, both generations."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.geo.models import AdminUnit, Era, Level
from ocop.geo.selectors import predecessors_of, successors_of, unit_get, units_search

router = Router(tags=["units"])


class UnitsQuery(PageQuery):
    era: str = Era.CURRENT
    level: str | None = None
    parent: str | None = None
    q: str = ""


def _item(unit: AdminUnit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "type": unit.unit_type,
        "level": unit.level,
        "era": unit.era,
        "parent": unit.parent.code if unit.parent and unit.parent.level != Level.COUNTRY else None,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
    }


def _check_era(era: str) -> None:
    if era not in Era.values:
        raise Invalid(
            _("Thế hệ đơn vị '%(era)s' không tồn tại; dùng 'current' hoặc 'legacy'.") % {"era": era[:20]},
            code="unknown_era",
        )


@router.get("", summary="Danh sách đơn vị hành chính")
def list_units(request, filters: Query[UnitsQuery]):
    _check_era(filters.era)
    levels = (
        [Level.PROVINCE, Level.COMMUNE]
        if filters.era == Era.CURRENT
        else [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    )
    if filters.level is not None and filters.level not in levels:
        raise Invalid(
            _("Cấp '%(level)s' không có trong thế hệ này; dùng: %(levels)s.")
            % {"level": filters.level[:20], "levels": ", ".join(levels)},
            code="unknown_level",
        )
    check_page(filters)
    if len(filters.q) > 200:
        raise Invalid(_("Chuỗi tìm kiếm quá dài (tối đa 200 ký tự)."), code="query_too_long")
    units = units_search(era=filters.era, level=filters.level, parent=filters.parent, q=filters.q)
    return page_of(units, filters, _item)


@router.get("/{era}/{code}", summary="Một đơn vị hành chính, với đơn vị kế thừa hoặc tiền thân")
def get_unit(request, era: str, code: str):
    _check_era(era)
    unit = unit_get(era, code[:8])
    if unit is None or unit.level == Level.COUNTRY:
        raise NotFound(
            _("Không có đơn vị mã '%(code)s' trong thế hệ này.") % {"code": code[:20]}, code="unknown_unit"
        )
    body = _item(unit)
    body["full_name"] = unit.full_name
    if era == Era.LEGACY:
        body["current_province"] = unit.current_province.code if unit.current_province else None
        successors = list(successors_of(unit))
        body["successors"] = [s.code for s in successors]
        body["successor_units"] = [{"code": s.code, "name": s.name, "level": s.level} for s in successors]
    else:
        predecessors = list(predecessors_of(unit).select_related("parent"))
        body["predecessors"] = [p.code for p in predecessors]
        body["predecessor_units"] = [
            {"code": p.code, "name": p.name, "level": p.level, "parent": p.parent.code if p.parent else None}
            for p in predecessors
        ]
    return body
