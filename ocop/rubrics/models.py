"""Rubric versions (*bộ tiêu chí*) and the product taxonomy each version defines.

The taxonomy belongs to the version: Decision 1048 (2019) and Decision 148 (2023) classify products
differently, and a product points at a product set of one version.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RubricVersion(models.Model):
    """One official rubric (e.g. `2019` = Decision 1048/QĐ-TTg, `2023` = Decision 148/QĐ-TTg)."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    decision = models.CharField(max_length=100)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    # Once a score was given under it, what a score may have read never changes (a correction is a new
    # version); it may still gain sheets for sets never scored and fields no score reads (`freeze.py`).
    frozen = models.BooleanField(default=False)

    class Meta:
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.code} – {self.decision}"


class TaxonLevel(models.TextChoices):
    GROUP = "group", _("Nhóm / ngành")
    SUBGROUP = "subgroup", _("Phân nhóm / nhóm")


class TaxonNode(models.Model):
    """A group or sub-group of the version's product taxonomy."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="taxa")
    level = models.CharField(max_length=10, choices=TaxonLevel.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="rubrics_taxon_unique_code")]
        ordering = ["version", "position", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ProductSet(models.Model):
    """A product set (*bộ sản phẩm*): each has its own scoring sheet in its version."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="product_sets")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    group = models.ForeignKey(TaxonNode, on_delete=models.PROTECT, related_name="+")
    subgroup = models.ForeignKey(TaxonNode, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    ministry = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="rubrics_product_set_unique_code")
        ]
        ordering = ["version", "position", "code"]

    def __str__(self) -> str:
        return self.name


# -- Everything below is loaded from the version's data file by `services.rubric_version_load`; the engine
# -- reads the canonical document kept on `RubricVersionContent`, the tables serve references and queries.


class RubricVersionContent(models.Model):
    """The validated document of a version and its fingerprint: a frozen version whose file changed is refused."""

    version = models.OneToOneField(RubricVersion, on_delete=models.CASCADE, related_name="content")
    fingerprint = models.CharField(max_length=64)
    document = models.JSONField()
    source = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.version.code} @ {self.fingerprint[:12]}"


class Part(models.Model):
    """A part of the score (*phần* A, B, C) and its maximum."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(max_length=5)
    name = models.CharField(max_length=200)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="rubrics_part_unique_code")]
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class StarBand(models.Model):
    """A star band (*hạng sao*), half-open [lower, upper); the top band also holds `upper`."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="bands")
    stars = models.PositiveSmallIntegerField()
    lower = models.DecimalField(max_digits=6, decimal_places=2)
    upper = models.DecimalField(max_digits=6, decimal_places=2)
    recognised = models.BooleanField()
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "stars"], name="rubrics_band_unique_stars")]
        ordering = ["version", "stars"]

    def __str__(self) -> str:
        return f"{self.stars}★ [{self.lower}, {self.upper})"


class DutyPeriod(models.Model):
    """Who scores, recognises and forwards what, from `start` to `end` (*phân cấp đánh giá, công nhận*)."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="duty_periods")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=100)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "start"]

    def __str__(self) -> str:
        return f"{self.decision} {self.start}–{self.end or '…'}"


class LevelDuty(models.Model):
    period = models.ForeignKey(DutyPeriod, on_delete=models.CASCADE, related_name="duties")
    level = models.CharField(max_length=20)
    tasks = models.TextField()
    scores = models.BooleanField()
    recognises = models.JSONField(default=list)
    caps_higher_stars = models.BooleanField(default=False)
    forwards_to = models.CharField(max_length=20, blank=True)
    forwards_min_total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    assesses = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "level"], name="rubrics_duty_unique_level")]
        ordering = ["period", "position"]

    def __str__(self) -> str:
        return f"{self.level}: {self.tasks}"


class Sheet(models.Model):
    """The scoring sheet (*phiếu đánh giá*) of one product set in its version."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="sheets")
    product_set = models.OneToOneField(ProductSet, on_delete=models.CASCADE, related_name="sheet")
    source = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "product_set__position"]

    def __str__(self) -> str:
        return f"{self.version.code} · {self.product_set.code}"


