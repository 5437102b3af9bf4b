"""Pages of address aliases: the list of a province's matches (search, edit, delete) and the pick of a unit
for an address the history import could not resolve (`geo/_address_choice.html` posts here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.core.refusals import refusal, shows_refusals
from ocop.geo.addresses import AddressResolver, split_parts
from ocop.geo.models import AdminUnit, Level

from . import services
from .policies import can_alias_in, can_manage_aliases
from .selectors import address_alias_get, address_aliases_visible_to, units_to_pick


def _require_officer(request) -> None:
    if not can_manage_aliases(request.user):
        raise Http404


def _next(request) -> str:
    wanted = (request.POST.get("next") or request.GET.get("next") or "")[:1000]
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("addresses:aliases")


def _unit(request) -> AdminUnit | None:
    value = request.POST.get("unit", "")
    return (
        AdminUnit.objects.select_related("parent__parent").filter(pk=int(value)).first()
        if value.isdigit()
        else None
    )


def _choices(address: str, q: str) -> tuple[AdminUnit | None, list[AdminUnit], list[AdminUnit]]:
    """Today's province of the address, the closest units (as the import proposes them), and a search's hits."""
    resolver = AddressResolver(use_aliases=False)
    parts = split_parts(address)
    named = {p.current_province or p for p in resolver.province_of(parts[-1])} if parts else set()
    province = named.pop() if len(named) == 1 else None
    if province is None:
        return None, [], []
    found = resolver.resolve(address)
    near = [unit for unit, _score in found.suggestions] or list(found.candidates)
    if found.unit is not None and found.unit.level in (Level.DISTRICT, Level.COMMUNE):
        near = [found.unit, *near]
    near = list(dict.fromkeys(near))[:6]
    return province, near, [unit for unit in units_to_pick(province, q) if unit not in near]


@login_required
def alias_list(request):
    _require_officer(request)
    q = request.GET.get("q", "")[:100]
    page = Paginator(address_aliases_visible_to(request.user, q), 50).get_page(request.GET.get("page"))
    return render(request, "addresses/aliases.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def alias_create(request):
    """Pick the unit an address means; saved as an alias of the province, then back to `next`."""
    _require_officer(request)
    address = (request.POST.get("address") or request.GET.get("address") or "")[:500]
    next_url = _next(request)
    if request.method == "POST":
        with refusal(request):
            services.address_alias_create(actor=request.user, address=address, unit=_unit(request))
            messages.success(
                request,
                _("Đã ghi nhớ: từ nay «%(address)s» được hiểu như đơn vị đã chọn.") % {"address": address},
            )
            return redirect(next_url)
        again = QueryDict(mutable=True)
        again.update({"address": address, "next": next_url})
        return redirect(f"{reverse('addresses:alias_create')}?{again.urlencode()}")
    q = request.GET.get("q", "")[:100]
    province, near, hits = _choices(address, q)
    return render(
        request,
        "addresses/alias_form.html",
        {
            "address": address,
            "next": next_url,
            "q": q,
            "province": province,
            "may_save": province is not None and can_alias_in(request.user, province),
            "near": near,
            "hits": hits,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals
def alias_edit(request, pk: int):
    _require_officer(request)
    alias = address_alias_get(request.user, pk)
    if request.method == "POST":
        with refusal(request):
            services.address_alias_update(actor=request.user, alias=alias, unit=_unit(request))
            messages.success(request, _("Đã sửa địa chỉ đã ghép."))
            return redirect("addresses:aliases")
        return redirect("addresses:alias_edit", pk=alias.pk)
    q = request.GET.get("q", "")[:100]
    _province, near, hits = _choices(alias.written, q)
    return render(
        request,
        "addresses/alias_form.html",
        {
            "alias": alias,
            "address": alias.written,
            "next": reverse("addresses:aliases"),
            "q": q,
            "province": alias.province,
            "may_save": can_alias_in(request.user, alias.province),
            "near": near,
            "hits": hits,
        },
    )


@login_required
@require_POST
@shows_refusals
def alias_delete(request, pk: int):
    _require_officer(request)
    alias = address_alias_get(request.user, pk)
    with refusal(request):
        services.address_alias_delete(actor=request.user, alias=alias, reason=request.POST.get("reason", ""))
        messages.success(request, _("Đã xóa địa chỉ đã ghép «%(address)s».") % {"address": alias.written})
    return redirect("addresses:aliases")
