"""The OCOP cycle (*chu trình OCOP*): product ideas, business plans, and the evaluation dossiers routed from
the commune to the level that evaluates them.

Statuses are codes of the state tables in `data/routing.yaml` (see `workflow.py`), not database choices:
adding a state is a data change; code names states through `states.py`. Every change goes through `services/`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.cycle.states import DOSSIER, IDEA


class ApplicationType(models.TextChoices):
    FIRST = "first", _("Đánh giá lần đầu")
    UPGRADE = "upgrade", _("Nâng hạng")
    REEVALUATION = "reevaluation", _("Đánh giá lại")


class RoutedRecord(models.Model):
    """What ideas, plans and dossiers share: a status in a state table, who holds it, a deadline, a route."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    # The producer's commune when the record was made: every officer's scope is read through it.
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("Năm")
    status = models.CharField("Trạng thái", max_length=30, db_index=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField("Hạn xử lý", null=True, blank=True)
    # The route taken from the duty table on the day the record entered the cycle (routes.Route.as_data()).
    route = models.JSONField(default=dict, blank=True)
    # The route's two levels copied out of `route` so that queues filter on an index, not on JSON; written
    # only by `take_route` (the one place a route is set), filled for older rows by migration 0003.
    receiver_level = models.CharField(max_length=20, blank=True, default="")
    evaluator_level = models.CharField(max_length=20, blank=True, default="")
    # The level whose officers hold the record now (its state's holder resolved through the route: the
    # receiver's level, the evaluator's, or a level the state names), "" while the producer holds it or once it
    # is closed. What an officer's queue filters on (`selectors.waiting_on_q`), beside the unit: written by
    # every save from the status and the two levels (`follow_holder`), filled for older rows by migration 0005.
    held_by = models.CharField(max_length=20, blank=True, default="")
    return_reason = models.TextField("Lý do trả lại", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Every change adds one; forms and API calls that carry an older number are refused (409 "stale").
    version = models.PositiveIntegerField(default=1)

    # The ids Django sets beside the foreign keys above, named for type checkers.
    producer_id: int
    product_id: int
    unit_id: int

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.follow_holder()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "held_by" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "held_by"]
        super().save(*args, **kwargs)

    def take_route(self, route: dict) -> None:
        """Fix the record's route (routes.Route.as_data()) and the indexed copies of its levels together."""
        self.route = route
        self.receiver_level = route.get("receiver") or ""
        self.evaluator_level = route.get("evaluator") or ""
        self.follow_holder()

    def follow_holder(self) -> None:
        """Set `held_by` from the status and the route's levels (the state table says who holds a state).
        `save` calls it; code that writes records without `save` (bulk_create) calls it first."""
        from ocop.cycle.workflow import holding_level

        self.held_by = holding_level(self.WORKFLOW, self.status, self.receiver_level, self.evaluator_level)


class ProductIdea(RoutedRecord):
    """A product idea registered for a year (*đăng ký ý tưởng sản phẩm*), accepted by the commune."""

    WORKFLOW = "idea"

    summary = models.TextField("Mô tả ý tưởng")
    idea_origin = models.TextField("Nguồn gốc ý tưởng", blank=True)
    local_raw_materials = models.TextField("Nguyên liệu địa phương", blank=True)
    local_labour = models.TextField("Sử dụng lao động địa phương", blank=True)
    local_identity = models.TextField("Bản sắc, tri thức địa phương", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "year"],
                condition=~Q(status=IDEA.withdrawn),
                name="cycle_idea_one_per_product_year",
            )
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["unit", "held_by"])]

    def __str__(self) -> str:
        return f"Ý tưởng {self.year}: {self.product}"


class BusinessPlan(RoutedRecord):
    """A business plan (*phương án / dự án sản xuất kinh doanh*) carrying out an accepted idea."""

    WORKFLOW = "plan"

    idea = models.OneToOneField(ProductIdea, on_delete=models.PROTECT, related_name="plan")
    target_market = models.TextField("Thị trường mục tiêu", blank=True)
    production_capacity = models.CharField("Năng lực sản xuất", max_length=300, blank=True)
    raw_material_plan = models.TextField("Kế hoạch nguyên liệu", blank=True)
    investment_vnd = models.PositiveBigIntegerField("Tổng vốn đầu tư (đồng)", null=True, blank=True)
    expected_revenue_vnd = models.PositiveBigIntegerField(
        "Doanh thu dự kiến mỗi năm (đồng)", null=True, blank=True
    )
    workers_planned = models.PositiveIntegerField("Số lao động dự kiến", null=True, blank=True)
    marketing_plan = models.TextField("Kế hoạch tiếp thị, bán hàng", blank=True)
    timeline = models.TextField("Tiến độ thực hiện", blank=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["unit", "held_by"])]

    def __str__(self) -> str:
        return f"Phương án {self.year}: {self.product}"


