"""Actions on trade-promotion records: events and who took part, shops and what they carry, e-commerce
listings and their link checks, gift sets. Confirmations follow `policies.CONFIRMATION_MOVES`.

Every function runs in one transaction, checks the actor's right through `policies`, and records an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Invalid
from ocop.core.text import fold, nfc
from ocop.cycle.notifications import notify_people
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import Product
from ocop.promotion import platforms
from ocop.promotion.models import (
    Confirmation,
    Event,
    EventKind,
    EventLevel,
    GiftSet,
    GiftSetItem,
    LinkState,
    Listing,
    Participation,
    Shop,
    ShopProduct,
)
from ocop.promotion.policies import (
    CONFIRMATION_MOVES,
    officer_refusal,
    refusal_for,
    reported_by_officer,
    reporter_refusal,
)
from ocop.promotion.selectors import certified_products

MAX_SALES_VND = 10**15  # a quadrillion đồng: beyond any fair, within a 64-bit column
MAX_COUNT = 1_000_000
MAX_URL = 500


# --- checks on input -------------------------------------------------------------------------------------------


def _text(value, field: str, *, limit: int, required: bool = True) -> str:
    text = " ".join(nfc(value or "").split())
    if required and not text:
        raise Invalid(_("Hãy nhập «%(field)s».") % {"field": field}, code="promotion_field_invalid")
    if len(text) > limit:
        raise Invalid(
            _("«%(field)s» dài quá %(max)s ký tự.") % {"field": field, "max": limit},
            code="promotion_field_invalid",
        )
    return text


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise Invalid(
            _("«%(field)s» không hợp lệ: chọn một trong %(values)s.")
            % {"field": field, "values": ", ".join(choices.values)},
            code="promotion_field_invalid",
        )
    return value


def _date(value, field: str) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise Invalid(
            _("Hãy nhập «%(field)s» (ngày/tháng/năm).") % {"field": field}, code="promotion_field_invalid"
        )
    return value


def _count(value, field: str, *, maximum: int = MAX_COUNT) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise Invalid(
            _("«%(field)s» phải là số nguyên từ 0 đến %(max)s.") % {"field": field, "max": f"{maximum:,}"},
            code="promotion_number_invalid",
        )
    return value


def _unit(unit: AdminUnit | None, *, levels: tuple[str, ...], what: str) -> AdminUnit:
    """A current unit of one of `levels`: a legacy unit or a unit that does not exist is refused."""
    if not isinstance(unit, AdminUnit) or unit.era != Era.CURRENT or unit.level not in levels:
        raise Invalid(
            _("Hãy chọn %(what)s hiện hành (sau sắp xếp 01/7/2025).") % {"what": what},
            code="promotion_unit_unknown",
        )
    return unit


def _refuse(refusal) -> None:
    if refusal is not None:
        refusal.raise_it()


def clean_url(raw) -> str:
    """An http(s) link, as typed but trimmed; anything else (ftp:, javascript:, a bare name) is refused."""
    url = (raw or "").strip()
    valid = 0 < len(url) <= MAX_URL and url.lower().startswith(("http://", "https://"))
    if valid:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            valid = False
    if not valid:
        raise Invalid(
            _("Liên kết phải là địa chỉ web bắt đầu bằng http:// hoặc https:// (tối đa %(max)s ký tự).")
            % {"max": MAX_URL},
            code="listing_url_invalid",
        )
    return url


# --- events ------------------------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    actor,
    name: str,
    unit: AdminUnit | None,
    starts_on,
    ends_on,
    organiser: str,
    kind: str = EventKind.FAIR,
    level: str = EventLevel.PROVINCE,
    venue: str = "",
) -> Event:
    """An officer enters a fair, exhibition or OCOP week held in their area."""
    unit = _unit(unit, levels=(Level.PROVINCE, Level.COMMUNE), what=_("tỉnh, thành phố hoặc xã, phường"))
    _refuse(officer_refusal(actor, unit))
    name = _text(name, _("Tên sự kiện"), limit=255)
    organiser = _text(organiser, _("Đơn vị tổ chức"), limit=255)
    venue = _text(venue, _("Địa điểm"), limit=300, required=False)
    kind = _choice(kind, EventKind, _("Loại sự kiện"))
    level = _choice(level, EventLevel, _("Cấp sự kiện"))
    starts_on, ends_on = _date(starts_on, _("Ngày bắt đầu")), _date(ends_on, _("Ngày kết thúc"))
    if ends_on < starts_on:
        raise Invalid(
            _("Sự kiện kết thúc (%(ends)s) trước khi bắt đầu (%(starts)s).")
            % {"ends": ends_on.strftime("%d/%m/%Y"), "starts": starts_on.strftime("%d/%m/%Y")},
            code="event_dates_reversed",
        )
    event = Event.objects.create(
        name=name,
        kind=kind,
        level=level,
        unit=unit,
        venue=venue,
        starts_on=starts_on,
        ends_on=ends_on,
        organiser=organiser,
        search_text=fold(f"{name} {organiser} {venue} {unit.name}"),
        created_by=actor,
    )
    record_event(actor=actor, action="event.create", target=event, unit=unit, data={"name": name})
    return event


@transaction.atomic
def participation_record(
    *,
    actor,
    event: Event,
    product: Product,
    sales_vnd: int | None = 0,
    contracts: int | None = 0,
    buyers_met: int | None = 0,
    note: str = "",
) -> Participation:
    """A product took part in an event, with its results. The producer's own report waits for an officer; an
    officer's entry is confirmed at once."""
    _refuse(reporter_refusal(actor, product))
    if event.starts_on > timezone.localdate():
        raise Invalid(
            _("Sự kiện bắt đầu ngày %(day)s: kết quả tham gia được ghi nhận từ ngày đó.")
            % {"day": event.starts_on.strftime("%d/%m/%Y")},
            code="event_not_started",
        )
    values = {
        "sales_vnd": _count(sales_vnd, _("Doanh số bán (đồng)"), maximum=MAX_SALES_VND),
        "contracts": _count(contracts, _("Số hợp đồng, biên bản ghi nhớ")),
        "buyers_met": _count(buyers_met, _("Số đối tác, khách buôn đã gặp")),
        "note": _text(note, _("Ghi chú"), limit=500, required=False),
    }
    if Participation.objects.filter(event=event, product=product).exists():
        raise Conflict(_("Sản phẩm này đã được ghi nhận tại sự kiện."), code="participation_exists")
    by_officer = reported_by_officer(actor, product)
    now = timezone.now()
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                event=event,
                product=product,
                producer=product.producer,
                status=Confirmation.CONFIRMED if by_officer else Confirmation.PENDING,
                recorded_by=actor,
                confirmed_by=actor if by_officer else None,
                confirmed_at=now if by_officer else None,
                **values,
            )
    except IntegrityError as twice:  # a second request that passed the check at the same moment
        raise Conflict(
            _("Sản phẩm này đã được ghi nhận tại sự kiện."), code="participation_exists"
        ) from twice
    record_event(
        actor=actor,
        action="participation.record",
        target=participation,
        unit=product.producer.unit,
        data={"event": event.pk, "product": product.pk, "status": participation.status, **values},
    )
    return participation


