"""Read the rows of an uploaded XLSX or CSV file, safely, as plain Python values.

XLSX files are zip archives: their declared uncompressed size and entry count are checked before openpyxl
opens them, so a zip bomb is refused without being inflated. Only the first worksheet is read, values only
(formulas give their cached result).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from .issues import Issue, RubricFileInvalid

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_ROWS = 50_000
_ZIP_MAGIC = b"PK\x03\x04"


def read_rows(content: bytes, filename: str = "") -> list[list[Any]]:
    """All rows of the file's first sheet; raises `RubricFileInvalid` when it cannot be read safely."""
    place = (("file", filename),) if filename else ()
    if len(content) > MAX_BYTES:
        raise RubricFileInvalid(
            [Issue("unreadable_file", place, {"reason": f"> {MAX_BYTES // (1024 * 1024)} MB"})]
        )
    # The content decides the type, not the name: an XLSX renamed .csv is still read as XLSX.
    if content.startswith(_ZIP_MAGIC):
        return _read_xlsx(content, place)
    return _read_csv(content, place)


def _read_xlsx(content: bytes, place: tuple) -> list[list[Any]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
                raise RubricFileInvalid(
                    [Issue("unreadable_file", place, {"reason": "archive too large when unpacked"})]
                )
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except RubricFileInvalid:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX zip
        raise RubricFileInvalid([Issue("unreadable_file", place, {"reason": type(exc).__name__})]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS:
                raise RubricFileInvalid([Issue("unreadable_file", place, {"reason": f"> {MAX_ROWS} rows"})])
        return rows
    finally:
        workbook.close()


def _read_csv(content: bytes, place: tuple) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RubricFileInvalid([Issue("unreadable_file", place, {"reason": "not UTF-8 text"})]) from exc
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if len(rows) > MAX_ROWS:
        raise RubricFileInvalid([Issue("unreadable_file", place, {"reason": f"> {MAX_ROWS} rows"})])
    return [list(r) for r in rows]


def cell_text(value: Any) -> str:
    """A cell as text: 10.0 from Excel becomes "10", None becomes ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def locate_header(
    rows: Sequence[Sequence[Any]],
    aliases: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    *,
    mapping: dict[str, str] | None = None,
    search_rows: int = 10,
    labels: dict[str, str] | None = None,
) -> tuple[int, dict[str, int], list[Issue]]:
    """Find the header row among the first rows and map each known column to its index.

    `aliases` maps a column's key to the header spellings it accepts (compared folded: case, diacritics and
    đ/d do not matter, so "Mã tiêu chí", "ma tieu chi" and "MÃ TIÊU CHÍ" are one). `mapping` (key → header
    text) overrides them, for files whose headers are the province's own. Returns the header's row index, the
    column map and the issues (missing required columns, a column given twice). A missing column is named by
    its header in `labels` (the template's Vietnamese header), not by its key.
    """
    from ocop.core.text import fold

    accepted: dict[str, str] = {}
    for key, spellings in aliases.items():
        for spelling in spellings:
            accepted[fold(spelling)] = key
    for key, header in (mapping or {}).items():
        accepted[fold(header)] = key

    best_index = 0
    best_columns: dict[str, int] = {}
    best_issues: list[Issue] = []
    for index, row in enumerate(rows[:search_rows]):
        columns: dict[str, int] = {}
        issues: list[Issue] = []
        for position, cell in enumerate(row):
            found = accepted.get(fold(cell_text(cell)))
            if found is None:
                continue
            if found in columns:
                issues.append(
                    Issue(
                        "duplicate_column",
                        (("row", str(index + 1)), ("column", cell_text(cell))),
                        {"field": cell_text(cell)},
                    )
                )
            else:
                columns[found] = position
        if len(columns) > len(best_columns):
            best_index, best_columns, best_issues = index, columns, issues
    for key in required:
        if key not in best_columns:
            spelling = (mapping or {}).get(key) or (labels or {}).get(key) or aliases[key][0]
            best_issues.append(Issue("missing_column", (("row", str(best_index + 1)),), {"field": spelling}))
    return best_index, best_columns, best_issues
