"""Products (*sản phẩm*) of producers, classified in a product set of a rubric version."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Product(models.Model):
    """A good or service of local origin that a producer brings to OCOP."""

    producer = models.ForeignKey("producers.Producer", on_delete=models.PROTECT, related_name="products")
    name = models.CharField("Tên sản phẩm", max_length=255)
    product_set = models.ForeignKey(
        "rubrics.ProductSet", on_delete=models.PROTECT, related_name="+", verbose_name="Bộ sản phẩm"
    )
    description = models.TextField("Mô tả", blank=True)
    story = models.TextField("Câu chuyện sản phẩm", blank=True)
    search_text = models.CharField(max_length=500, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Edit forms carry this number; a stale one is refused ("someone else changed this").
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
