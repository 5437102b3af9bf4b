"""API of the evaluation, under /api/v1/evaluation: rounds, councils, conflicts, score sheets, council results.

Every call needs a signed-in caller and is scoped like the pages (a round or dossier the caller may not see is
404). Responses carry server-computed `may_*` flags so no client re-derives a rule. Sheet edits carry the
sheet's `version`; a stale one is refused with 409 `stale_version`.

No `from __future__ import annotations` here: django-ninja reads the payload types of handlers wrapped by
`@idempotent` at run time and would not resolve them from strings.
"""

import datetime
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from ocop.accounts.api_auth import require_api_user, signed_in
from ocop.accounts.idempotency import idempotent
from ocop.accounts.models import User
from ocop.accounts.usernames import normalise_username
from ocop.core.errors import Invalid, NotFound
from ocop.core.paging import PageQuery, check_page, page_of
from ocop.core.storage import download_response
from ocop.core.uploads import refused_upload
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules, selectors, services
from ocop.evaluation.models import Council, CouncilMember, EvaluationRound, RoundDossier, ScoreSheet
from ocop.geo.models import AdminUnit, Era
from ocop.rubrics.models import RubricVersion

router = Router(tags=["evaluation"], auth=signed_in)  # nothing here is public


class RoundIn(Schema):
    name: str = Field(..., max_length=200)
    level: str = Field(
        ..., max_length=20, description="A level code of the rubric version: province, central…"
    )
    unit: str = Field(..., max_length=8, description="Current code of the unit (a province code, or VN)")
    year: int
    rubric_version: str = Field(..., max_length=20)
    held_on: datetime.date
    min_sheets: int = 3
    disagreement_threshold: Decimal = Decimal(3)


class AdvanceIn(Schema):
    to: str
    version: int | None = None


class CouncilIn(Schema):
    name: str = Field(..., max_length=300)
    decision_number: str = Field(..., max_length=60)
    decision_date: datetime.date


class MemberIn(Schema):
    username: str = Field(..., max_length=150)
    role: str
    position: str = Field("", max_length=300)
    employer: str = Field("", max_length=300)


class RoundDossierIn(Schema):
    dossier: int


class AssignmentIn(Schema):
    username: str = Field(..., max_length=150)


class ConflictIn(Schema):
    reason: str
    note: str = Field("", max_length=2000)
    username: str | None = Field(None, max_length=150, description="An officer records it for this member")


class SheetIn(Schema):
    version: int = Field(..., description="The sheet's version as read (0 before the first save)")
    answers: dict[str, str] = Field(default_factory=dict, description="criterion code → option code")
    comments: dict[str, str] = Field(default_factory=dict)
    gates: list[str] = Field(default_factory=list, max_length=50)
    comment: str = Field("", max_length=5000)


class SubmitIn(Schema):
    version: int
    answers: dict[str, str] | None = None
    comments: dict[str, str] | None = None
    gates: list[str] | None = Field(None, max_length=50)
    comment: str | None = Field(None, max_length=5000)


class PaperIn(Schema):
    """A paper sheet, sent as multipart form fields beside the `scan` file (PDF, JPEG or PNG)."""

    version: int = Field(..., description="The sheet's version as read (0 before the first save)")
    parts: str = Field(
        ...,
        max_length=500,
        description='JSON: the part totals of the paper sheet, e.g. {"A": "35", "B": "20", "C": "30.5"}',
    )
    comment: str = Field("", max_length=5000)
    member: str = Field(
        "",
        max_length=150,
        description="The council secretary enters this member's sheet (username); empty: the caller's own",
    )


class ConclusionIn(Schema):
    conclusion: str
    minutes: str = Field(..., max_length=20000)
    version: int | None = None


class ProposalIn(Schema):
    note: str = Field("", max_length=500)


def _user(username: str) -> User:
    # Stored names are normalised (NFKC, lower case): `Council1` typed by an officer is council1.
    found = User.objects.filter(username=normalise_username(username), is_active=True).first()
    if found is None:
        raise Invalid(_("Không có người dùng này."), code="user_not_found")
    return found


def _dec(value) -> str | None:
    return rules.plain(value) if value is not None else None


