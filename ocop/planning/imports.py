"""Reading plans from the sheet an office already keeps (XLSX or CSV, first sheet), row by row, into a preview:
every row with what it becomes and what is wrong with it. Nothing is stored here; `programme_plan_import`
stores the plans only when every row is right.

One row is a target (a `Mã chỉ tiêu` and its `Giá trị`), an activity (`Nội dung nhiệm vụ`), or both; rows of
the same unit and year (or period, "2021-2025") make one plan. The columns are named in the table below (their
headings compared without diacritics or case); a heading that is not in it is refused, so that a column is
never silently dropped. `docs/planning.md` shows a sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ocop.core.text import fold
from ocop.geo.models import AdminUnit
from ocop.planning.models import ProgrammePlan
from ocop.planning.policies import why_not_manage_unit
from ocop.planning.services import (
    Problems,
    check_activity,
    check_target,
    current_unit,
    parse_date,
    parse_period,
)

# field → the headings it is known by (folded: no diacritics, lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("ma don vi", "don vi", "ma tinh, xa"),
    "year": ("nam", "nam, giai doan", "giai doan", "ky ke hoach"),
    "title": ("ten ke hoach",),
    "decision_number": ("so quyet dinh", "so van ban", "so ke hoach"),
    "decision_date": ("ngay ban hanh", "ngay quyet dinh"),
    "indicator": ("ma chi tieu",),
    "indicator_name": ("chi tieu", "ten chi tieu"),  # for people reading the sheet; the code decides
    "value": ("gia tri", "muc tieu", "gia tri (tu)"),
    "value_max": ("gia tri toi da", "gia tri (den)"),
    "note": ("ghi chu",),
    "activity": ("noi dung nhiem vu", "nhiem vu", "hoat dong"),
    "agency": ("co quan chu tri", "don vi chu tri"),
    "timing": ("thoi gian", "thoi gian thuc hien"),
    "budget": ("kinh phi", "kinh phi (dong)", "kinh phi (trieu dong)"),
    "budget_source": ("nguon kinh phi", "nguon von"),
}
REQUIRED = ("unit", "year")
_BY_HEADING = {heading: key for key, headings in COLUMNS.items() for heading in headings}


@dataclass
class PreviewRow:
    number: int  # the row's number in the sheet (the heading is row 1 when it is first)
    unit: str
    period: str
    target: dict | None = None
    activity: dict | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PlanDraft:
    unit: AdminUnit
    year_from: int
    year_to: int
    title: str = ""
    decision_number: str = ""
    decision_date: Any = None
    targets: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    plans: list[PlanDraft] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.plans)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _unit_code(value: Any) -> str:
    """A unit code as typed, or as a spreadsheet turned it into a number (07798 → 7798)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        return str(number).zfill(2 if number < 100 else 5)
    return _text(value)


