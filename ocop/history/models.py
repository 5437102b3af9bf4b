"""A province's past recognitions brought in as records (*nhập kết quả công nhận trước đây*): the uploaded file
with its preview and the officer's choices (`HistoryUpload`), and what applying it created or matched, row by
row (`ImportedRow`), so that undoing the batch removes exactly what it created."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Đã xem trước")
    QUEUED = "queued", _("Đang chờ ghi")
    APPLYING = "applying", _("Đang ghi")
    APPLIED = "applied", _("Đã ghi vào hệ thống")
    FAILED = "failed", _("Không ghi được")
    UNDONE = "undone", _("Đã hủy")


# The steps of the background run, as the upload page names them.
STAGES = {
    "queued": _("chờ đến lượt"),
    "reading": _("đọc và đối chiếu tệp"),
    "checking": _("kiểm tra lại các dòng"),
    "writing": _("ghi vào cơ sở dữ liệu"),
    "done": _("xong"),
}

STAGE_PERCENT = {"queued": 0, "reading": 5, "checking": 50, "writing": 55, "done": 100}


class HistoryUpload(models.Model):
    """A file of past recognitions an officer uploaded (*tệp kết quả công nhận trước đây*): kept with its last
    preview (every row's matches and problems), the merge/split choices per producer group, and the progress of
    the background run that applies it."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Whose work it is on /tasks/ and this page: the province of the officer's role (None: the centre).
    unit = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file = models.FileField(max_length=300)
    file_sha256 = models.CharField(max_length=64)  # checked by `manage.py files_verify`
    mapping = models.JSONField(default=dict, blank=True)
    # Producer group key → "new" (split: a producer of its own) or an existing producer's id (merge).
    choices = models.JSONField(default=dict, blank=True)
    rows = models.JSONField(default=list, blank=True)  # the last preview, one dict per row
    file_issues = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.PREVIEWED)
    stage = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    task_run = models.ForeignKey(
        "tasks.TaskRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.OneToOneField(
        "rubrics.HistoryImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def ok(self) -> bool:
        return self.row_count > 0 and self.error_count == 0 and not self.file_issues

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))

    @property
    def percent(self) -> int:
        """How far the run is, by its step: reading and matching take about half of it, writing the rest."""
        return STAGE_PERCENT.get(self.stage, 0)


class ImportedRow(models.Model):
    """One applied row: the producer, product and decision it matched or created, and the certificate it
    recorded (always created)."""

    batch = models.ForeignKey("rubrics.HistoryImport", on_delete=models.PROTECT, related_name="records")
    row_number = models.PositiveIntegerField()
    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    producer_created = models.BooleanField(default=False)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    product_created = models.BooleanField(default=False)
    decision = models.ForeignKey(
        "certification.RecognitionDecision", on_delete=models.PROTECT, related_name="+"
    )
    decision_created = models.BooleanField(default=False)
    certificate = models.OneToOneField(
        "certification.Certificate", on_delete=models.PROTECT, related_name="imported_row"
    )

    class Meta:
        ordering = ["batch", "row_number"]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.row_number}"
