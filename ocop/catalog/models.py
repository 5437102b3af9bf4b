"""The public catalogue (*tra cứu sản phẩm OCOP*): a search index of products and partner API keys.

`CatalogEntry` is a denormalised copy of what a result list shows, kept fresh by `catalog.services`
(`reindex_product`), so a page of results costs a fixed, small number of queries. The full-text index
beside it is built by the database: an FTS5 table on SQLite, a `tsvector` column on PostgreSQL (both
created by migration 0002, see docs/catalog.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ocop.certification.models import EffectiveStatus

# The certificate's state as the catalogue shows it → its label (the certification app's table).
CERTIFICATE_STATES = {state.value: state.label for state in EffectiveStatus}


_LISTED = models.Q(listed=True)


class CatalogEntry(models.Model):
    """One product as the public catalogue shows and searches it (*mục tra cứu*).

    `listed` is true only while the product holds an active certificate of 3 to 5 stars. The `*_text`
    columns are folded with `ocop.core.text.fold` (no diacritics, đ→d, lower case) and feed the index.
    """

    product = models.OneToOneField(
        "products.Product", primary_key=True, on_delete=models.CASCADE, related_name="catalog_entry"
    )
    # Foreign keys carry no index of their own: the composite indexes below serve every query.
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=255)
    # The name on the product's certificate when an approved rename changed it since ("trước đây: …").
    former_name = models.CharField(max_length=255, blank=True, default="")
    producer_name = models.CharField(max_length=255)
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+", db_index=False)
    province = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    legacy_province = models.ForeignKey(
        "geo.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    group_code = models.CharField(max_length=20, blank=True)
    group_name = models.CharField(max_length=300, blank=True)
    product_set_code = models.CharField(max_length=20, blank=True)
    product_set_name = models.CharField(max_length=300, blank=True)
    rubric_version = models.CharField(max_length=20, blank=True)

    listed = models.BooleanField(default=False)
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    certified_year = models.PositiveSmallIntegerField(null=True, blank=True)
    certificate_id = models.BigIntegerField(null=True, blank=True)
    certificate_number = models.CharField(max_length=60, blank=True)
    certificate_status = models.CharField(max_length=20, blank=True)
    certificate_valid_until = models.DateField(null=True, blank=True)
    certificate_qr = models.CharField(max_length=500, blank=True)
    photo_id = models.BigIntegerField(null=True, blank=True)  # the first product photo, for result lists

    name_text = models.CharField(max_length=300, blank=True)
    producer_text = models.CharField(max_length=300, blank=True)
    place_text = models.CharField(max_length=500, blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)
    # Position in display order (stars desc, name, id), kept by `catalog.display_order`; on SQLite the
    # full-text table's row id, so a search reads its matches in display order and stops after a page.
    display_order = models.BigIntegerField(unique=True)

    class Meta:
        indexes = [
            # Work over a set of matches (count, facets, ordering) reads this narrow index, never the rows.
            models.Index(
                fields=[
                    "product",
                    "listed",
                    "certificate_valid_until",
                    "stars",
                    "name_text",
                    "province",
                    "legacy_province",
                    "group_code",
                    "product_set_code",
                    "certified_year",
                ],
                name="catalog_entry_lookup",
            ),
            # Browsing without a query walks one of these in display order and stops after one page.
            models.Index(
                fields=["-stars", "name_text", "product"], condition=_LISTED, name="catalog_entry_browse"
            ),
            # Also covers counting by province (the map) and by stars and group (a province's page).
            models.Index(
                fields=[
                    "province",
                    "-stars",
                    "name_text",
                    "product",
                    "certificate_valid_until",
                    "group_code",
                ],
                condition=_LISTED,
                name="catalog_entry_province",
            ),
            models.Index(
                fields=["legacy_province", "-stars", "name_text", "product"],
                condition=_LISTED,
                name="catalog_entry_legacy_prov",
            ),
            models.Index(
                fields=["group_code", "-stars", "name_text", "product"],
                condition=_LISTED,
                name="catalog_entry_group",
            ),
            models.Index(fields=["producer", "-stars"], name="catalog_entry_producer"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def certificate_state(self) -> str:
        """The certificate's status today: an active one whose validity ran out is expired."""
        today = timezone.localdate()
        if (
            self.certificate_status == EffectiveStatus.ACTIVE
            and self.certificate_valid_until
            and self.certificate_valid_until < today
        ):
            return EffectiveStatus.EXPIRED.value
        return self.certificate_status

    @property
    def certificate_in_force(self) -> bool:
        return self.certificate_state == EffectiveStatus.ACTIVE

    @property
    def certificate_state_label(self) -> str:
        return str(CERTIFICATE_STATES.get(self.certificate_state, self.certificate_state))


class SearchWord(models.Model):
    """A folded word seen in the index: the vocabulary that corrects a typo when a search finds nothing.

    Words are added as products are indexed and never removed: a stale word only proposes a correction
    that finds nothing, which is the answer the search would give anyway.
    """

    word = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.word


class PartnerKey(models.Model):
    """An API key for a partner (*khóa API đối tác*), e.g. an e-commerce platform, with its rate limit.

    Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    """

    name = models.CharField("Đối tác", max_length=200)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    requests_per_minute = models.PositiveIntegerField("Số yêu cầu mỗi phút", default=600)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CatalogVersion(models.Model):
    """The catalogue's version (*phiên bản danh mục*): one row whose token changes whenever what the public
    sees may have changed (a reindex that rebuilt entries, a renumbering of the display order).

    Cached public answers (`catalog.page_cache`) and facet counts (`catalog.facet_cache`) are keyed by it, so a
    certification or a revocation reaches every process at once, whatever cache it uses. A random token, not a
    counter: a database restored from a backup never meets answers cached under its old numbers.
    """

    token = models.CharField(max_length=32)
    # Changes only with a bulk change (a full reindex, an import): facet counts of broad searches are kept
    # under it (`catalog.facet_cache`), so one certification does not make every broad search count again.
    bulk_token = models.CharField(max_length=32, default="0")
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token
