"""Error codes of ideas, business plans and dossiers: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class CycleCode(ErrorCode):
    """The codes of ideas, business plans and dossiers (docs/errors.md)."""

    APPLICATION_TYPE_INVALID = "application_type_invalid", "Invalid application type."
    ASSESSMENT_UNKNOWN = "assessment_unknown", "This assessment item is not on this level's list."
    BULK_REFUSED = "bulk_refused", "{count} dossiers could not be forwarded; none has been forwarded: {list}"
    CHECKLIST_ITEM_UNKNOWN = "checklist_item_unknown", "“{item}” is not an item of this dossier's checklist."
    CHECKLIST_MISSING = "checklist_missing", "There is no dossier checklist for rubric {rubric} yet."
    DOCUMENT_NOT_FOUND = "document_not_found", "No such document, or not visible to the caller."
    DOSSIER_EXISTS = "dossier_exists", "Product “{product}” already has a dossier for {year}."
    DOSSIER_NOT_FOUND = "dossier_not_found", "Dossier not found."
    DOSSIER_NOT_SUBMITTED = (
        "dossier_not_submitted",
        "The dossier has not been submitted, so messages to officers are not open yet.",
    )
    FIELD_REQUIRED = "field_required", "“{field}” is required."
    FIELD_TOO_LONG = "field_too_long", "“{field}” is longer than {max} characters."
    FIELD_UNKNOWN = "field_unknown", "Invalid fields: {fields}."
    FORBIDDEN_ACTION = (
        "forbidden_action",
        "Only the producer that owns the product can register an idea for it.",
    )
    IDEA_EXISTS = "idea_exists", "Product “{product}” already has an idea registered for {year}."
    IDEA_NOT_ACCEPTED = "idea_not_accepted", "The commune must accept the idea before a plan can be drawn up."
    IDEA_NOT_FOUND = "idea_not_found", "No such product idea, or not visible to the caller."
    NO_DUTY_PERIOD = "no_duty_period", "There is no table of duties by level for {day}."
    NO_RECEIVING_LEVEL = (
        "no_receiving_level",
        "The table of duties from {day} has no level that receives dossiers.",
    )
    NOT_EDITABLE = "not_editable", "The record may no longer be edited in its state."
    NOTHING_SELECTED = "nothing_selected", "No dossier selected."
    NUMBER_INVALID = "number_invalid", "Amounts and numbers of workers must be whole numbers, zero or more."
    PLAN_EXISTS = "plan_exists", "This idea already has a plan."
    PLAN_NOT_FOUND = "plan_not_found", "No such business plan, or not visible to the caller."
    PREVIOUS_CERTIFICATE_INVALID = "previous_certificate_invalid", "The previous certificate ID is not valid."
    PREVIOUS_CERTIFICATE_NOT_ALLOWED = (
        "previous_certificate_not_allowed",
        "Only an upgrade or re-evaluation dossier can refer to a previous certificate.",
    )
    PREVIOUS_CERTIFICATE_NOT_OWN = (
        "previous_certificate_not_own",
        "The previous certificate must be one of this producer's own certificates (chosen by its number).",
    )
    TARGET_STARS_INVALID = (
        "target_stars_invalid",
        "The star level applied for must be one the dossier's rubric version recognises.",
    )
    YEAR_INVALID = "year_invalid", "The year must be between {first} and {last}."
    PRODUCER_NOT_CONFIRMED = "producer_not_confirmed", "The producer is not yet confirmed by the commune."
    CHECKLIST_INCOMPLETE = "checklist_incomplete", "The dossier lacks documents its checklist requires."
    PLAN_INCOMPLETE = "plan_incomplete", "The business plan lacks parts it must have."
    UNKNOWN_ACTION = "unknown_action", "The action does not exist."
    TRANSITION_NOT_ALLOWED = (
        "transition_not_allowed",
        "The action is not allowed in the record's current state.",
    )
    EVIDENCE_SHEET_MISSING = (
        "evidence_sheet_missing",
        "The rubric version has no digital sheet for the product set: documents cannot be tied to criteria.",
    )
    EVIDENCE_CRITERION_UNKNOWN = (
        "evidence_criterion_unknown",
        "A criterion is not on the sheet of the dossier's product set.",
    )
    EVIDENCE_DOCUMENT_OLD = (
        "evidence_document_old",
        "Only the current revision of a document is tied to criteria.",
    )
    EVIDENCE_TOO_MANY = "evidence_too_many", "A document is tied to at most 40 criteria."
