"""Error codes of supervision: inspections, findings, follow-ups, warnings, proposals, complaints and plans."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class SupervisionCode(ErrorCode):
    """The codes of supervision after recognition (docs/errors.md)."""

    INSPECTION_NOT_FOUND = "inspection_not_found", "This inspection was not found (or is outside your area)."
    INSPECTION_FORBIDDEN = "inspection_forbidden", "Your role may not inspect products in this unit."
    INSPECTION_INVALID = (
        "inspection_invalid",
        "A field of the inspection is missing or not valid (the message names it).",
    )
    NOT_CERTIFIED = (
        "not_certified",
        "The product holds no certificate in force: it cannot be inspected as an OCOP product.",
    )
    INSPECTION_CLOSED = "inspection_closed", "The inspection is closed: nothing more can be recorded on it."
    FINDING_NOT_FOUND = "finding_not_found", "This finding was not found on the inspection."
    FINDING_INVALID = (
        "finding_invalid",
        "A field of the finding is missing or not valid (the message names it).",
    )
    FINDING_NOT_OPEN = "finding_not_open", "The finding was already fixed or closed as not fixed."
    PROPOSAL_EXISTS = "proposal_exists", "This inspection already led to a proposal."
    PROPOSAL_INVALID = "proposal_invalid", "The proposal must be a revocation or a change of stars."
    EVIDENCE_NOT_FOUND = "evidence_not_found", "This evidence file was not found."
    COMPLAINT_NOT_FOUND = "complaint_not_found", "This complaint was not found (or is outside your area)."
    COMPLAINT_INVALID = (
        "complaint_invalid",
        "The complaint needs a description of what does not match (at most 2,000 characters).",
    )
    COMPLAINT_HANDLED = "complaint_handled", "The complaint was already handled."
    INSPECTION_PLAN_NOT_FOUND = (
        "inspection_plan_not_found",
        "This inspection plan was not found (or is outside your area).",
    )
    PLAN_INVALID = (
        "plan_invalid",
        "A plan is drawn for a current province and a year, with 1 to 500 products.",
    )
