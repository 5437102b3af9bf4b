"""From checked rows to a plan of records: which producer, product and decision each row matches or creates,
the certificate it records, and every problem, found with a fixed number of queries whatever the file's size.

Matching (the issue's rules, in this order):
- producer: by tax code when the row gives one, else by folded name within today's commune of the row's
  address; two or more producers of that name there is an ambiguous match (an error until the officer picks
  one: merge, or forces a new one: split). The officer's choice is per producer group (the rows of one tax
  code, or of one folded name in one commune);
- product: by folded name within the producer; rows of one group and product name share one product;
- decision: a paper decision is the issuing unit of its time, the level, the number and the date; rows of one
  decision share one, and a decision recorded by an earlier file is matched (a decision split across files).

Nothing here writes; `services.history_import_run` writes the plan in one transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ocop.certification import qr
from ocop.certification.models import Certificate, CertificateStatus, Origin, RecognitionDecision
from ocop.core.errors import Invalid
from ocop.core.expressions import LeadingWordsIn
from ocop.core.text import fold as _fold
from ocop.geo.models import AdminUnit, Era, Level
from ocop.producers.models import Producer
from ocop.producers.services import normalise_tax_code
from ocop.products.models import Product
from ocop.rubrics.history import HistoryRow
from ocop.rubrics.models import ProductSet

# Names, decision numbers and places repeat across a file's rows: each is folded once.
fold = lru_cache(maxsize=200_000)(_fold)

NEW = "new"
COMMUNE = "commune:"  # a choice "commune:<unit id>": a new producer in the commune the officer picked
MATCHED = "matched"
AMBIGUOUS = "ambiguous"

# Problems this module finds (the reader's own come with their messages): code → message template.
MESSAGES: dict[str, Any] = {
    "producer_ambiguous": _(
        "Có %(count)s chủ thể cùng tên «%(name)s» tại %(place)s: chọn gộp vào một chủ thể hoặc tạo chủ thể mới."
    ),
    "producer_same_name": _(
        "Chủ thể cùng tên «%(name)s» đã có tại %(place)s (không có mã số thuế này): kiểm tra xem có cần gộp không."
    ),
    "producer_choice_invalid": _("Chủ thể đã chọn để gộp (mã %(id)s) không có hoặc ngoài địa bàn của bạn."),
    "tax_code_invalid": _("Mã số thuế «%(value)s» không đúng định dạng."),
    "address_not_commune": _(
        "Địa chỉ chỉ đến %(place)s: cần xã, phường để tạo chủ thể mới (hoặc gộp vào một chủ thể đã có)."
    ),
    "commune_choice_invalid": _(
        "Xã, phường đã chọn (mã %(id)s) không thuộc %(place)s hoặc ngoài địa bàn của bạn."
    ),
    "product_ambiguous": _(
        "Chủ thể có %(count)s sản phẩm cùng tên «%(name)s»: không biết ghi vào sản phẩm nào."
    ),
    "product_set_required": _("Sản phẩm mới cần cột «Bộ sản phẩm» (tên hoặc mã bộ sản phẩm)."),
    "product_set_unknown": _("Không có bộ sản phẩm «%(value)s» trong bộ tiêu chí %(version)s."),
    "certificate_number_format": _(
        "Số giấy chứng nhận «%(value)s» chỉ được gồm chữ không dấu, chữ số và . _ / - (tối đa 32 ký tự)."
    ),
    "certificate_number_taken": _("Số giấy chứng nhận %(value)s đã có trên hệ thống."),
    "certificate_number_repeated": _("Số giấy chứng nhận %(value)s trùng với dòng %(first)s."),
    "already_imported": _(
        "Sản phẩm này đã được ghi nhận theo quyết định %(decision)s (giấy chứng nhận %(number)s) từ một tệp trước."
    ),
    "product_certificate_active": _(
        "Sản phẩm đang có giấy chứng nhận %(number)s cấp ngày %(date)s, trước quyết định này: "
        "việc nhập lịch sử không thay giấy chứng nhận đang có."
    ),
    "decision_date_future": _("Ngày quyết định %(value)s sau hôm nay."),
    "level_unit_missing": _("Không xác định được đơn vị %(level)s ban hành quyết định từ địa chỉ %(place)s."),
    "stars_not_given_by_level": _(
        "%(level)s không công nhận hạng %(stars)s sao vào ngày %(date)s: quyết định không thể do cấp này ban hành."
    ),
}
# Where each of our problems points in the file.
COLUMN_OF = {
    "producer_ambiguous": "Chủ thể",
    "producer_same_name": "Chủ thể",
    "producer_choice_invalid": "Chủ thể",
    "tax_code_invalid": "Mã số thuế",
    "address_not_commune": "Địa chỉ",
    "commune_choice_invalid": "Địa chỉ",
    "product_ambiguous": "Tên sản phẩm",
    "product_set_required": "Bộ sản phẩm",
    "product_set_unknown": "Bộ sản phẩm",
    "certificate_number_format": "Số giấy chứng nhận",
    "certificate_number_taken": "Số giấy chứng nhận",
    "certificate_number_repeated": "Số giấy chứng nhận",
    "already_imported": "Số quyết định",
    "product_certificate_active": "Tên sản phẩm",
    "decision_date_future": "Ngày quyết định",
    "level_unit_missing": "Cấp công nhận",
    "stars_not_given_by_level": "Hạng sao",
}
# Problems the reader reports as warnings that a record cannot carry: a certificate the issuing level could
# not give then is refused, not flagged.
RAISED_TO_ERROR = {"level_cannot_recognise": "stars_not_given_by_level"}
LEVEL_NAMES = {
    "commune": _("Cấp xã"),
    "district": _("Cấp huyện"),
    "province": _("Cấp tỉnh"),
    "central": _("Trung ương"),
}
_NAMES_PER_QUERY = 500  # producers looked up by name: phrases of one statement (`LeadingWordsIn`)
_LEVEL_UNIT = {"commune": Level.COMMUNE, "district": Level.DISTRICT, "province": Level.PROVINCE}


@cache
def _legal_form_rules() -> tuple[list[tuple[tuple[str, ...], str]], str]:
    data = yaml.safe_load((Path(__file__).parent / "data" / "legal_forms.yaml").read_text(encoding="utf-8"))
    rules = [(tuple(rule["prefixes"]), rule["legal_form"]) for rule in data["legal_forms"]]
    return rules, data["default"]


def legal_form_of(name: str) -> str:
    folded = fold(name)
    rules, default = _legal_form_rules()
    for prefixes, legal_form in rules:
        if any(folded == p or folded.startswith(p + " ") or folded.startswith(p + ".") for p in prefixes):
            return legal_form
    return default


def _message(code: str, params: dict[str, Any], lang: str) -> str:
    with translation.override(lang):
        return str(MESSAGES[code]) % params


@dataclass
class Problem:
    code: str
    severity: str  # "error" or "warning"
    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "vi": self.vi, "en": self.en}


@dataclass
class RowPlan:
    row: HistoryRow
    problems: list[Problem] = field(default_factory=list)
    unit_name: str = ""  # the address's unit of its time, with its parents
    province_id: int | None = None  # today's province
    commune_id: int | None = None  # today's commune (a new producer sits there)
    tax_code: str | None = None
    group: str = ""
    producer_match: str = NEW
    producer_id: int | None = None
    producer_label: str = ""
    candidates: list[tuple[int, str]] = field(default_factory=list)
    # For an address that stops at a district: its communes whose name the producer's or product's name holds
    # ("Hợp tác xã Nem nướng Liên Chung" → Xã Liên Chung), then the others, for the officer to pick one.
    communes: list[tuple[int, str, bool]] = field(default_factory=list)
    product_key: tuple[str, str] = ("", "")
    product_match: str = NEW
    product_id: int | None = None
    product_set_id: int | None = None
    issuer_unit_id: int | None = None
    issuer_name: str = ""
    decision_key: tuple = ()
    decision_id: int | None = None  # an earlier file's paper decision
    number: str = ""  # as printed; empty: generated when applied
    superseded: bool = False  # a later certificate of the same product follows it (in this file or on record)
    replaces_row: int | None = None  # the row whose certificate this one follows

    def add(self, code: str, severity: str = "error", **params: Any) -> None:
        where = {"row": self.row.row_number, "column": COLUMN_OF.get(code, "")}
        vi = _("Dòng %(row)s › cột %(column)s") % where
        with translation.override("en"):
            en = str(_("Dòng %(row)s › cột %(column)s") % where)
        self.problems.append(
            Problem(
                code,
                severity,
                f"{vi}: {_message(code, params, 'vi')}",
                f"{en}: {_message(code, params, 'en')}",
            )
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def flags(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def as_dict(self) -> dict[str, Any]:
        r = self.row
        address_issue = next(
            (i.params for i in r.issues if i.code in ("unknown_place", "ambiguous_place")), None
        )
        return {
            "n": r.row_number,
            "product": r.product_name,
            "producer": r.producer_name,
            "address": r.address,
            "unit": self.unit_name,
            "stars": r.stars,
            "decision": r.decision_number,
            "date": r.decision_date.strftime("%d/%m/%Y") if r.decision_date else "",  # shown as written
            "level": r.level,
            "expires": r.expires_on.strftime("%d/%m/%Y") if r.expires_on else "",
            "number": self.number,
            "group": self.group,
            "producer_match": self.producer_match,
            "producer_id": self.producer_id,
            "producer_label": self.producer_label,
            "candidates": self.candidates,
            "communes": self.communes,
            "product_match": self.product_match,
            "superseded": self.superseded,
            "problems": [p.as_dict() for p in self.problems],
            "has_error": bool(self.errors),
            "has_flag": bool(self.flags),
            # The reader's data for an address it could not resolve, with the closest units to pick from.
            "address_issue": address_issue,
        }


class Units:
    """The units the rows name and their parents, read once: names with parents and ancestors by level."""

    def __init__(self, unit_ids: set[int]) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self._names: dict[int, str] = {}
        wanted = set(unit_ids)
        for _depth in range(4):
            wanted -= set(self.rows)
            if not wanted:
                break
            for unit in AdminUnit.objects.filter(id__in=wanted).values(
                "id", "parent_id", "level", "name", "era", "current_province_id", "current_commune_id"
            ):
                self.rows[unit["id"]] = unit
            wanted = {u["parent_id"] for u in self.rows.values() if u["parent_id"]}

    def full_name(self, unit_id: int) -> str:
        if unit_id in self._names:
            return self._names[unit_id]
        names, unit = [], self.rows.get(unit_id)
        while unit is not None and unit["level"] != Level.COUNTRY:
            names.append(unit["name"])
            unit = self.rows.get(unit["parent_id"]) if unit["parent_id"] else None
        self._names[unit_id] = ", ".join(names)
        return self._names[unit_id]

    def ancestor(self, unit_id: int, level: str) -> int | None:
        unit = self.rows.get(unit_id)
        while unit is not None:
            if unit["level"] == level:
                return unit["id"]
            unit = self.rows.get(unit["parent_id"]) if unit["parent_id"] else None
        return None

    def today_commune(self, unit_id: int) -> int | None:
        unit = self.rows[unit_id]
        if unit["level"] != Level.COMMUNE:
            return None
        return unit["id"] if unit["era"] == Era.CURRENT else unit["current_commune_id"]


def _country_id() -> int | None:
    return AdminUnit.objects.filter(level=Level.COUNTRY).values_list("id", flat=True).first()


def plan_rows(
    rows: list[HistoryRow], *, choices: dict[str, str], scope_ids: set[int] | None
) -> list[RowPlan]:
    """Every row's plan and problems. `scope_ids` are the units the officer's RECOGNISE roles reach (None:
    the whole country); `choices` maps a producer group to "new", an existing producer's id, or
    "commune:<unit id>" (a new producer in that commune, for an address that stops at the district)."""
    plans = [RowPlan(row) for row in rows]
    today = timezone.localdate()
    units = Units({r.unit.pk for r in rows if r.unit is not None})
    country = _country_id()

    # Addresses, issuers, reader's problems ------------------------------------------------------------------
    for plan in plans:
        r = plan.row
        for issue in r.issues:
            if issue.code in RAISED_TO_ERROR:
                plan.add(
                    RAISED_TO_ERROR[issue.code],
                    level=issue.params.get("level_name") or issue.params.get("level"),
                    stars=r.stars,
                    date=issue.params.get("date"),
                )
                continue
            plan.problems.append(
                Problem(issue.code, issue.severity, issue.describe("vi"), issue.describe("en"))
            )
        if r.decision_date is not None and r.decision_date > today:
            plan.add("decision_date_future", value=r.decision_date.strftime("%d/%m/%Y"))
        if r.unit is None:
            continue
        plan.unit_name = units.full_name(r.unit.pk)
        plan.province_id = r.unit.current_province_id or r.unit.pk
        plan.commune_id = units.today_commune(r.unit.pk)
        if r.level == "central":
            plan.issuer_unit_id = country
            plan.issuer_name = str(LEVEL_NAMES["central"])
        else:
            plan.issuer_unit_id = units.ancestor(r.unit.pk, _LEVEL_UNIT.get(r.level, Level.PROVINCE))
            if plan.issuer_unit_id is None:
                plan.add(
                    "level_unit_missing", level=str(LEVEL_NAMES.get(r.level, r.level)), place=plan.unit_name
                )
            else:
                plan.issuer_name = units.full_name(plan.issuer_unit_id).split(", ")[0]
        plan.decision_key = (plan.issuer_unit_id, r.level, fold(r.decision_number), r.decision_date)
        if r.tax_code:
            try:
                plan.tax_code = normalise_tax_code(r.tax_code)
            except Invalid:
                plan.add("tax_code_invalid", value=r.tax_code[:30])

    _match_producers(plans, units, choices, scope_ids)
    _match_products(plans)
    _match_certificates(plans)
    _match_decisions(plans)
    return plans


def _match_producers(
    plans: list[RowPlan], units: Units, choices: dict[str, str], scope_ids: set[int] | None
) -> None:
    usable = [p for p in plans if p.row.unit is not None]
    tax_codes = {p.tax_code for p in usable if p.tax_code}
    communes = {p.commune_id for p in usable if p.commune_id and not p.tax_code}
    by_tax: dict[str, dict[str, Any]] = {}
    for producer in Producer.objects.filter(tax_code__in=tax_codes).values(
        "id", "name", "tax_code", "unit_id"
    ):
        by_tax[producer["tax_code"]] = producer
    by_name: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    # By the file's names, folded: a producer's `search_text` is its folded name, then a space and its tax code
    # and representative (`producer_search_text_of`), so its index finds the few producers of those names. A
    # national file touches nearly every commune: reading the producers of its communes read all 500,000 at
    # 1M products; the commune is checked here instead.
    names = sorted({fold(plan.row.producer_name) for plan in usable if plan.commune_id and not plan.tax_code})
    for start in range(0, len(names), _NAMES_PER_QUERY):
        # Unordered: ordered by name (the model's default), SQLite walks the index by name instead, every row.
        rows = (
            Producer.objects.filter(
                LeadingWordsIn("search_text", names[start : start + _NAMES_PER_QUERY])
            ).order_by()
        ).values_list("id", "name", "tax_code", "unit_id", "unit__current_commune_id", "unit__era")
        for pk, name, tax_code, unit_id, current_commune_id, era in rows:
            commune = unit_id if era == Era.CURRENT else current_commune_id
            if commune in communes:
                by_name[(commune, fold(name))].append(
                    {"id": pk, "name": name, "tax_code": tax_code, "unit_id": unit_id}
                )
    picked_communes = _picked_communes(choices)
    district_communes: dict[int, tuple[tuple[int, str, str], ...]] = {}
    chosen_ids = {int(v) for v in choices.values() if str(v).isdigit()}
    chosen = {p["id"]: p for p in Producer.objects.filter(id__in=chosen_ids).values("id", "name", "unit_id")}

    for plan in usable:
        r = plan.row
        name = fold(r.producer_name)
        if plan.tax_code:
            plan.group = f"t:{plan.tax_code}"
        else:
            plan.group = f"n:{plan.commune_id or 'p' + str(plan.province_id)}:{name}"
        choice = str(choices.get(plan.group, ""))
        if plan.commune_id is None:
            plan.communes = _communes_to_pick(r, district_communes)
        if choice.startswith(COMMUNE):
            picked_id = choice[len(COMMUNE) :]
            commune = picked_communes.get(picked_id)
            inside = commune is not None and r.unit is not None and r.unit.pk in commune["ancestors"]
            plan.producer_match = NEW
            if commune is None or not inside or (scope_ids is not None and commune["today"] not in scope_ids):
                plan.add("commune_choice_invalid", id=picked_id[:12], place=plan.unit_name)
                continue  # the pick is the error to fix, not the address
            plan.commune_id = commune["today"]
        elif choice == NEW:
            plan.producer_match = NEW
        elif choice.isdigit():
            picked = chosen.get(int(choice))
            if picked is None or (scope_ids is not None and picked["unit_id"] not in scope_ids):
                plan.add("producer_choice_invalid", id=choice)
            else:
                plan.producer_match, plan.producer_id, plan.producer_label = (
                    MATCHED,
                    picked["id"],
                    picked["name"],
                )
        elif plan.tax_code and plan.tax_code in by_tax:
            found = by_tax[plan.tax_code]
            plan.producer_match, plan.producer_id, plan.producer_label = MATCHED, found["id"], found["name"]
        elif plan.tax_code:
            plan.producer_match = NEW
        else:
            same = by_name.get((plan.commune_id, name), []) if plan.commune_id else []
            plan.candidates = [(p["id"], f"{p['name']} ({p['tax_code'] or '—'})") for p in same]
            if len(same) == 1:
                plan.producer_match, plan.producer_id, plan.producer_label = (
                    MATCHED,
                    same[0]["id"],
                    same[0]["name"],
                )
            elif len(same) > 1:
                plan.producer_match = AMBIGUOUS
                plan.add("producer_ambiguous", count=len(same), name=r.producer_name, place=plan.unit_name)
        if plan.producer_match == NEW and plan.tax_code and plan.commune_id and not choice:
            same = [p for p in by_name.get((plan.commune_id, name), []) if not p["tax_code"]]
            if same:
                plan.candidates = [(p["id"], p["name"]) for p in same]
                plan.add("producer_same_name", "warning", name=r.producer_name, place=plan.unit_name)
        if plan.producer_match == NEW and plan.commune_id is None:
            plan.add("address_not_commune", place=plan.unit_name)


def _picked_communes(choices: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The communes the officer picked ("commune:<id>"), with the units above them and today's commune."""
    ids = {v[len(COMMUNE) :] for v in map(str, choices.values()) if v.startswith(COMMUNE)}
    wanted = [int(i) for i in ids if i.isdigit()]
    picked: dict[str, dict[str, Any]] = {}
    for unit in AdminUnit.objects.filter(id__in=wanted, level=Level.COMMUNE).values(
        "id", "era", "parent_id", "parent__parent_id", "current_commune_id"
    ):
        picked[str(unit["id"])] = {
            "ancestors": {unit["parent_id"], unit["parent__parent_id"]},
            "today": unit["id"] if unit["era"] == Era.CURRENT else unit["current_commune_id"],
        }
    return picked


