"""Reads of the evaluation for a user, already confined to what that user may see.

Officers see the rounds of their units; council members see the rounds they sit on and, in them, the dossiers
assigned to them. A round or dossier the user may not see is reported exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ocop.accounts.models import Role
from ocop.accounts.policies import Capability, covers, has_capability, scope_q
from ocop.core import statements
from ocop.core.errors import NotFound
from ocop.core.listing import Listed, ValueRows
from ocop.core.text import fold
from ocop.cycle.models import Dossier, EvidenceTag
from ocop.evaluation import dossiers as dossier_gateway
from ocop.evaluation import policies, rules
from ocop.evaluation.commune_criteria import commune_words_by_criterion
from ocop.evaluation.models import (
    Assignment,
    ConflictOfInterest,
    ConflictReason,
    CouncilMember,
    CouncilRole,
    EvaluationRound,
    EvaluationStatus,
    PrecheckNote,
    RoundDossier,
    RoundStatus,
    ScoreSheet,
    SelfAssessment,
    SelfAssessmentStatus,
    SheetStatus,
)
from ocop.geo.models import Level
from ocop.producers.models import ProducerMember
from ocop.producers.policies import member_producer_ids
from ocop.rubrics.selectors import sheet_mode

_DOSSIER_RELATED = (
    "round",
    "round__unit",
    "round__rubric_version",
    "dossier",
    "dossier__product",
    "dossier__producer",
    "dossier__producer__unit",
    "dossier__product__product_set",
)


def rounds_visible_to(user) -> QuerySet[EvaluationRound]:
    if not getattr(user, "is_authenticated", False):
        return EvaluationRound.objects.none()
    seated = CouncilMember.objects.filter(user=user).values("council__round_id")
    return (
        EvaluationRound.objects.filter(scope_q(user, Capability.RUN_EVALUATION, "unit") | Q(pk__in=seated))
        .select_related("unit", "rubric_version")
        .order_by("-year", "-held_on", "-id")
    )


def round_get(user, round_id: int) -> EvaluationRound:
    found = rounds_visible_to(user).filter(pk=round_id).first()
    if found is None:
        raise NotFound(_("Không tìm thấy đợt đánh giá."), code="round_not_found")
    return found


def round_dossiers_of(user, evaluation_round: EvaluationRound) -> QuerySet[RoundDossier]:
    """The round's dossiers the user may see: all of them for officers and steering members, the assigned
    (or conflicted) ones for other members."""
    rows = (
        RoundDossier.objects.filter(round=evaluation_round).select_related(*_DOSSIER_RELATED).order_by("id")
    )
    if policies.can_steer(user, evaluation_round):
        return rows
    member = policies.seat(user, evaluation_round)
    if member is None:
        return rows.none()
    conflicted = ConflictOfInterest.objects.filter(user=user).values("round_dossier_id")
    return rows.filter(Q(assignments__member=member) | Q(pk__in=conflicted)).distinct()


def round_dossier_get(user, round_dossier_id: int) -> RoundDossier:
    found = RoundDossier.objects.select_related(*_DOSSIER_RELATED).filter(pk=round_dossier_id).first()
    if found is None or not policies.can_view_round_dossier(user, found):
        raise NotFound(_("Không tìm thấy hồ sơ trong đợt đánh giá."), code="round_dossier_not_found")
    return found


def assignments_of(user) -> QuerySet[Assignment]:
    """What the user has to score, with their own sheet's state."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(member__user=user)
        .select_related(*(f"round_dossier__{path}" for path in _DOSSIER_RELATED), "member")
        .prefetch_related(
            Prefetch("round_dossier__sheets", queryset=ScoreSheet.objects.filter(member__user=user))
        )
        .order_by("-round_dossier__round__held_on", "round_dossier_id")
    )


def own_sheet(user, round_dossier: RoundDossier) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(round_dossier=round_dossier, member__user=user)
        .select_related("member", "rubric_version")
        .prefetch_related("lines")
        .first()
    )


