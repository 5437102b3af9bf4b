"""The XLSX template a central officer fills to key in a product set's sheet (issue 12).

One row per option, under a header with exactly the columns `sheet_import` reads (its Vietnamese names, in its
order), so a filled template goes through the import's preview unchanged. A title row above the header says
which set and version it is for (the import skips rows above the header); a second worksheet explains each
column. The import reads only the first worksheet.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .schema import ProductSet, RubricVersion
from .sheet_import import COLUMN_LABELS, COLUMNS, REQUIRED

# What to write in each column, shown on the "Hướng dẫn" worksheet.
_GUIDE = {
    "part": gettext_lazy("A, B hoặc C (phần của bộ tiêu chí)."),
    "group": gettext_lazy("Nhóm tiêu chí, ví dụ «1. Tổ chức sản xuất»; để trống để lặp lại dòng trên."),
    "criterion_code": gettext_lazy("Mã tiêu chí, ví dụ 1.1; để trống để lặp lại dòng trên."),
    "criterion": gettext_lazy("Nội dung tiêu chí; để trống để lặp lại dòng trên."),
    "option": gettext_lazy("Nội dung một lựa chọn (mỗi dòng một lựa chọn)."),
    "points": gettext_lazy("Điểm của lựa chọn."),
    "notes": gettext_lazy(
        "Ghi chú; «Bị loại nếu…» hoặc «Không đánh giá các bước tiếp theo nếu…» được hiểu là điều kiện loại/dừng."
    ),
    "alternative": gettext_lazy("Trường hợp (khi tiêu chí có nhiều bộ lựa chọn theo loại hình)."),
    "legal_forms": gettext_lazy("Loại hình chủ thể áp dụng (mã, cách nhau bởi dấu phẩy)."),
    "applies_when": gettext_lazy("Chỉ áp dụng khi, ví dụ «5.1 >= 1»."),
    "gate": gettext_lazy("«loại» hoặc «dừng»."),
    "bonus": gettext_lazy("x nếu là điểm khuyến khích."),
    "mandatory": gettext_lazy("Hạng sao mà lựa chọn này là mức tối thiểu bắt buộc (3, 4 hoặc 5)."),
    "max": gettext_lazy("Điểm tối đa của tiêu chí."),
}


def template_filename(version: RubricVersion, product_set: ProductSet) -> str:
    return f"phieu-danh-gia-{version.code}-{product_set.code}.xlsx"


def template_workbook(version: RubricVersion, product_set: ProductSet) -> bytes:
    """The template as XLSX bytes: title row, header row, then empty rows to fill."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Phiếu")
    sheet.append(
        [
            _(
                "Phiếu đánh giá bộ sản phẩm %(code)s – %(name)s, bộ tiêu chí %(version)s (mỗi dòng một lựa chọn)"
            )
            % {"code": product_set.code, "name": product_set.name, "version": version.code}
        ]
    )
    sheet.append([COLUMN_LABELS[key] for key in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for index, key in enumerate(COLUMNS):
        letter = openpyxl.utils.get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = 40 if key in ("criterion", "option", "notes") else 14

    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.append([_("Cột"), _("Bắt buộc"), _("Cách ghi")])
    for key in COLUMNS:
        guide.append([COLUMN_LABELS[key], _("có") if key in REQUIRED else "", str(_GUIDE[key])])
    guide.append([])
    for part in version.parts:
        guide.append(
            [
                _("Phần %(code)s") % {"code": part.code},
                "",
                _("%(name)s: tối đa %(max)s điểm") % {"name": part.name, "max": part.max_points},
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
