"""Convert the 2019 sheets as keyed in a 2022 scoring app (a text dump) into sheets of ocop/rubrics/data/2019.yaml.

Usage: python scripts/rubric_2019_from_keyed.py KEYED_FILE [--write]

The keyed file lists, per product set, `== Part X | n. GROUP` headings, questions
`Qnnn [leaf|parent parent_id=…] code. name  (max M)`, their `note:` lines and options `- points: text`.
Every set is turned into a sheet of the file format (docs/rubrics.md), matched to a 2019 product set by name,
and checked by the loader against the shipped 2019 version; a set that does not validate is reported with its
reasons and left out. The three sheets already shipped (from the decision's own text) win: a keyed set of the
same product set is only compared with them. With `--write`, the converted sheets replace the block after the
marker line in 2019.yaml (the file above it is kept as is), so running it again gives the same file.

Readings applied (the keyed data has no such fields):
- a note "Lựa chọn một trong hai trường hợp" splits the options into two cases where the points start again,
  with the legal forms of the shipped sheets (case 1: company, cooperative, cooperative group; case 2: household
  or a company with one director);
- a note "Chỉ áp dụng khi có câu chuyện" makes the criterion apply when the story criterion (5.1) scores ≥ 1;
- a note with "bị loại" is a disqualifying gate, one with "không đánh giá các bước tiếp theo" a stop gate;
- a heading question (`parent`, max 0) gives its note (and gate) to its first sub-criterion;
- a question without a code is its group's only criterion (code and name of the group).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ocop.rubrics.issues import errors_only  # noqa: E402
from ocop.rubrics.loader import load_version_file, parse_sheet  # noqa: E402

DATA_FILE = ROOT / "ocop" / "rubrics" / "data" / "2019.yaml"
MARKER = (
    "  # --- converted from the keyed 2019 sheets by scripts/rubric_2019_from_keyed.py: do not edit below ---"
)
SOURCE = (
    "ứng dụng OmmaniLife/OmmaniSoft OCOP (GitHub tranquangduc24011999/ommani_ocop, mysql/init.sql, 29/07/2022), "
    "bộ «{name}»; chép từ dữ liệu ứng dụng, không phải văn bản Quyết định 1048/QĐ-TTg"
)
CASES = (
    ("Trường hợp 1", "Công ty, hợp tác xã, tổ hợp tác (có ban quản trị hoặc thành viên)",
     ["enterprise", "cooperative", "cooperative_group"]),
    ("Trường hợp 2", "Hộ sản xuất, kinh doanh hoặc doanh nghiệp do một giám đốc điều hành",
     ["household", "enterprise"]),
)  # fmt: skip

_SET = re.compile(r"^#{8} PRODUCT SET (\d+): (.+)$")
_GROUP = re.compile(r"^== Part (\w+) \| (\d+)\.\s*(.+)$")
_QUESTION = re.compile(r"^  Q(\d+) \[(leaf|parent) parent_id=(\d+)\]\s*(.*?)\s*\(max ([\d.]+)\)\s*$")
_OPTION = re.compile(r"^     - ([\d.]+): (.*)$")
_NOTE = re.compile(r"^     note: (.*)$")


@dataclass
class Question:
    number: int
    kind: str
    parent: int
    title: str
    maximum: Decimal
    notes: list[str] = field(default_factory=list)
    options: list[tuple[Decimal, str]] = field(default_factory=list)


@dataclass
class Group:
    part: str
    code: str
    name: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class KeyedSet:
    number: int
    name: str
    groups: list[Group] = field(default_factory=list)


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def read_keyed(path: Path) -> list[KeyedSet]:
    sets: list[KeyedSet] = []
    question: Question | None = None
    in_note = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", raw.rstrip())
        if match := _SET.match(line):
            sets.append(KeyedSet(int(match[1]), match[2].strip()))
            question, in_note = None, False
        elif match := _GROUP.match(line):
            sets[-1].groups.append(Group(match[1], match[2], match[3].strip()))
            question, in_note = None, False
        elif match := _QUESTION.match(line):
            question = Question(int(match[1]), match[2], int(match[3]), match[4].strip(), Decimal(match[5]))
            sets[-1].groups[-1].questions.append(question)
            in_note = False
        elif (match := _NOTE.match(line)) and question is not None:
            question.notes.append(match[1].strip())
            in_note = True
        elif (match := _OPTION.match(line)) and question is not None:
            question.options.append((Decimal(match[1]), match[2].strip()))
            in_note = False
        elif (
            line.strip() and in_note and question is not None and not line.startswith(("#", "==", "  TOTALS"))
        ):
            question.notes[-1] += " " + line.strip()  # a note written over several lines
    return sets


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _split_code(title: str) -> tuple[str, str]:
    match = re.match(r"^(\d+(?:\.\d+)*)\.?\s*(.*)$", title)
    return (match[1], match[2].strip()) if match else ("", title)


def _gate_text(note: str) -> str:
    return re.sub(r"^(ghi chú|chú ý)\s*:\s*", "", note, flags=re.IGNORECASE).strip()


def _cases(options: list[tuple[Decimal, str]]) -> list[list[tuple[Decimal, str]]]:
    """Options split where the points start again (the second case of "one of two cases")."""
    cases: list[list[tuple[Decimal, str]]] = [[]]
    for points, text in options:
        if cases[-1] and points <= cases[-1][-1][0]:
            cases.append([])
        cases[-1].append((points, text))
    return cases


def sheet_of(keyed: KeyedSet, product_set: str) -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    story = None
    for group in keyed.groups:
        heading_notes: dict[int, list[str]] = {}
        criteria: list[dict[str, Any]] = []
        for question in group.questions:
            if question.kind == "parent":
                heading_notes[question.number] = question.notes
                continue
            code, name = _split_code(question.title)
            if not code:
                code, name = group.code, group.name
            notes = [*heading_notes.pop(question.parent, []), *question.notes]
            item: dict[str, Any] = {"code": code, "name": name, "max": _number(question.maximum)}
            if notes:
                item["note"] = " ".join(notes)
            folded = fold(" ".join(notes))
            if name.casefold().startswith("câu chuyện về sản phẩm") and story is None:
                story = code
            if "chỉ áp dụng khi có câu chuyện" in folded and story is not None:
                item["applies_when"] = {"criterion": story, "min_points": 1}
            gates = []
            for note in notes:
                folded_note = fold(note)
                if "bị loại" in folded_note:
                    gates.append({"code": f"loai-{code}", "kind": "disqualify", "text": _gate_text(note)})
                elif "không đánh giá các bước tiếp theo" in folded_note:
                    gates.append({"code": f"dung-{code}", "kind": "stop", "text": _gate_text(note)})
            if gates:
                item["gates"] = gates
            letters = iter("abcdefghijklmnopqrstuvwxyz")
            cases = _cases(question.options)
            two_cases = "lựa chọn một trong hai trường hợp" in folded
            if two_cases and len(cases) != len(CASES):
                print(
                    f"chú ý: {product_set} {code}: ghi chú nói hai trường hợp nhưng điểm không chia làm hai"
                )
            if two_cases and len(cases) == len(CASES):
                item["alternatives"] = [
                    {
                        "code": str(i),
                        "label": label,
                        "applies_to": applies_to,
                        "legal_forms": forms,
                        "options": [
                            {"code": next(letters), "points": _number(p), "text": t} for p, t in case
                        ],
                    }
                    for i, ((label, applies_to, forms), case) in enumerate(zip(CASES, cases, strict=True), 1)
                ]
            else:
                item["options"] = [
                    {"code": next(letters), "points": _number(p), "text": t} for p, t in question.options
                ]
            criteria.append(item)
        groups.append({"code": group.code, "name": group.name, "part": group.part, "criteria": criteria})
    return {"product_set": product_set, "source": SOURCE.format(name=keyed.name), "groups": groups}


def _doubled(keyed: KeyedSet) -> bool:
    """Loaded twice in the app's dump: every criterion appears exactly twice."""
    titles = [(g.code, q.title) for g in keyed.groups for q in g.questions]
    return bool(titles) and all(titles.count(t) == 2 for t in titles)


