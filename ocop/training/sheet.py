"""The attendance sheet an organiser keeps (*danh sách học viên*), read row by row into a preview.

The file is an XLSX or CSV with a header row; headers are matched folded (case and diacritics do not matter),
so "Họ và tên", "HO VA TEN" and "họ tên" are one column. Each row becomes an officer (with a unit, given by its
code or its name) or a person of a producer (given by tax code or name). Every problem is reported against its
row; the sheet is applied only when no row has one (STYLE 6: parse, validate every row, preview, apply all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.core.text import fold, nfc
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import Producer
from ocop.rubrics.issues import RubricFileInvalid
from ocop.rubrics.tables import cell_text, locate_header, read_rows
from ocop.training.models import AttendeeKind

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("Họ và tên", "Họ tên", "Tên học viên", "Full name"),
    "kind": ("Đối tượng", "Loại học viên", "Attendee type"),
    "unit_code": ("Mã đơn vị", "Mã ĐVHC", "Mã đơn vị hành chính", "Unit code"),
    "unit_name": ("Đơn vị", "Đơn vị công tác", "Xã, phường", "Unit"),
    "position": ("Chức vụ", "Vai trò", "Position"),
    "in_charge": ("Phụ trách OCOP", "Cán bộ phụ trách OCOP", "In charge of OCOP"),
    "producer": ("Chủ thể", "Tên chủ thể", "HTX, doanh nghiệp", "Producer"),
    "tax_code": ("Mã số thuế", "MST", "Tax code"),
    "phone": ("Điện thoại", "Số điện thoại", "SĐT", "Phone"),
}
REQUIRED = ("name", "kind")
HEADERS = (
    "Họ và tên",
    "Đối tượng",
    "Mã đơn vị",
    "Đơn vị",
    "Chức vụ",
    "Phụ trách OCOP",
    "Chủ thể",
    "Mã số thuế",
    "Điện thoại",
)

# The words organisers write in the "Đối tượng" column, folded.
KIND_WORDS = {
    AttendeeKind.OFFICER: {"can bo", "cb", "officer", "can bo quan ly", "cong chuc", "vien chuc"},
    AttendeeKind.PRODUCER: {
        "chu the",
        "chu the ocop",
        "producer",
        "doanh nghiep",
        "htx",
        "hop tac xa",
        "to hop tac",
        "ho kinh doanh",
        "ho san xuat",
    },
}
YES_WORDS = {"x", "co", "1", "yes", "true", "v", "dung"}
MAX_NAME = 150


@dataclass
class SheetRow:
    row_number: int
    full_name: str = ""
    kind: str = ""
    unit: AdminUnit | None = None
    producer: Producer | None = None
    position: str = ""
    in_charge: bool = False
    phone: str = ""
    person_key: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row_number,
            "full_name": self.full_name,
            "kind": self.kind,
            "unit": self.unit.full_name if self.unit else None,
            "producer": self.producer.name if self.producer else None,
            "position": self.position,
            "in_charge": self.in_charge,
            "problems": list(self.problems),
        }


@dataclass
class SheetPreview:
    rows: list[SheetRow]
    problems: list[str]  # of the file itself: unreadable, a missing column, no row

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows) and all(row.ok for row in self.rows)

    def details(self) -> list[dict[str, Any]]:
        found = [{"position": 0, "message": problem} for problem in self.problems]
        for row in self.rows:
            found += [{"position": row.row_number, "message": problem} for problem in row.problems]
        return found


def person_key(name: str, kind: str, unit: AdminUnit | None, producer: Producer | None) -> str:
    where = f"p{producer.pk}" if producer is not None else f"u{unit.pk if unit else ''}"
    return f"{kind}|{where}|{' '.join(fold(name).split())}"[:250]


def read_sheet(content: bytes, filename: str, *, taken: set[str]) -> SheetPreview:
    """Every row of the sheet with what it names and its problems; `taken` are the course's person keys."""
    try:
        rows = read_rows(content, filename)
    except RubricFileInvalid as unreadable:
        raise Invalid(
            _("Không đọc được tệp «%(name)s»: cần tệp XLSX hoặc CSV (UTF-8).") % {"name": filename},
            code="attendance_unreadable",
        ) from unreadable
    header, columns, issues = locate_header(
        rows, ALIASES, REQUIRED, labels={"name": "Họ và tên", "kind": "Đối tượng"}
    )
    if issues:
        missing = [str(issue.params.get("field", "")) for issue in issues if issue.code == "missing_column"]
        problems = [_("Thiếu cột «%(column)s».") % {"column": name} for name in missing] or [
            _("Dòng tiêu đề có cột trùng nhau.")
        ]
        return SheetPreview([], problems)
    result: list[SheetRow] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows[header + 1 :], start=header + 2):

        def cell(key: str, raw=raw) -> str:
            position = columns.get(key)
            if position is None or position >= len(raw):
                return ""
            return nfc(cell_text(raw[position]))

        if not any(cell_text(value) for value in raw):
            continue
        row = _read_row(index, cell)
        if row.ok:
            if row.person_key in taken:
                row.problems.append(
                    _("«%(name)s» đã có trong danh sách học viên của lớp.") % {"name": row.full_name}
                )
            elif row.person_key in seen:
                row.problems.append(
                    _("«%(name)s» trùng với dòng %(row)s: mỗi học viên chỉ được tính một lần trong một lớp.")
                    % {"name": row.full_name, "row": seen[row.person_key]}
                )
            else:
                seen[row.person_key] = index
        result.append(row)
    if not result:
        return SheetPreview([], [_("Tệp không có dòng học viên nào.")])
    return SheetPreview(result, [])


