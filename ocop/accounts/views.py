"""Pages for signing in and out, one's password and API tokens, assigning roles, closing accounts, and reading
the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ocop.accounts import services
from ocop.accounts.forms import AccountStateForm, LoginForm, PasswordChangeForm, RoleGrantForm, RoleRevokeForm
from ocop.accounts.models import User
from ocop.accounts.policies import MANAGE_ACCOUNTS, Capability, has_capability
from ocop.accounts.selectors import (
    accounts_visible_to,
    audit_events_visible_to,
    roles_visible_to,
    token_of,
    tokens_of,
)
from ocop.accounts.usernames import normalise_username
from ocop.audit.labels import action_choices, action_label
from ocop.core.refusals import refusal


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        with refusal(form):
            user = services.authenticate_throttled(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
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
        person = User.objects.filter(username=normalise_username(form.cleaned_data["username"])).first()
        if person is None:
            form.add_error("username", _("Không có người dùng này."))
        else:
            with refusal(form):
                services.role_grant(
                    actor=request.user,
                    user=person,
                    kind=form.cleaned_data["kind"],
                    unit=form.cleaned_data["unit_code"],
                    reason=form.cleaned_data["reason"],
                )
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
    with refusal(request):
        services.role_revoke(actor=request.user, role=role, reason=form.cleaned_data["reason"])
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


@login_required
def security_view(request):
    """My API tokens (name, created, last used, from where) with a button to end each or all; my password."""
    return render(request, "accounts/security.html", {"tokens": tokens_of(request.user)})


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    token = token_of(request.user, token_id)
    if token is None:
        raise Http404
    with refusal(request):
        services.token_revoke(actor=request.user, token=token)
        messages.success(request, _("Đã kết thúc token «%(name)s».") % {"name": token})
    return redirect("accounts:security")


@login_required
@require_POST
def tokens_revoke_all_view(request):
    ended = services.token_revoke_all(actor=request.user)
    messages.success(request, _("Đã kết thúc %(count)s token.") % {"count": ended})
    return redirect("accounts:security")


@login_required
@require_http_methods(["GET", "POST"])
def password_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal(form):
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            messages.success(request, _("Đã đổi mật khẩu. Mọi token API của bạn đã hết hiệu lực."))
            return redirect("accounts:security")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password.html", {"form": form}, status=status)


@login_required
def users_view(request):
    """Accounts, active and closed, for whoever closes and reopens them (the role managers)."""
    _require(request, MANAGE_ACCOUNTS)
    query = request.GET.get("q", "")[:150]
    people = Paginator(accounts_visible_to(request.user, query), 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/users.html", {"people": people, "q": query, "state_form": AccountStateForm()}
    )


def _change_account(request, user_id: int, change, done: str):
    _require(request, MANAGE_ACCOUNTS)
    person = accounts_visible_to(request.user).filter(pk=user_id).first()
    if person is None:
        raise Http404
    form = AccountStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do."))
        return redirect("accounts:users")
    with refusal(request):
        change(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        messages.success(request, done % {"username": person.username})
    return redirect("accounts:users")


@login_required
@require_POST
def user_deactivate_view(request, user_id: int):
    return _change_account(request, user_id, services.user_deactivate, _("Đã khoá tài khoản %(username)s."))


@login_required
@require_POST
def user_reactivate_view(request, user_id: int):
    return _change_account(request, user_id, services.user_reactivate, _("Đã mở lại tài khoản %(username)s."))
