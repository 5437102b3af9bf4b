"""Paper score sheets: the part totals written on the signed paper sheet, with its scan.

For a product set whose rubric version has no digital sheet, each member's sheet is the part totals written on
the paper sheet, with its scan. The member enters it, or the council secretary on their behalf (recorded in
`entered_by`). The result, stars, level rules, conflicts, versions, revisions and audit are the digital
sheet's; only criterion-level advice and the mandatory-criteria check are impossible (see rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core import uploads
from ocop.core.errors import Forbidden, Invalid
from ocop.core.storage import store
from ocop.core.text import nfc
from ocop.evaluation import policies, rules
from ocop.evaluation.models import (
    CouncilMember,
    RoundDossier,
    ScoreSheet,
    ScoreSheetRevision,
    SheetMode,
    SheetStatus,
)
from ocop.evaluation.services.common import lock_round_dossier, recompute_running
from ocop.evaluation.services.sheets import member_for_scoring, require_mode, sheet_for_update
from ocop.rubrics.services import rubric_version_freeze

SCAN_KINDS = ("pdf", "jpeg", "png")


def paper_parts(version, parts: Mapping[str, object]) -> dict[str, Decimal]:
    """The part totals as entered: every part of the version, each a number from 0 to the part's maximum with
    at most the version's decimals (a decimal comma is read as a point). Refused with a stable code otherwise."""
    unknown = [str(code) for code in parts if version.part(str(code)) is None]
    if unknown:
        raise Invalid(
            _("Phần không có trong bộ tiêu chí: %(parts)s.") % {"parts": ", ".join(unknown)},
            code="paper_part_unknown",
        )
    decimals = version.aggregation.decimals
    values: dict[str, Decimal] = {}
    for part in version.parts:
        raw = parts.get(part.code)
        text = "" if raw is None or isinstance(raw, bool) else str(raw).strip().replace(",", ".")
        if not text:
            raise Invalid(
                _("Chưa nhập tổng điểm phần %(part)s.") % {"part": part.code}, code="paper_part_missing"
            )
        try:
            value = Decimal(text)
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():
            raise Invalid(
                _("Tổng điểm phần %(part)s phải là một số; đã nhập «%(value)s».")
                % {"part": part.code, "value": text[:20]},
                code="paper_part_not_number",
            )
        if value < 0 or value > part.max_points:
            raise Invalid(
                _("Tổng điểm phần %(part)s phải từ 0 đến %(max)s; đã nhập %(value)s.")
                % {"part": part.code, "max": rules.plain(part.max_points), "value": text[:20]},
                code="paper_part_out_of_range",
            )
        if value != value.quantize(Decimal(1).scaleb(-decimals)):
            raise Invalid(
                _("Tổng điểm phần %(part)s có nhiều nhất %(decimals)s chữ số thập phân; đã nhập %(value)s.")
                % {"part": part.code, "decimals": decimals, "value": text[:20]},
                code="paper_part_precision",
            )
        values[part.code] = value
    return values


def _paper_member(actor, round_dossier: RoundDossier, on_behalf_of) -> CouncilMember:
    """The member whose paper sheet is entered: the actor's own, or (for the secretary) the member named."""
    if on_behalf_of is None or on_behalf_of.pk == actor.pk:
        return member_for_scoring(actor, round_dossier)
    policies.require(actor, "enter_on_behalf", round_dossier)
    member = CouncilMember.objects.filter(council__round=round_dossier.round, user=on_behalf_of).first()
    if member is None or not member.scores:
        raise Invalid(
            _("%(name)s không phải thành viên chấm điểm của Hội đồng đợt này.") % {"name": on_behalf_of},
            code="not_a_member",
        )
    why = policies.why_not_score(on_behalf_of, round_dossier)
    if why:
        raise Forbidden(
            _("Không nhập được phiếu thay cho %(name)s: %(reason)s") % {"name": on_behalf_of, "reason": why},
            code="scoring_forbidden",
        )
    return member


def _paper_snapshot(sheet: ScoreSheet) -> dict:
    return {
        "mode": SheetMode.PAPER,
        "status": sheet.status,
        "parts": dict(sheet.parts),
        "total": rules.plain(sheet.total),
        "comment": sheet.comment,
        "scan": {"name": sheet.scan_name, "sha256": sheet.scan_sha256} if sheet.scan else None,
        "member": sheet.member.user.get_username(),
        "entered_by": sheet.entered_by.get_username() if sheet.entered_by else None,
        "version": sheet.version,
    }