def convert(path: Path) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]], list[str]]:
    """(sheets that validate, [(product set, keyed name, reason)] for those that do not, notes on shipped ones)."""
    version = load_version_file(DATA_FILE)
    by_name = {fold(p.name): p.code for p in version.product_sets}
    shipped = {code for code in version.sheets if code not in _converted_codes()}
    good: list[dict[str, Any]] = []
    refused: list[tuple[str, str, str]] = []
    compared: list[str] = []
    for keyed in read_keyed(path):
        code = by_name.get(fold(keyed.name))
        if code is None:
            refused.append(("?", keyed.name, "không khớp tên bộ sản phẩm nào của phiên bản 2019"))
            continue
        if not keyed.groups:
            refused.append((code, keyed.name, "trống trong nguồn (không có tiêu chí nào)"))
            continue
        if _doubled(keyed):
            refused.append(
                (code, keyed.name, "nhập hai lần trong nguồn: mỗi tiêu chí có hai bản, tổng điểm 200")
            )
            continue
        data = sheet_of(keyed, code)
        sheet, issues = parse_sheet(data, version, source=f"keyed set {keyed.number}")
        if code in shipped:
            compared.append(_compare(code, keyed.name, data, version))
            continue
        if sheet is None:
            reasons = "; ".join(dict.fromkeys(i.describe("vi") for i in errors_only(issues)))
            refused.append((code, keyed.name, reasons))
            continue
        good.append(data)
    good.sort(key=lambda s: [int(x) for x in s["product_set"].split(".")])
    return good, refused, compared


