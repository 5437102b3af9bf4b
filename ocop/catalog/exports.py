"""Open data files of the certified products: CSV, XLSX and JSON, streamed.

Spreadsheet formats neutralise every cell a spreadsheet would read as a formula (a leading `=`, `+`, `-`,
`@`, tab, carriage return or NUL gets a leading apostrophe), so an exported product name can never run
in the reader's spreadsheet. JSON is data for programs, not a spreadsheet: it carries the values exactly,
as the API does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation

from ocop.catalog.models import CERTIFICATE_STATES
from ocop.catalog.selectors import EXPORT_COLUMNS, export_rows
from ocop.core.exports import FORMULA_STARTS, csv_lines, neutralise, xlsx_temp_file  # noqa: F401

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _cell(row: dict[str, Any], key: str) -> Any:
    """A spreadsheet cell, for people: the certificate's state in words ("Còn hiệu lực"), not its code."""
    value = row[key]
    if value is None:
        return ""
    if key == "certificate_status":
        with translation.override("vi"):  # the file is in Vietnamese, like its header row
            value = str(CERTIFICATE_STATES.get(value, value))
    return neutralise(value)


def _headers() -> list[str]:
    return [label for _, label in EXPORT_COLUMNS]


def _cells(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [_cell(row, key) for key, _ in EXPORT_COLUMNS]


def csv_stream(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV with a BOM (so spreadsheets read UTF-8), a header row in Vietnamese, every cell neutralised."""
    return csv_lines(_headers(), _cells(rows))


def json_stream(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield '{"columns": ' + json.dumps([key for key, _ in EXPORT_COLUMNS]) + ', "items": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"


def xlsx_file(rows: Iterable[dict[str, Any]]):
    """An XLSX in a temporary file, opened for reading."""
    return xlsx_temp_file(_headers(), _cells(rows), sheet_title="San pham OCOP")


def response(fmt: str):
    """The download of every listed product in `fmt` (one of FORMATS), streamed."""
    rows = export_rows()
    filename = f"san-pham-ocop.{fmt}"
    if fmt == "xlsx":
        return FileResponse(xlsx_file(rows), content_type=FORMATS[fmt], as_attachment=True, filename=filename)
    stream = csv_stream(rows) if fmt == "csv" else json_stream(rows)
    download = StreamingHttpResponse(stream, content_type=FORMATS[fmt])
    download["Content-Disposition"] = f'attachment; filename="{filename}"'
    return download
