"""Evaluation rounds (*đợt đánh giá*), councils (*hội đồng đánh giá, phân hạng*) and score sheets.

A round belongs to a level and a unit, a year and a rubric version, and gathers dossiers accepted for
evaluation. Its council is set up by a decision, with members in roles and a helper group. Each assigned
member fills one score sheet per dossier (one row per criterion), the council's result is computed from the
submitted sheets by the rubric engine, and the council records its conclusion with minutes. Conflicts of
interest are records with a typed reason, and sheets keep their revisions (HotCRP `PaperConflict`,
`PaperReviewHistory`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", _("Đang chuẩn bị")
    SCORING = "scoring", _("Đang chấm điểm")
    CLOSED = "closed", _("Đã kết thúc")


class EvaluationRound(models.Model):
    """An evaluation round (*đợt đánh giá, phân hạng*) of one level over one unit."""

    name = models.CharField("Tên đợt", max_length=200)
    # A level code of the rubric version (`province`, `central`…): levels are data, not names in code.
    level = models.CharField("Cấp đánh giá", max_length=20)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị tổ chức"
    )
    year = models.PositiveIntegerField("Năm")
    rubric_version = models.ForeignKey(
        "rubrics.RubricVersion", on_delete=models.PROTECT, related_name="+", verbose_name="Bộ tiêu chí"
    )
    # The day the duty table is read on: who recognises what, and where a product goes next.
    held_on = models.DateField("Ngày họp hội đồng")
    # Minimum submitted sheets before the council's result may be computed (every assigned member, and at least
    # this many).
    min_sheets = models.PositiveSmallIntegerField("Số phiếu tối thiểu", default=3)
    # Points between the lowest and highest member on one criterion beyond which the criterion is flagged.
    disagreement_threshold = models.DecimalField(
        "Ngưỡng chênh lệch", max_digits=5, decimal_places=2, default=3
    )
    status = models.CharField(max_length=12, choices=RoundStatus.choices, default=RoundStatus.PREPARING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Council(models.Model):
    """The round's evaluation council (*hội đồng đánh giá, phân hạng sản phẩm OCOP*), set up by a decision."""

    round = models.OneToOneField(EvaluationRound, on_delete=models.PROTECT, related_name="council")
    name = models.CharField("Tên hội đồng", max_length=300)
    decision_number = models.CharField("Số quyết định thành lập", max_length=60)
    decision_date = models.DateField("Ngày quyết định")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.decision_number})"


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
    SECRETARY = "secretary", _("Ủy viên thư ký")
    MEMBER = "member", _("Ủy viên")
    HELPER = "helper", _("Tổ giúp việc")


# Roles that score a dossier; the helper group (*tổ giúp việc*) checks dossiers but does not score.
SCORING_ROLES = frozenset(
    {CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.SECRETARY, CouncilRole.MEMBER}
)


