"""Keeping the catalogue index fresh and issuing partner API keys.

The index is derived data. The apps below the catalogue (products, producers, certification) may not
import it, so they ask for a reindex by task name after they change a product, its producer, its photos or
its certificate: `enqueue("catalog.reindex_products", product_ids=[...])` (ocop.tasks; it runs after their
commit). Apps above it (demo, promotion) call `reindex_product(product)` directly. Whatever is missed is
caught up by `refresh_index()`, a periodic job every minute, and `reindex_all()` nightly. No signals.
Full-text structures follow the entry rows by themselves (triggers on SQLite, a generated column on
PostgreSQL).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.catalog import display_order, index_sql, version
from ocop.catalog.models import CatalogEntry, PartnerKey, SearchWord
from ocop.catalog.policies import why_not_manage_partner_keys
from ocop.catalog.search import vocabulary_words
from ocop.certification.models import Certificate, CertificateStatus, EffectiveStatus
from ocop.certification.selectors import api_status, certificate_qr_text
from ocop.core.errors import Forbidden, Invalid
from ocop.core.text import fold, nfc
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.products.models import PhotoKind, Product, ProductPhoto
from ocop.rubrics.selectors import engine_versions, in_force

# `display_order` is not rewritten by a reindex: `display_order.place` moves only the entries that need it.
_ENTRY_FIELDS = [
    f.name
    for f in CatalogEntry._meta.concrete_fields
    if f.name not in ("product", "display_order") and not f.primary_key
]


# --- places: where a product is, in both generations of units -------------------------------------


@dataclass(frozen=True)
class Place:
    province_id: int | None
    legacy_province_id: int | None
    text: str


def _province_of(unit: AdminUnit | None) -> AdminUnit | None:
    while unit is not None and unit.level != Level.PROVINCE:
        unit = unit.parent
    return unit


def places_for(commune_ids: Iterable[int]) -> dict[int, Place]:
    """For each commune: its current province, its legacy province and the folded names of both trees.

    A current commune is also found under the names of the legacy communes, districts and province it
    absorbed (`HA GIANG` finds a product of Đồng Văn, Tuyên Quang); a legacy one under its successors'.
    Three queries whatever the number of communes.
    """
    ids = set(commune_ids)
    units = AdminUnit.objects.filter(id__in=ids).select_related(
        "parent__parent", "current_province", "current_commune"
    )
    predecessors: dict[int, list[AdminUnit]] = {}
    successions = UnitSuccession.objects.filter(current_id__in=ids).select_related("legacy__parent__parent")
    for succession in successions.order_by("legacy__code"):
        predecessors.setdefault(succession.current_id, []).append(succession.legacy)
    places = {}
    for unit in units:
        names = [unit.short_name]
        legacy_province = None
        if unit.era == Era.CURRENT:
            province = unit.current_province or _province_of(unit)
            names.append(province.short_name if province else "")
            for legacy in predecessors.get(unit.id, []):
                old_province = _province_of(legacy)
                legacy_province = legacy_province or old_province
                names += [legacy.short_name, legacy.parent.short_name if legacy.parent else ""]
                names.append(old_province.short_name if old_province else "")
        else:
            province = unit.current_province
            legacy_province = _province_of(unit)
            names += [unit.parent.short_name if unit.parent else ""]
            names.append(legacy_province.short_name if legacy_province else "")
            names.append(unit.current_commune.short_name if unit.current_commune else "")
            names.append(province.short_name if province else "")
        unique = list(dict.fromkeys(fold(name) for name in names if name))
        places[unit.id] = Place(
            province_id=province.id if province else None,
            legacy_province_id=legacy_province.id if legacy_province else None,
            text=" ".join(unique)[:500],
        )
    return places


# --- certificates: what the certification app says about a product ---------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    id: int
    number: str
    stars: int
    status: str
    valid_until: date | None
    issued_on: date | None
    qr: str
    product_name: str = ""  # the name the certificate was issued for (its snapshot)
    # The stars a certificate may carry under the rubric version in force when it was issued (its bands
    # marked `recognised`: 3★–5★ in both shipped versions).
    recognised_stars: frozenset[int] = frozenset()

    @property
    def recognised(self) -> bool:
        return self.status == EffectiveStatus.ACTIVE and self.stars in self.recognised_stars


def certificates_for(product_ids: Iterable[int]) -> dict[int, CertificateFacts]:
    """Each product's certificate to show: the active one, else the latest (revoked, superseded). One query."""
    facts: dict[int, CertificateFacts] = {}
    today = timezone.localdate()
    versions = engine_versions()
    certificates = Certificate.objects.filter(product_id__in=list(product_ids)).order_by("-issued_on", "-id")
    for certificate in certificates.only(
        "id",
        "product_id",
        "number",
        "stars",
        "status",
        "valid_until",
        "issued_on",
        "qr_payload",
        "product_name",
    ):
        known = facts.get(certificate.product_id)
        if known is not None and (
            known.status == EffectiveStatus.ACTIVE or certificate.status != CertificateStatus.ACTIVE
        ):
            continue
        facts[certificate.product_id] = CertificateFacts(
            id=certificate.id,
            number=certificate.number,
            stars=certificate.stars,
            status=api_status(certificate, today),
            valid_until=certificate.valid_until,
            issued_on=certificate.issued_on,
            qr=certificate_qr_text(certificate),
            product_name=certificate.product_name,
            recognised_stars=_recognised_stars(versions, certificate.issued_on),
        )
    return facts


