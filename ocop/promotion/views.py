"""Pages of trade promotion: the officers' and producers' desk, events and their results, shops and what they
carry, e-commerce listings, gift sets; and the public "where to buy" search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.policies import active_roles
from ocop.core.refusals import refusal, shows_refusals
from ocop.geo.models import Level
from ocop.producers.forms import provinces
from ocop.products.models import Product
from ocop.products.selectors import products_visible_to
from ocop.promotion import platforms, policies, selectors, services
from ocop.promotion.forms import (
    EventForm,
    GiftSetForm,
    ListingForm,
    ParticipationForm,
    ReasonForm,
    ShopForm,
    ShopProductForm,
)
from ocop.promotion.models import Confirmation

FORM_CHOICES = 300  # products offered by a form's select


def _default_province(user) -> str | None:
    for role in active_roles(user):
        if role.unit.level == Level.PROVINCE:
            return role.unit.code
        if role.unit.level == Level.COMMUNE and role.unit.parent_id:
            return role.unit.parent.code
    return None


def _form_page(request, form, title: str, *, status: int | None = None, back: str = ""):
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render(request, "promotion/form.html", {"form": form, "title": title, "back": back}, status=status)


@login_required
def home(request):
    user = request.user
    if not policies.may_report(user):
        raise Http404
    participations = list(selectors.participations_search(user)[:100])
    listings = list(selectors.listings_search(user)[:100])
    return render(
        request,
        "promotion/home.html",
        {
            "events": selectors.events_search(user)[:20],
            "shops": selectors.shops_search(user)[:50],
            "gift_sets": selectors.gift_sets_visible_to(user).order_by("name", "pk")[:50],
            "participations": [(p, policies.flags(user, p)) for p in participations],
            "listings": [
                (item, policies.flags(user, item), platforms.platform_name(item.platform))
                for item in listings
            ],
            "waiting": sum(1 for p in participations if p.status == Confirmation.PENDING)
            + sum(1 for item in listings if item.status == Confirmation.PENDING),
            "is_officer": policies.is_officer(user),
            "reason_form": ReasonForm(),
        },
    )


# --- events -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    if not policies.may_record_events(request.user):
        raise Http404
    form = EventForm(request.POST or None, initial={"province": _default_province(request.user)})
    form.setup_communes(request.POST.get("province") or _default_province(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            event = services.event_create(
                actor=request.user,
                unit=form.place(),
                name=data["name"],
                kind=data["kind"],
                level=data["level"],
                venue=data["venue"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                organiser=data["organiser"],
            )
            messages.success(request, _("Đã ghi nhận sự kiện «%(name)s».") % {"name": event.name})
            return redirect("promotion:event", event.pk)
        return _form_page(request, form, _("Ghi nhận hội chợ, triển lãm"), status=refused.status)
    return _form_page(request, form, _("Ghi nhận hội chợ, triển lãm"))


@login_required
@require_GET
@shows_refusals
def event(request, pk: int):
    found = selectors.event_get(request.user, pk)
    rows = list(selectors.participations_search(request.user, event_id=found.pk))
    return render(
        request,
        "promotion/event.html",
        {
            "event": found,
            "participations": [(p, policies.flags(request.user, p)) for p in rows],
            "results": selectors.event_results(rows),
            "may_report": policies.may_report(request.user),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def participation_create(request, pk: int):
    found = selectors.event_get(request.user, pk)
    if not policies.may_report(request.user):
        raise Http404
    # Offered: the person's own products (or their area's); any product is read back, and the service says
    # whether this person may report it.
    products = products_visible_to(request.user).order_by("name", "pk")[:FORM_CHOICES]
    form = ParticipationForm(request.POST or None, products=Product.objects.select_related("producer"))
    form.fields["product"].choices = [("", "—")] + [(p.pk, f"{p.name} – {p.producer.name}") for p in products]
    title = _("Kết quả tham gia «%(event)s»") % {"event": found.name}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            row = services.participation_record(
                actor=request.user,
                event=found,
                product=data["product"],
                sales_vnd=data["sales_vnd"],
                contracts=data["contracts"],
                buyers_met=data["buyers_met"],
                note=data["note"],
            )
            if row.status == Confirmation.PENDING:
                messages.success(request, _("Đã ghi nhận; kết quả chờ cán bộ xác nhận."))
            else:
                messages.success(request, _("Đã ghi nhận và xác nhận kết quả tham gia."))
            return redirect("promotion:event", found.pk)
        return _form_page(request, form, title, status=refused.status)
    return _form_page(request, form, title)


def _act(request, record, action: str, *, confirm, reject):
    form = ReasonForm(request.POST)
    form.is_valid()
    with refusal(request):
        if action == "confirm":
            confirm(actor=request.user, record=record)
            messages.success(request, _("Đã xác nhận."))
        else:
            reject(actor=request.user, record=record, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("Đã ghi lý do không xác nhận."))


@login_required
@require_POST
@shows_refusals
def participation_act(request, pk: int, action: str):
    row = selectors.participation_get(request.user, pk)
    if action not in ("confirm", "reject"):
        raise Http404
    _act(
        request,
        row,
        action,
        confirm=lambda actor, record: services.participation_confirm(actor=actor, participation=record),
        reject=lambda actor, record, reason: services.participation_reject(
            actor=actor, participation=record, reason=reason
        ),
    )
    if request.POST.get("next") == "home":  # confirmed from the desk's list: back to it
        return redirect("promotion:home")
    return redirect("promotion:event", row.event_id)


# --- shops --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def shop_create(request):
    if not policies.is_officer(request.user):
        raise Http404
    form = ShopForm(request.POST or None, initial={"province": _default_province(request.user)})
    form.setup_communes(request.POST.get("province") or _default_province(request.user))
    title = _("Ghi nhận điểm giới thiệu và bán sản phẩm OCOP")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            shop = services.shop_create(
                actor=request.user,
                unit=data["commune"],
                name=data["name"],
                address=data["address"],
                operator=data["operator"],
                phone=data["phone"],
                opened_on=data["opened_on"],
            )
            messages.success(request, _("Đã ghi nhận điểm bán «%(name)s».") % {"name": shop.name})
            return redirect("promotion:shop", shop.pk)
        return _form_page(request, form, title, status=refused.status)
    return _form_page(request, form, title)


def _shop_product_form(shop, data=None) -> ShopProductForm:
    return ShopProductForm(
        data, products=selectors.certified_products_of_province(shop.unit.current_province)
    )


@login_required
@require_GET
@shows_refusals
def shop(request, pk: int):
    found = selectors.shop_get(request.user, pk)
    flags = policies.flags(request.user, found)
    return render(
        request,
        "promotion/shop.html",
        {
            "shop": found,
            "carried": selectors.carried_by(found),
            "flags": flags,
            "form": _shop_product_form(found) if flags["may_add_product"] else None,
        },
    )


@login_required
@require_POST
@shows_refusals
def shop_product_add(request, pk: int):
    found = selectors.shop_get(request.user, pk)
    form = _shop_product_form(found, request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một sản phẩm OCOP đã chứng nhận của tỉnh."))
        return redirect("promotion:shop", found.pk)
    with refusal(request):
        services.shop_product_add(
            actor=request.user,
            shop=found,
            product=form.cleaned_data["product"],
            since=form.cleaned_data["since"],
        )
        messages.success(
            request, _("Điểm bán đã bày bán «%(product)s».") % {"product": form.cleaned_data["product"].name}
        )
    return redirect("promotion:shop", found.pk)


# --- listings -----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request):
    if not policies.may_report(request.user):
        raise Http404
    products = products_visible_to(request.user).order_by("name", "pk")
    form = ListingForm(request.POST or None, products=Product.objects.select_related("producer"))
    form.fields["product"].choices = [("", "—")] + [
        (p.pk, f"{p.name} – {p.producer.name}") for p in products[:FORM_CHOICES]
    ]
    title = _("Ghi nhận gian hàng thương mại điện tử")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            row = services.listing_record(
                actor=request.user, product=data["product"], url=data["url"], platform=data["platform"]
            )
            if row.status == Confirmation.PENDING:
                messages.success(request, _("Đã ghi nhận gian hàng; chờ cán bộ xác nhận."))
            else:
                messages.success(request, _("Đã ghi nhận và xác nhận gian hàng."))
            return redirect("promotion:home")
        return _form_page(request, form, title, status=refused.status)
    return _form_page(request, form, title)


@login_required
@require_POST
@shows_refusals
def listing_act(request, pk: int, action: str):
    row = selectors.listing_get(request.user, pk)
    if action not in ("confirm", "reject"):
        raise Http404
    _act(
        request,
        row,
        action,
        confirm=lambda actor, record: services.listing_confirm(actor=actor, listing=record),
        reject=lambda actor, record, reason: services.listing_reject(
            actor=actor, listing=record, reason=reason
        ),
    )
    return redirect("promotion:home")


# --- gift sets ----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def gift_set_create(request):
    if not policies.is_officer(request.user):
        raise Http404
    products = selectors.certified_products_for(request.user)
    form = GiftSetForm(
        request.POST or None,
        products=selectors.certified_products(),
        initial={"province": _default_province(request.user)},
    )
    form.setup_communes(request.POST.get("province") or _default_province(request.user))
    form.fields["products"].choices = [
        (p.pk, f"{p.name} – {p.producer.name}") for p in products[:FORM_CHOICES]
    ]
    title = _("Lập bộ quà tặng")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal(form) as refused:
            gift = services.gift_set_create(
                actor=request.user,
                name=data["name"],
                unit=form.place(),
                products=data["products"],
                description=data["description"],
                price_vnd=data["price_vnd"],
            )
            messages.success(request, _("Đã lập bộ quà tặng «%(name)s».") % {"name": gift.name})
            return redirect("promotion:home")
        return _form_page(request, form, title, status=refused.status)
    return _form_page(request, form, title)


# --- public -------------------------------------------------------------------------------------------------------


@require_GET
def where_to_buy(request):
    """Public: open OCOP shops near a unit, with the certified products each carries."""
    code = request.GET.get("unit", "").strip()[:8] or request.GET.get("commune", "").strip()[:8]
    code = code or request.GET.get("province", "").strip()[:8]
    unit = selectors.current_unit(code, levels=(Level.PROVINCE, Level.COMMUNE)) if code else None
    q = request.GET.get("q", "").strip()[:100]
    form = ShopForm(
        initial={
            "province": _province_code(unit),
            "commune": unit.code if unit and unit.level == Level.COMMUNE else "",
        }
    )
    form.setup_communes(_province_code(unit))
    rows = selectors.shops_near(unit, q=q)
    return render(
        request,
        "promotion/where_to_buy.html",
        {
            "unit": unit,
            "unknown": bool(code) and unit is None,
            "q": q,
            "rows": rows,
            "province_field": form["province"],
            "commune_field": form["commune"],
            "provinces": provinces(),
        },
    )


def _province_code(unit) -> str | None:
    if unit is None:
        return None
    return unit.code if unit.level == Level.PROVINCE else getattr(unit.current_province, "code", None)
