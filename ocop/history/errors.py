"""Error codes of the history import (records from past recognitions): what `code` a test may rely on."""

from __future__ import annotations

from ocop.core.errors import ErrorCode


class HistoryCode(ErrorCode):
    """The codes of the history import (docs/errors.md)."""

    HISTORY_FILE_REFUSED = (
        "history_file_refused",
        "The file has rows with errors (each named on the preview); nothing was written.",
    )
    HISTORY_NOT_PREVIEWED = "history_not_previewed", "This upload is being applied or was applied already."
    HISTORY_CHOICE_INVALID = (
        "history_choice_invalid",
        "The producer chosen for a group is not one it may merge into.",
    )
    HISTORY_UNDO_BLOCKED = "history_undo_blocked", "A record the batch created was used since (it is named)."
    HISTORY_FILE_TOO_LARGE = "history_file_too_large", "The file is larger than the import accepts."
