"""Actions on accounts: granting and revoking roles, API tokens, and the login throttle."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import ApiToken, LoginThrottle, Role, User
from ocop.accounts.policies import ROLE_UNIT_LEVELS, Capability, can, forget_roles
from ocop.audit.services import record_event
from ocop.core.errors import Conflict, Forbidden, Invalid, RateLimited, Unauthenticated
from ocop.core.ratelimit import client_address, spend
from ocop.geo.models import AdminUnit, Era

TOKEN_LIFETIME = timedelta(days=30)


@transaction.atomic
def role_grant(*, actor, user: User, kind: str, unit: AdminUnit, reason: str = "") -> Role:
    if actor is not None and not can(actor, Capability.MANAGE_ROLES, unit):
        raise Forbidden("Bạn không có quyền phân vai trò cho đơn vị này.", code="role_forbidden")
    if unit.era != Era.CURRENT or unit.level not in ROLE_UNIT_LEVELS.get(kind, ()):
        raise Invalid("Vai trò này không thể giao cho đơn vị cấp này.", code="role_unit_level")
    if Role.active.filter(user=user, kind=kind, unit=unit).exists():
        raise Conflict("Người dùng đã có vai trò này tại đơn vị này.", code="role_exists")
    role = Role.objects.create(user=user, kind=kind, unit=unit, granted_by=actor)
    forget_roles(user)
    record_event(
        actor=actor,
        action="role.grant",
        target=role,
        unit=unit,
        reason=reason,
        data={"user": user.username, "kind": kind, "unit": unit.code},
    )
    return role


@transaction.atomic
def role_revoke(*, actor, role: Role, reason: str = "") -> Role:
    role = Role.objects.select_for_update().get(pk=role.pk)
    if not can(actor, Capability.MANAGE_ROLES, role.unit):
        raise Forbidden("Bạn không có quyền thu hồi vai trò này.", code="role_forbidden")
    if role.revoked_at is not None:
        raise Conflict("Vai trò này đã được thu hồi.", code="role_already_revoked")
    role.revoked_at = timezone.now()
    role.save(update_fields=["revoked_at"])
    forget_roles(role.user)
    record_event(
        actor=actor,
        action="role.revoke",
        target=role,
        unit=role.unit,
        reason=reason,
        data={"user": role.user.username, "kind": role.kind, "unit": role.unit.code},
    )
    return role


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def login_check_allowed(username: str) -> None:
    throttle = LoginThrottle.objects.filter(username=username.lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        raise RateLimited(
            "Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", code="login_locked"
        )


@transaction.atomic
def login_record_failure(username: str) -> None:
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(username=username.lower())
    throttle.failures += 1
    if throttle.failures >= settings.LOGIN_MAX_FAILURES:
        throttle.locked_until = timezone.now() + timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
        throttle.failures = 0
        record_event(
            actor=None,
            action="login.locked",
            reason="Đăng nhập sai nhiều lần",
            data={"username": username.lower()},
        )
    throttle.save()


def login_record_success(username: str) -> None:
    LoginThrottle.objects.filter(username=username.lower()).delete()


def _address_failure(request):
    """Count one failure from this address over any names: a lock per name alone lets one machine try a
    common password on every account. Only failures count, so a commune office behind one address is not
    slowed."""
    bucket = f"login-failures:{client_address(request)}"
    return spend(bucket, limit=settings.LOGIN_ADDRESS_FAILURES, window=settings.LOGIN_LOCK_SECONDS)


def authenticate_throttled(request, username: str, password: str) -> User:
    """Check a name and password with lockout; raise a domain error with a message for the person.

    The budget per address counts failures only and never refuses a right password: people of one office
    share an address, and one of them mistyping must not lock out the others (the lock per name stays).
    A failure is counted first and judged on the count it got, so processes failing at once cannot all slip
    under the budget."""
    login_check_allowed(username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_record_failure(username)
        budget = _address_failure(request)
        if budget.used == budget.limit:
            record_event(
                actor=None,
                action="login.address_limited",
                reason="Đăng nhập sai nhiều lần từ một địa chỉ",
                data={"address": client_address(request)},
            )
        if budget.exceeded:
            raise RateLimited(
                _("Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": max(1, budget.retry_after // 60)},
                code="login_address_limited",
                details={"retry_after": budget.retry_after},
            )
        raise Unauthenticated("Tên đăng nhập hoặc mật khẩu không đúng.", code="bad_credentials")
    login_record_success(username)
    return user


@transaction.atomic
def token_issue(*, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(raw), expires_at=timezone.now() + TOKEN_LIFETIME)
    record_event(actor=user, action="token.issue", target=user)
    return raw


def token_user(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token.user


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """Create a person's account (roles are granted separately, by `role_grant`)."""
    username = username.strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise Conflict("Tên đăng nhập đã được dùng.", code="username_taken")
    user = User(username=username, full_name=full_name, email=email)
    user.set_password(password)
    user.save()
    record_event(actor=actor, action="user.create", target=user, data={"username": username})
    return user
