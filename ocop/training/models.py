"""Training courses (*lớp tập huấn*) of the OCOP programme and who attended them (*học viên*): officers by unit
and role, producers by organisation, imported from the organiser's attendance sheet (*danh sách học viên*)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CourseLevel(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class BudgetSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách Trung ương")
    LOCAL = "local", _("Ngân sách địa phương")
    SOCIAL = "social", _("Nguồn xã hội hóa, tài trợ")
    OTHER = "other", _("Nguồn khác")


class Course(models.Model):
    """A training course (*lớp tập huấn, bồi dưỡng*): topic, level, dates, organiser, budget and its source."""

    title = models.CharField("Tên lớp", max_length=300)
    topic = models.CharField("Chuyên đề", max_length=40)  # a code of data/topics.yaml
    level = models.CharField("Cấp tổ chức", max_length=10, choices=CourseLevel.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị tổ chức"
    )
    organiser = models.CharField("Đơn vị chủ trì", max_length=300)
    place = models.CharField("Địa điểm", max_length=300, blank=True)
    starts_on = models.DateField("Từ ngày")
    ends_on = models.DateField("Đến ngày")
    budget = models.DecimalField("Kinh phí (đồng)", max_digits=15, decimal_places=0, null=True, blank=True)
    budget_source = models.CharField(
        "Nguồn kinh phí", max_length=10, choices=BudgetSource.choices, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    unit_id: int

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_course_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AttendeeKind(models.TextChoices):
    OFFICER = "officer", _("Cán bộ")
    PRODUCER = "producer", _("Chủ thể OCOP")


class AttendanceImport(models.Model):
    """One attendance sheet applied to a course: the rows it added, kept for the record."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class Attendee(models.Model):
    """A person who attended a course (*học viên*): an officer of a unit, or a person of a producer."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendees")
    batch = models.ForeignKey(AttendanceImport, on_delete=models.CASCADE, related_name="attendees")
    row_number = models.PositiveIntegerField()
    kind = models.CharField("Đối tượng", max_length=10, choices=AttendeeKind.choices)
    full_name = models.CharField("Họ và tên", max_length=150)
    # fold(name) + the unit or producer: one person is counted once per course, however the name was typed
    person_key = models.CharField(max_length=250)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị"
    )
    position = models.CharField("Chức vụ", max_length=150, blank=True)
    in_charge = models.BooleanField("Cán bộ phụ trách OCOP", default=False)
    producer = models.ForeignKey(
        "producers.Producer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField("Điện thoại", max_length=20, blank=True)
    certificate_number = models.CharField("Số giấy chứng nhận", max_length=40)

    unit_id: int
    producer_id: int | None

    class Meta:
        ordering = ["course", "row_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person_key"], name="training_attendee_once_per_course"
            ),
            models.UniqueConstraint(fields=["certificate_number"], name="training_certificate_number_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name
