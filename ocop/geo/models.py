"""Administrative units of both generations and the mapping between them.

Since 1 July 2025 Vietnam has two levels of local government (provinces and communes); before, three
(provinces, districts, communes). Old records keep their old units; roll-ups follow `current_province`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Era(models.TextChoices):
    CURRENT = "current", _("Hiện hành (từ 01/7/2025)")
    LEGACY = "legacy", _("Trước 01/7/2025")


class Level(models.TextChoices):
    COUNTRY = "country", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


class AdminUnit(models.Model):
    """An administrative unit (*đơn vị hành chính*) of one generation, under its official code."""

    era = models.CharField(max_length=8, choices=Era.choices)
    level = models.CharField(max_length=8, choices=Level.choices)
    code = models.CharField(max_length=8)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=100)
    unit_type = models.CharField(max_length=30)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Where this unit rolls up today: itself for a current province, the province a legacy unit merged into.
    current_province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For communes: the current commune that holds it (a legacy commune's default successor).
    current_commune = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    search_text = models.CharField(max_length=300, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["era", "code"], name="geo_unit_unique_code_per_era")]
        indexes = [models.Index(fields=["era", "level", "code"]), models.Index(fields=["era", "parent"])]
        ordering = ["era", "level", "code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name with its parents, as Vietnamese addresses are written: `Xã A, Huyện B, Tỉnh C`."""
        names = [self.name]
        unit = self.parent
        while unit is not None and unit.level != Level.COUNTRY:
            names.append(unit.name)
            unit = unit.parent
        return ", ".join(names)


class UnitSuccession(models.Model):
    """A legacy unit became (part of) a current unit in the 2025 reform."""

    legacy = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successions")
    current = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessions")
    # When a legacy commune was split, the official default successor receives its records.
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["legacy", "current"], name="geo_succession_unique")]
