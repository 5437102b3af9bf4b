"""Programme plans (*kế hoạch thực hiện Chương trình OCOP*) with their targets and activities, the stored values of
the indicators (the summary the dashboards read), and the reports sent upward (*báo cáo kết quả thực hiện*).

Indicators themselves are data (`data/indicators.yaml`, read by `catalogue`): a target names one by its code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProgrammePlan(models.Model):
    """A unit's OCOP plan for a year or a period (*kế hoạch thực hiện Chương trình OCOP*), adopted by a decision."""

    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị"
    )
    year_from = models.PositiveSmallIntegerField("Từ năm")
    year_to = models.PositiveSmallIntegerField("Đến năm")
    title = models.CharField("Tên kế hoạch", max_length=300)
    decision_number = models.CharField("Số quyết định, văn bản ban hành", max_length=60, blank=True)
    decision_date = models.DateField("Ngày ban hành", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Edit forms carry this number; a stale one is refused ("someone else changed this").
    version = models.PositiveIntegerField(default=1)

    unit_id: int

    class Meta:
        ordering = ["-year_from", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year_from", "year_to"], name="planning_one_plan_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(year_to__gte=models.F("year_from")), name="planning_period_in_order"
            ),
        ]
        indexes = [models.Index(fields=["unit", "year_from", "year_to"])]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"

    def covers(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to


class TargetKind(models.TextChoices):
    NUMBER = "number", _("Một số")
    RANGE = "range", _("Khoảng (từ … đến …)")
    SHARE = "share", _("Tỷ lệ (%)")


class PlanTarget(models.Model):
    """A target (*chỉ tiêu*) of a plan for one indicator: a number, a range, or a share in percent."""

    plan = models.ForeignKey(ProgrammePlan, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField(default=0)
    indicator = models.CharField("Chỉ tiêu", max_length=60)
    kind = models.CharField(
        "Loại chỉ tiêu", max_length=8, choices=TargetKind.choices, default=TargetKind.NUMBER
    )
    value = models.DecimalField("Giá trị", max_digits=14, decimal_places=2)
    value_max = models.DecimalField("Giá trị tối đa", max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=300, blank=True)

    plan_id: int

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator"], name="planning_target_once_per_plan"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="planning_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class PlanActivity(models.Model):
    """An activity of a plan (*nhiệm vụ, hoạt động*): who carries it out, when, with what budget from where."""

    plan = models.ForeignKey(ProgrammePlan, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField("Nội dung", max_length=300)
    agency = models.CharField("Cơ quan chủ trì", max_length=200, blank=True)
    timing = models.CharField("Thời gian thực hiện", max_length=100, blank=True)
    budget_vnd = models.DecimalField(
        "Kinh phí (đồng)", max_digits=16, decimal_places=0, null=True, blank=True
    )
    budget_source = models.CharField("Nguồn kinh phí", max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_vnd__isnull=True) | models.Q(budget_vnd__gte=0),
                name="planning_budget_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """The stored value of an indicator for a current unit (or the country) and a year: the summary table the
    dashboards and the API read. Rebuilt from the records after each change that can move it
    (`planning.signals`); a missing row is computed on first read. `value` is None for "no data"."""

    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    unit_id: int

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "code"], name="planning_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}: {self.value}"


class StaleUnit(models.Model):
    """A unit whose stored values a change has made stale; the refresh task recomputes them and removes the mark."""

    unit = models.OneToOneField("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Đang tạo")
    READY = "ready", _("Đã tạo xong")
    FAILED = "failed", _("Không tạo được")


def report_file_name(instance, filename: str) -> str:
    return filename  # always a generated name (ocop.core.storage)


class ProgrammeReport(models.Model):
    """A report upward (*báo cáo kết quả thực hiện Chương trình OCOP*) of a unit for a year, as XLSX and PDF."""

    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị"
    )
    year = models.PositiveSmallIntegerField("Năm")
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    xlsx = models.FileField(upload_to=report_file_name, max_length=255, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=report_file_name, max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    unit_id: int

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
