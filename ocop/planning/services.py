"""Every write of planning: adopting and editing a unit's programme plan, importing plans from a sheet (preview
first, all or nothing), and requesting a report upward. Each checks the actor's right over the unit, refuses
bad input with every problem listed (nothing stored), and records an audit event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid
from ocop.core.text import nfc
from ocop.cycle.programme import FIRST_YEAR
from ocop.geo.models import AdminUnit, Era, Level
from ocop.planning import catalogue
from ocop.planning.models import (
    PlanActivity,
    PlanTarget,
    ProgrammePlan,
    ProgrammeReport,
    ReportStatus,
    TargetKind,
)
from ocop.planning.policies import why_not_manage_unit

MAX_TARGET = Decimal("999999999999")
MAX_BUDGET = Decimal("9999999999999999")


# --- checking a plan ----------------------------------------------------------------------------------------


@dataclass
class Problems:
    """Every problem of a plan or a file, each with where it is (`row`, `field`), a code and a message."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, message: str, *, row: int | None = None, field_name: str = "") -> None:
        # `position`: what the pages' refusal shows as "Dòng n" (a target's or activity's number in a form).
        self.items.append(
            {"row": row, "position": row, "field": field_name, "code": code, "message": message}
        )

    def __bool__(self) -> bool:
        return bool(self.items)


def parse_number(raw: Any) -> Decimal | None:
    """A number as typed in Vietnam or in a sheet ("1.500", "12,5", 45, "20%"); None when empty; raises
    ValueError when it is not a number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    text = str(raw).strip().removesuffix("%").strip().replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3 and len(text) > 4):
        text = text.replace(".", "")  # thousands separators: 1.500 or 10.000.000
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(raw) from error
    if not value.is_finite():
        raise ValueError(raw)
    return value


def parse_date(raw: Any) -> datetime.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip().replace(".", "/").replace("-", "/")
    parts = text.split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        raise ValueError(raw)
    first, second, third = (int(part) for part in parts)
    # ISO (yyyy-mm-dd) or as Vietnamese write it (dd/mm/yyyy); `date` refuses an impossible day.
    return datetime.date(first, second, third) if len(parts[0]) == 4 else datetime.date(third, second, first)


def parse_period(raw: Any) -> tuple[int, int]:
    """ "2024", 2024, "2021-2025" or "2021–2025" → (first year, last year); ValueError otherwise."""
    text = str(raw).strip().replace("–", "-").replace("—", "-").replace(" ", "")
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    first, _sep, last = text.partition("-")
    if not first.isdigit() or (last and not last.isdigit()):
        raise ValueError(raw)
    return int(first), int(last or first)


def _check_period(year_from: int, year_to: int, problems: Problems, row: int | None = None) -> None:
    last = timezone.localdate().year + 10
    if not (FIRST_YEAR <= year_from <= year_to <= last):
        problems.add(
            "year_invalid",
            _("Năm của kế hoạch phải từ %(first)s đến %(last)s, năm đầu không sau năm cuối.")
            % {"first": FIRST_YEAR, "last": last},
            row=row,
            field_name="year",
        )


def check_target(raw: dict, problems: Problems, *, row: int | None = None) -> dict | None:
    """A target as stored, or None with its problems added: an indicator of the catalogue; a number not below
    zero; a share within 0–100; a range's maximum not below its minimum."""
    code = str(raw.get("indicator") or "").strip()
    item = catalogue.indicator(code)
    if item is None:
        problems.add(
            "indicator_unknown",
            _("Không có chỉ tiêu mã «%(code)s» trong danh mục.") % {"code": code[:60]},
            row=row,
            field_name="indicator",
        )
        return None
    values = {}
    for key in ("value", "value_max"):
        try:
            values[key] = parse_number(raw.get(key))
        except ValueError:
            problems.add(
                "programme_plan_invalid",
                _("Chỉ tiêu «%(code)s»: giá trị «%(value)s» không phải là số.")
                % {"code": code, "value": str(raw.get(key))[:30]},
                row=row,
                field_name=key,
            )
            return None
    value, value_max = values["value"], values["value_max"]
    if value is None:
        problems.add(
            "programme_plan_invalid",
            _("Chỉ tiêu «%(code)s»: cần ghi giá trị.") % {"code": code},
            row=row,
            field_name="value",
        )
        return None
    if value < 0 or (value_max is not None and value_max < 0):
        problems.add(
            "programme_plan_invalid",
            _("Chỉ tiêu «%(code)s»: giá trị không được âm.") % {"code": code},
            row=row,
            field_name="value",
        )
        return None
    if value > MAX_TARGET or (value_max is not None and value_max > MAX_TARGET):
        problems.add(
            "programme_plan_invalid",
            _("Chỉ tiêu «%(code)s»: giá trị quá lớn.") % {"code": code},
            row=row,
            field_name="value",
        )
        return None
    if value_max is not None and value_max < value:
        problems.add(
            "programme_plan_invalid",
            _("Chỉ tiêu «%(code)s»: giá trị tối đa nhỏ hơn giá trị tối thiểu.") % {"code": code},
            row=row,
            field_name="value_max",
        )
        return None
    if item.unit == "percent" and (value > 100 or (value_max is not None and value_max > 100)):
        problems.add(
            "programme_plan_invalid",
            _("Chỉ tiêu «%(code)s» là tỷ lệ: giá trị từ 0 đến 100 (%%).") % {"code": code},
            row=row,
            field_name="value",
        )
        return None
    if item.unit == "percent":
        kind = TargetKind.SHARE
    else:
        kind = TargetKind.RANGE if value_max is not None and value_max != value else TargetKind.NUMBER
    note = nfc(str(raw.get("note") or ""))[:300]
    return {
        "indicator": code,
        "kind": kind,
        "value": value,
        "value_max": value_max if kind != TargetKind.NUMBER else None,
        "note": note,
    }


