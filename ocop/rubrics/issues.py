"""Problems found in rubric data, sheets and scoring requests: a stable code, a place and the facts.

Every check collects `Issue`s instead of stopping at the first, so an officer sees every error of a file or a
spreadsheet at once. Messages exist in Vietnamese (the default) and English; this module has no Django import
so the engine, the CLI and the tests can use it alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# A place is a path of (kind, label) steps: (("file", "2019.yaml"), ("sheet", "1.1"), ("criterion", "3.2")).
Place = tuple[tuple[str, str], ...]

_KIND_LABELS = {
    "vi": {
        "file": "tệp",
        "field": "trường",
        "sheet": "phiếu",
        "part": "phần",
        "group": "nhóm tiêu chí",
        "criterion": "tiêu chí",
        "alternative": "trường hợp",
        "option": "lựa chọn",
        "gate": "điều kiện loại/dừng",
        "requirement": "tiêu chí bắt buộc",
        "band": "hạng",
        "period": "giai đoạn",
        "level": "cấp",
        "node": "nhóm sản phẩm",
        "product_set": "bộ sản phẩm",
        "legal_form": "loại hình",
        "row": "dòng",
        "column": "cột",
        "member": "thành viên",
    },
    "en": {
        "file": "file",
        "field": "field",
        "sheet": "sheet",
        "part": "part",
        "group": "criterion group",
        "criterion": "criterion",
        "alternative": "case",
        "option": "option",
        "gate": "gate",
        "requirement": "mandatory criterion",
        "band": "band",
        "period": "period",
        "level": "level",
        "node": "taxonomy node",
        "product_set": "product set",
        "legal_form": "legal form",
        "row": "row",
        "column": "column",
        "member": "member",
    },
}

# code → (Vietnamese, English). Parameters are filled with str.format; every message names its place.
MESSAGES: dict[str, tuple[str, str]] = {
    # file structure
    "not_a_mapping": ("Phải là một bảng khóa–giá trị.", "Must be a mapping of keys to values."),
    "not_a_list": ("Phải là một danh sách.", "Must be a list."),
    "missing_field": ("Thiếu trường bắt buộc «{field}».", "Required field '{field}' is missing."),
    "unknown_field": ("Trường «{field}» không được hỗ trợ.", "Field '{field}' is not supported."),
    "not_text": ("Phải là chuỗi văn bản không rỗng.", "Must be non-empty text."),
    "not_number": ("«{value}» không phải là số.", "'{value}' is not a number."),
    "not_integer": ("«{value}» không phải là số nguyên.", "'{value}' is not a whole number."),
    "not_bool": ("Phải là true hoặc false.", "Must be true or false."),
    "not_date": ("«{value}» không phải là ngày (YYYY-MM-DD).", "'{value}' is not a date (YYYY-MM-DD)."),
    "negative": ("Giá trị {value} không được âm.", "Value {value} must not be negative."),
    "unsupported_format": (
        "Định dạng tệp {value} không được hỗ trợ (hỗ trợ: {supported}).",
        "File format {value} is not supported (supported: {supported}).",
    ),
    "unreadable_file": ("Không đọc được tệp: {reason}", "The file cannot be read: {reason}"),
    "bad_code": (
        "Mã «{value}» không hợp lệ (chỉ dùng chữ, số, dấu chấm, gạch ngang).",
        "Code '{value}' is invalid (letters, digits, dots and dashes only).",
    ),
    "duplicate_code": (
        "Mã «{value}» bị trùng (đã dùng ở {first}).",
        "Code '{value}' is duplicated (first used at {first}).",
    ),
    "unknown_choice": (
        "Giá trị «{value}» không hợp lệ; dùng một trong: {allowed}.",
        "Value '{value}' is not allowed; use one of: {allowed}.",
    ),
    # version-level rules
    "dates_reversed": (
        "Ngày kết thúc {until} trước ngày bắt đầu {start}.",
        "End date {until} is before start date {start}.",
    ),
    "parts_do_not_add_up": (
        "Tổng điểm tối đa các phần là {total}, phải bằng {expected}.",
        "The part maxima add up to {total}; they must add up to {expected}.",
    ),
    "bands_empty": ("Chưa khai báo hạng sao.", "No star bands are declared."),
    "band_empty_range": (
        "Hạng {stars} sao có khoảng rỗng [{lower}, {upper}).",
        "The {stars}-star band [{lower}, {upper}) is empty.",
    ),
    "band_not_from_zero": (
        "Hạng thấp nhất phải bắt đầu từ 0, đang là {lower}.",
        "The lowest band must start at 0, not {lower}.",
    ),
    "band_gap": (
        "Có khoảng trống giữa {upper} và {lower}: điểm trong khoảng này không thuộc hạng nào.",
        "There is a gap between {upper} and {lower}: totals there fall in no band.",
    ),
    "band_overlap": (
        "Các hạng chồng lên nhau từ {lower} đến {upper}.",
        "Bands overlap between {lower} and {upper}.",
    ),
    "band_not_to_max": (
        "Hạng cao nhất phải kết thúc ở {expected}, đang là {upper}.",
        "The top band must end at {expected}, not {upper}.",
    ),
    "band_stars_order": (
        "Số sao phải tăng dần theo điểm; hạng {stars} sao đứng sau hạng {previous} sao.",
        "Stars must rise with points; the {stars}-star band follows the {previous}-star band.",
    ),
    "unknown_stars": (
        "Không có hạng {stars} sao trong phiên bản này.",
        "There is no {stars}-star band in this version.",
    ),
    "periods_overlap": (
        "Giai đoạn bắt đầu {start} chồng lên giai đoạn trước (kết thúc {until}).",
        "The period starting {start} overlaps the previous one (ending {until}).",
    ),
    "periods_gap": (
        "Có khoảng trống giữa các giai đoạn: từ {after} đến {before} không có phân công.",
        "Periods leave a gap: no duties from {after} to {before}.",
    ),
    "period_outside_version": (
        "Giai đoạn {start} – {until} nằm ngoài thời gian hiệu lực của phiên bản ({from_} – {to}).",
        "Period {start} – {until} lies outside the version's effective dates ({from_} – {to}).",
    ),
    "first_period_start": (
        "Giai đoạn đầu tiên phải bắt đầu từ ngày hiệu lực {expected}, đang là {start}.",
        "The first period must start on the effective date {expected}, not {start}.",
    ),
    "unknown_level": (
        "Cấp «{value}» không có trong danh sách cấp.",
        "Level '{value}' is not in the list of levels.",
    ),
    "forward_not_upward": (
        "Cấp «{level}» chỉ được chuyển lên cấp cao hơn có trong giai đoạn, không phải «{value}».",
        "Level '{level}' may only forward to a higher level of the same period, not '{value}'.",
    ),
    "scores_without_score": (
        "Cấp không chấm điểm thì không thể công nhận hạng sao hay đặt ngưỡng điểm.",
        "A level that does not score cannot recognise stars or set a score threshold.",
    ),
    "threshold_out_of_range": (
        "Ngưỡng {value} nằm ngoài 0–{maximum}.",
        "Threshold {value} is outside 0–{maximum}.",
    ),
    "taxonomy_depth": (
        "Nhóm này ở tầng {depth}, nhưng phân loại có {levels} tầng: bộ sản phẩm chỉ nằm ở tầng cuối.",
        "This node is at depth {depth} but the taxonomy has {levels} levels: product sets belong to the last one.",
    ),
    "unknown_product_set": (
        "Không có bộ sản phẩm «{value}» trong phiên bản {version}.",
        "Version {version} has no product set '{value}'.",
    ),
    # sheet rules
    "sheet_empty": ("Phiếu không có tiêu chí nào.", "The sheet has no criteria."),
    "unknown_part": (
        "Không có phần «{value}» trong phiên bản này.",
        "There is no part '{value}' in this version.",
    ),
    "sheet_part_total": (
        "Tổng điểm tối đa các tiêu chí phần {part} là {total}, phải bằng {expected}.",
        "The criteria of part {part} add up to {total}; they must add up to {expected}.",
    ),
    "criterion_no_options": ("Tiêu chí không có lựa chọn nào.", "The criterion has no options."),
    "option_above_max": (
        "Lựa chọn được {points} điểm, vượt điểm tối đa {maximum} của tiêu chí.",
        "The option is worth {points} points, more than the criterion's maximum of {maximum}.",
    ),
    "max_not_reached": (
        "Điểm tối đa của tiêu chí là {maximum} nhưng lựa chọn cao nhất chỉ được {best}.",
        "The criterion's maximum is {maximum} but its best option gives only {best}.",
    ),
    "both_options_and_alternatives": (
        "Tiêu chí khai báo cả «options» và «alternatives»; chỉ dùng một.",
        "The criterion declares both 'options' and 'alternatives'; use one.",
    ),
    "unknown_legal_form": (
        "Loại hình «{value}» không có trong danh sách loại hình.",
        "Legal form '{value}' is not declared.",
    ),
    "unknown_criterion": (
        "Không có tiêu chí «{value}» trong phiếu.",
        "The sheet has no criterion '{value}'.",
    ),
    "condition_on_itself": (
        "Tiêu chí không thể phụ thuộc vào chính nó.",
        "A criterion cannot depend on itself.",
    ),
    "condition_not_before": (
        "Điều kiện áp dụng phải dựa vào một tiêu chí đứng trước («{value}» đứng sau).",
        "A condition must refer to an earlier criterion ('{value}' comes later).",
    ),
    "condition_unreachable": (
        "Điều kiện cần {min_points} điểm ở tiêu chí {value}, nhưng tiêu chí đó tối đa {maximum}.",
        "The condition needs {min_points} points on criterion {value}, whose maximum is {maximum}.",
    ),
    "requirement_target": (
        "Tiêu chí bắt buộc phải chỉ ra đúng một «criterion» hoặc một «part».",
        "A mandatory criterion must name exactly one 'criterion' or one 'part'.",
    ),
    "requirement_no_minimum": (
        "Tiêu chí bắt buộc cần «option» (lựa chọn tối thiểu) hoặc «min_points».",
        "A mandatory criterion needs an 'option' (the least option) or 'min_points'.",
    ),
    "requirement_option_points": (
        "«min_points» {min_points} khác điểm {points} của lựa chọn «{option}».",
        "'min_points' {min_points} differs from the {points} points of option '{option}'.",
    ),
    "requirement_option_on_part": (
        "Chỉ tiêu chí mới có «option»; yêu cầu về một phần dùng «min_points».",
        "Only a criterion has an 'option'; a part's requirement uses 'min_points'.",
    ),
    "requirement_duplicate": (
        "Đã có yêu cầu {stars} sao cho «{value}» ({first}); mỗi hạng sao chỉ giữ lựa chọn thấp nhất được đánh dấu.",
        "There is already a {stars}-star requirement for '{value}' ({first}); keep only the lowest marked option "
        "per star.",
    ),
    "requirement_below_lower_star": (
        "Yêu cầu {stars} sao ({min_points} điểm) thấp hơn yêu cầu {lower_stars} sao ({lower_min} điểm) của cùng "
        "tiêu chí: hạng cao hơn vẫn phải đạt yêu cầu của hạng thấp hơn.",
        "The {stars}-star requirement ({min_points} points) is below the {lower_stars}-star one ({lower_min} "
        "points) on the same target: a higher star still needs what a lower one needs.",
    ),
    "requirement_unreachable": (
        "Yêu cầu {min_points} điểm vượt mức tối đa {maximum}.",
        "The requirement of {min_points} points exceeds the maximum of {maximum}.",
    ),
    # spreadsheet import
    "missing_column": (
        "Thiếu cột «{field}» ở dòng tiêu đề.",
        "Column '{field}' is missing from the header row.",
    ),
    "duplicate_column": ("Cột «{field}» xuất hiện hai lần.", "Column '{field}' appears twice."),
    "criterion_split": (
        "Tiêu chí «{value}» đã xuất hiện ở dòng {first}; các lựa chọn của một tiêu chí phải liền nhau.",
        "Criterion '{value}' already appeared on row {first}; a criterion's options must be on adjacent rows.",
    ),
    "criterion_text_differs": (
        "Nội dung tiêu chí khác với dòng {first} của cùng tiêu chí.",
        "The criterion text differs from row {first} of the same criterion.",
    ),
    "criterion_part_differs": (
        "Phần/nhóm khác với dòng {first} của cùng tiêu chí.",
        "The part or group differs from row {first} of the same criterion.",
    ),
    "bad_condition": (
        "Điều kiện «{value}» không hiểu được; viết như «5.1 >= 1».",
        "Condition '{value}' is not understood; write it like '5.1 >= 1'.",
    ),
    "condition_needs_column": (
        "Ghi chú nói «chỉ áp dụng khi…» nhưng cột điều kiện áp dụng còn trống.",
        "The note says 'only applies when…' but the applies-when column is empty.",
    ),
    "gate_detected": (
        "Ghi chú được hiểu là điều kiện «{kind}»: «{text}».",
        "The note was read as a '{kind}' gate: '{text}'.",
    ),
    "sheet_replaces": (
        "Bộ sản phẩm này đã có phiếu (nguồn: {source}); xác nhận sẽ thay phiếu đó bằng phiếu trong tệp.",
        "This product set already has a sheet (source: {source}); confirming replaces it with the file's sheet.",
    ),
    "empty_sheet_file": ("Tệp không có dòng dữ liệu nào.", "The file has no data rows."),
    "version_frozen": (
        "Phiên bản {version} đã được dùng để chấm điểm nên không thể sửa; hãy tạo phiên bản mới.",
        "Version {version} has been used for scoring and cannot change; create a new version.",
    ),
    "frozen_field_changed": (
        "Phiên bản {version} đã được dùng để chấm điểm: không được sửa «{field}»; chỉ được thêm phiếu cho bộ sản phẩm chưa có phiếu và chưa từng được chấm.",
        "Version {version} has been used for scoring: '{field}' may not change; only sheets for product sets that have none and were never scored may be added.",
    ),
    "frozen_sheet_added": (
        "Phiên bản {version} đang được dùng để chấm điểm: phiếu này được thêm cho bộ sản phẩm {set} (chưa có phiếu, chưa từng được chấm); sau khi nạp, phiếu không sửa được nữa.",
        "Version {version} is in use for scoring: this sheet is added for product set {set} (no sheet, never scored); once loaded it cannot be changed.",
    ),
    "frozen_sheet_changed": (
        "Phiếu của bộ sản phẩm {set} thuộc phiên bản {version} đã khóa nên không thể thay; sửa đổi cần một phiên bản mới.",
        "The sheet of product set {set} in locked version {version} cannot be replaced; a correction needs a new version.",
    ),
    "frozen_sheet_removed": (
        "Phiếu của bộ sản phẩm {set} thuộc phiên bản {version} đã khóa nên không thể bỏ.",
        "The sheet of product set {set} in locked version {version} cannot be removed.",
    ),
    "frozen_set_paper": (
        "Bộ sản phẩm {set} đã được chấm trên phiếu giấy theo phiên bản {version}: giữ chế độ phiếu giấy để mọi hồ sơ của bộ được chấm cùng một cách; phiếu điện tử cần một phiên bản mới.",
        "Product set {set} has been scored on paper under version {version}: it keeps paper mode so every dossier of the set is scored the same way; a digital sheet needs a new version.",
    ),
    "frozen_set_scored": (
        "Bộ sản phẩm {set} đã được chấm theo phiên bản {version} nên không thể thêm phiếu cho bộ này.",
        "Product set {set} has been scored under version {version}, so no sheet can be added for it.",
    ),
    # historical results import
    "unknown_place": (
        "Không tìm thấy «{value}» trong {within}.",
        "'{value}' was not found in {within}.",
    ),
    "ambiguous_place": (
        "«{value}» khớp nhiều đơn vị ({candidates}); ghi rõ huyện hoặc tỉnh.",
        "'{value}' matches several units ({candidates}); add the district or province.",
    ),
    "not_stars": (
        "Hạng sao «{value}» không hợp lệ; bộ tiêu chí có hiệu lực ngày quyết định công nhận hạng {allowed} sao.",
        "Star rating '{value}' is invalid; the rubric in force on the decision's date recognises {allowed} stars.",
    ),
    "no_version_for_date": (
        "Không có bộ tiêu chí nào có hiệu lực vào ngày {value}.",
        "No rubric version was in force on {value}.",
    ),
    "score_star_mismatch": (
        "Điểm {score} thuộc hạng {band} sao theo bộ tiêu chí {version}, nhưng quyết định ghi {stars} sao.",
        "A score of {score} is a {band}-star band under rubric {version}, but the decision says {stars} stars.",
    ),
    "level_cannot_recognise": (
        "{level} không công nhận hạng {stars} sao theo phân cấp ngày {date}.",
        "Under the duties in force on {date}, the {level} level does not recognise {stars} stars.",
    ),
    "outside_scope": (
        "Địa chỉ thuộc {value}, ngoài địa bàn bạn phụ trách.",
        "The address lies in {value}, outside the area you serve.",
    ),
    "duplicate_decision_row": (
        "Trùng với dòng {first} (cùng sản phẩm, chủ thể và quyết định).",
        "Same as row {first} (same product, producer and decision).",
    ),
    # scoring requests
    "sheet_not_loaded": (
        "Phiên bản {version} chưa có phiếu đánh giá cho bộ sản phẩm «{value}».",
        "Version {version} has no scoring sheet for product set '{value}' yet.",
    ),
    "unknown_option": (
        "Tiêu chí {criterion} không có lựa chọn «{value}».",
        "Criterion {criterion} has no option '{value}'.",
    ),
    "missing_answer": ("Chưa chọn mức cho tiêu chí {value}.", "No option chosen for criterion {value}."),
    "unknown_gate": ("Phiếu không có điều kiện loại/dừng «{value}».", "The sheet has no gate '{value}'."),
    "option_not_for_legal_form": (
        "Lựa chọn «{value}» của tiêu chí {criterion} không dành cho loại hình «{legal_form}».",
        "Option '{value}' of criterion {criterion} is not for legal form '{legal_form}'.",
    ),
    "total_out_of_range": (
        "Tổng điểm {value} nằm ngoài 0–{maximum}.",
        "Total {value} is outside 0–{maximum}.",
    ),
    "date_before_version": (
        "Ngày {value} trước ngày hiệu lực {start} của phiên bản {version}.",
        "Date {value} is before version {version} took effect ({start}).",
    ),
    "date_without_duties": (
        "Phiên bản {version} không quy định phân công cho ngày {value}.",
        "Version {version} sets no duties for {value}.",
    ),
    "level_not_in_period": (
        "Cấp «{value}» không tham gia đánh giá trong giai đoạn {start} – {until}.",
        "Level '{value}' has no role in the period {start} – {until}.",
    ),
    "level_needs_date": (
        "Cần cả «level» và «date» để biết cấp nào công nhận.",
        "Both 'level' and 'date' are needed to know which level recognises.",
    ),
    "no_member_sheets": (
        "Cần ít nhất một phiếu của thành viên hội đồng.",
        "At least one member's sheet is needed.",
    ),
    "mixed_sheets": (
        "Các phiếu phải cùng phiên bản và cùng bộ sản phẩm.",
        "All sheets must be of one version and one product set.",
    ),
}


# Messages whose {level} names a level of the duty tables, not a quoted value: the caller gives the name the
# rubric version's `levels` give it (`level_name`, e.g. "Cấp huyện", first in the sentence so its capitals
# stand) and its English entry (`level_name_en`, from the catalogue this module cannot read); the level's code
# stands in only when the caller gives no name.
_NAMED_LEVEL = frozenset({"level_cannot_recognise"})


@dataclass(frozen=True)
class Issue:
    """One problem: `code` is stable for machines, `place` says where, `params` fill the message."""

    code: str
    place: Place = ()
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    severity: str = "error"

    def message(self, lang: str = "vi") -> str:
        templates = MESSAGES.get(self.code, (self.code, self.code))
        template = templates[1] if lang.startswith("en") else templates[0]
        params = dict(self.params)
        if self.code in _NAMED_LEVEL:
            name = params.get("level_name_en") if lang.startswith("en") else None
            params["level"] = name or params.get("level_name") or params.get("level", "")
        try:
            return template.format(**{k: _show(v) for k, v in params.items()})
        except (KeyError, IndexError):
            return template

    def where(self, lang: str = "vi") -> str:
        labels = _KIND_LABELS["en" if lang.startswith("en") else "vi"]
        return " › ".join(f"{labels.get(kind, kind)} {label}".strip() for kind, label in self.place)

    def describe(self, lang: str = "vi") -> str:
        where = self.where(lang)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def as_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "place": self.where(lang),
            "message": self.message(lang),
        }


def _show(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def errors_only(issues: Iterable[Issue]) -> list[Issue]:
    return [issue for issue in issues if issue.severity == "error"]


class RubricError(Exception):
    """Raised with every issue found; nothing has been loaded or scored."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(issue.describe("en") for issue in self.issues[:5]))

    @property
    def code(self) -> str:
        return self.issues[0].code if self.issues else "invalid"

    def describe(self, lang: str = "vi") -> list[str]:
        return [issue.describe(lang) for issue in self.issues]


class RubricFileInvalid(RubricError):
    """A rubric version file (or an imported sheet) breaks the format or its rules."""


class ScoringError(RubricError):
    """A scoring or classification request that cannot be answered as asked."""
