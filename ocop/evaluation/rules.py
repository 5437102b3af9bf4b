"""The rubric engine as evaluation uses it: the loaded version of a round, a sheet's answers scored.

Scoring itself lives in `ocop.rubrics.engine`; this module only fetches the loaded version for a stored
`rubrics.RubricVersion`, turns a stored score sheet into the engine's input, and turns engine errors into
domain errors with stable codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.core.errors import Invalid
from ocop.rubrics import engine, selectors
from ocop.rubrics.issues import ScoringError
from ocop.rubrics.schema import RubricVersion, Sheet


def loaded_version(rubric_version) -> RubricVersion:
    """The engine's view of a stored rubric version (with every sheet loaded or imported for it)."""
    return selectors.engine_version(rubric_version.code)


def sheet_of(version: RubricVersion, product_set: str) -> Sheet:
    try:
        return engine.sheet_for(version, product_set)
    except ScoringError as error:
        raise Invalid(
            _("Bộ tiêu chí chưa có phiếu đánh giá cho bộ sản phẩm này."), code="sheet_not_loaded"
        ) from error


def invalid_answers(error: ScoringError) -> Invalid:
    """One domain error for every problem the engine found; the first problem's code names it."""
    codes = [issue.code for issue in error.issues]
    first = codes[0] if codes else "invalid_answers"
    lang = get_language() or "vi"
    messages = [issue.message(lang) for issue in error.issues]
    code = {
        "unknown_option": "option_not_on_sheet",
        "unknown_criterion": "criterion_not_on_sheet",
        "unknown_gate": "gate_not_on_sheet",
        "missing_answer": "sheet_incomplete",
        "option_not_for_legal_form": "option_not_for_legal_form",
    }.get(first, "invalid_answers")
    text = {
        "option_not_on_sheet": _("Có lựa chọn không thuộc phiếu đánh giá: %(details)s"),
        "criterion_not_on_sheet": _("Có tiêu chí không thuộc phiếu đánh giá: %(details)s"),
        "gate_not_on_sheet": _("Có điều kiện loại không thuộc phiếu đánh giá: %(details)s"),
        "sheet_incomplete": _("Phiếu chưa chấm đủ các tiêu chí: %(details)s"),
        "option_not_for_legal_form": _("Lựa chọn không áp dụng cho loại hình của chủ thể: %(details)s"),
    }.get(code, _("Phiếu đánh giá không hợp lệ: %(details)s"))
    return Invalid(text % {"details": "; ".join(messages)}, code=code, details=messages)


def score(
    version: RubricVersion,
    product_set: str,
    answers: Mapping[str, str],
    *,
    gates: Iterable[str] = (),
    legal_form: str | None = None,
    complete: bool,
) -> engine.SheetScore:
    try:
        return engine.score_sheet(
            version, product_set, answers, gates=gates, legal_form=legal_form or None, complete=complete
        )
    except ScoringError as error:
        raise invalid_answers(error) from error


def stored_answers(sheet) -> dict[str, str]:
    return {line.criterion: line.option for line in sheet.lines.all() if line.option}


def score_stored(version: RubricVersion, sheet, *, complete: bool = True) -> engine.SheetScore:
    """A stored sheet through the engine again (its lines are the member's choices)."""
    return score(
        version,
        sheet.product_set,
        stored_answers(sheet),
        gates=sheet.gates,
        legal_form=sheet.legal_form,
        complete=complete,
    )


# Paper sheets (issue 12) ---------------------------------------------------------------------------------
# A paper sheet has only part totals: the total is their sum, the band and the recognised stars come from the
# version as for a digital sheet; there are no criteria, so no gates, no mandatory-criteria check, no advice.


def _paper_eligible(version: RubricVersion, band) -> int | None:
    """The band's star when recognised, else the highest recognised star below it (no criteria to check)."""
    return max((b.stars for b in version.bands if b.stars <= band.stars and b.recognised), default=None)


def paper_score(version: RubricVersion, sheet) -> engine.SheetScore:
    """A stored paper sheet as the engine's SheetScore: its part totals, their sum, and the band of that sum."""
    parts = {p.code: Decimal(str(sheet.parts.get(p.code, "0"))) for p in version.parts}
    total = sum(parts.values(), Decimal(0))
    try:
        band = engine.band_for_total(version, total)
    except ScoringError as error:
        raise invalid_answers(error) from error
    return engine.SheetScore(
        version=version.code,
        product_set=sheet.product_set,
        legal_form=sheet.legal_form or None,
        criteria=(),
        parts=parts,
        total=total,
        band=band,
        gates_fired=(),
        unmet=(),
        eligible_stars=_paper_eligible(version, band),
        next_star=engine.next_star_for(version, total, band),
    )


def sheet_score(version: RubricVersion, sheet, *, complete: bool = True) -> engine.SheetScore:
    """A stored sheet of either mode through the engine."""
    if getattr(sheet, "mode", "digital") == "paper":
        return paper_score(version, sheet)
    return score_stored(version, sheet, complete=complete)


def council_score(version: RubricVersion, sheets) -> engine.CouncilScore:
    """The council's score of stored sheets: the engine's aggregate when every sheet is digital; with a paper
    sheet among them, the same mean and rounding over the part totals, and the spread per part."""
    scored = [sheet_score(version, s) for s in sheets]
    if all(getattr(s, "mode", "digital") != "paper" for s in sheets):
        return engine.aggregate(version, scored)
    count = Decimal(len(scored))
    totals = tuple(s.total for s in scored)
    total = engine.round_score(version, sum(totals, Decimal(0)) / count)
    parts = {
        p.code: engine.round_score(
            version, sum((s.parts.get(p.code, Decimal(0)) for s in scored), Decimal(0)) / count
        )
        for p in version.parts
    }
    band = engine.band_for_total(version, total)
    spread = []
    for part in version.parts:
        points = tuple(s.parts.get(part.code, Decimal(0)) for s in scored)
        spread.append(engine.CriterionSpread(part.code, points, min(points), max(points), parts[part.code]))
    return engine.CouncilScore(
        version=version.code,
        product_set=scored[0].product_set,
        member_totals=totals,
        total=total,
        parts=parts,
        band=band,
        gates_fired=(),
        unmet=(),
        eligible_stars=_paper_eligible(version, band),
        next_star=engine.next_star_for(version, total, band),
        spread=tuple(spread),
    )


def plain(value: Decimal | None) -> str | None:
    """A decimal for JSON, without trailing zeros noise (72.50 → "72.5", 90.00 → "90")."""
    if value is None:
        return None
    return format(value.normalize(), "f")