def sheets_visible_to(user, round_dossier: RoundDossier) -> list[ScoreSheet]:
    """Other members' sheets, only where the rules let the user read them."""
    sheets = (
        ScoreSheet.objects.filter(round_dossier=round_dossier, status=SheetStatus.SUBMITTED)
        .select_related("member__user", "round_dossier__round")
        .prefetch_related("lines")
        .order_by("member_id")
    )
    return [sheet for sheet in sheets if policies.can_view_sheet(user, sheet)]


@dataclass(frozen=True)
class ProgressCell:
    state: str  # "conflict", "not_assigned", "not_started", "draft", "submitted"
    label: str
    sheet: ScoreSheet | None = None


@dataclass(frozen=True)
class ProgressRow:
    round_dossier: RoundDossier
    cells: list[ProgressCell]
    submitted: int
    assigned: int


def progress(user, evaluation_round: EvaluationRound) -> tuple[list[CouncilMember], list[ProgressRow]]:
    """Who has scored what: one row per dossier, one cell per scoring member (a fixed number of queries).
    Only states are shown; the points stay hidden until the council's result."""
    reason = policies.why_not_view_progress(user, evaluation_round)
    if reason:
        raise NotFound(_("Không tìm thấy đợt đánh giá."), code="round_not_found")
    rank = {role: position for position, role in enumerate(CouncilRole.values)}
    members = sorted(
        CouncilMember.objects.filter(council__round=evaluation_round)
        .exclude(role=CouncilRole.HELPER)
        .select_related("user"),
        key=lambda m: (rank[m.role], m.pk),
    )
    dossiers = list(
        RoundDossier.objects.filter(round=evaluation_round).select_related(*_DOSSIER_RELATED).order_by("id")
    )
    assigned = set(
        Assignment.objects.filter(round_dossier__round=evaluation_round).values_list(
            "round_dossier_id", "member_id"
        )
    )
    conflicts = set(
        ConflictOfInterest.objects.filter(round_dossier__round=evaluation_round).values_list(
            "round_dossier_id", "user_id"
        )
    )
    sheets = {
        (s.round_dossier_id, s.member_id): s
        for s in ScoreSheet.objects.filter(round_dossier__round=evaluation_round).only(
            "id", "round_dossier_id", "member_id", "status", "submitted_at", "updated_at"
        )
    }
    rows = []
    for round_dossier in dossiers:
        cells = []
        for member in members:
            sheet = sheets.get((round_dossier.pk, member.pk))
            if (round_dossier.pk, member.user_id) in conflicts:
                cells.append(ProgressCell("conflict", _("Xung đột lợi ích")))
            elif (round_dossier.pk, member.pk) not in assigned and sheet is None:
                cells.append(ProgressCell("not_assigned", _("Không phân công")))
            elif sheet is None:
                cells.append(ProgressCell("not_started", _("Chưa chấm")))
            elif sheet.status == SheetStatus.SUBMITTED:
                cells.append(ProgressCell("submitted", _("Đã nộp"), sheet))
            else:
                cells.append(ProgressCell("draft", _("Đang chấm"), sheet))
        rows.append(
            ProgressRow(
                round_dossier=round_dossier,
                cells=cells,
                submitted=sum(1 for c in cells if c.state == "submitted"),
                assigned=sum(1 for c in cells if c.state in ("not_started", "draft", "submitted")),
            )
        )
    return members, rows


# What the producer sees: the council's conclusion, once it is recorded -----------------------------------

CONCLUDED = (
    EvaluationStatus.RECOGNITION_PROPOSED,
    EvaluationStatus.NOT_RECOGNISED,
    EvaluationStatus.RECOGNISED,
)