def _move(record, action: str) -> str:
    return CONFIRMATION_MOVES[(record.status, action)]


def _tell_recorder(record, *, actor, title: str, url: str) -> None:
    notify_people(people=[record.recorded_by], actor=actor, unit=record.producer.unit, title=title, url=url)


@transaction.atomic
def participation_confirm(*, actor, participation: Participation) -> Participation:
    participation = (
        Participation.objects.select_for_update()
        .select_related("producer__unit", "event", "product")
        .get(pk=participation.pk)
    )
    _refuse(refusal_for(actor, "confirm", participation))
    participation.status = _move(participation, "confirm")
    participation.confirmed_by, participation.confirmed_at = actor, timezone.now()
    participation.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record_event(
        actor=actor, action="participation.confirm", target=participation, unit=participation.producer.unit
    )
    _tell_recorder(
        participation,
        actor=actor,
        title=_("Đã xác nhận kết quả tham gia «%(event)s» của %(product)s.")
        % {"event": participation.event.name, "product": participation.product.name},
        url=reverse("promotion:event", args=[participation.event_id]),
    )
    return participation


@transaction.atomic
def participation_reject(*, actor, participation: Participation, reason: str) -> Participation:
    participation = (
        Participation.objects.select_for_update()
        .select_related("producer__unit", "event", "product")
        .get(pk=participation.pk)
    )
    _refuse(refusal_for(actor, "reject", participation))
    reason = _reason(reason)
    participation.status = _move(participation, "reject")
    participation.reason = reason
    participation.save(update_fields=["status", "reason"])
    record_event(
        actor=actor,
        action="participation.reject",
        target=participation,
        unit=participation.producer.unit,
        reason=reason,
    )
    _tell_recorder(
        participation,
        actor=actor,
        title=_("Chưa xác nhận kết quả tham gia «%(event)s» của %(product)s: %(reason)s")
        % {"event": participation.event.name, "product": participation.product.name, "reason": reason},
        url=reverse("promotion:event", args=[participation.event_id]),
    )
    return participation


