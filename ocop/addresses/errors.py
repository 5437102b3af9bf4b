"""Error codes of address aliases: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class AddressesCode(ErrorCode):
    """The codes of address aliases (docs/errors.md)."""

    ALIAS_ADDRESS_EMPTY = (
        "alias_address_empty",
        "The address must name at least one unit before its province (at most 500 characters).",
    )
    ALIAS_EXISTS = "alias_exists", "This address is already matched to {unit}; edit that match instead."
    ALIAS_FORBIDDEN = "alias_forbidden", "Only the officers of {province} match its addresses to units."
    ALIASES_FORBIDDEN = (
        "aliases_forbidden",
        "Only the officers who import past recognition decisions (province, central) match addresses to units.",
    )
    ALIAS_NOT_FOUND = "alias_not_found", "This address match was not found."
    ALIAS_PROVINCE_UNKNOWN = (
        "alias_province_unknown",
        "The last part of the address, '{value}', names no province (or several).",
    )
    ALIAS_UNIT_OUTSIDE = (
        "alias_unit_outside",
        "{unit} is not in {province}, the province the address names.",
    )
    ALIAS_UNIT_UNKNOWN = "alias_unit_unknown", "Choose a district or commune of the province from the list."
