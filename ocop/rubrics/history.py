"""Reading a province's past recognition decisions (XLSX/CSV) into checked rows, before anything is written.

Each row gives a product, its producer, the address as written then, the star, sometimes the score, the
decision number and date, and the level that recognised it. For each row:

- the address is matched to the units of its time: "xã Vân Hà, huyện Việt Yên, Bắc Giang" is read from the
  right (province, then district, then commune), among legacy units for decisions before 1 July 2025 and
  current ones after (falling back to the other generation), and rolls up to today's province; an alias a
  province officer saved comes first, former names of units (merged communes, towns become wards) count, and
  an address not found carries the closest units for the officer to pick (`ocop.geo.addresses`);
- the rubric version in force on the decision date is found; a score whose band disagrees with the star, or a
  level that could not recognise that star then, flags the row (a warning: the decision is what it is);
- the certificate's last valid day is the decision date plus the version's validity (36 months), less a day,
  as for a certificate ocop issues (`CertificateRule.valid_until`).

Unknown places, bad stars or dates are errors; `services.history_import_apply` refuses a file with any.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation

from ocop.core.text import fold
from ocop.geo.addresses import AddressResolver, Resolution
from ocop.geo.models import AdminUnit

from . import models as m
from .engine import band_for_total, recognise
from .issues import Issue, ScoringError, errors_only
from .selectors import engine_version, version_in_force
from .tables import cell_text, locate_header

COLUMNS: dict[str, tuple[str, ...]] = {
    "product": ("tên sản phẩm", "sản phẩm", "product"),
    "producer": ("chủ thể", "tên chủ thể", "cơ sở", "producer"),
    "address": ("địa chỉ", "address"),
    "stars": ("hạng sao", "số sao", "xếp hạng", "stars", "star"),
    "score": ("điểm", "tổng điểm", "điểm đánh giá", "score"),
    "decision_number": ("số quyết định", "quyết định", "decision number", "decision"),
    "decision_date": ("ngày quyết định", "ngày ban hành", "ngày công nhận", "decision date", "date"),
    "level": ("cấp công nhận", "cấp", "level"),
    "product_set": ("bộ sản phẩm", "nhóm sản phẩm", "product set"),
    "certificate_number": ("số giấy chứng nhận", "số gcn", "certificate number"),
    "tax_code": ("mã số thuế", "mst", "tax code"),
}
REQUIRED = ("product", "producer", "address", "stars", "decision_number", "decision_date")
COLUMN_LABELS = {
    "product": "Tên sản phẩm",
    "producer": "Chủ thể",
    "address": "Địa chỉ",
    "stars": "Hạng sao",
    "score": "Điểm",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "level": "Cấp công nhận",
    "product_set": "Bộ sản phẩm",
    "certificate_number": "Số giấy chứng nhận",
    "tax_code": "Mã số thuế",
}
DEFAULT_LEVEL = "province"
_LEVEL_WORDS = {
    "tinh": "province",
    "cap tinh": "province",
    "ubnd tinh": "province",
    "province": "province",
    "huyen": "district",
    "cap huyen": "district",
    "district": "district",
    "trung uong": "central",
    "tw": "central",
    "bo": "central",
    "central": "central",
    "xa": "commune",
    "commune": "commune",
}


@dataclass
class HistoryRow:
    row_number: int
    product_name: str = ""
    producer_name: str = ""
    address: str = ""
    unit: AdminUnit | None = None
    unit_via: str = (
        ""  # how the address was read: "alias", "name", "former_name", "moved" (ocop.geo.addresses)
    )
    current_province: AdminUnit | None = None
    stars: int | None = None
    score: Decimal | None = None
    decision_number: str = ""
    decision_date: date | None = None
    level: str = DEFAULT_LEVEL
    version: m.RubricVersion | None = None
    product_set_name: str = ""
    expires_on: date | None = None
    certificate_number: str = ""  # as printed, when the file has it
    tax_code: str = ""
    issues: list[Issue] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(i.severity == "warning" for i in self.issues)

    @property
    def ok(self) -> bool:
        return not errors_only(self.issues)


@dataclass
class HistoryPreview:
    rows: list[HistoryRow]
    issues: list[Issue]  # file-level problems (header, unreadable)

    @property
    def all_issues(self) -> list[Issue]:
        return [*self.issues, *(i for r in self.rows for i in r.issues)]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not errors_only(self.all_issues)


def parse_day(value: Any) -> date | None:
    """Dates as provinces write them: Excel dates, 21/08/2020, 21-08-2020, 2020-08-21."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