def _reason(reason) -> str:
    text = " ".join(nfc(reason or "").split())
    if not text:
        raise Invalid(_("Hãy nêu lý do không xác nhận."), code="promotion_reason_required")
    return text[:500]


# --- shops ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def shop_create(
    *,
    actor,
    name: str,
    unit: AdminUnit | None,
    address: str,
    operator: str,
    opened_on,
    phone: str = "",
) -> Shop:
    """An officer records an OCOP shop or point of sale at a commune of their area."""
    unit = _unit(unit, levels=(Level.COMMUNE,), what=_("xã, phường, đặc khu"))
    _refuse(officer_refusal(actor, unit))
    name = _text(name, _("Tên điểm bán"), limit=255)
    address = _text(address, _("Địa chỉ"), limit=300)
    operator = _text(operator, _("Đơn vị vận hành"), limit=255)
    phone = _text(phone, _("Điện thoại"), limit=30, required=False)
    opened_on = _date(opened_on, _("Ngày khai trương"))
    shop = Shop.objects.create(
        name=name,
        unit=unit,
        address=address,
        operator=operator,
        phone=phone,
        opened_on=opened_on,
        search_text=fold(f"{name} {address} {operator} {unit.name}"),
        created_by=actor,
    )
    record_event(actor=actor, action="shop.create", target=shop, unit=unit, data={"name": name})
    return shop


def _certified(product: Product) -> Product:
    if not certified_products().filter(pk=product.pk).exists():
        raise Invalid(
            _(
                "«%(product)s» chưa có giấy chứng nhận OCOP còn hiệu lực: điểm bán và bộ quà tặng chỉ nhận sản phẩm đã chứng nhận."
            )
            % {"product": product.name},
            code="product_not_certified",
        )
    return product


@transaction.atomic
def shop_product_add(*, actor, shop: Shop, product: Product, since=None) -> ShopProduct:
    """The shop carries a certified product from `since` (today when not given)."""
    _refuse(refusal_for(actor, "add_product", shop))
    _certified(product)
    since = _date(since or timezone.localdate(), _("Bày bán từ ngày"))
    if ShopProduct.objects.filter(shop=shop, product=product).exists():
        raise Conflict(_("Điểm bán đã có sản phẩm này."), code="shop_product_exists")
    try:
        with transaction.atomic():
            carried = ShopProduct.objects.create(shop=shop, product=product, since=since, added_by=actor)
    except IntegrityError as twice:
        raise Conflict(_("Điểm bán đã có sản phẩm này."), code="shop_product_exists") from twice
    record_event(
        actor=actor,
        action="shop.product_add",
        target=shop,
        unit=shop.unit,
        data={"product": product.pk, "since": since.isoformat()},
    )
    return carried


# --- listings ------------------------------------------------------------------------------------------------------


@transaction.atomic
def listing_record(*, actor, product: Product, url: str, platform: str = "") -> Listing:
    """A product's page on an e-commerce platform. The producer's own report waits for an officer."""
    _refuse(reporter_refusal(actor, product))
    url = clean_url(url)
    platform = (platform or "").strip() or platforms.platform_of(url)
    if platform not in platforms.platforms():
        raise Invalid(
            _("Không có sàn «%(platform)s»; chọn một trong: %(platforms)s.")
            % {"platform": platform[:30], "platforms": ", ".join(platforms.platforms())},
            code="listing_platform_unknown",
        )
    if Listing.objects.filter(product=product, url=url).exists():
        raise Conflict(_("Liên kết này đã được ghi nhận cho sản phẩm."), code="listing_exists")
    by_officer = reported_by_officer(actor, product)
    try:
        with transaction.atomic():
            listing = Listing.objects.create(
                product=product,
                producer=product.producer,
                platform=platform,
                url=url,
                status=Confirmation.CONFIRMED if by_officer else Confirmation.PENDING,
                recorded_by=actor,
                confirmed_by=actor if by_officer else None,
                confirmed_at=timezone.now() if by_officer else None,
            )
    except IntegrityError as twice:
        raise Conflict(_("Liên kết này đã được ghi nhận cho sản phẩm."), code="listing_exists") from twice
    record_event(
        actor=actor,
        action="listing.record",
        target=listing,
        unit=product.producer.unit,
        data={"product": product.pk, "platform": platform, "url": url, "status": listing.status},
    )
    return listing


