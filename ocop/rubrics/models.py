"""Rubric versions (*bộ tiêu chí*) and the product taxonomy each version defines.

The taxonomy belongs to the version: Decision 1048 (2019) and Decision 148 (2023) classify products
differently, and a product points at a product set of one version.
"""

from __future__ import annotations

from django.db import models


class RubricVersion(models.Model):
    """One official rubric (e.g. `2019` = Decision 1048/QĐ-TTg, `2023` = Decision 148/QĐ-TTg)."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    decision = models.CharField(max_length=100)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    # Once a score was given under it, a version never changes: a correction is a new version.
    frozen = models.BooleanField(default=False)

    class Meta:
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.code} – {self.decision}"


class TaxonLevel(models.TextChoices):
    GROUP = "group", "Nhóm / ngành"
    SUBGROUP = "subgroup", "Phân nhóm / nhóm"


class TaxonNode(models.Model):
    """A group or sub-group of the version's product taxonomy."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="taxa")
    level = models.CharField(max_length=10, choices=TaxonLevel.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="rubrics_product_set_unique_code")]
        ordering = ["version", "position", "code"]

    def __str__(self) -> str:
        return self.name
