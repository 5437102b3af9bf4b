"""Pages for signing in and out, assigning roles, and reading the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts import services
from ocop.accounts.forms import LoginForm, RoleGrantForm, RoleRevokeForm
from ocop.accounts.models import User
from ocop.accounts.policies import Capability, has_capability
from ocop.accounts.selectors import audit_events_visible_to, roles_visible_to
from ocop.audit.labels import action_choices, action_label
from ocop.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_throttled(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            login(request, user)
            return redirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=200)


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Bạn đã đăng xuất."))
    return redirect("home")


def _require(request, capability: Capability) -> None:
    if not has_capability(request.user, capability):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def roles_view(request):
    _require(request, Capability.MANAGE_ROLES)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(username=form.cleaned_data["username"]).first()
        if person is None:
            form.add_error("username", _("Không có người dùng này."))
        else:
            try:
                services.role_grant(
                    actor=request.user,
                    user=person,
                    kind=form.cleaned_data["kind"],
                    unit=form.cleaned_data["unit_code"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Đã giao vai trò."))
                return redirect("accounts:roles")
    roles = Paginator(roles_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/roles.html", {"form": form, "roles": roles, "revoke_form": RoleRevokeForm()}
    )


@login_required
@require_POST
def role_revoke_view(request, role_id: int):
    _require(request, Capability.MANAGE_ROLES)
    role = roles_visible_to(request.user).filter(pk=role_id).first()
    if role is None:
        raise Http404
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do thu hồi."))
        return redirect("accounts:roles")
    try:
        services.role_revoke(actor=request.user, role=role, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:roles")


@login_required
def audit_view(request):
    _require(request, Capability.READ_AUDIT)
    events = audit_events_visible_to(request.user)
    action = request.GET.get("action", "").strip()[:60]
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.label = action_label(event.action) or event.action
    return render(
        request, "accounts/audit.html", {"page": page, "action": action, "actions": action_choices()}
    )