def _communes_to_pick(
    row: HistoryRow, read: dict[int, tuple[tuple[int, str, str], ...]]
) -> list[tuple[int, str, bool]]:
    """The communes of the district the address stops at: those the producer's or product's name names first
    (marked), then the rest by name. Each district is read once per file (`read`)."""
    if row.unit is None or row.unit.level != Level.DISTRICT:
        return []
    if row.unit.pk not in read:
        units = AdminUnit.objects.filter(parent_id=row.unit.pk, level=Level.COMMUNE).order_by("name")
        read[row.unit.pk] = tuple((u.pk, u.name, fold(u.short_name)) for u in units)
    communes = read[row.unit.pk]
    names = f" {fold(row.producer_name)} {fold(row.product_name)} "
    named = [(i, n, True) for i, n, key in communes if f" {key} " in names]
    return [*named, *((i, n, False) for i, n, key in communes if not any(i == m[0] for m in named))]


def _product_set_index() -> dict[tuple[int, str], int]:
    index: dict[tuple[int, str], int] = {}
    for ps in ProductSet.objects.values("id", "version_id", "code", "name"):
        index[(ps["version_id"], fold(ps["code"]))] = ps["id"]
        index[(ps["version_id"], fold(ps["name"]))] = ps["id"]
    return index