def round_dict(evaluation_round: EvaluationRound, user) -> dict[str, Any]:
    return {
        "id": evaluation_round.pk,
        "name": evaluation_round.name,
        "level": evaluation_round.level,
        "unit": {"code": evaluation_round.unit.code, "name": evaluation_round.unit.name},
        "year": evaluation_round.year,
        "rubric_version": evaluation_round.rubric_version.code,
        "held_on": evaluation_round.held_on.isoformat(),
        "min_sheets": evaluation_round.min_sheets,
        "disagreement_threshold": _dec(evaluation_round.disagreement_threshold),
        "status": evaluation_round.status,
        "version": evaluation_round.version,
        **policies.round_flags(user, evaluation_round),
    }


def round_dossier_dict(round_dossier: RoundDossier, user) -> dict[str, Any]:
    dossier = round_dossier.dossier
    product = dossier_gateway.product_of(dossier)
    flags = policies.round_dossier_flags(user, round_dossier)
    body: dict[str, Any] = {
        "id": round_dossier.pk,
        "round": round_dossier.round_id,
        "dossier": dossier.pk,
        "product": {
            "id": product.pk,
            "name": product.name,
            "product_set": dossier_gateway.product_set_code_of(dossier),
        },
        "producer": {
            "id": dossier_gateway.producer_of(dossier).pk,
            "name": dossier_gateway.producer_of(dossier).name,
        },
        "status": round_dossier.status,
        "version": round_dossier.version,
        "why_not_score": policies.why_not_score(user, round_dossier),
        "sheet_mode": selectors.sheet_mode_of(round_dossier),
        **flags,
    }
    # Blind scoring: no running mean, no count of sheets in, before the council's result (progress shows
    # who has submitted, as states).
    if flags["may_view_result"]:
        body["result"] = {
            "sheets": round_dossier.submitted_sheets,
            "mean_score": _dec(round_dossier.mean_score),
            "band_stars": round_dossier.band_stars,
            "eligible_stars": round_dossier.eligible_stars,
            "recognised_stars": round_dossier.recognised_stars,
            "forward_to": round_dossier.forward_to or None,
            "proposed_stars": round_dossier.proposed_stars,
            "explanation": round_dossier.explanation,
            "disagreements": round_dossier.disagreements,
            "computed_at": round_dossier.result_at.isoformat(),
            "conclusion": round_dossier.conclusion or None,
            "minutes": round_dossier.minutes if round_dossier.conclusion else None,
            "forwarded_at": round_dossier.forwarded_at.isoformat() if round_dossier.forwarded_at else None,
        }
    return body


def sheet_dict(
    sheet: ScoreSheet | None, round_dossier: RoundDossier, user, member_user=None
) -> dict[str, Any]:
    """A sheet with its `may_edit` / `may_submit` for `user` (entering it for `member_user`, when given)."""
    flags = policies.sheet_flags(user, round_dossier, sheet, member_user)
    if sheet is None:
        return {
            "id": None,
            "status": "new",
            "version": 0,
            "answers": {},
            "comments": {},
            "gates": [],
            "comment": "",
            "total": "0",
            "parts": {},
            "mode": selectors.sheet_mode_of(round_dossier),
            **flags,
        }
    lines = list(sheet.lines.all())
    return {
        "id": sheet.pk,
        "member": sheet.member.user.get_username(),
        "status": sheet.status,
        "version": sheet.version,
        "rubric_version": sheet.rubric_version.code,
        "product_set": sheet.product_set,
        "lines": [
            {
                "criterion": line.criterion,
                "option": line.option or None,
                "points": _dec(line.points),
                "comment": line.comment,
            }
            for line in lines
        ],
        "answers": {line.criterion: line.option for line in lines if line.option},
        "comments": {line.criterion: line.comment for line in lines if line.comment},
        "gates": list(sheet.gates),
        "comment": sheet.comment,
        "total": _dec(sheet.total),
        "parts": sheet.parts,
        "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
        "mode": sheet.mode,
        "entered_by": sheet.entered_by.get_username() if sheet.entered_by else None,
        "scan": (
            {
                "name": sheet.scan_name,
                "sha256": sheet.scan_sha256,
                "download": f"/api/v1/evaluation/round-dossiers/{round_dossier.pk}/sheets/{sheet.pk}/scan",
            }
            if sheet.scan
            else None
        ),
        **flags,
    }


def _round(request, round_id: int) -> tuple[Any, EvaluationRound]:
    user = require_api_user(request)
    return user, selectors.round_get(user, round_id)


def _round_dossier(request, round_dossier_id: int) -> tuple[Any, RoundDossier]:
    user = require_api_user(request)
    return user, selectors.round_dossier_get(user, round_dossier_id)


# Rounds ----------------------------------------------------------------------------------------------------


