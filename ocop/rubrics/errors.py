"""Error codes of rubric versions and classification: what `code` an API client or a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode
from ocop.rubrics.issues import MESSAGES

# Problems in rubric data, sheet imports and scoring requests keep their own catalogue, with a message in each
# language; a refusal built from one (`invalid_from`) answers with the problem's code.
CATALOGUES = {
    "rubrics: problems in rubric data, imports and scoring requests (`ocop.rubrics.issues.MESSAGES`)": {
        code: " ".join(english.split()) for code, (_vietnamese, english) in MESSAGES.items()
    }
}


class RubricsCode(ErrorCode):
    """The codes of rubric versions and classification (docs/errors.md)."""

    ALREADY_UNDONE = "already_undone", "This import has already been undone."
    PRODUCT_SET_IN_USE = "product_set_in_use", "A product set or group that products use cannot be removed."
    UNKNOWN_RUBRIC_VERSION = "unknown_rubric_version", "No such rubric version."
