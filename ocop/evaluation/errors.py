"""Error codes of rounds, councils, sheets and results: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class EvaluationCode(ErrorCode):
    """The codes of rounds, councils, sheets and results (docs/errors.md)."""

    ALREADY_FORWARDED = "already_forwarded", "The product has already been proposed upward."
    ASSIGNMENT_EXISTS = "assignment_exists", "The member is already assigned to this dossier."
    ASSIGNMENT_TOO_LATE = "assignment_too_late", "The council already has a result for this dossier."
    CHAIR_EXISTS = "chair_exists", "The council already has a chair."
    CONCLUSION_INVALID = "conclusion_invalid", "Invalid conclusion."
    CONCLUSION_NEEDS_RESULT = (
        "conclusion_needs_result",
        "The council concludes only once its result is computed.",
    )
    CONFLICT_EXISTS = "conflict_exists", "This conflict of interest is already recorded."
    CONFLICT_NOTE_REQUIRED = "conflict_note_required", "A declared conflict needs its reason written out."
    CONFLICT_REASON_INVALID = "conflict_reason_invalid", "Invalid conflict-of-interest reason."
    CONFLICT_TOO_LATE = "conflict_too_late", "The council already has a result for this dossier."
    COUNCIL_DECISION_DATE_FUTURE = (
        "council_decision_date_future",
        "The decision date cannot be in the future.",
    )
    COUNCIL_DECISION_REQUIRED = (
        "council_decision_required",
        "The council needs a name and the number of its founding decision.",
    )
    COUNCIL_EXISTS = "council_exists", "This round already has a council."
    COUNCIL_MISSING = "council_missing", "The round has no council yet."
    COUNCIL_ROLE_INVALID = "council_role_invalid", "Invalid council role."
    COUNCIL_TOO_SMALL = (
        "council_too_small",
        "The council needs at least {count} scoring members before scoring starts.",
    )
    CRITERION_NOT_ON_SHEET = "criterion_not_on_sheet", "A criterion is not on the scoring sheet: {details}"
    DOSSIER_ALREADY_IN_ROUND = "dossier_already_in_round", "The dossier is already in this round."
    DOSSIER_IN_OTHER_ROUND = "dossier_in_other_round", "The dossier is being evaluated in another round."
    DOSSIER_NOT_ACCEPTED = "dossier_not_accepted", "The dossier has not been accepted for evaluation."
    DOSSIER_RUBRIC_MISMATCH = (
        "dossier_rubric_mismatch",
        "The dossier's product is classified under another rubric than the round's.",
    )
    EVALUATION_BAD_TRANSITION = (
        "evaluation_bad_transition",
        "The dossier is '{status}' and cannot move to '{to}'.",
    )
    EVALUATION_FORBIDDEN = "evaluation_forbidden", "You may not run evaluation rounds in this unit."
    FORWARD_NEEDS_CONCLUSION = (
        "forward_needs_conclusion",
        "A product is proposed upward only after the council concludes to recognise it.",
    )
    GATE_NOT_ON_SHEET = "gate_not_on_sheet", "A ticked disqualifying condition is not on the sheet."
    HELPER_NOT_STAFF = "helper_not_staff", "The helper group is made of officers with a role in the system."
    INVALID_ANSWERS = "invalid_answers", "The sheet's answers are not valid (the message lists why)."
    MEMBER_CONFLICTED = (
        "member_conflicted",
        "The member has a conflict of interest with this dossier and cannot be assigned to it.",
    )
    MEMBER_DOES_NOT_SCORE = "member_does_not_score", "The helper group does not score."
    MEMBER_EXISTS = "member_exists", "This person is already on the council."
    MEMBER_WITHOUT_SCORE_ROLE = (
        "member_without_score_role",
        "This person has not been given the council member role for this unit.",
    )
    MINUTES_REQUIRED = "minutes_required", "The minutes of the council meeting are required."
    NOT_A_MEMBER = "not_a_member", "This person is not on the round's council."
    NOT_ENOUGH_SHEETS = "not_enough_sheets", "Fewer submitted sheets than the round requires."
    NOTHING_TO_FORWARD = "nothing_to_forward", "Under the rules, this product does not go to a higher level."
    NOTHING_TO_RECOGNISE = "nothing_to_recognise", "The result does not allow recognition at this level."
    OPTION_NOT_FOR_LEGAL_FORM = (
        "option_not_for_legal_form",
        "An answer's option does not apply to the producer's legal form.",
    )
    OPTION_NOT_ON_SHEET = "option_not_on_sheet", "An answer names an option that is not on the sheet."
    PAPER_ON_BEHALF_FORBIDDEN = (
        "paper_on_behalf_forbidden",
        "Only the council secretary enters paper sheets for members.",
    )
    PAPER_PART_MISSING = "paper_part_missing", "The total of part {part} is missing."
    PAPER_PART_NOT_NUMBER = (
        "paper_part_not_number",
        "The total of part {part} must be a number; «{value}» was entered.",
    )
    PAPER_PART_OUT_OF_RANGE = (
        "paper_part_out_of_range",
        "The total of part {part} must be from 0 to {max}; {value} was entered.",
    )
    PAPER_PART_PRECISION = (
        "paper_part_precision",
        "The total of part {part} has at most {decimals} decimal places; {value} was entered.",
    )
    PAPER_PART_UNKNOWN = "paper_part_unknown", "Parts not in the rubric version: {parts}."
    PAPER_PARTS_NOT_OBJECT = (
        "paper_parts_not_object",
        '«parts» must be a JSON object, e.g. {"A": "35", "B": "20", "C": "30"}.',
    )
    PAPER_SCAN_MISSING = (
        "paper_scan_missing",
        "A paper sheet needs the scan (PDF, JPEG or PNG) of the signed sheet before it is submitted.",
    )
    PAPER_SHEET_MODE = "paper_sheet_mode", "This dossier is scored on paper sheets (a warning, not an error)."
    RESULT_ALREADY_CONCLUDED = "result_already_concluded", "The council has concluded on this dossier."
    RESULT_NOT_FOUND = "result_not_found", "Evaluation result not found."
    ROUND_BAD_TRANSITION = "round_bad_transition", "The round is '{status}' and cannot move to '{to}'."
    ROUND_CLOSED = "round_closed", "The round is closed."
    ROUND_DATE_OUTSIDE_VERSION = "round_date_outside_version", "Rubric {version} does not apply on {day}."
    ROUND_DOSSIER_NOT_FOUND = "round_dossier_not_found", "Dossier not found in the evaluation round."
    ROUND_HAS_OPEN_DOSSIERS = "round_has_open_dossiers", "{count} dossiers still have no council conclusion."
    ROUND_LEVEL_DOES_NOT_SCORE = (
        "round_level_does_not_score",
        "Under the rules in force on {day}, level '{level}' holds no scoring council.",
    )
    ROUND_MIN_SHEETS_INVALID = "round_min_sheets_invalid", "The minimum number of sheets must be 1 or more."
    ROUND_NAME_REQUIRED = "round_name_required", "The round needs a name."
    ROUND_NOT_FOUND = "round_not_found", "Evaluation round not found."
    ROUND_STATUS_UNKNOWN = (
        "round_status_unknown",
        "There is no status '{to}'; a round's statuses are: {known}.",
    )
    ROUND_THRESHOLD_INVALID = "round_threshold_invalid", "The spread threshold cannot be negative."
    ROUND_UNIT_LEVEL = "round_unit_level", "The organising unit is not a unit of this evaluating level."
    ROUND_YEAR_INVALID = "round_year_invalid", "The round's year is invalid."
    SCAN_NOT_FOUND = "scan_not_found", "This sheet has no scan."
    SCORING_FORBIDDEN = "scoring_forbidden", "Cannot enter the sheet on behalf of {name}: {reason}"
    SHEET_ALREADY_SUBMITTED = (
        "sheet_already_submitted",
        "The sheet is submitted and can no longer be changed.",
    )
    SHEET_INCOMPLETE = "sheet_incomplete", "The sheet has no choices yet."
    SHEET_IS_DIGITAL = (
        "sheet_is_digital",
        "Product set {set} has a digital sheet: score it criterion by criterion on the digital sheet.",
    )
    SHEET_NOT_FOUND = "sheet_not_found", "You have no sheet for this dossier."
    SHEET_NOT_LOADED = "sheet_not_loaded", "The rubric has no scoring sheet for this product set yet."
    STALE_VERSION = "stale_version", "Someone else just changed this. Reload the page and try again."
    UNIT_NOT_FOUND = "unit_not_found", "No current unit has this code."
    USER_NOT_FOUND = "user_not_found", "No such user."
    VERSION_REQUIRED = "version_required", "The sheet's version number is missing."
    RESULT_NOT_VISIBLE = "result_not_visible", "The council's result is not shown to you (yet)."
    SELF_ASSESSMENT_NOT_YOURS = (
        "self_assessment_not_yours",
        "Only the producer owning the dossier fills its self-assessment.",
    )
    SELF_ASSESSMENT_PAPER_MODE = (
        "self_assessment_paper_mode",
        "The product set has no digital sheet: upload the self-assessment report in the checklist instead.",
    )
    SELF_ASSESSMENT_SUBMITTED = (
        "self_assessment_submitted",
        "The self-assessment has been submitted and can no longer be changed.",
    )
    SELF_ASSESSMENT_DOSSIER_SUBMITTED = (
        "self_assessment_dossier_submitted",
        "The dossier has been submitted: its self-assessment can no longer be changed.",
    )
    PRECHECK_FORBIDDEN = "precheck_forbidden", "Only the help team over the dossier's unit checks its claims."
    PRECHECK_NOT_READY = (
        "precheck_not_ready",
        "The dossier is not submitted, or its self-assessment is not submitted yet.",
    )
    PRECHECK_TOO_LATE = "precheck_too_late", "The council already has a result for this dossier."
    PRECHECK_VERDICT_INVALID = (
        "precheck_verdict_invalid",
        "The verdict must be confirmed, doubtful or missing.",
    )
    PRECHECK_NOTE_REQUIRED = (
        "precheck_note_required",
        "A doubtful or missing verdict needs a note saying what is doubtful or missing.",
    )