@router.get("/rounds", summary="Các đợt đánh giá người dùng được xem")
def list_rounds(request, query: Query[PageQuery]):
    user = require_api_user(request)
    check_page(query)
    return page_of(selectors.rounds_visible_to(user), query, lambda r: round_dict(r, user))


@router.post("/rounds", response={201: dict}, summary="Tạo đợt đánh giá")
@idempotent
def create_round(request, payload: RoundIn):
    user = require_api_user(request)
    unit = AdminUnit.objects.filter(era=Era.CURRENT, code=payload.unit).first()
    version = RubricVersion.objects.filter(code=payload.rubric_version).first()
    if unit is None:
        raise Invalid(_("Không có đơn vị hiện hành mang mã này."), code="unit_not_found")
    if version is None:
        raise Invalid(_("Không có bộ tiêu chí này."), code="unknown_rubric_version")
    created = services.round_create(
        actor=user,
        name=payload.name,
        level=payload.level,
        unit=unit,
        year=payload.year,
        rubric_version=version,
        held_on=payload.held_on,
        min_sheets=payload.min_sheets,
        disagreement_threshold=payload.disagreement_threshold,
    )
    return Status(201, round_dict(created, user))


@router.get("/rounds/{round_id}", summary="Một đợt: Hội đồng, thành viên, hồ sơ")
def get_round(request, round_id: int):
    user, evaluation_round = _round(request, round_id)
    body = round_dict(evaluation_round, user)
    council = Council.objects.filter(round=evaluation_round).first()
    body["council"] = (
        {
            "name": council.name,
            "decision_number": council.decision_number,
            "decision_date": council.decision_date.isoformat(),
            "members": [
                {
                    "username": m.user.get_username(),
                    "name": str(m.user),
                    "role": m.role,
                    "position": m.position,
                }
                for m in council.members.select_related("user")
            ],
        }
        if council
        else None
    )
    body["dossiers"] = [
        round_dossier_dict(rd, user) for rd in selectors.round_dossiers_of(user, evaluation_round)
    ]
    return body


@router.post("/rounds/{round_id}/advance", summary="Chuyển trạng thái đợt (chuẩn bị → chấm điểm → kết thúc)")
def advance_round(request, round_id: int, payload: AdvanceIn):
    user, evaluation_round = _round(request, round_id)
    moved = services.round_advance(
        actor=user, evaluation_round=evaluation_round, to=payload.to, expected_version=payload.version
    )
    return round_dict(moved, user)


@router.post("/rounds/{round_id}/council", response={201: dict}, summary="Thành lập Hội đồng theo quyết định")
@idempotent
def set_up_council(request, round_id: int, payload: CouncilIn):
    user, evaluation_round = _round(request, round_id)
    council = services.council_set_up(actor=user, evaluation_round=evaluation_round, **payload.dict())
    return Status(201, {"id": council.pk, "name": council.name, "decision_number": council.decision_number})


@router.post(
    "/rounds/{round_id}/members", response={201: dict}, summary="Thêm thành viên Hội đồng hoặc tổ giúp việc"
)
@idempotent
def add_member(request, round_id: int, payload: MemberIn):
    user, evaluation_round = _round(request, round_id)
    council = Council.objects.filter(round=evaluation_round).first()
    if council is None:
        raise Invalid(_("Đợt đánh giá chưa có Hội đồng."), code="council_missing")
    member = services.member_add(
        actor=user,
        council=council,
        user=_user(payload.username),
        role=payload.role,
        position=payload.position,
        employer=payload.employer,
    )
    return Status(201, {"id": member.pk, "username": member.user.get_username(), "role": member.role})


@router.post("/rounds/{round_id}/dossiers", response={201: dict}, summary="Đưa hồ sơ đã tiếp nhận vào đợt")
@idempotent
def add_dossier(request, round_id: int, payload: RoundDossierIn):
    user, evaluation_round = _round(request, round_id)
    dossier = dossier_gateway.dossier_get(user, payload.dossier)
    round_dossier = services.round_dossier_add(actor=user, evaluation_round=evaluation_round, dossier=dossier)
    body = round_dossier_dict(round_dossier, user)
    notice = selectors.paper_notice(round_dossier)
    body["warnings"] = [{"code": "paper_sheet_mode", "message": notice}] if notice else []
    return Status(201, body)