def results_of_producer(user) -> QuerySet[RoundDossier]:
    """The concluded evaluations of the user's organisations (never the sheets or who scored what)."""
    return (
        RoundDossier.objects.filter(dossier__producer_id__in=member_producer_ids(user), status__in=CONCLUDED)
        .select_related(*_DOSSIER_RELATED)
        .order_by("-concluded_at", "-id")
    )


def producer_result_get(user, round_dossier_id: int) -> RoundDossier:
    found = results_of_producer(user).filter(pk=round_dossier_id).first()
    if found is None:
        raise NotFound(_("Không tìm thấy kết quả đánh giá."), code="result_not_found")
    return found


def median_sheet(round_dossier: RoundDossier) -> ScoreSheet | None:
    """The counted sheet whose total is in the middle: the basis of the advice shown to the producer."""
    sheets = sorted(counted_sheets(round_dossier), key=lambda s: (s.total, s.pk))
    return sheets[(len(sheets) - 1) // 2] if sheets else None


# Paper sheets (issue 12) ------------------------------------------------------------------------------------


def sheet_mode_of(round_dossier: RoundDossier) -> str:
    """ "digital" or "paper": whether the round's rubric version has a digital sheet for the dossier's set."""
    return sheet_mode(
        round_dossier.round.rubric_version, dossier_gateway.product_set_code_of(round_dossier.dossier)
    )


def paper_notice(round_dossier: RoundDossier) -> str | None:
    """What the officers and the council do when the dossier's set has no digital sheet; None otherwise."""
    if sheet_mode_of(round_dossier) != "paper":
        return None
    product = round_dossier.dossier.product
    return _(
        "«%(product)s» (bộ sản phẩm %(set)s) chưa có phiếu điện tử trong bộ tiêu chí %(version)s: Hội đồng chấm trên phiếu giấy; mỗi thành viên (hoặc Thư ký thay họ) nhập tổng điểm phần A, B, C và tải lên bản quét phiếu đã ký. Cán bộ Trung ương có thể nạp phiếu điện tử từ trang «Bộ sản phẩm chưa có phiếu»."
    ) % {
        "product": product.name,
        "set": product.product_set.code,
        "version": round_dossier.round.rubric_version.code,
    }


def sheet_for_member(round_dossier: RoundDossier, user) -> ScoreSheet | None:
    """A member's sheet of the dossier (for the secretary entering a paper sheet on their behalf)."""
    return (
        ScoreSheet.objects.filter(round_dossier=round_dossier, member__user=user)
        .select_related("member__user", "rubric_version", "entered_by")
        .first()
    )


def missing_sheets(round_dossier: RoundDossier) -> list[CouncilMember]:
    """Assigned members (without a conflict) whose sheet is not submitted yet."""
    submitted = ScoreSheet.objects.filter(round_dossier=round_dossier, status=SheetStatus.SUBMITTED).values(
        "member_id"
    )
    conflicted = ConflictOfInterest.objects.filter(round_dossier=round_dossier).values("user_id")
    return list(
        CouncilMember.objects.filter(assignments__round_dossier=round_dossier)
        .exclude(pk__in=submitted)
        .exclude(user_id__in=conflicted)
        .select_related("user")
        .order_by("pk")
    )


def paper_entries(user, round_dossier: RoundDossier) -> list[CouncilMember]:
    """Assigned members whose paper sheet the user (the secretary) may still enter for them."""
    if not policies.may(user, "enter_on_behalf", round_dossier):
        return []
    return [member for member in missing_sheets(round_dossier) if member.user_id != user.pk]


def sheet_get(user, round_dossier: RoundDossier, sheet_id: int) -> ScoreSheet:
    """A sheet of the dossier the user may read (its scan too); NotFound otherwise."""
    sheet = (
        ScoreSheet.objects.filter(round_dossier=round_dossier, pk=sheet_id)
        .select_related("member__user", "round_dossier__round__unit", "entered_by")
        .first()
    )
    if sheet is None or policies.why_not_view_scan(user, sheet) is not None:
        raise NotFound(_("Không tìm thấy phiếu."), code="sheet_not_found")
    return sheet


# Reads the services and the policies share --------------------------------------------------------------------


def counted_sheets(round_dossier: RoundDossier) -> list[ScoreSheet]:
    """Submitted sheets that count: their member has no conflict of interest on the dossier."""
    conflicted = ConflictOfInterest.objects.filter(round_dossier=round_dossier).values("user_id")
    return list(
        ScoreSheet.objects.filter(round_dossier=round_dossier, status=SheetStatus.SUBMITTED)
        .exclude(member__user_id__in=conflicted)
        .select_related("member__user", "rubric_version")
        .prefetch_related("lines")
        .order_by("member_id")
    )


def detected_reasons(member: CouncilMember, round_dossier: RoundDossier) -> list[str]:
    """The conflicts of interest the data shows today between a council seat and a dossier's producer.

    Read at every step, not only at assignment: a member may join the producer (`producers.ProducerMember`),
    take a commune role over its commune or declare its name as employer after being assigned. The policies
    ask here before letting a member save or submit a sheet, and the council's result before counting sheets.
    """
    producer = dossier_gateway.producer_of(round_dossier.dossier)
    reasons: list[str] = []
    if ProducerMember.objects.filter(producer=producer, user_id=member.user_id).exists():
        reasons.append(ConflictReason.SAME_PRODUCER)
    commune_roles = Role.active.filter(user_id=member.user_id, unit__level=Level.COMMUNE).select_related(
        "unit"
    )
    if any(covers(role.unit, producer.unit) for role in commune_roles):
        reasons.append(ConflictReason.SAME_COMMUNE)
    if member.employer and fold(member.employer) == fold(producer.name):
        reasons.append(ConflictReason.EMPLOYER)
    return reasons


def results_listed(
    user,
    *,
    unit_q: Q | None = None,
    year: int | None = None,
    status: str = "",
    star: int | None = None,
    group: str = "",
) -> Listed:
    """Dossiers of the rounds an officer runs, filtered as the officer's list asks (the stars are the
    recognised ones once decided, else those the score reaches); its rows are read by `result_rows`."""
    reach = scope_q(user, Capability.RUN_EVALUATION, "round__unit")
    return Listed.of(_results_listed, reach, unit_q, year, status, star, group)


def _results_listed(
    reach: Q, unit_q: Q | None, year: int | None, status: str, star: int | None, group: str
) -> QuerySet[RoundDossier]:
    rows = RoundDossier.objects.filter(reach).order_by("-round__year", "-round__held_on", "round_id", "id")
    if unit_q:
        rows = rows.filter(unit_q)
    if year:
        rows = rows.filter(round__year=year)
    if status:
        rows = rows.filter(status=status)
    if star:
        rows = rows.annotate(stars=Coalesce("recognised_stars", "band_stars")).filter(stars=star)
    if group:
        rows = rows.filter(dossier__product__product_set__group__code=group)
    return rows


# The results list's rows (`listing.ValueRows`): read by id as plain values.
result_rows = ValueRows(
    RoundDossier,
    {
        "round_id": "round_id",
        "round_name": "round__name",
        "year": "round__year",
        "product_name": "dossier__product__name",
        "group_name": "dossier__product__product_set__group__name",
        "producer_name": "dossier__producer__name",
        "mean_score": "mean_score",
        "band_stars": "band_stars",
        "recognised_stars": "recognised_stars",
        "status": "status",
        "unit_id": "dossier__unit_id",
    },
)


def sheets_to_score(user) -> Listed:
    """The council member's assignments still waiting for their sheet: the round is scoring, the dossier is
    under evaluation, and the member has not submitted a sheet on it. Counted on every home page: a statement
    kept per member (`listing.Listed`)."""
    return Listed.of(_sheets_to_score, user.pk)


def sits_on_a_council(user) -> bool:
    """Has the user ever been assigned a dossier to score (one kept statement per user)."""
    return bool(
        statements.rows(
            (sits_on_a_council, user.pk),
            lambda: Assignment.objects.filter(member__user_id=user.pk).values_list("pk")[:1],
        )
    )


def _sheets_to_score(user_id: int) -> QuerySet[Assignment]:
    submitted = ScoreSheet.objects.filter(
        round_dossier=OuterRef("round_dossier"), member=OuterRef("member"), status=SheetStatus.SUBMITTED
    )
    return (
        Assignment.objects.filter(
            member__user_id=user_id,
            round_dossier__round__status=RoundStatus.SCORING,
            round_dossier__status=EvaluationStatus.UNDER_EVALUATION,
        )
        .exclude(Exists(submitted))
        .order_by("pk")
    )


# Self-assessment, evidence and the help team's pre-check (issue 18) ---------------------------------------


def self_assessment_of(dossier) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.filter(dossier_id=dossier.pk)
        .select_related("report")
        .prefetch_related("lines", "prechecks__checked_by")
        .first()
    )