def _recognised_stars(versions, issued_on: date | None) -> frozenset[int]:
    version = in_force(versions, issued_on) if issued_on else None
    return version.recognised_stars if version is not None else frozenset()


# --- the index ----------------------------------------------------------------------------------------


def photos_for(product_ids: Iterable[int]) -> dict[int, int]:
    """The first photo of each product (not its packaging or label), for result lists. One query."""
    first: dict[int, int] = {}
    photos = ProductPhoto.objects.filter(product_id__in=list(product_ids), kind=PhotoKind.PHOTO)
    for product_id, photo_id in photos.order_by("-uploaded_at", "-pk").values_list("product_id", "pk"):
        first[product_id] = photo_id
    return first


def _entry(
    product: Product, place: Place | None, certificate: CertificateFacts | None, photo_id: int | None
) -> CatalogEntry:
    producer = product.producer
    product_set = product.product_set
    group = product_set.group
    listed = certificate is not None and certificate.recognised
    certified_name = certificate.product_name if certificate else ""
    former_name = certified_name if certified_name and certified_name != product.name else ""
    return CatalogEntry(
        product_id=product.id,
        producer_id=producer.id,
        name=product.name,
        former_name=former_name,
        producer_name=producer.name,
        commune_id=producer.unit_id,
        province_id=place.province_id if place else None,
        legacy_province_id=place.legacy_province_id if place else None,
        group_code=group.code if group else "",
        group_name=group.name if group else "",
        product_set_code=product_set.code,
        product_set_name=product_set.name,
        rubric_version=product_set.version.code,
        listed=listed,
        stars=certificate.stars if certificate else None,
        certified_year=certificate.issued_on.year if certificate and certificate.issued_on else None,
        certificate_id=certificate.id if certificate else None,
        certificate_number=certificate.number if certificate else "",
        certificate_status=certificate.status if certificate else "",
        certificate_valid_until=certificate.valid_until if certificate else None,
        certificate_qr=certificate.qr if certificate else "",
        photo_id=photo_id,
        # Searching finds a renamed product by the name on its certificate too.
        name_text=fold(f"{product.name} {former_name}".strip())[:300],
        producer_text=fold(f"{producer.name} {producer.tax_code or ''}")[:300],
        place_text=place.text if place else "",
        indexed_at=timezone.now(),
        display_order=-product.id,  # a new entry's provisional number; placed after the save
    )


def _products(ids: Iterable[int]):
    return (
        Product.objects.filter(id__in=list(ids))
        .select_related("producer", "product_set__group", "product_set__version")
        .only(
            "id",
            "name",
            "producer__id",
            "producer__name",
            "producer__tax_code",
            "producer__unit_id",
            "product_set__code",
            "product_set__name",
            "product_set__group__code",
            "product_set__group__name",
            "product_set__version__code",
        )
    )


def _save(entries: list[CatalogEntry]) -> None:
    CatalogEntry.objects.bulk_create(
        entries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=_ENTRY_FIELDS,
    )
    words: set[str] = set()
    for entry in entries:
        words |= vocabulary_words(f"{entry.name_text} {entry.producer_text} {entry.place_text}")
    if words:
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in sorted(words)], batch_size=1000, ignore_conflicts=True
        )


@transaction.atomic
def reindex_products(
    product_ids: Iterable[int],
    *,
    batch: int = 2000,
    places: dict[int, Place] | None = None,
    order: bool = True,
) -> int:
    """Rebuild the entries of these products (a fixed number of queries per batch). Returns how many.

    `places` may carry communes already resolved by an earlier call (a full rebuild shares one). The
    entries whose stars, name or listing changed then move to their place in display order (`order=False`:
    the caller renumbers everything afterwards)."""
    ids = sorted(set(product_ids))
    before = display_order.keys_of(ids) if order else {}
    places = {} if places is None else places
    done = 0
    for start in range(0, len(ids), batch):
        products = list(_products(ids[start : start + batch]))
        communes = {p.producer.unit_id for p in products} - set(places)
        if communes:
            places.update(places_for(communes))
        certificates = certificates_for([p.id for p in products])
        photos = photos_for([p.id for p in products])
        _save(
            [
                _entry(p, places.get(p.producer.unit_id), certificates.get(p.id), photos.get(p.id))
                for p in products
            ]
        )
        done += len(products)
    if order:
        display_order.place(before, ids)
    if done:
        # Cached answers of the old catalogue are not read again; facet counts neither, after a bulk change.
        version.bump(bulk=len(ids) > display_order.RENUMBER_ABOVE)
    return done