class CriterionGroup(models.Model):
    """A criterion group of a sheet (*nhóm tiêu chí*, e.g. "1 TỔ CHỨC SẢN XUẤT")."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="groups")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="rubrics_group_unique_code")]
        ordering = ["sheet", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Criterion(models.Model):
    """A criterion (*tiêu chí*): score lines of the evaluation app point here and at the chosen `Option`."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="criteria")
    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    name = models.TextField()
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    note = models.TextField(blank=True)
    bonus = models.BooleanField(default=False)
    # Applies only when another criterion of the sheet scored at least this (*chỉ áp dụng khi…*).
    applies_when = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    applies_min_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="rubrics_criterion_unique_code")
        ]
        ordering = ["sheet", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OptionSet(models.Model):
    """One of a criterion's alternative option sets (*trường hợp*), possibly limited to some legal forms."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="option_sets")
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=200, blank=True)
    applies_to = models.CharField(max_length=300, blank=True)
    legal_forms = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="rubrics_option_set_unique_code")
        ]
        ordering = ["criterion", "position"]

    def __str__(self) -> str:
        return f"{self.criterion.code} / {self.code}"


class Option(models.Model):
    """An option of a criterion (*mức đánh giá*) and its points."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    option_set = models.ForeignKey(OptionSet, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(max_length=20)
    text = models.TextField()
    points = models.DecimalField(max_digits=6, decimal_places=2)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="rubrics_option_unique_code")
        ]
        ordering = ["criterion", "position"]

    def __str__(self) -> str:
        return f"{self.criterion.code}{self.code} ({self.points})"


class GateKind(models.TextChoices):
    DISQUALIFY = "disqualify", _("Bị loại nếu…")
    STOP = "stop", _("Không đánh giá các bước tiếp theo nếu…")


class Gate(models.Model):
    """A knock-out rule attached to a criterion: the product is out, or later criteria are not scored."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="gates")
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=GateKind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["criterion", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class MandatoryCriterion(models.Model):
    """Mandatory for `stars` and above (*tiêu chí bắt buộc*): a criterion's or a part's minimum points."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="mandatory")
    stars = models.PositiveSmallIntegerField()
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    min_points = models.DecimalField(max_digits=6, decimal_places=2)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["sheet", "stars"]

    def __str__(self) -> str:
        return f"{self.stars}★ ≥ {self.min_points}"


class HistoryImport(models.Model):
    """A batch of past recognition decisions imported from a province's spreadsheet (kept so it can be undone)."""

    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows})"


class HistoricalRecognition(models.Model):
    """A past recognition (*quyết định công nhận* before this system) as the province recorded it.

    The address keeps the units of its time (`unit`, legacy or current) and rolls up through
    `current_province`. `expires_on` is the last day its certificate was valid, dated as a certificate's
    `valid_until` by the rubric version loaded for the decision's date (`CertificateRule.valid_until`). Nothing turns these rows into certificates yet: they are kept, listed with their
    batch and undone with it, and neither the catalogue nor the expiry reminders read them.
    """

    batch = models.ForeignKey(HistoryImport, on_delete=models.CASCADE, related_name="recognitions")
    row_number = models.PositiveIntegerField()
    product_name = models.CharField(max_length=300)
    producer_name = models.CharField(max_length=300)
    address_as_written = models.CharField(max_length=500)
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    current_province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField(max_length=100)
    decision_date = models.DateField()
    level = models.CharField(max_length=20)
    rubric_version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="+")
    product_set_name = models.CharField(max_length=300, blank=True)
    expires_on = models.DateField()
    # The score falls in another band than the star, or the level could not recognise that star then.
    flagged = models.BooleanField(default=False)
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["current_province", "decision_date"])]

    def __str__(self) -> str:
        return f"{self.product_name} – {self.stars}★ ({self.decision_number})"