def read_plan_rows(rows: list[list[Any]], actor) -> Preview:
    preview = Preview()
    problems = preview.problems
    start = next((i for i, row in enumerate(rows) if any(_text(cell) for cell in row)), None)
    if start is None:
        problems.add("programme_plan_import_invalid", _("Tệp không có dòng nào."), row=None)
        return preview
    headings = [fold(_text(cell)) for cell in rows[start]]
    keys: list[str | None] = []
    unknown = []
    for heading in headings:
        key = _BY_HEADING.get(heading) if heading else None
        if heading and key is None:
            unknown.append(heading)
        keys.append(key)
    if unknown:
        problems.add(
            "programme_plan_import_invalid",
            _("Cột không nhận ra: %(columns)s. Các cột dùng được: xem hướng dẫn nhập kế hoạch.")
            % {"columns": ", ".join(unknown)},
            row=start + 1,
        )
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        problems.add(
            "programme_plan_import_invalid",
            _("Thiếu cột bắt buộc: %(columns)s.")
            % {"columns": ", ".join(COLUMNS[key][0] for key in missing)},
            row=start + 1,
        )
    if problems:
        return preview
    drafts: dict[tuple[int, int, int], PlanDraft] = {}
    allowed: dict[int, str | None] = {}
    for index in range(start + 1, len(rows)):
        cells = rows[index]
        values = {key: cells[i] for i, key in enumerate(keys) if key and i < len(cells)}
        if not any(_text(value) for value in values.values()):
            continue
        number = index + 1
        row = PreviewRow(number=number, unit=_unit_code(values.get("unit")), period=_text(values.get("year")))
        preview.rows.append(row)
        local = Problems()
        unit = current_unit(row.unit)
        if unit is None:
            local.add(
                "unit_unknown", _("Không có tỉnh, xã hiện hành mã «%(code)s».") % {"code": row.unit[:10]}
            )
        else:
            if unit.pk not in allowed:
                allowed[unit.pk] = why_not_manage_unit(actor, unit) if actor is not None else None
            if allowed[unit.pk] is not None:
                local.add(
                    "programme_plan_forbidden",
                    _("Đơn vị «%(unit)s» nằm ngoài địa bàn bạn phụ trách.") % {"unit": unit.name},
                )
        try:
            year_from, year_to = parse_period(values.get("year"))
        except ValueError:
            local.add(
                "year_invalid",
                _("Năm «%(value)s» không đọc được (ví dụ: 2024 hoặc 2021-2025).")
                % {"value": row.period[:20]},
            )
            year_from = year_to = 0
        if _text(values.get("indicator")) or _text(values.get("value")):
            row.target = check_target(
                {
                    "indicator": _text(values.get("indicator")),
                    "value": values.get("value"),
                    "value_max": values.get("value_max"),
                    "note": values.get("note"),
                },
                local,
            )
        if _text(values.get("activity")) or _text(values.get("agency")) or _text(values.get("budget")):
            row.activity = check_activity(
                {
                    "name": values.get("activity"),
                    "agency": values.get("agency"),
                    "timing": values.get("timing"),
                    "budget": values.get("budget"),
                    "budget_source": values.get("budget_source"),
                },
                local,
            )
        if row.target is None and row.activity is None and not local:
            local.add("programme_plan_invalid", _("Dòng không có chỉ tiêu cũng không có nhiệm vụ."))
        decision_date = None
        try:
            decision_date = parse_date(values.get("decision_date"))
        except ValueError:
            local.add(
                "programme_plan_invalid",
                _("Ngày ban hành «%(value)s» không đọc được (dd/mm/yyyy).")
                % {"value": _text(values.get("decision_date"))[:20]},
            )
        if unit is not None and year_from and not local:
            draft = drafts.get((unit.pk, year_from, year_to))
            if draft is None:
                if ProgrammePlan.objects.filter(unit=unit, year_from=year_from, year_to=year_to).exists():
                    local.add(
                        "programme_plan_exists",
                        _("%(unit)s đã có kế hoạch %(period)s; hãy sửa kế hoạch đó trên trang.")
                        % {"unit": unit.name, "period": row.period},
                    )
                else:
                    draft = drafts[(unit.pk, year_from, year_to)] = PlanDraft(unit, year_from, year_to)
            if draft is not None:
                if row.target is not None:
                    if any(t["indicator"] == row.target["indicator"] for t in draft.targets):
                        local.add(
                            "programme_plan_invalid",
                            _("Chỉ tiêu «%(code)s» đã có ở một dòng trước của cùng kế hoạch.")
                            % {"code": row.target["indicator"]},
                        )
                    else:
                        draft.targets.append(row.target)
                if row.activity is not None and not local:
                    draft.activities.append(row.activity)
                draft.title = draft.title or _text(values.get("title"))
                draft.decision_number = draft.decision_number or _text(values.get("decision_number"))
                draft.decision_date = draft.decision_date or decision_date
        for item in local.items:
            row.problems.append(item["message"])
            problems.add(item["code"], item["message"], row=number, field_name=item["field"])
    preview.plans = list(drafts.values())
    if not preview.rows:
        problems.add("programme_plan_import_invalid", _("Tệp không có dòng kế hoạch nào dưới dòng tiêu đề."))
    return preview
