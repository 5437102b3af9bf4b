"""A scoring sheet keyed in as a spreadsheet: one row per option, turned into the rubric file format.

Columns (header names in Vietnamese or English, diacritics optional):
part (Phần), group (Nhóm tiêu chí), criterion code (Mã tiêu chí), criterion text (Tiêu chí), option text
(Lựa chọn), points (Điểm), notes (Ghi chú); optional: alternative (Trường hợp), legal forms (Loại hình),
applies when (Điều kiện áp dụng, e.g. "5.1 >= 1"), gate (Loại/dừng: "loại" or "dừng"), bonus (Điểm khuyến
khích), mandatory for stars (Bắt buộc cho hạng sao: on the lowest option that satisfies it), max (Điểm tối đa).

Blank part, group and criterion cells repeat the row above (merged cells in Excel read as blank). Notes that
start like the official knock-out wording ("Bị loại nếu…", "Không đánh giá các bước tiếp theo nếu…") become
gates when the gate column is empty; the preview shows that as a warning so the officer can confirm it.
Every problem is reported with its row; the sheet is then checked by the same rules as a rubric file.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ocop.core.text import fold

from .issues import Issue, Place, errors_only
from .loader import parse_sheet
from .schema import DISQUALIFY, STOP, RubricVersion, Sheet
from .tables import cell_text, locate_header

COLUMNS: dict[str, tuple[str, ...]] = {
    "part": ("part", "phần"),
    "group": ("group", "nhóm tiêu chí", "nhóm"),
    "criterion_code": ("criterion code", "mã tiêu chí", "mã", "code"),
    "criterion": ("criterion text", "criterion", "tiêu chí", "nội dung tiêu chí", "tên tiêu chí"),
    "option": ("option text", "option", "lựa chọn", "mức", "nội dung lựa chọn"),
    "points": ("points", "điểm"),
    "notes": ("notes", "note", "ghi chú"),
    "alternative": ("alternative", "case", "trường hợp"),
    "legal_forms": ("legal forms", "legal form", "loại hình"),
    "applies_when": ("applies when", "điều kiện áp dụng", "chỉ áp dụng khi"),
    "gate": ("gate", "loại/dừng", "loại dừng", "điều kiện loại/dừng"),
    "bonus": ("bonus", "điểm khuyến khích"),
    "mandatory": ("mandatory for stars", "mandatory", "bắt buộc cho hạng sao", "bắt buộc"),
    "max": ("max", "điểm tối đa"),
}
REQUIRED = ("part", "criterion_code", "criterion", "option", "points")
# How a column is named in messages: its Vietnamese header.
COLUMN_LABELS = {
    "part": "Phần",
    "group": "Nhóm tiêu chí",
    "criterion_code": "Mã tiêu chí",
    "criterion": "Tiêu chí",
    "option": "Lựa chọn",
    "points": "Điểm",
    "notes": "Ghi chú",
    "alternative": "Trường hợp",
    "legal_forms": "Loại hình",
    "applies_when": "Điều kiện áp dụng",
    "gate": "Loại/dừng",
    "bonus": "Điểm khuyến khích",
    "mandatory": "Bắt buộc cho hạng sao",
    "max": "Điểm tối đa",
}

_GROUP = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)*|[IVXLC]+)[.):\-\s]+(.+)$")
_PART = re.compile(r"^(?:phan|part)?\s*([a-z])\b")
_CONDITION = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z._-]*)\s*(?:(>=|≥|>)\s*([0-9]+(?:[.,][0-9]+)?))?\s*$")
_GATE_WORDS = {"loai": DISQUALIFY, "disqualify": DISQUALIFY, "dung": STOP, "stop": STOP}
_GATE_NOTES = (("bi loai neu", DISQUALIFY), ("khong danh gia cac buoc tiep theo", STOP))
_YES = {"x", "co", "yes", "true", "1", "y"}


@dataclass
class SheetImport:
    """The result of reading a sheet: its file-format data, the parsed sheet when valid, and every issue."""

    product_set: str
    data: dict[str, Any] | None
    sheet: Sheet | None
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return self.sheet is not None and not errors_only(self.issues)


@dataclass
class _Criterion:
    code: str
    name: str
    part: str
    group: str
    first_row: int
    notes: list[str] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)  # each with alternative, legal_forms, row
    applies_when: tuple[str, Decimal | None] | None = None
    gate: tuple[str, str] | None = None
    gate_detected: bool = False
    bonus: bool = False
    maximum: Decimal | None = None
    requirements: list[tuple[int, str]] = field(default_factory=list)  # (stars, option code)


def sheet_from_rows(
    rows: Sequence[Sequence[Any]],
    *,
    version: RubricVersion,
    product_set: str,
    source: str = "",
    mapping: dict[str, str] | None = None,
) -> SheetImport:
    """Turn rows (header first; title rows above it are skipped) into a checked sheet of `version`."""
    table = [list(r) for r in rows]
    issues: list[Issue] = []
    if version.product_set(product_set) is None:
        issues.append(
            Issue(
                "unknown_product_set",
                (("field", "product_set"),),
                {"value": product_set, "version": version.code},
            )
        )
        return SheetImport(product_set, None, None, issues)
    header_index, columns, header_issues = locate_header(
        table, COLUMNS, REQUIRED, mapping=mapping, labels=COLUMN_LABELS
    )
    issues += header_issues
    if errors_only(header_issues):
        return SheetImport(product_set, None, None, issues)

    reader = _RowReader(version, columns, issues)
    data_rows = 0
    for index in range(header_index + 1, len(table)):
        row = table[index]
        if not any(cell_text(c) for c in row):
            continue
        data_rows += 1
        reader.read(index + 1, row)
    if data_rows == 0:
        issues.append(Issue("empty_sheet_file"))
        return SheetImport(product_set, None, None, issues)

    data = reader.sheet_data(product_set, source)
    if errors_only(issues):
        return SheetImport(product_set, data, None, issues, data_rows)
    sheet, sheet_issues = parse_sheet(data, version)
    issues += [reader.locate(issue) for issue in sheet_issues]
    return SheetImport(product_set, data, sheet if not errors_only(sheet_issues) else None, issues, data_rows)


class _RowReader:
    def __init__(self, version: RubricVersion, columns: dict[str, int], issues: list[Issue]) -> None:
        self.version = version
        self.columns = columns
        self.issues = issues
        self.criteria: list[_Criterion] = []
        self.seen: dict[str, int] = {}
        self.groups: dict[str, tuple[str, str]] = {}  # group code → (name, part)
        self.unnumbered_groups: dict[str, str] = {}
        self.last: dict[str, str] = {"part": "", "group": "", "criterion_code": ""}
        self.option_rows: dict[tuple[str, str], int] = {}
        self.form_codes = {fold(f.code): f.code for f in version.legal_forms} | {
            fold(f.name): f.code for f in version.legal_forms
        }

    def cell(self, row: list[Any], key: str) -> str:
        position = self.columns.get(key)
        if position is None or position >= len(row):
            return ""
        return cell_text(row[position])

    def error(self, number: int, column: str, code: str, **params: Any) -> None:
        self.issues.append(Issue(code, (("row", str(number)), ("column", COLUMN_LABELS[column])), params))

    def read(self, number: int, row: list[Any]) -> None:
        part = self._part(number, self.cell(row, "part") or self.last["part"])
        group = self._group(number, self.cell(row, "group") or self.last["group"], part)
        code = self.cell(row, "criterion_code") or self.last["criterion_code"]
        self.last.update(
            part=self.cell(row, "part") or self.last["part"],
            group=self.cell(row, "group") or self.last["group"],
        )
        if not code:
            self.error(number, "criterion_code", "not_text")
            return
        self.last["criterion_code"] = code
        criterion = self._criterion(number, code, self.cell(row, "criterion"), part, group)
        if criterion is None:
            return
        self._option(number, row, criterion)

    def _part(self, number: int, text: str) -> str:
        match = _PART.match(fold(text))
        part = match.group(1).upper() if match else text.strip()
        if self.version.part(part) is None:
            self.error(number, "part", "unknown_part", value=text)
        return part

    def _group(self, number: int, text: str, part: str) -> str:
        if not text:
            return ""
        match = _GROUP.match(text)
        if match:
            code, name = match.group(1), match.group(2).strip()
        else:
            key = fold(text)
            code = self.unnumbered_groups.setdefault(key, str(len(self.unnumbered_groups) + 1))
            name = text.strip()
        self.groups.setdefault(code, (name, part))
        return code

    def _criterion(self, number: int, code: str, text: str, part: str, group: str) -> _Criterion | None:
        current = self.criteria[-1] if self.criteria else None
        if current is not None and current.code == code:
            if text and current.name and text != current.name:
                self.error(number, "criterion", "criterion_text_differs", first=current.first_row)
            if (part, group) != (current.part, current.group):
                self.error(number, "part", "criterion_part_differs", first=current.first_row)
            current.name = current.name or text
            return current
        if code in self.seen:
            self.error(number, "criterion_code", "criterion_split", value=code, first=self.seen[code])
            return None
        self.seen[code] = number
        if not text:
            self.error(number, "criterion", "not_text")
        criterion = _Criterion(code=code, name=text, part=part, group=group or code, first_row=number)
        if not group:
            self.groups.setdefault(code, (text, part))
        self.criteria.append(criterion)
        return criterion

    def _option(self, number: int, row: list[Any], criterion: _Criterion) -> None:
        text = self.cell(row, "option")
        if not text:
            self.error(number, "option", "not_text")
        raw_points = self.cell(row, "points")
        try:
            points = Decimal(raw_points.replace(",", "."))
            if not points.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error(number, "points", "not_number", value=raw_points)
            points = Decimal(0)
        if points < 0:
            self.error(number, "points", "negative", value=raw_points)
        option_code = _letter(len(criterion.options))
        alternative = self.cell(row, "alternative")
        alternative = re.sub(r"\D", "", alternative) or alternative or "1"
        forms = []
        for word in filter(None, (w.strip() for w in re.split(r"[,;]", self.cell(row, "legal_forms")))):
            form = self.form_codes.get(fold(word))
            if form is None:
                self.error(number, "legal_forms", "unknown_legal_form", value=word)
            else:
                forms.append(form)
        criterion.options.append(
            {
                "code": option_code,
                "text": text,
                "points": points,
                "alternative": alternative,
                "legal_forms": forms,
            }
        )
        self.option_rows[(criterion.code, option_code)] = number

        note = self.cell(row, "notes")
        if note and note not in criterion.notes:
            criterion.notes.append(note)
        self._flags(number, row, criterion, note, option_code)

    def _flags(self, number: int, row: list[Any], criterion: _Criterion, note: str, option_code: str) -> None:
        condition = self.cell(row, "applies_when")
        if condition:
            match = _CONDITION.match(condition)
            if not match:
                self.error(number, "applies_when", "bad_condition", value=condition)
            else:
                minimum = match.group(3)
                value = Decimal(minimum.replace(",", ".")) if minimum else None
                if value is not None and match.group(2) == ">":
                    value = value + Decimal("0.01")
                criterion.applies_when = (match.group(1), value)
        elif note and "chi ap dung khi" in fold(note) and criterion.applies_when is None:
            self.error(number, "applies_when", "condition_needs_column")
        gate = fold(self.cell(row, "gate"))
        if gate:
            kind = _GATE_WORDS.get(gate.split()[0])
            if kind is None:
                self.error(
                    number, "gate", "unknown_choice", value=self.cell(row, "gate"), allowed="loại, dừng"
                )
            else:
                criterion.gate = (kind, note or criterion.name)
                criterion.gate_detected = False
        elif note and criterion.gate is None:
            folded = fold(note)
            for words, kind in _GATE_NOTES:
                if words in folded:
                    text = re.sub(r"^\s*ghi chú\s*:\s*", "", note, flags=re.IGNORECASE)
                    criterion.gate = (kind, text)
                    criterion.gate_detected = True
                    self.issues.append(
                        Issue(
                            "gate_detected",
                            (("row", str(number)), ("column", COLUMN_LABELS["notes"])),
                            {"kind": "loại" if kind == DISQUALIFY else "dừng", "text": text},
                            severity="warning",
                        )
                    )
        if fold(self.cell(row, "bonus")) in _YES:
            criterion.bonus = True
        maximum = self.cell(row, "max")
        if maximum:
            try:
                criterion.maximum = Decimal(maximum.replace(",", "."))
            except InvalidOperation:
                self.error(number, "max", "not_number", value=maximum)
        mandatory = self.cell(row, "mandatory")
        if mandatory:
            digits = re.sub(r"\D", "", mandatory)
            if not digits:
                self.error(number, "mandatory", "not_integer", value=mandatory)
            else:
                criterion.requirements.append((int(digits), option_code))

    def sheet_data(self, product_set: str, source: str) -> dict[str, Any]:
        groups: list[dict[str, Any]] = []
        by_group: dict[str, dict[str, Any]] = {}
        requirements: list[dict[str, Any]] = []
        points_of = {c.code: {o["code"]: o["points"] for o in c.options} for c in self.criteria}
        for criterion in self.criteria:
            if criterion.group not in by_group:
                name, part = self.groups.get(criterion.group, (criterion.name, criterion.part))
                by_group[criterion.group] = {
                    "code": criterion.group,
                    "name": name or criterion.group,
                    "part": part,
                    "criteria": [],
                }
                groups.append(by_group[criterion.group])
            best = max((o["points"] for o in criterion.options), default=Decimal(0))
            item: dict[str, Any] = {
                "code": criterion.code,
                "name": criterion.name,
                "max": _number(criterion.maximum or best),
            }
            if criterion.notes:
                item["note"] = " ".join(criterion.notes)
            alternatives: dict[str, list[dict[str, Any]]] = {}
            forms: dict[str, list[str]] = {}
            for option in criterion.options:
                alternatives.setdefault(option["alternative"], []).append(
                    {"code": option["code"], "text": option["text"], "points": _number(option["points"])}
                )
                forms.setdefault(option["alternative"], [])
                forms[option["alternative"]] += [
                    f for f in option["legal_forms"] if f not in forms[option["alternative"]]
                ]
            if len(alternatives) == 1 and not any(forms.values()):
                item["options"] = next(iter(alternatives.values()))
            else:
                item["alternatives"] = [
                    {
                        "code": code,
                        "label": f"Trường hợp {code}",
                        "legal_forms": forms[code],
                        "options": options,
                    }
                    for code, options in alternatives.items()
                ]
            if criterion.applies_when:
                target, minimum = criterion.applies_when
                if minimum is None:
                    positives = [p for p in points_of.get(target, {}).values() if p > 0]
                    minimum = min(positives, default=Decimal(1))
                item["applies_when"] = {"criterion": target, "min_points": _number(minimum)}
            if criterion.bonus:
                item["bonus"] = True
            if criterion.gate:
                kind, text = criterion.gate
                prefix = "loai" if kind == DISQUALIFY else "dung"
                item["gates"] = [{"code": f"{prefix}-{criterion.code}", "kind": kind, "text": text}]
            # Several options marked for the same star: the lowest of them is the least the star needs.
            lowest: dict[int, str] = {}
            for stars, option_code in criterion.requirements:
                points = points_of[criterion.code][option_code]
                if stars not in lowest or points < points_of[criterion.code][lowest[stars]]:
                    lowest[stars] = option_code
            for stars, option_code in sorted(lowest.items()):
                requirements.append({"stars": stars, "criterion": criterion.code, "option": option_code})
            by_group[criterion.group]["criteria"].append(item)
        data: dict[str, Any] = {"product_set": product_set, "groups": groups}
        if source:
            data["source"] = source
        if requirements:
            data["requirements"] = requirements
        return data

    def locate(self, issue: Issue) -> Issue:
        """Point an issue found on the built sheet back at the spreadsheet row it came from."""
        criterion = next((label for kind, label in issue.place if kind == "criterion"), None)
        option = next((label for kind, label in issue.place if kind == "option"), None)
        row = None
        if criterion and option:
            row = self.option_rows.get((criterion, option))
        if row is None and criterion:
            row = self.seen.get(criterion)
        place: Place = ((("row", str(row)),) if row else ()) + tuple(
            step for step in issue.place if step[0] != "file"
        )
        return Issue(issue.code, place, issue.params, issue.severity)


def _letter(index: int) -> str:
    letters = string.ascii_lowercase
    return (
        letters[index]
        if index < len(letters)
        else f"{letters[index // len(letters) - 1]}{letters[index % len(letters)]}"
    )


def _number(value: Decimal) -> int | float:
    """Points in the file format: whole numbers stay whole, halves stay exact as floats with short text."""
    return int(value) if value == value.to_integral_value() else float(value)


def merge_sheet(version_data: dict[str, Any], sheet_data: dict[str, Any]) -> dict[str, Any]:
    """The version's data with this sheet added, or replacing the sheet of the same product set."""
    sheets = [s for s in version_data.get("sheets", []) if s.get("product_set") != sheet_data["product_set"]]
    return {**version_data, "sheets": [*sheets, sheet_data]}
