"""API of the indicator catalogue and of a unit's figures (`/api/v1/indicators`), as docs/planning.md describes."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from ocop.accounts.api_auth import require_api_user
from ocop.accounts.policies import has_capability
from ocop.core.errors import NotFound
from ocop.core.paging import PageQuery, page_of
from ocop.planning import catalogue, selectors
from ocop.planning.policies import READ

router = Router(tags=["indicators"])


class FigureQuery(Schema):
    unit: str = "VN"
    year: int | None = None


class RecordsQuery(PageQuery):
    unit: str = "VN"
    year: int | None = None


def _officer(request):
    user = require_api_user(request)
    if not has_capability(user, READ):
        raise NotFound(_("Không tìm thấy."), code="not_found")
    return user


def indicator_body(item: catalogue.Indicator) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_vi": item.name_vi,
        "name_en": item.name_en,
        "unit": item.unit,
        "direction": item.direction,
        "source": item.source,
        "available": catalogue.is_available(item),
        "drill_down": catalogue.records_function(item) is not None
        or (item.is_share and catalogue.records_function(catalogue.indicator(item.numerator)) is not None),
    }


def figure_body(figure: selectors.Figure) -> dict[str, Any]:
    target = figure.target
    return {
        "code": figure.code,
        "value": figure.value_number,
        "target": figure.target_number,
        "target_max": figure.target_max_number,
        "target_kind": target.kind if target is not None else None,
        "expected": selectors.as_number(figure.expected, figure.indicator),
        "progress": float(figure.progress) if figure.progress is not None else None,
        "on_track": figure.on_track,
    }


@router.get("", summary="Danh mục chỉ tiêu (mã, tên, đơn vị tính, nguồn)")
def list_indicators(request):
    _officer(request)
    return {"items": [indicator_body(item) for item in catalogue.indicators()]}


@router.get(
    "/values", summary="Giá trị các chỉ tiêu của một đơn vị trong một năm, bên cạnh chỉ tiêu kế hoạch"
)
def indicator_values(request, filters: Query[FigureQuery]):
    from django.utils import timezone

    user = _officer(request)
    year = selectors.check_year(filters.year or timezone.localdate().year)
    unit = selectors.unit_from_code(user, filters.unit)
    figures = selectors.indicator_values(user, unit, year)
    plan = figures[0].plan if figures else None
    return {
        "unit": selectors.COUNTRY_CODE if unit.level == "country" else unit.code,
        "unit_name": unit.name,
        "year": year,
        "plan": {"id": plan.pk, "title": plan.title, "period": plan.period_label} if plan else None,
        "items": [figure_body(figure) for figure in figures],
    }


@router.get("/{code}/records", summary="Các bản ghi đứng sau một con số (xem chi tiết)")
def indicator_records(request, code: str, filters: Query[RecordsQuery]):
    from django.utils import timezone

    from ocop.planning.drilldown import record_row, with_related

    user = _officer(request)
    year = selectors.check_year(filters.year or timezone.localdate().year)
    unit = selectors.unit_from_code(user, filters.unit)
    rows = selectors.figure_records(user, unit, year, code)
    if rows is None:
        return {"count": 0, "page": 1, "page_size": filters.page_size, "items": [], "drill_down": False}
    return page_of(with_related(rows).order_by("pk"), filters, record_row, drill_down=True)