def _match_products(plans: list[RowPlan]) -> None:
    producer_ids = {p.producer_id for p in plans if p.producer_id}
    existing: dict[tuple[int, str], list[int]] = defaultdict(list)
    for product in Product.objects.filter(producer_id__in=producer_ids).values("id", "producer_id", "name"):
        existing[(product["producer_id"], fold(product["name"]))].append(product["id"])
    sets = _product_set_index()
    for plan in plans:
        r = plan.row
        if not plan.group:
            continue
        name = fold(r.product_name)
        plan.product_key = (plan.group if plan.producer_id is None else f"p:{plan.producer_id}", name)
        found = existing.get((plan.producer_id, name), []) if plan.producer_id else []
        if len(found) == 1:
            plan.product_match, plan.product_id = MATCHED, found[0]
            continue
        if len(found) > 1:
            plan.add("product_ambiguous", count=len(found), name=r.product_name)
            continue
        plan.product_match = NEW
        if r.version is None:
            continue
        if not r.product_set_name:
            plan.add("product_set_required")
            continue
        plan.product_set_id = sets.get((r.version.pk, fold(r.product_set_name)))
        if plan.product_set_id is None:
            plan.add("product_set_unknown", value=r.product_set_name, version=r.version.code)


def _match_certificates(plans: list[RowPlan]) -> None:
    printed: dict[str, int] = {}
    for plan in plans:
        number = plan.row.certificate_number.strip()
        if not number:
            continue
        plan.number = number
        try:
            qr.check_token(number, "certificate number")
        except ValueError:
            plan.add("certificate_number_format", value=number[:40])
            continue
        if number in printed:
            plan.add("certificate_number_repeated", value=number, first=printed[number])
        else:
            printed[number] = plan.row.row_number
    for number in Certificate.objects.filter(number__in=list(printed)).values_list("number", flat=True):
        for plan in plans:
            if plan.number == number:
                plan.add("certificate_number_taken", value=number)

    # Certificates already on record for matched products: an earlier import of the same decision, or an
    # active certificate that a paper decision may only precede.
    product_ids = {p.product_id for p in plans if p.product_id}
    on_record: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cert in Certificate.objects.filter(product_id__in=product_ids).values(
        "product_id", "number", "origin", "status", "issued_on", "decision__number", "decision__date"
    ):
        on_record[cert["product_id"]].append(cert)
    for plan in plans:
        r = plan.row
        if not plan.product_id or r.decision_date is None:
            continue
        for cert in on_record.get(plan.product_id, []):
            if (
                cert["origin"] == Origin.PAPER
                and fold(cert["decision__number"]) == fold(r.decision_number)
                and cert["decision__date"] == r.decision_date
            ):
                plan.add("already_imported", decision=r.decision_number, number=cert["number"])
            elif cert["status"] == CertificateStatus.ACTIVE:
                if cert["issued_on"] <= r.decision_date:
                    plan.add(
                        "product_certificate_active",
                        number=cert["number"],
                        date=cert["issued_on"].strftime("%d/%m/%Y"),
                    )
                else:
                    plan.superseded = True  # an older paper decision: recorded as replaced since

    # Within the file: the rows of one product, oldest first; each is followed by the next.
    chains: dict[tuple[str, str], list[RowPlan]] = defaultdict(list)
    for plan in plans:
        if plan.product_key[1] and plan.row.decision_date is not None:
            chains[plan.product_key].append(plan)
    for chain in chains.values():
        chain.sort(key=lambda p: (p.row.decision_date, p.row.row_number))
        for older, newer in zip(chain, chain[1:], strict=False):
            older.superseded = True
            newer.replaces_row = older.row.row_number