@transaction.atomic
def listing_confirm(*, actor, listing: Listing) -> Listing:
    listing = (
        Listing.objects.select_for_update().select_related("producer__unit", "product").get(pk=listing.pk)
    )
    _refuse(refusal_for(actor, "confirm", listing))
    listing.status = _move(listing, "confirm")
    listing.confirmed_by, listing.confirmed_at = actor, timezone.now()
    listing.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record_event(actor=actor, action="listing.confirm", target=listing, unit=listing.producer.unit)
    _tell_recorder(
        listing,
        actor=actor,
        title=_("Đã xác nhận gian hàng trực tuyến của %(product)s.") % {"product": listing.product.name},
        url=reverse("promotion:home"),
    )
    return listing


@transaction.atomic
def listing_reject(*, actor, listing: Listing, reason: str) -> Listing:
    listing = (
        Listing.objects.select_for_update().select_related("producer__unit", "product").get(pk=listing.pk)
    )
    _refuse(refusal_for(actor, "reject", listing))
    reason = _reason(reason)
    listing.status = _move(listing, "reject")
    listing.reason = reason
    listing.save(update_fields=["status", "reason"])
    record_event(
        actor=actor, action="listing.reject", target=listing, unit=listing.producer.unit, reason=reason
    )
    _tell_recorder(
        listing,
        actor=actor,
        title=_("Chưa xác nhận gian hàng trực tuyến của %(product)s: %(reason)s")
        % {"product": listing.product.name, "reason": reason},
        url=reverse("promotion:home"),
    )
    return listing


@transaction.atomic
def listing_link_checked(
    *, listing_id: int, answered: bool, detail: str, day: datetime.date
) -> Listing | None:
    """The periodic check's finding for one link (the system acts: no person). A link that stops answering is
    flagged (and leaves the public pages); one that answers again is restored. Both changes are audited."""
    listing = (
        Listing.objects.select_for_update().select_related("producer__unit").filter(pk=listing_id).first()
    )
    if listing is None:
        return None
    state = LinkState.OK if answered else LinkState.BROKEN
    before = listing.link_state
    listing.link_state, listing.link_detail, listing.checked_on = state, detail[:200], day
    if before == state:
        # Nothing the public sees changes but the check's date: an update without the save signal, so the
        # daily run does not start a new catalogue version (and empty the public answer cache) per link.
        Listing.objects.filter(pk=listing.pk).update(link_detail=listing.link_detail, checked_on=day)
        return listing
    listing.save(update_fields=["link_state", "link_detail", "checked_on"])
    if before != state and LinkState.BROKEN in (before, state):
        record_event(
            actor=None,
            action="listing.link_broken" if state == LinkState.BROKEN else "listing.link_answers",
            target=listing,
            unit=listing.producer.unit,
            data={"url": listing.url, "detail": detail[:200]},
        )
    return listing


# --- gift sets -----------------------------------------------------------------------------------------------------


@transaction.atomic
def gift_set_create(
    *,
    actor,
    name: str,
    unit: AdminUnit | None,
    products: Iterable[Product],
    description: str = "",
    price_vnd: int | None = None,
) -> GiftSet:
    """An officer puts a gift set together from two or more certified products, offered in their area."""
    unit = _unit(unit, levels=(Level.PROVINCE, Level.COMMUNE), what=_("tỉnh, thành phố hoặc xã, phường"))
    _refuse(officer_refusal(actor, unit))
    name = _text(name, _("Tên bộ quà tặng"), limit=255)
    description = _text(description, _("Mô tả"), limit=1000, required=False)
    price = None if price_vnd in (None, "") else _count(price_vnd, _("Giá (đồng)"), maximum=MAX_SALES_VND)
    chosen = list({product.pk: product for product in products}.values())
    if len(chosen) < 2:
        raise Invalid(_("Bộ quà tặng cần ít nhất hai sản phẩm OCOP khác nhau."), code="gift_set_too_small")
    for product in chosen:
        _certified(product)
    gift_set = GiftSet.objects.create(
        name=name, unit=unit, description=description, price_vnd=price, created_by=actor
    )
    GiftSetItem.objects.bulk_create([GiftSetItem(gift_set=gift_set, product=product) for product in chosen])
    record_event(
        actor=actor,
        action="gift_set.create",
        target=gift_set,
        unit=unit,
        data={"name": name, "products": [product.pk for product in chosen]},
    )
    return gift_set
