"""API of the report upward (`/api/v1/reports/{unit}/{year}.xlsx`): the XLSX whose figures equal
`/api/v1/indicators/values` for the same unit and year."""

from django.http import HttpResponse
from ninja import Router

from ocop.accounts.api_auth import require_api_user
from ocop.accounts.policies import has_capability
from ocop.core.errors import NotFound
from ocop.planning import reports, selectors
from ocop.planning.policies import READ

router = Router(tags=["reports"])


@router.get(
    "/{unit}/{year}.xlsx", summary="Báo cáo kết quả thực hiện Chương trình OCOP của một đơn vị (XLSX)"
)
def report_xlsx(request, unit: str, year: int):
    from django.utils.translation import gettext as _

    user = require_api_user(request)
    if not has_capability(user, READ):
        raise NotFound(_("Không tìm thấy."), code="not_found")
    place = selectors.unit_from_code(user, unit)
    year = selectors.check_year(year)
    content = reports.build(place, year)
    response = HttpResponse(reports.xlsx_bytes(content), content_type=reports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reports.file_name(place, year, "xlsx")}"'
    return response
