"""Error codes of trade promotion: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class PromotionCode(ErrorCode):
    """The codes of trade promotion: fairs, shops, e-commerce listings, gift sets (docs/errors.md)."""

    EVENT_DATES_REVERSED = "event_dates_reversed", "The event ends ({ends}) before it starts ({starts})."
    EVENT_NOT_FOUND = "event_not_found", "Event not found."
    EVENT_NOT_STARTED = (
        "event_not_started",
        "The event starts on {day}: its results can be recorded from that day.",
    )
    GIFT_SET_TOO_SMALL = "gift_set_too_small", "A gift set holds at least two different certified products."
    LISTING_EXISTS = "listing_exists", "This link is already recorded for the product."
    LISTING_NOT_FOUND = "listing_not_found", "Listing not found."
    LISTING_PLATFORM_UNKNOWN = (
        "listing_platform_unknown",
        "There is no platform “{platform}”; use: {platforms}.",
    )
    LISTING_URL_INVALID = (
        "listing_url_invalid",
        "The link must be a web address starting with http:// or https:// (500 characters at most).",
    )
    NOT_PENDING = "promotion_not_pending", "This record is no longer waiting for confirmation."
    PARTICIPATION_EXISTS = "participation_exists", "The product is already recorded at this event."
    PARTICIPATION_NOT_FOUND = "participation_not_found", "Participation record not found."
    PRODUCT_NOT_CERTIFIED = (
        "product_not_certified",
        "“{product}” holds no OCOP certificate in force: only certified products are carried or put in gift sets.",
    )
    PROMOTION_FIELD_INVALID = (
        "promotion_field_invalid",
        "“{field}” is missing or not valid (the message says why).",
    )
    PROMOTION_FORBIDDEN = (
        "promotion_forbidden",
        "You may not record this: the unit lies outside your area, or the product is not your organisation's.",
    )
    PROMOTION_NUMBER_INVALID = (
        "promotion_number_invalid",
        "“{field}” must be a whole number from 0 to {max}.",
    )
    PROMOTION_UNIT_UNKNOWN = (
        "promotion_unit_unknown",
        "There is no current unit with code “{code}” at the level this record needs.",
    )
    REASON_REQUIRED = "promotion_reason_required", "Say why the record is not confirmed."
    SHOP_NOT_FOUND = "shop_not_found", "Shop or point of sale not found."
    SHOP_PRODUCT_EXISTS = "shop_product_exists", "The shop already carries this product."