def check_activity(raw: dict, problems: Problems, *, row: int | None = None) -> dict | None:
    name = nfc(str(raw.get("name") or "")).strip()
    if not name:
        problems.add("programme_plan_invalid", _("Nhiệm vụ cần có nội dung."), row=row, field_name="activity")
        return None
    try:
        budget = parse_number(raw.get("budget_vnd", raw.get("budget")))
    except ValueError:
        problems.add(
            "programme_plan_invalid",
            _("Kinh phí «%(value)s» không phải là số.")
            % {"value": str(raw.get("budget_vnd", raw.get("budget")))[:30]},
            row=row,
            field_name="budget",
        )
        return None
    if budget is not None and (budget < 0 or budget > MAX_BUDGET):
        problems.add(
            "programme_plan_invalid",
            _("Kinh phí phải là số không âm (đồng)."),
            row=row,
            field_name="budget",
        )
        return None
    return {
        "name": name[:300],
        "agency": nfc(str(raw.get("agency") or "")).strip()[:200],
        "timing": nfc(str(raw.get("timing") or "")).strip()[:100],
        "budget_vnd": budget.quantize(Decimal(1)) if budget is not None else None,
        "budget_source": nfc(str(raw.get("budget_source") or "")).strip()[:200],
    }


def default_title(unit: AdminUnit, year_from: int, year_to: int) -> str:
    period = str(year_from) if year_from == year_to else f"giai đoạn {year_from}–{year_to}"
    where = _("toàn quốc") if unit.level == Level.COUNTRY else unit.name
    return _("Kế hoạch thực hiện Chương trình OCOP %(period)s – %(where)s") % {
        "period": period,
        "where": where,
    }


def _refuse(problems: Problems, *, file: bool = False) -> None:
    """Nothing is stored while there is a problem: the error names the first and carries them all."""
    if not problems:
        return
    first = problems.items[0]["message"]
    more = len(problems.items) - 1
    message = first if not more else _("%(first)s (và %(more)s lỗi khác)") % {"first": first, "more": more}
    if file:
        raise Invalid(message, code="programme_plan_import_invalid", details=problems.items)
    raise Invalid(message, code="programme_plan_invalid", details=problems.items)


def _check_unit(actor, unit: AdminUnit | None) -> AdminUnit:
    reason = why_not_manage_unit(actor, unit)
    if reason is not None or unit is None:
        raise Forbidden(
            _("Bạn không lập kế hoạch, báo cáo cho đơn vị này: %(reason)s") % {"reason": reason},
            code="programme_plan_forbidden",
        )
    return unit


