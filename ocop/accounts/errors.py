"""Error codes of accounts, roles, sign-in and tokens: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class AccountsCode(ErrorCode):
    """The codes of accounts, roles, sign-in and tokens (docs/errors.md)."""

    ACCOUNT_FORBIDDEN = "account_forbidden", "The account may not do this (closed, or without the role)."
    BAD_CREDENTIALS = "bad_credentials", "Wrong user name or password."
    LOGIN_ADDRESS_LIMITED = (
        "login_address_limited",
        "Too many failed sign-ins from this address. Please try again in {minutes} minutes.",
    )
    LOGIN_LOCKED = (
        "login_locked",
        "This account is locked for a while after repeated failed sign-ins. Please try again later.",
    )
    NO_TOKEN = "no_token", "Send the token to end: Authorization: Bearer <token>."
    PASSWORD_WEAK = "password_weak", "The new password is too weak (the reasons follow)."
    PASSWORD_WRONG = "password_wrong", "The current password is wrong."
    REASON_MISSING = "reason_missing", "A reason is required."
    ROLE_ALREADY_REVOKED = "role_already_revoked", "This role has already been revoked."
    ROLE_EXISTS = "role_exists", "The user already has this role in this unit."
    ROLE_FORBIDDEN = "role_forbidden", "You may not assign roles in this unit."
    ROLE_UNIT_LEVEL = "role_unit_level", "This role cannot be given at this level of unit."
    TOKEN_ALREADY_ENDED = "token_already_ended", "This token has already ended."
    TOKEN_NOT_FOUND = "token_not_found", "Token not found."
    USER_ALREADY_ACTIVE = "user_already_active", "This account is active."
    USER_ALREADY_INACTIVE = "user_already_inactive", "This account is already closed."
    USERNAME_INVALID = (
        "username_invalid",
        "A user name has only unaccented Latin letters (a–z), digits and . _ - @, starts with a letter or digit and is …",
    )
    USERNAME_TAKEN = "username_taken", "This user name is already taken."
