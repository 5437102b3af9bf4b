"""The report upward (*báo cáo kết quả thực hiện Chương trình OCOP*) of a unit for a year, as XLSX and PDF.

Its figures are read through `selectors.indicator_values` (the same as the API and the dashboards), and its
lists through the indicators' `_records` functions, so a total in a table equals the figure beside it. The
report is an official Vietnamese document: its wording is not translated.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from ocop.catalog.exports import neutralise
from ocop.core.text import fold
from ocop.geo.models import AdminUnit, Level
from ocop.planning import catalogue, selectors, summary
from ocop.producers.models import LegalForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STARS = (3, 4, 5)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ReportContent:
    unit: AdminUnit
    year: int
    title: str
    made_on: Any
    figures: list[selectors.Figure]
    tables: list[Table]

    def figure(self, code: str) -> selectors.Figure:
        return next(f for f in self.figures if f.code == code)


def _number(value) -> Any:
    return "" if value is None else value


def _progress_table(figures: list[selectors.Figure]) -> Table:
    table = Table(
        "1. Chỉ tiêu kế hoạch và kết quả thực hiện",
        ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Kết quả", "Tỷ lệ đạt (%)", "Đánh giá"],
    )
    for figure in figures:
        item = figure.indicator
        target = figure.target_number
        if figure.target_max_number is not None:
            target = f"{figure.target_number}–{figure.target_max_number}"
        verdict = ""
        if figure.on_track is not None:
            verdict = "Đúng tiến độ" if figure.on_track else "Chậm tiến độ"
        table.rows.append(
            [
                item.code,
                item.name_vi,
                {"count": "số lượng", "percent": "%", "money": "đồng"}[item.unit],
                _number(target),
                "Chưa có dữ liệu" if figure.value is None else figure.value_number,
                _number(float(figure.progress) if figure.progress is not None else None),
                verdict,
            ]
        )
    return table


def _stars_by_group(unit: AdminUnit, year: int) -> Table:
    table = Table(
        "2. Sản phẩm OCOP còn hiệu lực theo hạng sao và nhóm sản phẩm",
        ["Nhóm sản phẩm", "3 sao", "4 sao", "5 sao", "Tổng số"],
    )
    rows = catalogue.records(catalogue.indicator("products_recognised"), year=year, **summary.place_of(unit))
    counts: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(STARS, 0))
    if rows is not None:
        for group, stars in rows.values_list("product__product_set__group__name", "stars"):
            counts[group or "Chưa phân nhóm"][stars] += 1
    totals = dict.fromkeys(STARS, 0)
    for group in sorted(counts, key=fold):
        by_star = counts[group]
        table.rows.append([group, *(by_star[s] for s in STARS), sum(by_star.values())])
        for s in STARS:
            totals[s] += by_star[s]
    table.rows.append(["Tổng số", *(totals[s] for s in STARS), sum(totals.values())])
    return table


_FORMS = [
    (LegalForm.COOPERATIVE, "producers_cooperative", "producers_cooperative_share"),
    (LegalForm.ENTERPRISE, "producers_enterprise", "producers_enterprise_share"),
    (LegalForm.HOUSEHOLD, "producers_household", "producers_household_share"),
    (LegalForm.COOPERATIVE_GROUP, "producers_cooperative_group", "producers_cooperative_group_share"),
]


def _producers_by_form(content_figures: dict[str, selectors.Figure]) -> Table:
    table = Table("3. Chủ thể OCOP theo loại hình", ["Loại hình", "Số chủ thể", "Tỷ lệ (%)"])
    labels = {
        LegalForm.COOPERATIVE: "Hợp tác xã",
        LegalForm.ENTERPRISE: "Doanh nghiệp",
        LegalForm.HOUSEHOLD: "Hộ sản xuất, kinh doanh",
        LegalForm.COOPERATIVE_GROUP: "Tổ hợp tác",
    }
    for form, count_code, share_code in _FORMS:
        table.rows.append(
            [
                labels[form],
                _number(content_figures[count_code].value_number),
                _number(content_figures[share_code].value_number),
            ]
        )
    table.rows.append(["Tổng số", _number(content_figures["producers"].value_number), ""])
    return table


def _recognised_list(unit: AdminUnit, year: int) -> Table:
    table = Table(
        "4. Danh sách sản phẩm OCOP còn hiệu lực",
        [
            "TT",
            "Tên sản phẩm",
            "Chủ thể",
            "Xã, phường",
            "Hạng sao",
            "Số giấy chứng nhận",
            "Số quyết định",
            "Ngày quyết định",
            "Hiệu lực đến",
        ],
    )
    rows = catalogue.records(catalogue.indicator("products_recognised"), year=year, **summary.place_of(unit))
    if rows is None:
        return table
    ordered = rows.select_related("product__producer__unit", "decision").order_by(
        "-stars", "product__name", "pk"
    )
    for position, certificate in enumerate(ordered, start=1):
        producer = certificate.product.producer
        table.rows.append(
            [
                position,
                certificate.product_name or certificate.product.name,
                producer.name,
                producer.unit.name,
                certificate.stars,
                certificate.number,
                certificate.decision.number,
                certificate.decision.date.strftime("%d/%m/%Y"),
                certificate.valid_until.strftime("%d/%m/%Y"),
            ]
        )
    return table


def _ended_list(unit: AdminUnit, year: int) -> Table:
    table = Table(
        "5. Giấy chứng nhận hết hiệu lực (chưa đánh giá lại) và bị thu hồi trong năm",
        ["TT", "Số giấy chứng nhận", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Tình trạng", "Ngày", "Căn cứ"],
    )
    place = summary.place_of(unit)
    position = 0
    for code, label in (("certificates_expired", "Hết hiệu lực"), ("certificates_revoked", "Thu hồi")):
        rows = catalogue.records(catalogue.indicator(code), year=year, **place)
        if rows is None:
            continue
        for certificate in rows.select_related("product__producer").order_by("valid_until", "pk"):
            position += 1
            ended = certificate.valid_until if code == "certificates_expired" else certificate.ended_at
            basis = certificate.revocation_decision_number if code == "certificates_revoked" else ""
            table.rows.append(
                [
                    position,
                    certificate.number,
                    certificate.product_name or certificate.product.name,
                    certificate.product.producer.name,
                    certificate.stars,
                    label,
                    ended.strftime("%d/%m/%Y") if ended else "",
                    basis or certificate.revoked_reason[:200],
                ]
            )
    return table


def build(unit: AdminUnit, year: int) -> ReportContent:
    figures = selectors.indicator_values(None, unit, year)
    by_code = {figure.code: figure for figure in figures}
    where = "toàn quốc" if unit.level == Level.COUNTRY else unit.name
    return ReportContent(
        unit=unit,
        year=year,
        title=f"Báo cáo kết quả thực hiện Chương trình OCOP năm {year} – {where}",
        made_on=timezone.localdate(),
        figures=figures,
        tables=[
            _progress_table(figures),
            _stars_by_group(unit, year),
            _producers_by_form(by_code),
            _recognised_list(unit, year),
            _ended_list(unit, year),
        ],
    )


SHEET_NAMES = ["Chỉ tiêu", "Sao theo nhóm", "Chủ thể", "Sản phẩm OCOP", "GCN hết hạn, thu hồi"]


def xlsx_bytes(content: ReportContent) -> bytes:
    """One sheet per table, a title row, then the headings and the rows; text that a spreadsheet would read as
    a formula is neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, table in zip(SHEET_NAMES, content.tables, strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([content.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([table.title])
        sheet.append(table.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _no_fetch():
    """A report loads nothing from outside: no protocol is allowed (data: only, and it uses none)."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint ≥ 66
        return urls.URLFetcher(allowed_protocols=["data"])

    def refuse(url: str, *args, **kwargs):
        raise ValueError("A report loads no external resource.")

    return refuse


def pdf_bytes(content: ReportContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("planning/report_pdf.html", {"report": content})
    return HTML(string=html, url_fetcher=_no_fetch()).write_pdf()


def file_name(unit: AdminUnit, year: int, extension: str) -> str:
    code = "VN" if unit.level == Level.COUNTRY else unit.code
    return f"bao-cao-ocop-{code}-{year}.{extension}"