class CouncilMember(models.Model):
    """A person on the council (*thành viên hội đồng*) or in its helper group, in one role."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField("Vai trò", max_length=12, choices=CouncilRole.choices)
    position = models.CharField("Chức vụ, đơn vị công tác", max_length=300, blank=True)
    # Where the person works (an organisation's name), compared with the producer's for "same employer".
    employer = models.CharField("Cơ quan công tác", max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="evaluation_member_once_per_council"),
            models.UniqueConstraint(
                fields=["council"],
                condition=models.Q(role="chair"),
                name="evaluation_one_chair_per_council",
            ),
        ]
        ordering = ["council", "role", "id"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    @property
    def scores(self) -> bool:
        return self.role in SCORING_ROLES


class EvaluationStatus(models.TextChoices):
    """Where a dossier stands in a round, after the cycle accepted it for evaluation (docs/evaluation.md)."""

    UNDER_EVALUATION = "under_evaluation", _("Đang đánh giá")
    SCORED = "scored", _("Đã có kết quả chấm")
    RECOGNITION_PROPOSED = "recognition_proposed", _("Hội đồng đề nghị công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")
    RECOGNISED = "recognised", _("Đã công nhận")


class Conclusion(models.TextChoices):
    RECOGNISE = "recognise", _("Đề nghị công nhận")
    NOT_RECOGNISE = "not_recognise", _("Không đề nghị công nhận")


class RoundDossier(models.Model):
    """A dossier gathered into a round (*hồ sơ đưa vào đợt đánh giá*), with the council's result on it.

    The result fields are derived from the submitted sheets and are only written under a lock on this row.
    """

    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="dossiers")
    dossier = models.ForeignKey("cycle.Dossier", on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(
        max_length=24, choices=EvaluationStatus.choices, default=EvaluationStatus.UNDER_EVALUATION
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    # Running aggregate of the sheets submitted so far (recomputed on every submission).
    submitted_sheets = models.PositiveSmallIntegerField(default=0)
    running_mean = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # The council's result, computed on request once enough sheets are in.
    mean_score = models.DecimalField("Điểm trung bình", max_digits=6, decimal_places=2, null=True, blank=True)
    band_stars = models.PositiveSmallIntegerField("Hạng theo điểm", null=True, blank=True)
    eligible_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    recognised_stars = models.PositiveSmallIntegerField("Hạng sao được công nhận", null=True, blank=True)
    forward_to = models.CharField("Chuyển lên cấp", max_length=20, blank=True)
    proposed_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    # Language-neutral: numbers, codes and notes (codes with parameters); `explanation` says them when read.
    explanation_facts = models.JSONField(default=dict, blank=True, db_column="explanation")
    disagreements = models.JSONField(default=list, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    # Proposed up to `forward_to` (e.g. a province's ≥ 90 product to the central council), beside the status.
    forwarded_at = models.DateTimeField("Ngày đề xuất lên cấp trên", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField(max_length=16, choices=Conclusion.choices, blank=True)
    minutes = models.TextField("Biên bản họp hội đồng", blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "dossier"], name="evaluation_dossier_once_per_round")
        ]
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} @ {self.round}"

    @property
    def explanation(self) -> dict:
        """The council's explanation: the stored facts with their `lines` in the reader's language."""
        from ocop.evaluation import explanations

        return explanations.read(self.explanation_facts)

    @explanation.setter
    def explanation(self, value: dict) -> None:
        self.explanation_facts = value


class ConflictReason(models.TextChoices):
    SAME_PRODUCER = "same_producer", _("Thuộc chủ thể có sản phẩm")
    FAMILY = "family", _("Quan hệ gia đình với chủ thể")
    EMPLOYER = "employer", _("Cùng cơ quan, đơn vị công tác với chủ thể")
    SAME_COMMUNE = "same_commune", _("Phụ trách địa bàn xã của chủ thể")
    DECLARED = "declared", _("Tự khai báo lý do khác")


class ConflictSource(models.TextChoices):
    DETECTED = "detected", _("Hệ thống phát hiện")
    DECLARED = "declared", _("Thành viên khai báo")


class ConflictOfInterest(models.Model):
    """A conflict of interest (*xung đột lợi ích*) between a person and a dossier in a round.

    A conflicted person is never assigned the dossier; an existing assignment is removed when the conflict is
    recorded (unless the person already submitted, which the service refuses to undo silently).
    """

    round_dossier = models.ForeignKey(RoundDossier, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("Lý do", max_length=16, choices=ConflictReason.choices)
    source = models.CharField(max_length=10, choices=ConflictSource.choices)
    note = models.TextField("Ghi chú", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_dossier", "user", "reason"], name="evaluation_conflict_once_per_reason"
            )
        ]
        ordering = ["round_dossier", "user", "reason"]

    def __str__(self) -> str:
        return f"{self.user} ≠ {self.round_dossier_id} ({self.reason})"


class Assignment(models.Model):
    """A member is assigned a dossier to score (*phân công chấm*)."""

    round_dossier = models.ForeignKey(RoundDossier, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round_dossier", "member"], name="evaluation_assignment_unique")
        ]

    def __str__(self) -> str:  # the audit page names the target by it
        return f"{self.member.user} – {self.round_dossier.dossier}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")


class SheetMode(models.TextChoices):
    DIGITAL = "digital", "Phiếu điện tử"
    PAPER = "paper", "Phiếu giấy"


class ScoreSheet(models.Model):
    """One member's score sheet (*phiếu đánh giá*) for one dossier in one round, on a frozen rubric version.

    A paper sheet (*phiếu giấy*, for a product set whose version has no digital sheet) holds only the part
    totals the member wrote on paper, in `parts`, and the scan of that paper; it has no lines.
    """

    round_dossier = models.ForeignKey(RoundDossier, on_delete=models.PROTECT, related_name="sheets")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="sheets")
    rubric_version = models.ForeignKey("rubrics.RubricVersion", on_delete=models.PROTECT, related_name="+")
    product_set = models.CharField(max_length=20)
    legal_form = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    # Codes of the sheet's gates the member found to hold ("bị loại nếu…", "không đánh giá tiếp nếu…").
    gates = models.JSONField(default=list, blank=True)
    comment = models.TextField("Nhận xét chung", blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    parts = models.JSONField(default=dict, blank=True)
    mode = models.CharField(max_length=10, choices=SheetMode.choices, default=SheetMode.DIGITAL)
    # The scanned paper sheet, checked by ocop.core.uploads and kept by ocop.core.storage with its checksum.
    scan = models.FileField(max_length=300, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    scan_name = models.CharField(max_length=255, blank=True)
    scan_content_type = models.CharField(max_length=100, blank=True)
    # Who last wrote the sheet: the member, or the council secretary entering a paper sheet on their behalf.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_dossier", "member"], name="evaluation_one_sheet_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"Phiếu #{self.pk} – {self.member.user}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    @property
    def is_paper(self) -> bool:
        return self.mode == SheetMode.PAPER

    @property
    def entered_on_behalf(self) -> bool:
        return self.entered_by_id is not None and self.entered_by_id != self.member.user_id


class ScoreLine(models.Model):
    """One criterion's score on a sheet: the chosen option, its points and the member's comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="lines")
    criterion = models.CharField(max_length=20)
    option = models.CharField(max_length=20)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="evaluation_one_line_per_criterion")
        ]