@router.post("/rounds/{round_id}/assign-all", summary="Phân công mọi thành viên chấm mọi hồ sơ, trừ xung đột")
def assignments_create_all(request, round_id: int):
    user, evaluation_round = _round(request, round_id)
    return {"created": services.assignments_create_all(actor=user, evaluation_round=evaluation_round)}


@router.get("/rounds/{round_id}/progress", summary="Tiến độ chấm: ai đã chấm hồ sơ nào")
def round_progress(request, round_id: int):
    user, evaluation_round = _round(request, round_id)
    members, rows = selectors.progress(user, evaluation_round)
    return {
        "members": [{"username": m.user.get_username(), "role": m.role} for m in members],
        "dossiers": [
            {
                "id": row.round_dossier.pk,
                "product": row.round_dossier.dossier.product.name,
                "status": row.round_dossier.status,
                "sheets": {
                    m.user.get_username(): cell.state for m, cell in zip(members, row.cells, strict=True)
                },
                "submitted": row.submitted,
                "assigned": row.assigned,
            }
            for row in rows
        ],
    }


# Members' work ---------------------------------------------------------------------------------------------


@router.get("/assignments", summary="Hồ sơ được phân công cho tôi chấm (theo trang)")
def my_assignments(request, paging: Query[PageQuery]):
    user = require_api_user(request)
    check_page(paging)

    def body_of(assignment) -> dict:
        round_dossier = assignment.round_dossier
        own = next(iter(round_dossier.sheets.all()), None)
        body = round_dossier_dict(round_dossier, user)
        body["sheet"] = {"status": own.status, "version": own.version} if own else None
        return body

    return page_of(selectors.assignments_of(user), paging, body_of)


@router.get("/round-dossiers/{round_dossier_id}", summary="Một hồ sơ trong đợt, với kết quả khi được xem")
def get_round_dossier(request, round_dossier_id: int):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    return round_dossier_dict(round_dossier, user)


