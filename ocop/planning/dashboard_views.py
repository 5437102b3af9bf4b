"""Dashboard pages: the country, a current province or a current commune for a year, within the reader's area
(a unit outside it is "not found"). Figures come from `ocop.planning.dashboards`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import has_capability
from ocop.core.errors import NotFound
from ocop.core.refusals import shows_refusals
from ocop.planning import dashboards, selectors
from ocop.planning.policies import READ


def _officer(request) -> None:
    if not has_capability(request.user, READ):
        raise Http404


def _year(request) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return selectors.check_year(year)


@login_required
@shows_refusals
def home(request):
    """The widest unit the officer serves: the country for a central officer, else their province or commune."""
    _officer(request)
    unit = selectors.default_unit(request.user)
    if unit is None:
        raise NotFound(_("Bạn chưa phụ trách đơn vị nào."), code="unit_unknown")
    return redirect(dashboards.dashboard_url(unit, _year(request)))


@login_required
@shows_refusals
def unit_dashboard(request, code: str):
    _officer(request)
    unit = selectors.unit_from_code(request.user, code)
    board = dashboards.dashboard(request.user, unit, _year(request))
    return render(request, "planning/dashboard.html", {"board": board, "unit": unit, "year": board.year})