class ScoreSheetRevision(models.Model):
    """A snapshot of a sheet at each save or submission (*lịch sử phiếu*); never changed afterwards."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=SheetStatus.choices)
    snapshot = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="evaluation_revision_number_unique")
        ]
        ordering = ["sheet", "number"]


# Self-assessment and the help team's pre-check (issue 18) ---------------------------------------------------


class SelfAssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")


class SelfAssessment(models.Model):
    """The producer's self-assessment (*tự đánh giá sản phẩm theo Bộ tiêu chí*) of one dossier, on the official
    sheet of its product set, scored by the same engine as a council member's sheet. Nothing of it counts in
    the council's score. Once submitted it is locked, and its report (a PDF) fills the dossier's checklist item.
    """

    dossier = models.OneToOneField("cycle.Dossier", on_delete=models.PROTECT, related_name="self_assessment")
    rubric_version = models.ForeignKey("rubrics.RubricVersion", on_delete=models.PROTECT, related_name="+")
    product_set = models.CharField(max_length=20)
    legal_form = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=SelfAssessmentStatus.choices, default=SelfAssessmentStatus.DRAFT
    )
    total = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    parts = models.JSONField(default=dict, blank=True)
    band_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    eligible_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    # The generated report, kept as the dossier's document of the checklist item «self_assessment».
    report = models.ForeignKey(
        "cycle.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Tự đánh giá – {self.dossier}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SelfAssessmentStatus.SUBMITTED


class SelfAssessmentLine(models.Model):
    """The producer's answer on one criterion: the option claimed, its points and the producer's explanation."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="lines")
    criterion = models.CharField(max_length=20)
    option = models.CharField(max_length=20, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["self_assessment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "criterion"], name="evaluation_self_line_per_criterion"
            )
        ]


class PrecheckVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Minh chứng phù hợp")
    DOUBTFUL = "doubtful", _("Còn nghi vấn")
    MISSING = "missing", _("Thiếu minh chứng")


class PrecheckNote(models.Model):
    """The help team's check (*ý kiến của tổ giúp việc*) of one claim of a self-assessment against its evidence,
    made before the council scores; shown beside the criterion to the council, never counted in the score."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="prechecks")
    criterion = models.CharField(max_length=20)
    verdict = models.CharField("Kết luận", max_length=10, choices=PrecheckVerdict.choices)
    note = models.TextField("Ghi chú", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["self_assessment", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "criterion"], name="evaluation_precheck_per_criterion"
            )
        ]

    def __str__(self) -> str:  # the audit page names the target by it
        return f"{self.criterion}: {self.get_verdict_display()}"