def stored_path(instance, filename: str) -> str:
    # `filename` is already a generated name (ocop.core.uploads.generated_name); never the user's.
    return filename


class StoredDocument(models.Model):
    """A file checked by content (ocop.core.uploads) and stored under a generated name (ocop.core.storage);
    served only through a view that checks the reader's right."""

    file = models.FileField(upload_to=stored_path, max_length=255)
    original_name = models.CharField("Tên tệp", max_length=160)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file_sha256 = models.CharField(max_length=64)  # checked by `manage.py files_verify`
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class PlanAttachment(StoredDocument):
    """A file attached to a business plan (estimates, maps, contracts...)."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.PROTECT, related_name="attachments")

    class Meta:
        ordering = ["uploaded_at", "pk"]


class Dossier(RoutedRecord):
    """A dossier for evaluation and ranking (*hồ sơ đánh giá, phân hạng*) of one product in one year.

    Routed draft → submitted (commune) → checked → forwarded (to the evaluating level) → accepted for
    evaluation; the evaluation app adds the states after that. See docs/cycle.md.
    """

    WORKFLOW = "dossier"

    application_type = models.CharField(
        "Loại đăng ký", max_length=12, choices=ApplicationType.choices, default=ApplicationType.FIRST
    )
    target_stars = models.PositiveSmallIntegerField("Hạng sao đăng ký", null=True, blank=True)
    rubric_version = models.ForeignKey("rubrics.RubricVersion", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        BusinessPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="dossiers"
    )
    # Hook for upgrade and re-evaluation: the certificate being upgraded or renewed. A plain id because the
    # certification app sits above this one (it may not be imported here); it resolves and checks the link.
    previous_certificate_id = models.PositiveBigIntegerField(
        "Giấy chứng nhận trước đó", null=True, blank=True
    )
    checklist_version = models.CharField(max_length=20)
    # The checklist items that apply, frozen when the dossier is made or its application changes.
    checklist = models.JSONField(default=list)
    # The receiving level's own assessment, item by item (from 06/7/2025 the commune assesses four criteria).
    receiver_assessment = models.JSONField(default=dict, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "year"],
                condition=~Q(status=DOSSIER.withdrawn),
                name="cycle_dossier_one_per_product_year",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["year", "status"]),
            # The officers' queues, oldest deadline first: what waits on my level in my units (one range per
            # unit), what waits on my level in the whole country, and a status. The id is in the index so
            # that PostgreSQL too answers the queue's ids and counts from the index alone (SQLite's rowid is
            # in every index anyway).
            models.Index(fields=["unit", "held_by", "due_on", "id"], name="cycle_dossier_queue_held"),
            models.Index(fields=["held_by", "due_on", "id"], name="cycle_dossier_queue_level"),
            models.Index(fields=["unit", "status", "due_on"], name="cycle_dossier_queue_unit"),
            # "Show all" (every submitted dossier, not only what waits on me): in my units, in the country.
            models.Index(
                fields=["unit", "due_on", "id"],
                condition=Q(submitted_at__isnull=False),
                name="cycle_dossier_all_unit",
            ),
            models.Index(
                fields=["due_on", "id"], condition=Q(submitted_at__isnull=False), name="cycle_dossier_all"
            ),
        ]

    def __str__(self) -> str:
        return f"Hồ sơ {self.year}: {self.product}"


class Document(StoredDocument):
    """One file for one checklist item of a dossier. A new upload of the item supersedes the current one and
    keeps it (`is_current` false), so earlier versions stay readable."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    item = models.CharField("Thành phần hồ sơ", max_length=60)
    revision = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["item", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "item", "revision"], name="cycle_document_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["dossier", "item"], condition=Q(is_current=True), name="cycle_document_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class DossierTransition(models.Model):
    """One step of a dossier's history: who moved it, from which state to which, at which level, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30)
    to_status = models.CharField(max_length=30)
    level = models.CharField(max_length=20, blank=True)  # the acting level; empty for the producer
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class DossierMessage(models.Model):
    """A message on a dossier between the producer and the officers handling it (*trao đổi*)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class Notification(models.Model):
    """An in-app notice (*thông báo*) to one person, e.g. that a dossier changed state."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]


class EvidenceTag(models.Model):
    """A document cited as evidence for one criterion of the dossier's sheet (*viện dẫn minh chứng*): a file of
    the environmental permit for 1.5, a supermarket contract for 4.1. The criterion is a code of the sheet of
    the dossier's rubric version and product set, checked when the tag is made."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="evidence_tags")
    criterion = models.CharField("Tiêu chí", max_length=20)
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["criterion", "document_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "criterion"], name="cycle_evidence_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.criterion}"
