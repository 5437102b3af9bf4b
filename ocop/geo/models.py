"""Administrative units of both generations and the mapping between them.

Since 1 July 2025 Vietnam has two levels of local government (provinces and communes); before, three
(provinces, districts, communes). Old records keep their old units; roll-ups follow `current_province`.
"""

from __future__ import annotations

from django.conf import settings
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


class UnitFormerName(models.Model):
    """A name a legacy unit (or a unit merged into it) carried before the snapshot ocop loads (*tên cũ*).

    Read from the `vietnamadminunits` package (its `wardAlias` and `districtAlias` columns): the package gives
    the names, not the dates of the changes. `key` is the name folded without spaces, as the package keys it
    ("thitranchu" for "Thị trấn Chũ"), with or without its unit type.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="former_names")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="geo_former_name_unique")]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.unit.name}"


class AddressAlias(models.Model):
    """An address as a province writes it, and the unit an officer said it means (*địa chỉ đã ghép đơn vị*).

    Remembered per current province: once an officer picks the unit for "Thị trấn Chũ, huyện Lục Ngạn", every
    later row and file of that province that writes the same place lands there. `key` is the folded unit part
    of the address (`ocop.geo.addresses.alias_key`); `written` keeps the text as first seen.
    """

    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="address_aliases")
    key = models.CharField(max_length=300)
    written = models.CharField(max_length=500)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "key"], name="geo_alias_unique_key")]
        ordering = ["province", "key"]

    def __str__(self) -> str:
        return f"{self.written} → {self.unit.full_name}"
