"""Spreadsheet downloads of what a list shows: one place that writes CSV and XLSX for people.

Every cell a spreadsheet would read as a formula (a leading `=`, `+`, `-`, `@`, tab, carriage return or NUL)
gets a leading apostrophe, and XLSX cells holding text are typed as text, so a name typed by anyone can never
run in the reader's spreadsheet. The open data files of the catalogue and every officer list use this module.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
SPREADSHEET_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: text starting like a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """A column of a list: its header (already translated) and how to read its cell from a row."""

    label: str
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None  # on the page, the cell links there (the file has the text)
    badge: Callable[[Any], str] | None = (
        None  # on the page, the cell is a badge of this class (a state's tone)
    )
    # Reads at once what many rows' cells need (place names by unit id), before their cells are read: with
    # the rows of a page, or of each batch of a file.
    prepare: Callable[[list], None] | None = None


PREPARED_BATCH = 2000


def batches(records: Iterable[Any], size: int = PREPARED_BATCH) -> Iterator[list[Any]]:
    """`records` as lists of at most `size`: what a download reads or prepares at once."""
    remaining = iter(records)
    while batch := list(islice(remaining, size)):
        yield batch


def prepared(columns: Sequence[Column], records: Iterable[Any]) -> Iterator[Any]:
    """`records` in batches, each handed to the columns' `prepare` (each once) before its rows are read."""
    preparers = list(dict.fromkeys(column.prepare for column in columns if column.prepare))
    if not preparers:
        yield from records
        return
    for batch in batches(records):
        for prepare in preparers:
            prepare(batch)
        yield from batch


DATE_FORMAT = "%d/%m/%Y"  # as Vietnamese readers write dates; XLSX keeps a real date shown the same way


def shown(value: Any) -> str:
    """A cell as the page and the CSV show it: dates as dd/mm/yyyy, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def page_rows(columns: Sequence[Column], records: Iterable[Any]) -> list[list[tuple[str, str, str]]]:
    """The cells of a page as the file writes them (same values, same order), each with its link and its
    badge class ("" for none)."""
    rows = []
    for record in prepared(columns, records):
        cells = []
        for column in columns:
            value = column.value(record)
            text = shown(value)
            link = column.link(record) if column.link else ""
            cells.append((text, link, column.badge(record) if column.badge else ""))
        rows.append(cells)
    return rows


def _cell(value: Any, *, keep_dates: bool = False) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date) and keep_dates:
        return value
    if not isinstance(value, (int, float)):
        value = shown(value)  # dates, lazy translations, decimals: written as people read them
    return neutralise(value)


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV with a BOM (so spreadsheets read UTF-8), the header row, every cell neutralised; in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_cell(header) for header in headers])
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(value) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_temp_file(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str):
    """An XLSX in a temporary file (openpyxl's write-only mode keeps memory flat), opened for reading."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append([_cell(header) for header in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_cell(value, keep_dates=True))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, always: never a formula, whatever the value looks like
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the response, which closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def table_download(
    fmt: str, columns: Sequence[Column], records: Iterable[Any], *, filename: str, sheet_title: str
):
    """The download of `records` as the list shows them (its columns, in order) in `fmt` ("csv" or "xlsx")."""
    headers = [column.label for column in columns]
    rows = ([column.value(record) for column in columns] for record in prepared(columns, records))
    if fmt == "xlsx":
        handle = xlsx_temp_file(headers, rows, sheet_title=sheet_title)
        return FileResponse(
            handle, content_type=SPREADSHEET_FORMATS[fmt], as_attachment=True, filename=f"{filename}.xlsx"
        )
    download = StreamingHttpResponse(csv_lines(headers, rows), content_type=SPREADSHEET_FORMATS["csv"])
    download["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return download
