"""Domain errors: a stable code for machines and a message in the user's language for people.

Services raise these; the API turns them into `{"code", "message"}` with the status below, and pages show
the message. Messages are written in Vietnamese and marked for translation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        # The Vietnamese message is the msgid: it is translated here, in the language of the request.
        payload: dict[str, Any] = {"code": self.code, "message": gettext(str(self.message))}
        if self.details is not None:
            payload["details"] = self.details
        return payload


class Invalid(DomainError):
    status = 400
    default_code = "invalid"


class NotFound(DomainError):
    """Also used for objects the user may not see: a forbidden object and a missing one look the same."""

    status = 404
    default_code = "not_found"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"


class RateLimited(DomainError):
    status = 429
    default_code = "rate_limited"


class ErrorCode(StrEnum):
    """The codes an app answers with, declared in its `errors.py` (docs/errors.md lists them all).

    A member is the code and a one-line description: `DOSSIER_NOT_FOUND = "dossier_not_found", "..."`; it is a
    `str`, so `code=CycleCode.DOSSIER_NOT_FOUND` and `code="dossier_not_found"` raise the same code.
    tests/test_error_codes.py fails on a code raised anywhere that no enum declares.
    """

    description: str

    def __new__(cls, value: str, description: str = "") -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class CoreCode(ErrorCode):
    """The codes of the web edge and shared rules: generic refusals, paging, uploads, API plumbing (docs/errors.md)."""

    BAD_JSON = "bad_json", "The request body could not be read: valid JSON in UTF-8 is required."
    BAD_PAGE = "bad_page", "page is below 1, or page_size is outside 1 to {max} (200)."
    BAD_TOKEN = "bad_token", "The access token is invalid or has expired."
    CONFLICT = "conflict", "The request conflicts with the record as it stands."
    FILE_ACTIVE_CONTENT = (
        "file_active_content",
        "File '{name}' contains code that runs (JavaScript, a web page or a command launching a program); send a …",
    )
    FILE_ARCHIVE_BOMB = (
        "file_archive_bomb",
        "File “{name}” would unpack to an abnormal size ({size} MB); it may be a malicious archive (zip bomb).",
    )
    FILE_ARCHIVE_TOO_MANY_ENTRIES = (
        "file_archive_too_many_entries",
        "File “{name}” has too many parts ({count}, at most {max}); it may be a malicious archive.",
    )
    FILE_CORRUPT = "file_corrupt", "File “{name}” is damaged: its archive structure cannot be read."
    FILE_EMPTY = "file_empty", "File “{name}” is empty."
    FILE_ENCRYPTED = "file_encrypted", "File “{name}” is password-protected; send an unencrypted copy."
    FILE_EXECUTABLE = (
        "file_executable",
        "File “{name}” is a program or executable code; this kind of file is not accepted.",
    )
    FILE_IMAGE_FORMAT = (
        "file_image_format",
        "File “{name}” is an image format that is not accepted; send a JPEG or PNG image.",
    )
    FILE_LEGACY_OFFICE = (
        "file_legacy_office",
        "File “{name}” is a legacy Office document (.doc, .xls); save it as DOCX, XLSX or PDF.",
    )
    FILE_MACRO = "file_macro", "File “{name}” contains macros; save it as a plain DOCX/XLSX or PDF."
    FILE_MARKUP = "file_markup", "File “{name}” is a web page or XML; this kind of file is not accepted."
    FILE_MISSING = "file_missing", "No file was chosen for upload."
    FILE_NAME_MISMATCH = (
        "file_name_mismatch",
        "File name “{name}” ends in {suffix} but its content is {kind}.",
    )
    FILE_OFFICE_DDE = (
        "file_office_dde",
        "The file “{name}” contains a DDE command that starts another program; remove it or send a PDF.",
    )
    FILE_OFFICE_EXTERNAL = (
        "file_office_external",
        "The file “{name}” contains embedded objects or links outside the document (template, image, workbook, OLE …",
    )
    FILE_PDF_UNREADABLE = (
        "file_pdf_unreadable",
        "The file “{name}” is not a readable PDF (damaged or of an unusual structure); export the PDF again.",
    )
    FILE_REFUSED = "file_refused", "The file is not accepted; nothing was stored."
    FILE_SVG = "file_svg", "File “{name}” is an SVG image (it may contain scripts); send a JPEG or PNG image."
    FILE_TOO_LARGE = "file_too_large", "The file is larger than allowed."
    FILE_TYPE_NOT_ALLOWED = (
        "file_type_not_allowed",
        "File “{name}” is an archive or Office document that is not accepted; only DOCX and XLSX are.",
    )
    FILE_TYPE_UNKNOWN = (
        "file_type_unknown",
        "The format of file “{name}” is not recognised; accepted: {kinds}.",
    )
    FORBIDDEN = "forbidden", "The caller may not do this."
    HTTP_ERROR = "http_error", "An HTTP error of the API framework, with its own status."
    IDEMPOTENCY_KEY_INVALID = (
        "idempotency_key_invalid",
        "Idempotency-Key is too long (100 characters at most).",
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request.",
    )
    IMAGE_INVALID = "image_invalid", "Image “{name}” is damaged or not in the format it claims."
    IMAGE_TOO_LARGE = "image_too_large", "Image “{name}” is too large (at most {max} megapixels)."
    INVALID = "invalid", "The request is not valid (the message says why)."
    INVALID_CHARACTERS = (
        "invalid_characters",
        "Field '{field}' contains an unusable character (NUL or half of a UTF-16 pair).",
    )
    NOT_FOUND = "not_found", "Not found, or not visible to the caller (both look the same)."
    NUMBER_OUT_OF_RANGE = (
        "number_out_of_range",
        "A whole number in the path, query or body has more than 15 digits.",
    )
    PAGE_OUT_OF_RANGE = "page_out_of_range", "There is no page {page}: the results have {pages} pages."
    RATE_LIMITED = "rate_limited", "Too many requests; try again later."
    UNAUTHENTICATED = "unauthenticated", "Sign-in (a session or a bearer token) is needed."
