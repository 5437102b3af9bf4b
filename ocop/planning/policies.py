"""Who may see a unit's figures, plans and reports, and who may adopt a unit's plan or generate its report.

Every officer works with the figures of the area they serve (`VIEW_WORK` over the unit: a province officer
sees the province and its communes, the central officer the country). A plan or a report is made by the
officers of the unit it belongs to, or above it (a province officer may enter a commune's plan it received on
paper); there is no separate capability, the officer roles already say who runs the programme where.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, why_not
from ocop.geo.models import AdminUnit, Era, Level

READ = Capability.VIEW_WORK
# Officers adopt their own unit's plan and report upward: the officers' capability, not a new one.
MANAGE = Capability.VIEW_WORK


def is_plannable(unit: AdminUnit | None) -> bool:
    """Plans, figures and reports belong to a current province or commune, or to the country."""
    return (
        unit is not None
        and unit.era == Era.CURRENT
        and unit.level in (Level.COUNTRY, Level.PROVINCE, Level.COMMUNE)
    )


def can_read_unit(user, unit: AdminUnit | None) -> bool:
    return is_plannable(unit) and can(user, READ, unit)


def why_not_manage_unit(user, unit: AdminUnit | None) -> str | None:
    """Why `user` may not adopt a plan or generate a report for `unit`; None when they may."""
    if not is_plannable(unit):
        return _("Kế hoạch, báo cáo chỉ lập cho tỉnh, xã hiện hành hoặc toàn quốc.")
    return why_not(user, MANAGE, unit)


def can_manage_unit(user, unit: AdminUnit | None) -> bool:
    return why_not_manage_unit(user, unit) is None


def plan_flags(user, plan) -> dict[str, bool]:
    return {"may_edit": can_manage_unit(user, plan.unit)}
