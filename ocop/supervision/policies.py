"""Who inspects and who reads inspections.

Inspections are the province's and the centre's work (DESIGN §2: the province officer runs "inspections"):
recording an inspection, its findings, follow-ups and warnings, drawing the yearly plan and handling complaints
take RUN_EVALUATION over the producer's unit; reading them takes VIEW_WORK over it (commune officers follow
the inspections of their commune). Proposing a revocation or a change of stars is certification's act: its own
policy (the issuing authority's officer, maker and checker) decides, through its service.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, can, has_capability, why_not
from ocop.certification import policies as certification
from ocop.core.errors import Conflict, Forbidden
from ocop.supervision.models import InspectionStatus

INSPECT = Capability.RUN_EVALUATION
READ = Capability.VIEW_WORK


def may_inspect_somewhere(user) -> bool:
    return has_capability(user, INSPECT)


def may_inspect(user, unit) -> bool:
    return can(user, INSPECT, unit)


def require_inspect(user, unit) -> None:
    reason = why_not(user, INSPECT, unit)
    if reason:
        raise Forbidden(_(reason), code="inspection_forbidden")


def require_open(inspection) -> None:
    if inspection.status != InspectionStatus.OPEN:
        raise Conflict(_("Đợt kiểm tra đã kết thúc, không ghi thêm được."), code="inspection_closed")


def flags(user, inspection) -> dict[str, bool]:
    """The `may_*` flags of an inspection for pages and the API (the service checks the same)."""
    record = may_inspect(user, inspection.unit) and inspection.status == InspectionStatus.OPEN
    return {
        "may_record": record,
        "may_propose": record
        and inspection.proposal_id is None
        and certification.may(user, "request_revocation", inspection.certificate),
        "may_close": record,
    }