class PlaceResolver:
    """Matches written addresses to units (`ocop.geo.addresses`): aliases first, each province read once."""

    def __init__(self, addresses: AddressResolver | None = None) -> None:
        self.addresses = addresses or AddressResolver()

    def resolve(self, address: str, on: date | None) -> tuple[AdminUnit | None, Issue | None]:
        found = self.addresses.resolve(address, on)
        return found.unit, place_issue(found)

    def resolution(self, address: str, on: date | None) -> Resolution:
        return self.addresses.resolve(address, on)


def place_issue(found: Resolution) -> Issue | None:
    """The row's issue for an address not resolved: the part that failed, where, and units to pick from."""
    place = (("column", COLUMN_LABELS["address"]),)
    if found.unit is not None:
        return None
    if found.problem == "empty":
        return Issue("not_text", place)
    within = found.within.full_name if found.within is not None else "danh sách tỉnh"
    data: dict[str, Any] = {"value": found.failed, "within": within, **found.choice()}
    if found.problem == "ambiguous_place":
        data["candidates"] = [u.full_name for u in found.candidates[:4]]
        data["suggestions"] = [
            {"id": u.pk, "name": u.full_name, "era": u.era, "score": 1.0} for u in found.candidates[:5]
        ]
        return Issue("ambiguous_place", place, data)
    return Issue("unknown_place", place, data)


