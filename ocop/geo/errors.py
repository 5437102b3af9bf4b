"""Error codes of administrative units: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class GeoCode(ErrorCode):
    """The codes of administrative units (docs/errors.md)."""

    QUERY_TOO_LONG = "query_too_long", "The search text is too long (200 characters at most)."
    UNKNOWN_ERA = "unknown_era", "Unit generation '{era}' does not exist; use 'current' or 'legacy'."
    UNKNOWN_LEVEL = "unknown_level", "Level '{level}' does not exist in this generation; use: {levels}."
    UNKNOWN_UNIT = "unknown_unit", "No unit with code '{code}' in this generation."
