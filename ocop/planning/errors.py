"""Error codes of plans, indicators and reports: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class PlanningCode(ErrorCode):
    """The codes of plans, indicators and reports (docs/errors.md)."""

    INDICATOR_UNKNOWN = (
        "indicator_unknown",
        "There is no indicator with code “{code}” (see GET /api/v1/indicators).",
    )
    PROGRAMME_PLAN_EXISTS = (
        "programme_plan_exists",
        "This unit already has a plan for this period; edit that one.",
    )
    PROGRAMME_PLAN_FORBIDDEN = (
        "programme_plan_forbidden",
        "You may not adopt a plan or make a report for this unit.",
    )
    PROGRAMME_PLAN_IMPORT_INVALID = (
        "programme_plan_import_invalid",
        "The plan file has problems; `details` lists each row and what is wrong. Nothing was imported.",
    )
    PROGRAMME_PLAN_INVALID = (
        "programme_plan_invalid",
        "The plan has problems; `details` lists each one (field or row and what is wrong). Nothing was stored.",
    )
    PROGRAMME_PLAN_NOT_FOUND = "programme_plan_not_found", "Plan not found."
    PROGRAMME_PLAN_STALE = (
        "programme_plan_stale",
        "Someone else changed this plan since you opened it; reload it and try again.",
    )
    REPORT_NOT_FOUND = "report_not_found", "Report not found."
    UNIT_UNKNOWN = (
        "unit_unknown",
        "There is no current province or commune with code “{code}” (or VN for the country) within your area.",
    )
