"""Reads of products for a user, already confined to what that user may see."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.policies import Capability, scope_ids_q
from ocop.core import statements
from ocop.core.errors import Invalid, NotFound
from ocop.core.listing import Listed, ValueRows
from ocop.core.text import fold
from ocop.producers.models import Producer, RecordChangeRequest
from ocop.producers.policies import member_producer_ids
from ocop.products.models import Product, ProductPhoto
from ocop.rubrics import selectors as rubric_selectors
from ocop.rubrics.models import ProductSet, RubricVersion
from ocop.rubrics.selectors import version_in_force


def _visible_q(user) -> Q:
    # The officer's units are resolved first (`unit_id IN (...)`): no join to the units table per product.
    return Q(producer_id__in=member_producer_ids(user)) | scope_ids_q(
        user, Capability.VIEW_WORK, "producer__unit"
    )


def products_visible_to(user) -> QuerySet[Product]:
    return Product.objects.filter(_visible_q(user)).select_related(
        "producer", "producer__unit", "product_set", "product_set__group", "product_set__version"
    )


def product_get(user, product_id) -> Product:
    try:
        return products_visible_to(user).get(pk=int(product_id))
    except (Product.DoesNotExist, TypeError, ValueError) as missing:
        raise NotFound(_("Không tìm thấy sản phẩm."), code="product_not_found") from missing


def products_search(user, *, q: str = "", producer_id: int | None = None) -> QuerySet[Product]:
    return _searched(products_visible_to(user), q=q, producer_id=producer_id)


def _searched(
    products: QuerySet[Product], *, q: str = "", producer_id: int | None = None
) -> QuerySet[Product]:
    if q:
        products = products.filter(search_text__contains=fold(q)[:100])
    if producer_id:
        products = products.filter(producer_id=producer_id)
    return products.order_by("name", "pk")


def photo_get(user, product_id, photo_id) -> ProductPhoto:
    product = product_get(user, product_id)
    try:
        return product.photos.get(pk=int(photo_id))
    except (ProductPhoto.DoesNotExist, TypeError, ValueError) as missing:
        raise NotFound(_("Không tìm thấy ảnh."), code="photo_not_found") from missing


def current_rubric_version(on=None) -> RubricVersion | None:
    """The rubric version in force on a day (today by default)."""
    return version_in_force(on or timezone.localdate())


def product_sets_of(version: RubricVersion | None) -> QuerySet[ProductSet]:
    if version is None:
        return ProductSet.objects.none()
    return (
        ProductSet.objects.filter(version=version)
        .select_related("group", "subgroup")
        .order_by("position", "code")
    )


def product_set_by_code(code: str, version_code: str | None = None) -> ProductSet:
    """A product set by its code in a rubric version (the one in force when none is named)."""
    version = (
        RubricVersion.objects.filter(code=version_code).first() if version_code else current_rubric_version()
    )
    if version is None:
        raise Invalid(
            _("Không có bộ tiêu chí «%(version)s».") % {"version": (version_code or "")[:20]},
            code="rubric_unknown",
        )
    product_set = ProductSet.objects.filter(version=version, code=(code or "").strip()).first()
    if product_set is None:
        raise Invalid(
            _("Bộ tiêu chí %(version)s không có bộ sản phẩm mã «%(code)s».")
            % {"version": version.code, "code": (code or "")[:20]},
            code="product_set_unknown",
        )
    return product_set


def change_lines(request: RecordChangeRequest) -> list[tuple[str, str, str]]:
    """(field, before, after) as a person reads them: a product set by its code and name."""
    model = Product if request.product_id else Producer
    sets = ProductSet.objects.in_bulk(
        [
            v
            for key in ("product_set",)
            for v in (request.old_values.get(key), request.new_values.get(key))
            if v
        ]
    )

    def shown(key: str, value) -> str:
        if key == "product_set" and value in sets:
            return f"{sets[value].code} – {sets[value].name}"
        return "" if value is None else str(value)

    return [
        (
            str(model._meta.get_field(key).verbose_name),
            shown(key, request.old_values.get(key)),
            shown(key, value),
        )
        for key, value in request.new_values.items()
    ]


def sheet_status(product_set: ProductSet) -> dict[str, str]:
    """Whether the set is scored on a digital sheet or on paper, and what that means (issue 12)."""
    mode = rubric_selectors.sheet_mode(product_set.version, product_set.code)
    return {"sheet_mode": mode, "sheet_mode_note": rubric_selectors.sheet_mode_help(mode)}


def products_listed(
    user,
    *,
    q: str = "",
    unit_q: Q | None = None,
    group: str = "",
    star: int | None = None,
    year: int | None = None,
) -> Listed:
    """The officers' product list, filtered by name, place, group, the stars of the certificate in force
    today and year of entry; its rows are read by `product_rows`."""
    return Listed.of(_products_listed, _visible_q(user), q, unit_q, group, star, year, timezone.localdate())


def _products_listed(
    visible: Q, q: str, unit_q: Q | None, group: str, star: int | None, year: int | None, today: date
) -> QuerySet[Product]:
    products = _searched(Product.objects.filter(visible), q=q)
    if unit_q:
        products = products.filter(unit_q)
    if group:
        products = products.filter(product_set__group__code=group)
    if star:
        in_force = _in_force(today).filter(product=OuterRef("pk")).values("stars")[:1]
        products = products.annotate(stars_in_force=Subquery(in_force)).filter(stars_in_force=star)
    if year:
        products = products.filter(created_at__year=year)
    return products


def _in_force(today: date):
    """Certificates in force on `today`. The certification app sits above this one: its model is looked up by
    name and asked which certificates are in force, as the producers' guarded fields do."""
    return apps.get_model("certification", "Certificate").objects.in_force(today)


def _add_stars_in_force(rows: list) -> None:
    """Each row's `stars_in_force`: the stars of its product's certificate in force (None without; a product
    has at most one, a constraint of the certificates' table)."""
    today = timezone.localdate()
    read = statements.rows_of_ids(  # compiled once a day: the ids are the statement's parameter
        (_add_stars_in_force, today),
        lambda where: _in_force(today).filter(where).order_by().values_list("product_id", "stars"),
        "product",
        [r.pk for r in rows],
    )
    stars = dict(read)
    for row in rows:
        row.stars_in_force = stars.get(row.pk)


# The product list's rows (`listing.ValueRows`): read by id as plain values.
product_rows = ValueRows(
    Product,
    {
        "name": "name",
        "set_code": "product_set__code",
        "set_name": "product_set__name",
        "group_name": "product_set__group__name",
        "producer_id": "producer_id",
        "producer_name": "producer__name",
        "unit_id": "producer__unit_id",
    },
    add=_add_stars_in_force,
)