@router.post(
    "/round-dossiers/{round_dossier_id}/assignments",
    response={201: dict},
    summary="Phân công một thành viên chấm hồ sơ",
)
@idempotent
def create_assignment(request, round_dossier_id: int, payload: AssignmentIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    person = _user(payload.username)
    member = CouncilMember.objects.filter(council__round=round_dossier.round, user=person).first()
    if member is None:
        raise Invalid(_("Người này không có tên trong Hội đồng của đợt."), code="not_a_member")
    assignment = services.assignment_create(actor=user, round_dossier=round_dossier, member=member)
    return Status(
        201, {"id": assignment.pk, "username": person.get_username(), "round_dossier": round_dossier.pk}
    )


@router.post(
    "/round-dossiers/{round_dossier_id}/conflicts", response={201: dict}, summary="Khai báo xung đột lợi ích"
)
@idempotent
def declare_conflict(request, round_dossier_id: int, payload: ConflictIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    person = _user(payload.username) if payload.username else None
    conflict = services.conflict_declare(
        actor=user, round_dossier=round_dossier, reason=payload.reason, note=payload.note, user=person
    )
    return Status(
        201, {"id": conflict.pk, "username": conflict.user.get_username(), "reason": conflict.reason}
    )


@router.get("/round-dossiers/{round_dossier_id}/sheet", summary="Phiếu của tôi (và mẫu phiếu)")
def get_own_sheet(request, round_dossier_id: int):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    sheet = selectors.own_sheet(user, round_dossier)
    if sheet is None and not policies.can_score(user, round_dossier):
        raise NotFound(_("Bạn không có phiếu cho hồ sơ này."), code="sheet_not_found")
    return sheet_dict(sheet, round_dossier, user)


@router.put("/round-dossiers/{round_dossier_id}/sheet", summary="Lưu nháp phiếu (kèm version đã đọc)")
def save_own_sheet(request, round_dossier_id: int, payload: SheetIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    sheet = services.sheet_save_draft(
        actor=user,
        round_dossier=round_dossier,
        answers=payload.answers,
        comments=payload.comments,
        gates=payload.gates,
        comment=payload.comment,
        expected_version=payload.version,
    )
    return sheet_dict(selectors.own_sheet(user, round_dossier) or sheet, round_dossier, user)


@router.post(
    "/round-dossiers/{round_dossier_id}/sheet/submit", summary="Nộp phiếu (khoá, không sửa được nữa)"
)
def submit_own_sheet(request, round_dossier_id: int, payload: SubmitIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    services.sheet_submit(
        actor=user,
        round_dossier=round_dossier,
        expected_version=payload.version,
        answers=payload.answers,
        comments=payload.comments,
        gates=payload.gates,
        comment=payload.comment,
    )
    return sheet_dict(selectors.own_sheet(user, round_dossier), round_dossier, user)


@router.get("/round-dossiers/{round_dossier_id}/sheets", summary="Phiếu của các thành viên (khi được xem)")
def list_sheets(request, round_dossier_id: int):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    sheets = selectors.sheets_visible_to(user, round_dossier)
    return {"count": len(sheets), "items": [sheet_dict(s, round_dossier, user) for s in sheets]}


@router.post("/round-dossiers/{round_dossier_id}/result", summary="Tổng hợp kết quả của Hội đồng")
def compute_result(request, round_dossier_id: int):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    done = services.council_result_compute(actor=user, round_dossier=round_dossier)
    return round_dossier_dict(done, user)


@router.post("/round-dossiers/{round_dossier_id}/conclusion", summary="Ghi kết luận và biên bản của Hội đồng")
def conclude(request, round_dossier_id: int, payload: ConclusionIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    done = services.council_conclude(
        actor=user,
        round_dossier=round_dossier,
        conclusion=payload.conclusion,
        minutes=payload.minutes,
        expected_version=payload.version,
    )
    return round_dossier_dict(done, user)


@router.post(
    "/round-dossiers/{round_dossier_id}/propose", summary="Đề xuất sản phẩm lên cấp trên (5 sao → TW)"
)
def propose(request, round_dossier_id: int, payload: ProposalIn):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    done = services.round_dossier_propose_upward(actor=user, round_dossier=round_dossier, note=payload.note)
    return round_dossier_dict(done, user)


# Paper sheets (issue 12) ------------------------------------------------------------------------------------


def _paper_parts_in(text: str) -> dict[str, Any]:
    try:
        parts = json.loads(text or "{}")
    except ValueError:
        parts = None
    if not isinstance(parts, dict):
        raise Invalid(
            _('«parts» phải là một đối tượng JSON, ví dụ {"A": "35", "B": "20", "C": "30"}.'),
            code="paper_parts_not_object",
        )
    return parts


def _paper_call(request, round_dossier_id, call, payload: "PaperIn", scan):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    refused_upload(request, "scan")
    person = _user(payload.member) if payload.member else None
    sheet = call(
        actor=user,
        round_dossier=round_dossier,
        parts=_paper_parts_in(payload.parts),
        expected_version=payload.version,
        scan=scan,
        comment=payload.comment,
        on_behalf_of=person,
    )
    sheet = selectors.sheet_for_member(round_dossier, sheet.member.user) or sheet
    return sheet_dict(sheet, round_dossier, user, sheet.member.user)


@router.get(
    "/round-dossiers/{round_dossier_id}/paper",
    summary="Phiếu giấy của tôi, hoặc của thành viên Thư ký nhập thay",
)
def get_paper_sheet(request, round_dossier_id: int, member: str | None = None):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    person = _user(member) if member else user
    if person.pk != user.pk and not policies.may(user, "enter_on_behalf", round_dossier):
        raise NotFound(_("Bạn không có phiếu cho hồ sơ này."), code="sheet_not_found")
    sheet = selectors.sheet_for_member(round_dossier, person)
    if sheet is None and person.pk == user.pk and not policies.can_score(user, round_dossier):
        raise NotFound(_("Bạn không có phiếu cho hồ sơ này."), code="sheet_not_found")
    version = rules.loaded_version(round_dossier.round.rubric_version)
    body = sheet_dict(sheet, round_dossier, user, person)
    body["member"] = person.get_username()
    body["part_maxima"] = {p.code: _dec(p.max_points) for p in version.parts}
    body["decimals"] = version.aggregation.decimals
    return body


@router.post(
    "/round-dossiers/{round_dossier_id}/paper",
    summary="Lưu nháp phiếu giấy: tổng điểm phần A, B, C và bản quét (multipart)",
)
def save_paper_sheet(
    request,
    round_dossier_id: int,
    payload: Form[PaperIn],
    scan: File[UploadedFile | None] = None,
):
    return _paper_call(request, round_dossier_id, services.sheet_paper_save, payload, scan)


@router.post(
    "/round-dossiers/{round_dossier_id}/paper/submit",
    summary="Nộp phiếu giấy (cần bản quét; khoá, không sửa được nữa)",
)
def submit_paper_sheet(
    request,
    round_dossier_id: int,
    payload: Form[PaperIn],
    scan: File[UploadedFile | None] = None,
):
    return _paper_call(request, round_dossier_id, services.sheet_paper_submit, payload, scan)


@router.get(
    "/round-dossiers/{round_dossier_id}/sheets/{sheet_id}/scan",
    summary="Tải bản quét phiếu giấy (khi được xem phiếu)",
)
def download_scan(request, round_dossier_id: int, sheet_id: int):
    user, round_dossier = _round_dossier(request, round_dossier_id)
    sheet = selectors.sheet_get(user, round_dossier, sheet_id)
    if not sheet.scan:
        raise NotFound(_("Phiếu này không có bản quét."), code="scan_not_found")
    return download_response(
        request, sheet.scan.name, filename=sheet.scan_name, content_type=sheet.scan_content_type
    )


# The producer's self-assessment (issue 18) ------------------------------------------------------------------


class SelfAssessmentIn(Schema):
    version: int = Field(..., description="The self-assessment's version as read (0 before the first save)")
    answers: dict[str, str] = Field(default_factory=dict, description="criterion code → option code")
    notes: dict[str, str] = Field(
        default_factory=dict, description="criterion code → the producer's explanation"
    )


class SelfAssessmentSubmitIn(Schema):
    version: int
    answers: dict[str, str] | None = Field(
        None, description="When given, saved first (else the stored draft)"
    )
    notes: dict[str, str] | None = None


def self_assessment_body(user, dossier) -> dict:
    """The dossier's self-assessment (or none yet), what sits beside each criterion, and the `may_*` flags."""
    assessment = selectors.self_assessment_of(dossier)
    claims = selectors.claims_of(dossier)
    return {
        "dossier": dossier.pk,
        "rubric_version": dossier.rubric_version.code,
        "product_set": dossier_gateway.product_set_code_of(dossier),
        "status": assessment.status if assessment else None,
        "version": assessment.version if assessment else 0,
        "total": rules.plain(assessment.total) if assessment else None,
        "parts": assessment.parts if assessment else {},
        "band_stars": assessment.band_stars if assessment else None,
        "eligible_stars": assessment.eligible_stars if assessment else None,
        "submitted_at": assessment.submitted_at if assessment else None,
        "report": (
            f"/api/v1/dossiers/{dossier.pk}/documents/{assessment.report_id}/file"
            if assessment and assessment.report_id
            else None
        ),
        "criteria": [
            {
                "code": claim.code,
                "option": claim.option or None,
                "points": rules.plain(claim.points),
                "note": claim.note,
                "evidence": [
                    {"document": document.pk, "item": document.item, "name": document.original_name}
                    for document, _label in claim.evidence
                ],
                "unbacked": claim.unbacked,
                "precheck": (
                    {"verdict": claim.precheck.verdict, "note": claim.precheck.note}
                    if claim.precheck
                    else None
                ),
                "commune": [{"content": content, "text": words} for content, words in claim.commune],
            }
            for claim in sorted(claims.values(), key=lambda c: c.code)
        ],
        **policies.self_assessment_flags(user, dossier),
    }


@router.get("/self-assessments/{dossier_id}", summary="Phiếu tự đánh giá của chủ thể cho một hồ sơ")
def get_self_assessment(request, dossier_id: int):
    user = require_api_user(request)
    dossier = selectors.own_dossier_get(user, dossier_id)
    return self_assessment_body(user, dossier)


@router.put("/self-assessments/{dossier_id}", summary="Lưu nháp phiếu tự đánh giá (kèm version đã đọc)")
def save_self_assessment(request, dossier_id: int, payload: SelfAssessmentIn):
    user = require_api_user(request)
    dossier = selectors.own_dossier_get(user, dossier_id)
    services.self_assessment_save(
        actor=user,
        dossier=dossier,
        answers=payload.answers,
        notes=payload.notes,
        expected_version=payload.version,
    )
    return self_assessment_body(user, dossier)


@router.post(
    "/self-assessments/{dossier_id}/submit",
    summary="Nộp phiếu tự đánh giá (khoá; báo cáo PDF được đưa vào thành phần hồ sơ)",
)
def submit_self_assessment(request, dossier_id: int, payload: SelfAssessmentSubmitIn):
    user = require_api_user(request)
    dossier = selectors.own_dossier_get(user, dossier_id)
    services.self_assessment_submit(
        actor=user,
        dossier=dossier,
        answers=payload.answers,
        notes=payload.notes,
        expected_version=payload.version,
    )
    return self_assessment_body(user, dossier)