def read_history(
    rows: Sequence[Sequence[Any]],
    *,
    mapping: dict[str, str] | None = None,
    resolver: PlaceResolver | None = None,
) -> HistoryPreview:
    """Every row checked and matched; nothing is written."""
    header_index, columns, issues = locate_header(
        rows, COLUMNS, REQUIRED, mapping=mapping, labels=COLUMN_LABELS
    )
    if errors_only(issues):
        return HistoryPreview([], issues)
    resolver = resolver or PlaceResolver()
    rubric = RubricOnDay()
    out: list[HistoryRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for index in range(header_index + 1, len(rows)):
        raw = list(rows[index])
        if not any(cell_text(c) for c in raw):
            continue
        row = _read_row(index + 1, raw, columns, resolver, rubric)
        key = (fold(row.product_name), fold(row.producer_name), fold(row.decision_number))
        if key in seen:
            row.issues.append(
                Issue("duplicate_decision_row", (("row", str(row.row_number)),), {"first": seen[key]})
            )
        else:
            seen[key] = row.row_number
        out.append(row)
    if not out:
        issues.append(Issue("empty_sheet_file"))
    return HistoryPreview(out, issues)


def _read_row(
    number: int,
    raw: list[Any],
    columns: dict[str, int],
    resolver: PlaceResolver,
    rubric: RubricOnDay | None = None,
) -> HistoryRow:
    def cell(key: str) -> Any:
        position = columns.get(key)
        return raw[position] if position is not None and position < len(raw) else None

    def problem(column: str, code: str, severity: str = "error", **params: Any) -> None:
        where = (("row", str(number)), ("column", COLUMN_LABELS[column]))
        row.issues.append(Issue(code, where, params, severity))

    row = HistoryRow(number)
    row.product_name = cell_text(cell("product"))
    row.producer_name = cell_text(cell("producer"))
    row.address = cell_text(cell("address"))
    row.decision_number = cell_text(cell("decision_number"))
    row.product_set_name = cell_text(cell("product_set"))
    row.certificate_number = cell_text(cell("certificate_number"))
    row.tax_code = cell_text(cell("tax_code"))
    for key, value in (
        ("product", row.product_name),
        ("producer", row.producer_name),
        ("decision_number", row.decision_number),
    ):
        if not value:
            problem(key, "not_text")

    row.decision_date = parse_day(cell("decision_date"))
    if row.decision_date is None:
        problem("decision_date", "not_date", value=cell_text(cell("decision_date")))
    digits = re.sub(r"\D", "", cell_text(cell("stars")))
    row.stars = int(digits) if digits and len(digits) <= 2 else None  # checked against the version's bands
    score_text = cell_text(cell("score")).replace(",", ".")
    if score_text:
        try:
            row.score = Decimal(score_text)
        except InvalidOperation:
            problem("score", "not_number", value=score_text)
    level_text = fold(cell_text(cell("level")))
    if level_text:
        level = _LEVEL_WORDS.get(level_text) or next(
            (v for k, v in _LEVEL_WORDS.items() if level_text.startswith(k)), None
        )
        if level is None:
            problem("level", "unknown_level", value=cell_text(cell("level")))
        else:
            row.level = level

    found = resolver.resolution(row.address, row.decision_date)
    place_problem = place_issue(found)
    if place_problem is not None:
        row.issues.append(
            Issue(place_problem.code, (("row", str(number)), *place_problem.place), place_problem.params)
        )
    elif found.unit is not None:
        row.unit, row.unit_via = found.unit, found.via
        row.current_province = (
            found.unit.current_province or found.unit
        )  # a current province rolls up to itself
    _check_against_rubric(row, problem, stars_text=cell_text(cell("stars")), rubric=rubric or RubricOnDay())
    return row


class RubricOnDay:
    """The version in force on a day and its engine, read once per file: a country's file has thousands of rows
    but a few hundred decision dates, and two queries a row were most of a large preview's time."""

    def __init__(self) -> None:
        self._days: dict[date, tuple[m.RubricVersion | None, Any]] = {}
        self._recognitions: dict[tuple[date, Decimal, int, str], Any] = {}

    def __call__(self, day: date) -> tuple[m.RubricVersion | None, Any]:
        if day not in self._days:
            version = version_in_force(day)
            self._days[day] = (version, engine_version(version.code) if version is not None else None)
        return self._days[day]

    def recognition(self, day: date, *, total: Decimal, stars: int, level: str):
        """What `level` recognised on `day` for a product of this total and star (`engine.recognise`), once
        per distinct question: a file's rows ask a few hundred, and each answer cost a tenth of a millisecond."""
        key = (day, total, stars, level)
        if key not in self._recognitions:
            _version, engine = self(day)
            try:
                self._recognitions[key] = recognise(
                    engine, total=total, eligible_stars=stars, level=level, on=day
                )
            except ScoringError as error:
                self._recognitions[key] = error
        found = self._recognitions[key]
        if isinstance(found, ScoringError):
            raise found.with_traceback(None)  # the same error for each row, without piling up tracebacks
        return found


def _check_against_rubric(row: HistoryRow, problem, *, stars_text: str, rubric: RubricOnDay) -> None:
    version, engine = rubric(row.decision_date) if row.decision_date is not None else (None, None)
    # The stars a certificate may carry are the bands the version marks recognised (3★–5★ in both shipped).
    allowed = sorted(engine.recognised_stars) if engine is not None else []
    if row.stars is None or (engine is not None and row.stars not in allowed):
        problem("stars", "not_stars", value=stars_text, allowed=", ".join(map(str, allowed)) or "—")
        row.stars = None
    if row.decision_date is None:
        return
    if version is None or engine is None:
        problem("decision_date", "no_version_for_date", value=row.decision_date.strftime("%d/%m/%Y"))
        return
    row.version = version
    row.expires_on = engine.certificate.valid_until(row.decision_date)  # as a certificate's `valid_until`
    if row.stars is None:
        return
    if row.score is not None:
        try:
            band = band_for_total(engine, row.score)
        except ScoringError as error:
            problem("score", error.code, value=row.score, maximum=engine.scale_max)
            return
        if band.stars != row.stars:
            problem(
                "score",
                "score_star_mismatch",
                "warning",
                score=row.score,
                band=band.stars,
                stars=row.stars,
                version=version.code,
            )
    try:
        total = row.score if row.score is not None else engine.band_by_stars(row.stars).lower  # type: ignore[union-attr]
        recognition = rubric.recognition(row.decision_date, total=total, stars=row.stars, level=row.level)
    except ScoringError as error:
        problem("level", error.code, "warning", **error.issues[0].params)
        return
    if recognition.recognised_stars != row.stars:
        named = engine.level(row.level)
        name = named.name if named is not None else row.level
        with translation.override("en"):
            name_en = translation.gettext(name)
        problem(
            "level",
            "level_cannot_recognise",
            "warning",
            date=row.decision_date.strftime("%d/%m/%Y"),
            level=row.level,
            level_name=name,  # as the version's `levels` name it
            level_name_en=name_en,
            stars=row.stars,
        )
