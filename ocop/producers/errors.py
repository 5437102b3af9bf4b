"""Error codes of producers and changes of their registered details: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class ProducersCode(ErrorCode):
    """The codes of producers and changes of their registered details (docs/errors.md)."""

    CHANGE_ALREADY_PENDING = (
        "change_already_pending",
        "A change of this record's name, product set, address or tax code is waiting for an officer's approval; wait …",
    )
    CHANGE_REQUEST_NOT_FOUND = "change_request_not_found", "Change request not found."
    COMMUNE_UNKNOWN = (
        "commune_unknown",
        "There is no current commune, ward or special zone with code “{code}”.",
    )
    PRODUCER_COUNT_INVALID = (
        "producer_count_invalid",
        "The numbers of members and workers must be whole numbers, zero or more.",
    )
    PRODUCER_EMAIL_INVALID = "producer_email_invalid", "The e-mail address is not valid."
    PRODUCER_FIELD_TOO_LONG = "producer_field_too_long", "“{field}” is longer than {max} characters."
    PRODUCER_FIELD_UNKNOWN = "producer_field_unknown", "The field “{field}” cannot be edited here."
    PRODUCER_FORBIDDEN = "producer_forbidden", "You may not add producers in this unit."
    PRODUCER_LEGAL_FORM_INVALID = "producer_legal_form_invalid", "The producer's legal form is not valid."
    PRODUCER_MEMBER_EXISTS = "producer_member_exists", "This account already belongs to the producer."
    PRODUCER_NAME_MISSING = "producer_name_missing", "The producer's name is required."
    PRODUCER_NOT_FOUND = "producer_not_found", "Producer not found."
    PRODUCER_PHONE_INVALID = "producer_phone_invalid", "The phone number “{value}” is not valid."
    PRODUCER_TAX_CODE_INVALID = (
        "producer_tax_code_invalid",
        "Tax number “{value}” is malformed: 10 digits, 10 digits and -3 digits, or 12 digits are needed.",
    )
    PRODUCER_TAX_CODE_TAKEN = (
        "producer_tax_code_taken",
        "Tax code {tax_code} is already registered. If it is your organisation, ask the officer of the commune or ward …",
    )
    PRODUCER_UNIT_INVALID = (
        "producer_unit_invalid",
        "Choose the current commune, ward or special zone where the producer has its seat.",
    )
    PRODUCER_WEBSITE_INVALID = "producer_website_invalid", "The website address is not valid."
    PRODUCT_NOT_OF_PRODUCER = "product_not_of_producer", "The product does not belong to this producer."
    STALE = (
        "stale",
        "Someone else has just changed this {record}; reload the page to see the change, then continue.",
    )