def _clean_plan(
    *, targets: list[dict], activities: list[dict], year_from: int, year_to: int, problems: Problems
) -> tuple[list[dict], list[dict]]:
    _check_period(year_from, year_to, problems)
    clean_targets, seen = [], set()
    for number, raw in enumerate(targets or [], start=1):
        target = check_target(raw if isinstance(raw, dict) else {}, problems, row=number)
        if target is None:
            continue
        if target["indicator"] in seen:
            problems.add(
                "programme_plan_invalid",
                _("Chỉ tiêu «%(code)s» ghi hai lần.") % {"code": target["indicator"]},
                row=number,
                field_name="indicator",
            )
            continue
        seen.add(target["indicator"])
        clean_targets.append(target)
    clean_activities = []
    for number, raw in enumerate(activities or [], start=1):
        activity = check_activity(raw if isinstance(raw, dict) else {}, problems, row=number)
        if activity is not None:
            clean_activities.append(activity)
    return clean_targets, clean_activities


def _write_parts(plan: ProgrammePlan, targets: list[dict], activities: list[dict]) -> None:
    plan.targets.all().delete()
    plan.activities.all().delete()
    PlanTarget.objects.bulk_create(
        [PlanTarget(plan=plan, position=i, **target) for i, target in enumerate(targets)]
    )
    PlanActivity.objects.bulk_create(
        [PlanActivity(plan=plan, position=i, **activity) for i, activity in enumerate(activities)]
    )


def _summary(plan: ProgrammePlan, targets: list[dict], activities: list[dict]) -> dict:
    return {
        "unit": plan.unit.code,
        "period": plan.period_label,
        "decision_number": plan.decision_number,
        "targets": {t["indicator"]: str(t["value"]) for t in targets},
        "activities": len(activities),
    }


# --- plans --------------------------------------------------------------------------------------------------


@transaction.atomic
def programme_plan_create(
    *,
    actor,
    unit: AdminUnit,
    year_from: int,
    year_to: int | None = None,
    title: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    note: str = "",
    targets: list[dict] | None = None,
    activities: list[dict] | None = None,
) -> ProgrammePlan:
    """Adopt a unit's plan for a year (or a period) with its targets and activities."""
    if actor is not None:
        _check_unit(actor, unit)
    year_to = year_to or year_from
    problems = Problems()
    clean_targets, clean_activities = _clean_plan(
        targets=targets or [],
        activities=activities or [],
        year_from=year_from,
        year_to=year_to,
        problems=problems,
    )
    _refuse(problems)
    if ProgrammePlan.objects.filter(unit=unit, year_from=year_from, year_to=year_to).exists():
        raise Conflict(
            _("Đơn vị này đã có kế hoạch cho thời kỳ này; hãy sửa kế hoạch đó."), code="programme_plan_exists"
        )
    plan = ProgrammePlan(
        unit=unit,
        year_from=year_from,
        year_to=year_to,
        title=nfc(title).strip()[:300] or default_title(unit, year_from, year_to),
        decision_number=nfc(decision_number).strip()[:60],
        decision_date=decision_date,
        note=nfc(note).strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:  # a parallel request adopted the same plan a moment ago
        raise Conflict(
            _("Đơn vị này đã có kế hoạch cho thời kỳ này; hãy sửa kế hoạch đó."), code="programme_plan_exists"
        ) from error
    _write_parts(plan, clean_targets, clean_activities)
    record_event(
        actor=actor,
        action="programme_plan.create",
        target=plan,
        unit=unit,
        data=_summary(plan, clean_targets, clean_activities),
    )
    return plan


@transaction.atomic
def programme_plan_update(
    *,
    actor,
    plan: ProgrammePlan,
    expected_version: int | None,
    title: str,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    note: str = "",
    targets: list[dict] | None = None,
    activities: list[dict] | None = None,
) -> ProgrammePlan:
    """Replace a plan's heading, targets and activities (the unit and period stay)."""
    _check_unit(actor, plan.unit)
    plan = ProgrammePlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    if expected_version is not None and expected_version != plan.version:
        raise Conflict(
            _("Kế hoạch vừa được người khác sửa; hãy tải lại trang rồi sửa tiếp."),
            code="programme_plan_stale",
        )
    problems = Problems()
    clean_targets, clean_activities = _clean_plan(
        targets=targets or [],
        activities=activities or [],
        year_from=plan.year_from,
        year_to=plan.year_to,
        problems=problems,
    )
    _refuse(problems)
    plan.title = nfc(title).strip()[:300] or default_title(plan.unit, plan.year_from, plan.year_to)
    plan.decision_number = nfc(decision_number).strip()[:60]
    plan.decision_date = decision_date
    plan.note = nfc(note).strip()
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()
    _write_parts(plan, clean_targets, clean_activities)
    record_event(
        actor=actor,
        action="programme_plan.update",
        target=plan,
        unit=plan.unit,
        data=_summary(plan, clean_targets, clean_activities),
    )
    return plan


# --- reports ------------------------------------------------------------------------------------------------


@transaction.atomic
def programme_report_request(*, actor, unit: AdminUnit, year: int) -> ProgrammeReport:
    """Ask for a unit's report upward for a year: built in the background (XLSX and PDF), downloadable when
    ready from the reports page and the task list."""
    from ocop.planning.tasks import generate_report
    from ocop.tasks import enqueue

    _check_unit(actor, unit)
    report = ProgrammeReport.objects.create(unit=unit, year=year, requested_by=actor)
    record_event(
        actor=actor, action="programme_report.request", target=report, unit=unit, data={"year": year}
    )
    enqueue(
        generate_report, unit=unit if unit.level != Level.COUNTRY else None, actor=actor, report_id=report.pk
    )
    return report


def report_build(*, report_id: int) -> dict:
    """The task's work: compute the figures, write the XLSX and the PDF, store both. Idempotent."""
    from ocop.core.storage import store
    from ocop.planning import reports

    report = ProgrammeReport.objects.select_related("unit").get(pk=report_id)
    try:
        content = reports.build(report.unit, report.year)
        xlsx = store(
            reports.xlsx_bytes(content),
            folder="reports",
            filename=reports.file_name(report.unit, report.year, "xlsx"),
            content_type=reports.XLSX_TYPE,
        )
        pdf = store(
            reports.pdf_bytes(content),
            folder="reports",
            filename=reports.file_name(report.unit, report.year, "pdf"),
            content_type="application/pdf",
        )
    except Exception as error:
        ProgrammeReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        raise
    ProgrammeReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.READY,
        xlsx=xlsx.name,
        xlsx_sha256=xlsx.sha256,
        pdf=pdf.name,
        pdf_sha256=pdf.sha256,
        error="",
        finished_at=timezone.now(),
    )
    return {"report": report.pk, "xlsx": xlsx.name, "pdf": pdf.name}