def _read_row(number: int, cell) -> SheetRow:
    row = SheetRow(row_number=number, full_name=cell("name")[:MAX_NAME], position=cell("position")[:150])
    row.phone = cell("phone")[:20]
    row.in_charge = fold(cell("in_charge")) in YES_WORDS
    if not row.full_name:
        row.problems.append(_("Thiếu họ và tên."))
    word = fold(cell("kind"))
    row.kind = next((kind for kind, words in KIND_WORDS.items() if word in words), "")
    if not row.kind:
        row.problems.append(
            _("Cột «Đối tượng» ghi «%(value)s»: cần «Cán bộ» hoặc «Chủ thể».") % {"value": cell("kind")}
        )
    elif row.kind == AttendeeKind.OFFICER:
        row.unit = _unit(cell("unit_code"), cell("unit_name"), row.problems)
    else:
        row.producer = _producer(cell("tax_code"), cell("producer"), row.problems)
        row.unit = row.producer.unit if row.producer else None
        row.in_charge = False
    if row.ok:
        row.person_key = person_key(row.full_name, row.kind, row.unit, row.producer)
    return row


def _unit(code: str, name: str, problems: list[str]) -> AdminUnit | None:
    units = AdminUnit.objects.filter(era=Era.CURRENT)
    if code:
        found = units.filter(code=code).first()
        if found is None:
            problems.append(_("Không có đơn vị hành chính mã «%(code)s».") % {"code": code})
        return found
    if not name:
        problems.append(_("Cán bộ cần ghi đơn vị công tác (mã hoặc tên đơn vị)."))
        return None
    folded = fold(name)
    matches = [
        u
        for u in units.filter(level__in=[Level.PROVINCE, Level.COMMUNE, Level.COUNTRY]).filter(
            search_text__contains=folded
        )
        if folded in (fold(u.name), fold(u.short_name))
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        problems.append(_("Không tìm thấy đơn vị «%(name)s»; hãy ghi mã đơn vị.") % {"name": name})
    else:
        problems.append(
            _("Có %(count)s đơn vị tên «%(name)s»; hãy ghi mã đơn vị.")
            % {"count": len(matches), "name": name}
        )
    return None


def _producer(tax_code: str, name: str, problems: list[str]) -> Producer | None:
    if tax_code:
        digits = "".join(ch for ch in tax_code if ch.isdigit())
        found = Producer.objects.select_related("unit").filter(tax_code__in={tax_code, digits}).first()
        if found is None:
            problems.append(_("Không có chủ thể mã số thuế «%(code)s».") % {"code": tax_code})
        return found
    if not name:
        problems.append(_("Học viên của chủ thể cần ghi tên chủ thể hoặc mã số thuế."))
        return None
    folded = fold(name)
    matches = [
        p
        for p in Producer.objects.select_related("unit").filter(search_text__contains=folded)
        if fold(p.name) == folded
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        problems.append(_("Không tìm thấy chủ thể «%(name)s»; hãy ghi mã số thuế.") % {"name": name})
    else:
        problems.append(
            _("Có %(count)s chủ thể tên «%(name)s»; hãy ghi mã số thuế.")
            % {"count": len(matches), "name": name}
        )
    return None