def _write_paper(
    *,
    actor,
    round_dossier: RoundDossier,
    on_behalf_of,
    parts: Mapping[str, object] | None,
    expected_version: int,
    scan,
    comment: str | None,
    submit: bool,
) -> ScoreSheet:
    member = _paper_member(actor, round_dossier, on_behalf_of)
    require_mode(round_dossier, SheetMode.PAPER)
    version = rules.loaded_version(round_dossier.round.rubric_version)
    sheet = sheet_for_update(actor, round_dossier, member, expected_version)
    values = paper_parts(version, sheet.parts if parts is None and sheet.version else (parts or {}))
    checked = uploads.check_upload(scan, allowed=SCAN_KINDS) if scan is not None else None
    if submit and checked is None and not sheet.scan:
        raise Invalid(
            _("Phiếu giấy cần kèm bản quét (PDF, JPEG hoặc PNG) của phiếu đã ký trước khi nộp."),
            code="paper_scan_missing",
        )
    if not sheet.rubric_version.frozen:
        rubric_version_freeze(
            actor=actor, version=sheet.rubric_version, reason=_("Đã có phiếu chấm điểm theo bộ tiêu chí này.")
        )
    stored = None
    if checked is not None:
        stored = store(
            scan, folder="score-sheets", filename=checked.original_name, content_type=checked.kind.mime
        )
    try:
        sheet.mode = SheetMode.PAPER
        sheet.parts = {code: rules.plain(value) for code, value in values.items()}
        sheet.total = sum(values.values(), Decimal(0))
        if comment is not None:
            sheet.comment = nfc(comment)[:5000]
        if stored is not None and checked is not None:
            sheet.scan = stored.name
            sheet.scan_sha256 = stored.sha256
            sheet.scan_name = checked.original_name
            sheet.scan_content_type = checked.kind.mime
        sheet.entered_by = actor
        if submit:
            sheet.status = SheetStatus.SUBMITTED
            sheet.submitted_at = timezone.now()
        sheet.updated_at = timezone.now()
        sheet.version += 1
        sheet.save()
        ScoreSheetRevision.objects.create(
            sheet=sheet,
            number=ScoreSheetRevision.objects.filter(sheet=sheet).count() + 1,
            status=sheet.status,
            snapshot=_paper_snapshot(sheet),
            saved_by=actor,
        )
        record_event(
            actor=actor,
            action="sheet.submit" if submit else "sheet.save",
            target=sheet,
            unit=round_dossier.round.unit,
            data={
                "round_dossier": round_dossier.pk,
                "mode": SheetMode.PAPER,
                "total": rules.plain(sheet.total),
                "parts": dict(sheet.parts),
                "version": sheet.version,
                "member": member.user.get_username(),
                "entered_by": actor.get_username(),
                "scan_sha256": sheet.scan_sha256,
            },
        )
    except Exception:
        if stored is not None:
            uploads.discard(stored.name)
        raise
    return sheet


@transaction.atomic
def sheet_paper_save(
    *,
    actor,
    round_dossier: RoundDossier,
    parts: Mapping[str, object],
    expected_version: int,
    scan=None,
    comment: str = "",
    on_behalf_of=None,
) -> ScoreSheet:
    """Save a paper sheet's part totals (and its scan, when given) as a draft; `on_behalf_of` names the member
    when the council secretary enters it for them."""
    round_dossier = RoundDossier.objects.select_related("round", "round__unit", "round__rubric_version").get(
        pk=round_dossier.pk
    )
    return _write_paper(
        actor=actor,
        round_dossier=round_dossier,
        on_behalf_of=on_behalf_of,
        parts=parts,
        expected_version=expected_version,
        scan=scan,
        comment=comment,
        submit=False,
    )


@transaction.atomic
def sheet_paper_submit(
    *,
    actor,
    round_dossier: RoundDossier,
    expected_version: int,
    parts: Mapping[str, object] | None = None,
    scan=None,
    comment: str | None = None,
    on_behalf_of=None,
) -> ScoreSheet:
    """Submit a paper sheet: every part total within its maximum and the scan attached, then locked; the
    council's running aggregate is recomputed as for a digital sheet."""
    round_dossier = lock_round_dossier(round_dossier)
    sheet = _write_paper(
        actor=actor,
        round_dossier=round_dossier,
        on_behalf_of=on_behalf_of,
        parts=parts,
        expected_version=expected_version,
        scan=scan,
        comment=comment,
        submit=True,
    )
    recompute_running(round_dossier)
    return sheet
