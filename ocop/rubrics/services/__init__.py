"""Writes of the rubrics app, one module per lifecycle: rubric versions and their sheets (`versions`), past
recognition decisions read and checked from a province's file (`past_results`; the records they become are
written by `ocop.history`). Callers import the package."""

from .past_results import history_import_preview
from .versions import (
    CREATED,
    DATA_DIR,
    UNCHANGED,
    UPDATED,
    LoadResult,
    data_files,
    invalid_from,
    issues_text,
    json_document,
    rubric_sheet_import_apply,
    rubric_sheet_import_preview,
    rubric_version_freeze,
    rubric_version_load,
    rubric_versions_load,
)

__all__ = [
    "CREATED",
    "DATA_DIR",
    "UNCHANGED",
    "UPDATED",
    "LoadResult",
    "data_files",
    "history_import_preview",
    "invalid_from",
    "issues_text",
    "json_document",
    "rubric_sheet_import_apply",
    "rubric_sheet_import_preview",
    "rubric_version_freeze",
    "rubric_version_load",
    "rubric_versions_load",
]