def _match_decisions(plans: list[RowPlan]) -> None:
    numbers = {p.row.decision_number for p in plans if p.decision_key}
    existing = {}
    for d in RecognitionDecision.objects.filter(origin=Origin.PAPER, number__in=numbers).values(
        "id", "issuer_unit_id", "issuing_level", "number", "date"
    ):
        existing[(d["issuer_unit_id"], d["issuing_level"], fold(d["number"]), d["date"])] = d["id"]
    for plan in plans:
        if plan.decision_key:
            plan.decision_id = existing.get(plan.decision_key)


def qr_fits(number: str, key_id: str, site_url: str) -> bool:
    """Whether a certificate number makes a QR of the size every stamp has (the signature's length is fixed)."""
    claim = qr.Claim(key_id, number, 5, date(2030, 1, 1))
    return qr.fits(qr.qr_text(site_url, qr.pack(claim, bytes(qr.SIGNATURE_BYTES))))


def generated_number(prefix: str, sequence: int) -> str:
    """A number for a certificate whose paper number the file does not give: `<authority>-P<year>-<seq>`,
    apart from the numbers ocop issues (`<authority>-<year>-<seq>`)."""
    return f"{prefix}{sequence:05d}"


_SEQUENCE = re.compile(r"(\d+)$")


def last_sequence(numbers: list[str]) -> int:
    best = 0
    for number in numbers:
        match = _SEQUENCE.search(number)
        if match:
            best = max(best, int(match.group(1)))
    return best