def reindex_product(product: Product) -> CatalogEntry:
    """Call after creating or changing a product or its certificate; returns the fresh entry."""
    reindex_products([product.id])
    return CatalogEntry.objects.get(product_id=product.id)


def reindex_producer(producer) -> int:
    """Call after a producer's name, tax code or unit changes: every product of it shows them."""
    return reindex_products(Product.objects.filter(producer=producer).values_list("id", flat=True))


def reindex_all(*, batch: int = 2000) -> int:
    """Rebuild every entry (after a bulk load, or to repair). Stale entries of deleted products cascade."""
    ids = list(Product.objects.order_by("id").values_list("id", flat=True))
    places: dict[int, Place] = {}
    total = 0
    for start in range(0, len(ids), batch * 5):
        total += reindex_products(ids[start : start + batch * 5], batch=batch, places=places, order=False)
    display_order.renumber()
    version.bump(bulk=True)
    index_sql.refresh_statistics()
    return total


def stale_product_ids(*, limit: int = 20_000) -> list[int]:
    """Products whose entry is missing or older than the product, its photos or its certificates."""
    entry_time = "product__catalog_entry__indexed_at"
    missing = Product.objects.filter(catalog_entry__isnull=True).values_list("id", flat=True)[:limit]
    edited = Product.objects.filter(updated_at__gt=F("catalog_entry__indexed_at")).values_list(
        "id", flat=True
    )
    certified = Certificate.objects.filter(
        Q(created_at__gt=F(entry_time))
        | Q(ended_at__gt=F(entry_time))
        | Q(product__catalog_entry__isnull=True)
    ).values_list("product_id", flat=True)
    photographed = ProductPhoto.objects.filter(uploaded_at__gt=F(entry_time)).values_list(
        "product_id", flat=True
    )
    ids: set[int] = set(missing)
    for query in (edited, certified, photographed):
        ids.update(query[:limit])
    return sorted(ids)[:limit]


def refresh_index() -> int:
    """Catch the index up with every change it was not told about. Returns how many entries were rebuilt."""
    count = reindex_products(stale_product_ids())
    if count > 5000:
        index_sql.refresh_statistics()
    return count


# --- partner API keys ---------------------------------------------------------------------------------


def _check_manager(actor) -> None:
    refusal = why_not_manage_partner_keys(actor)
    if refusal:
        raise Forbidden(refusal, code="partner_keys_forbidden")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def partner_key_issue(*, actor, name: str, requests_per_minute: int = 600) -> tuple[PartnerKey, str]:
    """Issue a key for a partner; the key itself is returned once and never stored."""
    _check_manager(actor)
    name = nfc(name)
    if not name:
        raise Invalid(_("Cần tên đối tác."), code="partner_name_required")
    if not 1 <= requests_per_minute <= 100_000:
        raise Invalid(_("Giới hạn phải từ 1 đến 100.000 yêu cầu mỗi phút."), code="bad_rate_limit")
    prefix = secrets.token_hex(4)
    key = f"ocop_{prefix}_{secrets.token_urlsafe(24)}"
    partner = PartnerKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        requests_per_minute=requests_per_minute,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        actor=actor,
        action="partner_key.issue",
        target=partner,
        data={"prefix": prefix, "requests_per_minute": requests_per_minute},
    )
    return partner, key


@transaction.atomic
def partner_key_revoke(*, actor, partner: PartnerKey, reason: str = "") -> PartnerKey:
    _check_manager(actor)
    partner = PartnerKey.objects.select_for_update().get(pk=partner.pk)
    if partner.revoked_at is None:
        partner.revoked_at = timezone.now()
        partner.save(update_fields=["revoked_at"])
        record_event(actor=actor, action="partner_key.revoke", target=partner, reason=reason)
    return partner


def partner_for_key(key: str) -> PartnerKey | None:
    """The active partner holding this key, or None. Called once per API request that sends a key."""
    key = (key or "").strip()
    if not key.startswith("ocop_") or len(key) > 100:
        return None
    partner = PartnerKey.objects.filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if partner is not None:
        now = timezone.now()
        # One write a minute at most: the timestamp is for "is this key still used", not an access log.
        if partner.last_used_at is None or (now - partner.last_used_at).total_seconds() > 60:
            PartnerKey.objects.filter(pk=partner.pk).update(last_used_at=now)
    return partner