def own_dossier_get(user, dossier_id: int):
    """A dossier of one of the user's organisations (a dossier of another producer is not found)."""
    dossier = (
        Dossier.objects.filter(producer_id__in=member_producer_ids(user), pk=dossier_id)
        .select_related("producer", "product__product_set", "rubric_version", "unit")
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    return dossier


def precheck_dossiers_visible_to(user) -> QuerySet:
    """Submitted dossiers with a submitted self-assessment, in the help team member's units."""
    return (
        Dossier.objects.filter(
            scope_q(user, Capability.PRECHECK, "unit"),
            submitted_at__isnull=False,
            self_assessment__status=SelfAssessmentStatus.SUBMITTED,
        )
        .select_related("producer", "product__product_set", "rubric_version", "unit", "self_assessment")
        .order_by("-submitted_at", "-pk")
    )


def precheck_dossier_get(user, dossier_id: int):
    dossier = precheck_dossiers_visible_to(user).filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    return dossier


def precheck_readable_q(user) -> Q:
    """The cycle reader (`ocop.cycle.readers`): the help team reads the current documents of the dossiers it
    checks, until the council has a result."""
    if not has_capability(user, Capability.PRECHECK):
        return Q(pk__in=[])
    decided = RoundDossier.objects.filter(result_at__isnull=False).values("dossier_id")
    return Q(pk__in=precheck_dossiers_visible_to(user).exclude(pk__in=decided).values("pk"))


@dataclass
class Claim:
    """What sits beside one criterion of the sheet: the producer's answer, the documents cited for it, the
    help team's check and the receiving level's (commune's) words. Nothing of it counts in a score."""

    code: str
    option: str = ""
    option_text: str = ""
    points: Decimal | None = None
    note: str = ""
    evidence: list = field(default_factory=list)  # [(Document, checklist label)]
    precheck: PrecheckNote | None = None
    commune: list = field(default_factory=list)  # [(content, words)]

    @property
    def claimed(self) -> bool:
        return bool(self.option) and (self.points or 0) > 0

    @property
    def unbacked(self) -> bool:
        """Claimed without any document cited for it: marked for the help team."""
        return self.claimed and not self.evidence


def evidence_by_criterion(dossier) -> dict[str, list]:
    """criterion code → [(current Document, checklist label)] cited for it."""
    labels = {row["item"]: row.get("label", row["item"]) for row in dossier.checklist}
    found: dict[str, list] = {}
    tags = (
        EvidenceTag.objects.filter(document__dossier_id=dossier.pk, document__is_current=True)
        .select_related("document")
        .order_by("criterion", "document__item", "document_id")
    )
    for tag in tags:
        found.setdefault(tag.criterion, []).append(
            (tag.document, labels.get(tag.document.item, tag.document.item))
        )
    return found


def claims_of(dossier, *, with_precheck: bool = True) -> dict[str, Claim]:
    """Every criterion that has something beside it, by code."""
    claims: dict[str, Claim] = {}

    def claim(code: str) -> Claim:
        return claims.setdefault(code, Claim(code=code))

    assessment = self_assessment_of(dossier)
    sheet = None
    if assessment is not None:
        version = rules.loaded_version(assessment.rubric_version)
        sheet = rules.sheet_of(version, assessment.product_set)
        for line in assessment.lines.all():
            entry = claim(line.criterion)
            entry.option, entry.points, entry.note = line.option, line.points, line.note
            criterion = sheet.criterion(line.criterion)
            option = criterion.option(line.option) if criterion is not None and line.option else None
            entry.option_text = option.text if option is not None else ""
        if with_precheck:
            for note in assessment.prechecks.all():
                claim(note.criterion).precheck = note
    for code, documents in evidence_by_criterion(dossier).items():
        claim(code).evidence = documents
    for code, words in commune_words_by_criterion(dossier).items():
        claim(code).commune = words
    return claims


def current_documents_of(dossier) -> list[dict]:
    """The dossier's current documents with their checklist label and the criteria each is cited for."""
    labels = {row["item"]: row.get("label", row["item"]) for row in dossier.checklist}
    documents = (
        dossier.documents.filter(is_current=True).prefetch_related("evidence_tags").order_by("item", "pk")
    )
    return [
        {
            "document": document,
            "label": labels.get(document.item, document.item),
            "criteria": [tag.criterion for tag in document.evidence_tags.all()],
        }
        for document in documents
    ]


@dataclass
class ComparisonRow:
    code: str
    name: str
    max_points: Decimal
    own: Decimal | None
    council: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.own is None or self.council is None:
            return None
        return self.council - self.own


def self_comparison(round_dossier: RoundDossier) -> dict | None:
    """The producer's submitted self-assessment beside the council's mean, criterion by criterion (by part when
    the council scored on paper), for the result page; None without a submitted self-assessment or result."""
    assessment = self_assessment_of(round_dossier.dossier)
    if assessment is None or not assessment.is_submitted or round_dossier.result_at is None:
        return None
    sheets = counted_sheets(round_dossier)
    if not sheets:
        return None
    version = rules.loaded_version(round_dossier.round.rubric_version)
    council = rules.council_score(version, sheets)
    means = {spread.code: spread.mean for spread in council.spread}
    if any(sheet.is_paper for sheet in sheets):
        rows = [
            ComparisonRow(
                p.code,
                p.name,
                p.max_points,
                Decimal(str(assessment.parts.get(p.code, "0"))),
                means.get(p.code),
            )
            for p in version.parts
        ]
    else:
        sheet = rules.sheet_of(version, assessment.product_set)
        own = {line.criterion: line.points for line in assessment.lines.all()}
        rows = [
            ComparisonRow(c.code, c.name, c.max_points, own.get(c.code, Decimal(0)), means.get(c.code))
            for c in sheet.criteria
        ]
    return {
        "assessment": assessment,
        "rows": rows,
        "by_part": any(sheet.is_paper for sheet in sheets),
        "own_total": assessment.total,
        "council_total": round_dossier.mean_score,
    }


def self_assessments_of_producer(user, producer) -> list[dict]:
    """The producer's dossiers (for its own people) whose set has a digital sheet, each with its
    self-assessment if one was started: where the producer's section links to the sheet."""
    if producer.pk not in set(member_producer_ids(user)):
        return []
    dossiers = (
        Dossier.objects.filter(producer=producer)
        .exclude(status=dossier_gateway.WITHDRAWN)
        .select_related("product__product_set", "rubric_version", "self_assessment")
        .order_by("-year", "-pk")[:50]
    )
    rows = []
    for dossier in dossiers:
        if sheet_mode(dossier.rubric_version, dossier.product.product_set.code) != "digital":
            continue
        rows.append({"dossier": dossier, "assessment": getattr(dossier, "self_assessment", None)})
    return rows