def current_unit(code: str) -> AdminUnit | None:
    """A current province or commune by code, or the country for `VN` (no scope: the service checks it)."""
    code = (code or "").strip()[:8]
    if code.upper() == "VN":
        return AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COUNTRY).first()
    return AdminUnit.objects.filter(
        era=Era.CURRENT, level__in=(Level.PROVINCE, Level.COMMUNE), code=code
    ).first()


# --- importing plans from a sheet ---------------------------------------------------------------------------


def programme_plan_import_preview(*, actor, content: bytes, filename: str = ""):
    """Read the sheet and check every row (nothing stored): the `imports.Preview` the page shows."""
    from ocop.planning.imports import Preview, read_plan_rows
    from ocop.rubrics.issues import RubricFileInvalid
    from ocop.rubrics.tables import read_rows

    try:
        rows = read_rows(content, filename)
    except RubricFileInvalid:
        preview = Preview()
        preview.problems.add(
            "programme_plan_import_invalid",
            _("Không đọc được tệp: cần tệp XLSX hoặc CSV (UTF-8), dưới 10 MB."),
        )
        return preview
    return read_plan_rows(rows, actor)


@transaction.atomic
def programme_plan_import(*, actor, content: bytes, filename: str = "") -> list[ProgrammePlan]:
    """Adopt every plan of the sheet, only when every row is right; otherwise nothing is stored and the error
    lists each row's problems."""
    preview = programme_plan_import_preview(actor=actor, content=content, filename=filename)
    if not preview.plans and not preview.problems:
        preview.problems.add("programme_plan_import_invalid", _("Tệp không có kế hoạch nào."))
    _refuse(preview.problems, file=True)
    plans = [
        programme_plan_create(
            actor=actor,
            unit=draft.unit,
            year_from=draft.year_from,
            year_to=draft.year_to,
            title=draft.title,
            decision_number=draft.decision_number,
            decision_date=draft.decision_date,
            targets=draft.targets,
            activities=draft.activities,
        )
        for draft in preview.plans
    ]
    record_event(
        actor=actor,
        action="programme_plan.import",
        target=plans[0],
        unit=plans[0].unit,
        data={"file": filename[:100], "rows": len(preview.rows), "plans": [p.pk for p in plans]},
    )
    return plans
