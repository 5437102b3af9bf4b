"""Error codes of the public catalogue and open data: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class CatalogCode(ErrorCode):
    """The codes of the public catalogue and open data (docs/errors.md)."""

    BAD_API_KEY = "bad_api_key", "The API key is invalid or has been revoked."
    BAD_CATALOG_QUERY = (
        "bad_catalog_query",
        "A catalogue search parameter is not valid (the message names it).",
    )
    BAD_RATE_LIMIT = "bad_rate_limit", "The limit must be between 1 and 100,000 requests per minute."
    CATALOG_PHOTO_NOT_FOUND = "catalog_photo_not_found", "Photo not found."
    CATALOG_PRODUCER_NOT_FOUND = "catalog_producer_not_found", "This OCOP producer was not found."
    CATALOG_PRODUCT_NOT_FOUND = "catalog_product_not_found", "This OCOP product was not found."
    PARTNER_KEYS_FORBIDDEN = "partner_keys_forbidden", "Only a central officer manages partner API keys."
    PARTNER_NAME_REQUIRED = "partner_name_required", "The partner's name is required."
    UNKNOWN_FORMAT = "unknown_format", "There is no “{fmt}” format; use csv, xlsx or json."
