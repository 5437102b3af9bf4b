"""Error codes of recognition decisions, certificates and their changes: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class CertificationCode(ErrorCode):
    """The codes of recognition decisions, certificates and their changes (docs/errors.md)."""

    AUTHORITY_EXISTS = "authority_exists", "This unit already has an issuing authority."
    AUTHORITY_NOT_FOUND = "authority_not_found", "There is no issuing authority with code '{code}'."
    AUTHORITY_UNIT_LEVEL = (
        "authority_unit_level",
        "Only a (current) province or the centre issues certificates.",
    )
    CERTIFICATE_NOT_ACTIVE = "certificate_not_active", "Certificate {number} has been revoked or replaced."
    CERTIFICATE_NOT_FOUND = "certificate_not_found", "Certificate not found."
    CHANGE_KIND_MISMATCH = "change_kind_mismatch", "This request is not a revocation."
    CHANGE_NOT_FOUND = "change_not_found", "Request not found."
    CHANGE_PENDING = "change_pending", "This certificate already has a request awaiting approval."
    CHECKER_IS_PRODUCER_MEMBER = (
        "checker_is_producer_member",
        "The approver is a member of the producer of '{product}'.",
    )
    CHECKER_SCORED_PRODUCT = (
        "checker_scored_product",
        "The approver scored '{product}' in this evaluation round.",
    )
    DECISION_DATE_FUTURE = "decision_date_future", "The decision date cannot be after today."
    DECISION_DATE_INVALID = "decision_date_invalid", "The decision date is not valid."
    DECISION_DATE_TOO_EARLY = (
        "decision_date_too_early",
        "The decision date cannot be before the certificate's issue date ({date}).",
    )
    DECISION_ITEM_INVALID = "decision_item_invalid", "Each line holds a product, stars, score and dossier."
    DECISION_ITEMS_INVALID = "decision_items_invalid", "The product list has {count} error(s): {first}"
    DECISION_ITEMS_UNSUPPORTED = (
        "decision_items_unsupported",
        "The decision has {count} products that do not match the council's result: {first}",
    )
    DECISION_NOT_DRAFT = "decision_not_draft", "This decision is no longer awaiting approval."
    DECISION_NOT_FOUND = "decision_not_found", "Decision not found."
    DECISION_NUMBER_INVALID = (
        "decision_number_invalid",
        "Decision number '{number}' is not well formed; for example: 123/QĐ-UBND.",
    )
    DECISION_NUMBER_TAKEN = "decision_number_taken", "Decision number {number} is already used."
    DECISION_SIGNER_REQUIRED = (
        "decision_signer_required",
        "The decision's signer is needed (at most 200 characters).",
    )
    DECISION_TOO_LONG = "decision_too_long", "A decision lists at most {max} products."
    DECISION_WITHOUT_ITEMS = "decision_without_items", "A decision needs at least one product."
    MAKER_CHECKER = "maker_checker", "The same officer may not both make and check this change."
    NO_COUNCIL_RESULT = (
        "no_council_result",
        "Product '{product}' has no council result proposing recognition (from a concluded evaluation round) of this …",
    )
    NO_RUBRIC_IN_FORCE = "no_rubric_in_force", "No rubric version was in force on {date}."
    NO_SIGNING_KEY = "no_signing_key", "{authority} has no active signing key."
    NOT_AUTHORITY_OFFICER = "not_authority_officer", "You are not an official of this unit."
    PRODUCT_IN_PENDING_DECISION = (
        "product_in_pending_decision",
        "Product '{product}' is already in draft decision {number} awaiting approval.",
    )
    PRODUCT_LISTED_TWICE = "product_listed_twice", "Product '{product}' is listed twice."
    PRODUCT_OUTSIDE_AUTHORITY = (
        "product_outside_authority",
        "Product {id} is outside the area of {authority}.",
    )
    QR_TOO_LARGE = (
        "qr_too_large",
        "The site address (OCOP_SITE_URL) is too long: the QR code would exceed version 8.",
    )
    ROUND_DOSSIER_NOT_PROPOSED = (
        "round_dossier_not_proposed",
        "Only products this round's council proposed for recognition, with no decision yet, can be chosen.",
    )
    SCORE_BELOW_STARS = (
        "score_below_stars",
        "Product '{product}' scored {score}, not enough for {stars} stars.",
    )
    SCORE_INVALID = "score_invalid", "Score {score} is not valid."
    SCORE_NOT_COUNCIL = (
        "score_not_council",
        "Product '{product}': the score must be the council's ({council}).",
    )
    SIGNING_KEY_UNAVAILABLE = (
        "signing_key_unavailable",
        "Signing key {key} cannot be used on this server; contact the system administrator.",
    )
    STARS_ABOVE_COUNCIL = (
        "stars_above_council",
        "Product '{product}': the council recognised {council} stars; the decision may not give {stars} stars.",
    )
    STARS_INVALID = "stars_invalid", "The new stars are not valid."
    STARS_NOT_FOR_ROUND_LEVEL = (
        "stars_not_for_round_level",
        "Product '{product}': the level of the evaluation round may not recognise {stars} stars.",
    )
    STARS_NOT_RECOGNISABLE = (
        "stars_not_recognisable",
        "{authority} does not recognise {stars} stars on that date (it recognises: {allowed}).",
    )
    STARS_UNCHANGED = "stars_unchanged", "The new stars are the current ones."
    VERIFY_RATE_LIMITED = (
        "verify_rate_limited",
        "Too many codes checked in one minute; please try again later.",
    )
    NO_RUBRIC_LOADED = "no_rubric_loaded", "No rubric version is loaded, so no certificate validity is known."