def _converted_codes() -> set[str]:
    text = DATA_FILE.read_text(encoding="utf-8")
    block = text.split(MARKER, 1)[1] if MARKER in text else ""
    return set(re.findall(r'^  - product_set: "([\d.]+)"', block, flags=re.MULTILINE))


def _compare(code: str, name: str, data: dict[str, Any], version: Any) -> str:
    shipped = version.sheet(code)
    keyed = {c["code"]: c for g in data["groups"] for c in g["criteria"]}
    differ = []
    for criterion in shipped.criteria:
        other = keyed.get(criterion.code)
        if other is None:
            differ.append(f"{criterion.code} thiếu")
            continue
        points = sorted(
            Decimal(str(o["points"]))
            for o in other.get("options") or [o for a in other["alternatives"] for o in a["options"]]
        )
        if (
            points != sorted(o.points for o in criterion.options)
            or Decimal(str(other["max"])) != criterion.max_points
        ):
            differ.append(f"{criterion.code} điểm khác")
        elif [o["text"] for o in other.get("options") or []] not in ([], [o.text for o in criterion.options]):
            differ.append(f"{criterion.code} lời khác")
    extra = sorted(set(keyed) - {c.code for c in shipped.criteria})
    differ += [f"{c} thừa" for c in extra]
    return f"{code} {name}: " + (", ".join(differ) if differ else "giống phiếu đã có")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_yaml(sheets: list[dict[str, Any]]) -> str:
    """The sheets in the style of the hand-written ones: one option per line."""
    lines: list[str] = []
    add = lines.append
    for sheet in sheets:
        add(f'  - product_set: "{sheet["product_set"]}"')
        add(f"    source: {_q(sheet['source'])}")
        add("    groups:")
        for group in sheet["groups"]:
            add(f'      - code: "{group["code"]}"')
            add(f"        name: {_q(group['name'])}")
            add(f"        part: {group['part']}")
            add("        criteria:")
            for c in group["criteria"]:
                add(f'          - code: "{c["code"]}"')
                add(f"            name: {_q(c['name'])}")
                add(f"            max: {c['max']}")
                if "note" in c:
                    add(f"            note: {_q(c['note'])}")
                if "applies_when" in c:
                    w = c["applies_when"]
                    add(
                        f'            applies_when: {{criterion: "{w["criterion"]}", min_points: {w["min_points"]}}}'
                    )
                if "gates" in c:
                    add("            gates:")
                    for g in c["gates"]:
                        add(f'              - code: "{g["code"]}"')
                        add(f"                kind: {g['kind']}")
                        add(f"                text: {_q(g['text'])}")
                if "options" in c:
                    add("            options:")
                    for o in c["options"]:
                        add(
                            f"              - {{code: {o['code']}, points: {o['points']}, text: {_q(o['text'])}}}"
                        )
                else:
                    add("            alternatives:")
                    for a in c["alternatives"]:
                        add(f'              - code: "{a["code"]}"')
                        add(f"                label: {_q(a['label'])}")
                        add(f"                applies_to: {_q(a['applies_to'])}")
                        add(f"                legal_forms: [{', '.join(a['legal_forms'])}]")
                        add("                options:")
                        for o in a["options"]:
                            add(
                                f"                  - {{code: {o['code']}, points: {o['points']}, "
                                f"text: {_q(o['text'])}}}"
                            )
    return "\n".join(lines) + "\n"


def write(sheets: list[dict[str, Any]]) -> None:
    text = DATA_FILE.read_text(encoding="utf-8")
    head = text.split(MARKER, 1)[0].rstrip("\n") + "\n"
    DATA_FILE.write_text(head + MARKER + "\n" + to_yaml(sheets), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keyed_file", type=Path)
    parser.add_argument("--write", action="store_true", help="replace the converted block of 2019.yaml")
    args = parser.parse_args()
    good, refused, compared = convert(args.keyed_file)
    print(f"{len(good)} bộ hợp lệ: {', '.join(s['product_set'] for s in good)}")
    for line in compared:
        print(f"đã có (giữ phiếu theo văn bản): {line}")
    for code, name, reason in refused:
        print(f"không hợp lệ: {code} {name}: {reason}")
    if args.write:
        write(good)
        load_version_file(DATA_FILE)  # the written file must load
        print(f"đã ghi {DATA_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
