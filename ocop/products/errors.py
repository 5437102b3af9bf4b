"""Error codes of products, photos and changes of certified details: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class ProductsCode(ErrorCode):
    """The codes of products, photos and changes of certified details (docs/errors.md)."""

    CHANGE_NOT_PENDING = "change_not_pending", "This request is no longer awaiting approval."
    CHANGE_REQUEST_FORBIDDEN = "change_request_forbidden", "The caller may not decide this change request."
    NO_PRODUCER = (
        "no_producer",
        "This account does not belong to any producer yet; register a producer first.",
    )
    PHOTO_KIND_INVALID = "photo_kind_invalid", "The photo type is not valid."
    PHOTO_LIMIT = "photo_limit", "A product can have at most {max} photos."
    PHOTO_NOT_FOUND = "photo_not_found", "Photo not found."
    PRODUCER_REQUIRED = "producer_required", "You act for several producers; give “producer”."
    PRODUCT_FIELD_TOO_LONG = "product_field_too_long", "“{field}” is longer than {max} characters."
    PRODUCT_FIELD_UNKNOWN = "product_field_unknown", "The field “{field}” cannot be edited here."
    PRODUCT_FORBIDDEN = "product_forbidden", "You cannot add products for this producer."
    PRODUCT_GTIN_INVALID = (
        "product_gtin_invalid",
        "Barcode “{value}” is invalid: 8, 12, 13 or 14 digits with a correct check digit are needed.",
    )
    PRODUCT_GTIN_TAKEN = "product_gtin_taken", "Barcode {gtin} is already declared for another product."
    PRODUCT_IP_STATUS_INVALID = "product_ip_status_invalid", "The trademark status is not valid."
    PRODUCT_NAME_MISSING = "product_name_missing", "The product name is required."
    PRODUCT_NOT_FOUND = "product_not_found", "No such product."
    PRODUCT_SALES_CHANNEL_INVALID = "product_sales_channel_invalid", "The sales channel is not valid."
    PRODUCT_SET_NOT_CURRENT = (
        "product_set_not_current",
        "The product is classified under rubric {old}; choose its product set again under the rubric in force ({new}).",
    )
    PRODUCT_SET_UNKNOWN = "product_set_unknown", "Rubric {version} has no product set “{code}”."
    REASON_REQUIRED = "reason_required", "A reason for returning it is needed."
    RUBRIC_UNKNOWN = "rubric_unknown", "There is no rubric “{version}”."
